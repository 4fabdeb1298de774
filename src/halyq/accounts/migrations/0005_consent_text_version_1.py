"""Version 1 of the consent to the processing of personal data, in three languages.

Written in plain words after the Law of the Republic of Kazakhstan "On personal data
and their protection" (No. 94-V, 21 May 2013): purpose, data, who sees what, storage in
Kazakhstan, retention, withdrawal. A published version is never edited: a change is a
new version in a new migration, and people are asked to agree to it.
"""

from django.db import migrations
from django.utils import timezone

TEXT_EN = """Consent to the collection and processing of personal data (version 1)

By creating an account on Halyq, I agree that the organisation that runs Halyq (the operator) collects and processes my personal data as described below, in accordance with the Law of the Republic of Kazakhstan "On personal data and their protection" No. 94-V of 21 May 2013.

1. What data. My email address and password (the password is stored only as a one-way hash). If I give them: my name, phone number, preferred language, region and district of residence, and IIN. The appeals I file, their text and attachments, my answers to questions about them and my evaluations. When I gave this consent and when I last signed in.

2. Why. Only to:
— register and handle my appeals to deputies and public reception offices, and tell me how they progress;
— make sure appeals come from real people (email confirmation) and prevent duplicate accounts;
— build the public rating of deputies from the results of this work. The rating uses only depersonalised records: my name, contacts and the text of my appeals are never published.

3. Who sees what.
— The staff of the reception office and the deputy handling my appeal: my name, contacts and the appeal itself, as far as they need them to answer it.
— The moderator of my region: the same, only to check appeals and settle disputes.
— Central administrators: only when needed to keep the system working or to answer a complaint.
— The public, journalists and users of open data: only depersonalised figures, never my name, contacts, IIN or the text of my appeals.
My IIN is stored encrypted and shown to nobody but me (and to me partly hidden); it is never published or exported. My data is not sold and is not passed to third parties, except where the law of the Republic of Kazakhstan expressly requires it.

4. Where. My personal data is kept in a database located in the territory of the Republic of Kazakhstan and is not transferred abroad.

5. For how long. As long as my account exists. When I delete it, my personal data is erased at once; the records of my appeals remain without anything that identifies me, so that the ratings built on them can still be checked. Backup copies are overwritten within 30 days.

6. My rights. At any time I can see and download my data on my account page, correct it, and withdraw this consent by deleting my account. Withdrawing consent does not make the processing done before it unlawful. I can complain about the operator to the authorised body for the protection of personal data or to a court.

7. Changes. If this text changes, I will be asked to agree to the new version; until then my data is processed under this one."""

TEXT_RU = """Согласие на сбор и обработку персональных данных (версия 1)

Создавая учётную запись в Halyq, я соглашаюсь с тем, что организация, которая ведёт Halyq (оператор), собирает и обрабатывает мои персональные данные так, как описано ниже, в соответствии с Законом Республики Казахстан «О персональных данных и их защите» от 21 мая 2013 года № 94-V.

1. Какие данные. Адрес электронной почты и пароль (пароль хранится только в виде необратимого хеша). Если я их укажу: имя, номер телефона, язык общения, область и район проживания, ИИН. Мои обращения, их текст и вложения, мои ответы на вопросы по ним и мои оценки. Время, когда я дал(а) это согласие и когда последний раз входил(а) в систему.

2. Зачем. Только для того, чтобы:
— регистрировать и рассматривать мои обращения к депутатам и в общественные приёмные и сообщать мне, как они продвигаются;
— убедиться, что обращения подают реальные люди (подтверждение почты), и не допускать повторных учётных записей;
— составлять публичный рейтинг депутатов по итогам этой работы. Рейтинг строится только на обезличенных записях: моё имя, контакты и текст моих обращений никогда не публикуются.

3. Кто что видит.
— Сотрудники общественной приёмной и депутат, которые рассматривают моё обращение: имя, контакты и само обращение — в той мере, в какой это нужно для ответа.
— Модератор моего региона: то же самое, только чтобы проверять обращения и разбирать споры.
— Центральные администраторы: только когда это нужно для работы системы или для ответа на жалобу.
— Общество, журналисты и пользователи открытых данных: только обезличенные цифры, никогда — моё имя, контакты, ИИН или текст моих обращений.
ИИН хранится в зашифрованном виде и не показывается никому, кроме меня (и мне — частично скрытым); он никогда не публикуется и не выгружается. Мои данные не продаются и не передаются третьим лицам, кроме случаев, прямо предусмотренных законодательством Республики Казахстан.

4. Где. Мои персональные данные хранятся в базе данных, расположенной на территории Республики Казахстан, и за рубеж не передаются.

5. Как долго. Пока существует моя учётная запись. Когда я её удаляю, мои персональные данные сразу стираются; записи о моих обращениях остаются без сведений, по которым меня можно узнать, чтобы построенные на них рейтинги можно было проверить. Резервные копии перезаписываются в течение 30 дней.

6. Мои права. В любое время я могу посмотреть и скачать свои данные на странице учётной записи, исправить их и отозвать это согласие, удалив учётную запись. Отзыв согласия не делает незаконной обработку, проведённую до него. Я могу обжаловать действия оператора в уполномоченном органе по защите персональных данных или в суде.

7. Изменения. Если этот текст изменится, меня попросят согласиться с новой версией; до тех пор мои данные обрабатываются по этой."""

TEXT_KK = """Дербес деректерді жинауға және өңдеуге келісім (1-нұсқа)

Halyq жүйесінде тіркелгі ашу арқылы мен Halyq-ты жүргізетін ұйымның (оператордың) менің дербес деректерімді төменде сипатталғандай, Қазақстан Республикасының 2013 жылғы 21 мамырдағы № 94-V «Дербес деректер және оларды қорғау туралы» Заңына сәйкес жинауына және өңдеуіне келісемін.

1. Қандай деректер. Электрондық пошта мекенжайым және құпиясөзім (құпиясөз тек қайтымсыз хэш түрінде сақталады). Егер мен көрсетсем: атым, телефон нөмірім, қарым-қатынас тілім, тұратын облысым мен ауданым, ЖСН. Менің өтініштерім, олардың мәтіні мен тіркемелері, олар бойынша сұрақтарға берген жауаптарым және бағаларым. Осы келісімді берген және жүйеге соңғы рет кірген уақытым.

2. Не үшін. Тек мына мақсаттарда:
— депутаттарға және қоғамдық қабылдау бөлмелеріне жолдаған өтініштерімді тіркеу және қарау, олардың барысы туралы маған хабарлау;
— өтініштерді нақты адамдар жіберетініне көз жеткізу (поштаны растау) және қайталанатын тіркелгілерге жол бермеу;
— осы жұмыстың нәтижелері бойынша депутаттардың ашық рейтингін құру. Рейтинг тек иесіздендірілген жазбаларға негізделеді: менің атым, байланыс деректерім және өтініштерімнің мәтіні ешқашан жарияланбайды.

3. Кім нені көреді.
— Менің өтінішімді қарайтын қоғамдық қабылдау бөлмесінің қызметкерлері мен депутат: атым, байланыс деректерім және өтініштің өзі — жауап беруге қажетті көлемде.
— Менің өңірімнің модераторы: дәл сол деректер, тек өтініштерді тексеру және дауларды шешу үшін.
— Орталық әкімшілер: тек жүйенің жұмысы үшін немесе шағымға жауап беру үшін қажет болғанда.
— Қоғам, журналистер және ашық деректерді пайдаланушылар: тек иесіздендірілген сандар, ешқашан менің атым, байланыс деректерім, ЖСН немесе өтініштерімнің мәтіні емес.
ЖСН шифрланған түрде сақталады және менен басқа ешкімге көрсетілмейді (маған да ішінара жасырылып көрсетіледі); ол ешқашан жарияланбайды және экспортталмайды. Менің деректерім сатылмайды және Қазақстан Республикасының заңнамасында тікелей көзделген жағдайлардан басқа кезде үшінші тұлғаларға берілмейді.

4. Қайда. Менің дербес деректерім Қазақстан Республикасының аумағында орналасқан дерекқорда сақталады және шетелге берілмейді.

5. Қанша уақыт. Тіркелгім бар болғанша. Мен оны жойған кезде дербес деректерім бірден өшіріледі; өтініштерім туралы жазбалар мені анықтауға мүмкіндік беретін мәліметтерсіз қалады, сонда олардың негізінде құрылған рейтингтерді тексеруге болады. Сақтық көшірмелер 30 күн ішінде қайта жазылады.

6. Менің құқықтарым. Кез келген уақытта тіркелгі бетінде өз деректерімді көріп, жүктеп ала аламын, оларды түзете аламын және тіркелгімді жою арқылы осы келісімді кері қайтарып ала аламын. Келісімді кері қайтарып алу оған дейін жүргізілген өңдеуді заңсыз етпейді. Оператордың әрекеттеріне дербес деректерді қорғау жөніндегі уәкілетті органға немесе сотқа шағымдана аламын.

7. Өзгерістер. Егер бұл мәтін өзгерсе, менен жаңа нұсқаға келісу сұралады; оған дейін деректерім осы нұсқа бойынша өңделеді."""


def publish_version_1(apps, schema_editor):
    ConsentText = apps.get_model("accounts", "ConsentText")
    ConsentText.objects.update_or_create(
        version=1,
        defaults={
            "text_kk": TEXT_KK,
            "text_ru": TEXT_RU,
            "text_en": TEXT_EN,
            "published_at": timezone.now(),
        },
    )


def withdraw_version_1(apps, schema_editor):
    apps.get_model("accounts", "ConsentText").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_consent_and_iin")]

    operations = [migrations.RunPython(publish_version_1, withdraw_version_1)]
