"""Seed step: the news section — about 200 articles over the last four months (demo),
with view, comment and reaction histories that make the most-read list look alive.

Rules of this step:
- Deterministic for a seed: every choice comes from the one `rng`; times are counted
  back from the current hour, so the last 24 hours always have fresh articles and views.
- Articles are in Russian, most also in Kazakh, some also in English; each is about one
  or two generated deputies and their region, with categories and tags.
- Views follow a heavy tail (a few articles are read by thousands, most by hundreds),
  with half of an article's readers on its first day and a daily rhythm by the hour.
  Daily counts cover each article's whole life; hour buckets the last 7 days only
  (what the most-read windows read).
- Comments and reactions come from generated readers whose addresses are obviously
  fake (news-reader{n}@example.kz) and who cannot sign in; no name or address is ever
  shown. Most comments are published, some wait for moderation, a few were rejected,
  each decision logged as the publisher's.
- The demo's news editor and publisher sign in with the demo password
  (editor@demo.halyq.kz, publisher@demo.halyq.kz), so `halyq demo-accounts` lists them.
- A handful of generated cover images (gradients drawn with Pillow) are stored once in
  the default storage under news/demo/ and shared by the articles.
- Fast: bulk inserts only, no per-row saves.
"""

from __future__ import annotations

import io
import math
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from halyq.accounts.models import RoleAssignment, User
from halyq.directory.models import Person, Region
from halyq.news.counting import hour_start, local_day
from halyq.news.models import (
    Article,
    ArticleDailyViews,
    ArticleEvent,
    ArticleHourlyViews,
    Category,
    Comment,
    CommentDecision,
    Reaction,
    ReadAlsoLink,
    Tag,
)
from halyq.news.sanitising import sanitize_html
from halyq.seeding.accounts import DEMO_DOMAIN, DEMO_PASSWORD
from halyq.seeding.directory import DirectoryWorld
from halyq.seeding.scale import Scale

SIZES = {"demo": (200, 120, 300), "national": (1500, 365, 2000)}  # articles, days, readers
EDITOR_EMAIL = f"editor@{DEMO_DOMAIN}"
PUBLISHER_EMAIL = f"publisher@{DEMO_DOMAIN}"
COVERS = 8
HOURLY_DAYS = 7
# Share of a day's readers by local hour: quiet nights, mornings and evenings busiest.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 9, 8, 8, 8, 7, 7, 7, 8, 9, 10, 10, 8, 5, 2]

CATEGORIES = [
    ("receptions", "Азаматтарды қабылдау", "Приёмы граждан", "Citizens' receptions"),
    ("appeals", "Өтініштер", "Обращения", "Appeals"),
    ("infrastructure", "Инфрақұрылым", "Инфраструктура", "Infrastructure"),
    ("social", "Әлеуметтік сала", "Социальная сфера", "Social services"),
    ("programme", "Сайлауалды бағдарлама", "Предвыборная программа", "Election programme"),
    ("party", "Партия өмірі", "Жизнь партии", "Party life"),
]
TAGS = [
    ("roads", "жолдар", "дороги", "roads"),
    ("heating", "жылу", "отопление", "heating"),
    ("water", "ауыз су", "питьевая вода", "drinking water"),
    ("schools", "мектептер", "школы", "schools"),
    ("healthcare", "денсаулық", "здравоохранение", "healthcare"),
    ("lighting", "көше жарығы", "освещение", "street lighting"),
    ("transport", "қоғамдық көлік", "общественный транспорт", "public transport"),
    ("housing", "тұрғын үй", "жильё", "housing"),
    ("budget", "бюджет", "бюджет", "budget"),
    ("youth", "жастар", "молодёжь", "youth"),
    ("playgrounds", "балалар алаңдары", "детские площадки", "playgrounds"),
    ("online-reception", "онлайн қабылдау", "онлайн-приём", "online reception"),
    ("maslikhat", "мәслихат", "маслихат", "maslikhat"),
    ("mandates", "сайлаушылар аманаты", "наказы избирателей", "voters' mandates"),
]

# (category, tags, title kk/ru/en, lead kk/ru/en); {name} is a deputy, {region} a region,
# {n} a number. Kazakh titles avoid case endings on the inserted names.
STORIES = [
    (
        "receptions",
        ["online-reception"],
        (
            "{name} азаматтарды қабылдады: {n} өтініш тіркелді",
            "{name} провёл|провела приём граждан: принято {n} обращений",
            "{name} held a citizens' reception: {n} appeals registered",
        ),
        (
            "Қабылдауға келгендердің көбі коммуналдық қызмет пен жол мәселесін көтерді.",
            "Больше всего жителей пришли с вопросами о коммунальных услугах и дорогах.",
            "Most residents came with questions about utilities and roads.",
        ),
    ),
    (
        "infrastructure",
        ["roads", "mandates"],
        (
            "{region}: тұрғындардың өтінішінен кейін {n} шақырым жол жөнделді",
            "{region}: после обращений жителей отремонтировали {n} км дорог",
            "{region}: {n} km of road repaired after residents' appeals",
        ),
        (
            "Жөндеу жұмыстары сайлаушылар аманаты бойынша жүргізілді.",
            "Работы провели по наказу избирателей, жители подтвердили результат.",
            "The work followed voters' mandates, and residents confirmed the result.",
        ),
    ),
    (
        "infrastructure",
        ["heating", "housing"],
        (
            "{region}: {n} көппәтерлі үйге жылу берілді",
            "{region}: в {n} многоквартирных домах восстановили отопление",
            "{region}: heating restored in {n} apartment blocks",
        ),
        (
            "Депутаттар жылу маусымы басталмай тұрып желілерді тексеруді талап етті.",
            "Депутаты потребовали проверить сети до начала отопительного сезона.",
            "Deputies demanded the networks be checked before the heating season.",
        ),
    ),
    (
        "social",
        ["schools", "mandates"],
        (
            "Депутат {name} мектепті жөндеуге қол жеткізді",
            "Депутат {name} добился|добилась капитального ремонта школы",
            "Deputy {name} secures a major school repair",
        ),
        (
            "Ата-аналар бір жыл бойы шатырдың ағуына шағымданған.",
            "Родители год жаловались на протекающую крышу и холодные классы.",
            "Parents had complained for a year about a leaking roof and cold classrooms.",
        ),
    ),
    (
        "social",
        ["healthcare", "mandates"],
        (
            "{region}: сайлаушылар аманаты бойынша жаңа амбулатория ашылды",
            "{region}: по наказу избирателей открылась новая амбулатория",
            "{region}: a new clinic opens on a voters' mandate",
        ),
        (
            "Енді {n} тұрғын дәрігерге аудан орталығына бармай қаралады.",
            "Теперь {n} жителей могут попасть к врачу, не выезжая в райцентр.",
            "{n} residents can now see a doctor without travelling to the district centre.",
        ),
    ),
    (
        "infrastructure",
        ["water"],
        (
            "{region}: {n} отбасы таза ауыз суға қол жеткізді",
            "{region}: {n} семей получили доступ к чистой питьевой воде",
            "{region}: {n} families connected to clean drinking water",
        ),
        (
            "Су құбырын тарту туралы өтініш үш жыл бұрын берілген.",
            "Обращение о подведении водопровода жители подали три года назад.",
            "Residents first asked for a water main three years ago.",
        ),
    ),
    (
        "programme",
        ["budget", "maslikhat"],
        (
            "Фракция сайлауалды бағдарламаның орындалуы туралы есеп берді",
            "Фракция отчиталась о выполнении предвыборной программы",
            "Faction reports on the delivery of its election programme",
        ),
        (
            "Жоспарланған {n} шараның көбі мерзімінде орындалды.",
            "Большая часть из {n} запланированных мер выполнена в срок.",
            "Most of the {n} planned measures were delivered on time.",
        ),
    ),
    (
        "receptions",
        ["online-reception", "youth"],
        (
            "{name} тікелей эфирде тұрғындардың сұрақтарына жауап берді",
            "{name} ответил|ответила на вопросы жителей в прямом эфире",
            "{name} answers residents' questions live",
        ),
        (
            "Эфир кезінде {n} сұрақ келіп түсті, олардың әрқайсысы өтініш ретінде тіркелді.",
            "За время эфира поступило {n} вопросов, каждый зарегистрирован как обращение.",
            "{n} questions came in during the broadcast; each was registered as an appeal.",
        ),
    ),
    (
        "appeals",
        ["budget", "maslikhat"],
        (
            "{region}: депутаттар тұрғындармен бюджетті талқылады",
            "{region}: депутаты обсудили с жителями проект бюджета",
            "{region}: deputies discuss the draft budget with residents",
        ),
        (
            "Тыңдауға {n} адам қатысып, ұсыныстарын жазып қалдырды.",
            "В слушаниях участвовали {n} человек, их предложения внесены в протокол.",
            "{n} people took part in the hearing; their proposals are on record.",
        ),
    ),
    (
        "infrastructure",
        ["lighting", "mandates"],
        (
            "{region}: {n} көшеге жарық орнатылды",
            "{region}: на {n} улицах установили освещение",
            "{region}: street lights installed on {n} streets",
        ),
        (
            "Тұрғындар кешкі уақытта жолдың қараңғы екеніне шағымданған.",
            "Жители жаловались, что вечером по улицам опасно ходить.",
            "Residents had complained the streets were unsafe after dark.",
        ),
    ),
    (
        "social",
        ["playgrounds", "youth"],
        (
            "{region}: аулада жаңа балалар алаңы пайда болды",
            "{region}: во дворах появились новые детские площадки",
            "{region}: new playgrounds in residential courtyards",
        ),
        (
            "Алаңдардың орны тұрғындармен бірге таңдалды.",
            "Места для площадок выбирали вместе с жителями.",
            "The sites were chosen together with residents.",
        ),
    ),
    (
        "appeals",
        ["transport"],
        (
            "{region}: тұрғындардың өтінішімен жаңа автобус бағыты ашылды",
            "{region}: по обращениям жителей запущен новый автобусный маршрут",
            "{region}: a new bus route launched after residents' appeals",
        ),
        (
            "Бағыт күн сайын {n} рейс жасайды.",
            "Автобусы будут совершать {n} рейсов в день.",
            "Buses will make {n} trips a day.",
        ),
    ),
    (
        "party",
        ["youth"],
        (
            "Партия резервіндегі белсенділер {region} өңірінде жиналды",
            "Активисты кадрового резерва партии собрались в регионе: {region}",
            "Party reserve activists meet in {region}",
        ),
        (
            "Кездесуде {n} белсенді өз жобаларын таныстырды.",
            "На встрече {n} активистов представили свои проекты.",
            "{n} activists presented their projects at the meeting.",
        ),
    ),
]

BODY_SENTENCES = {
    "ru": [
        "Каждое обращение зарегистрировано в системе, и заявитель может проследить, на каком этапе находится его вопрос.",
        "Ответ по закону должен быть дан в течение пятнадцати рабочих дней.",
        "Жители отметили, что раньше на такие вопросы уходили месяцы.",
        "Часть вопросов решена прямо на приёме, по остальным направлены запросы в акимат.",
        "Депутат пообещал лично проверить ход работ через месяц.",
        "Результат подтвердят сами заявители: без их оценки вопрос не считается решённым.",
        "Следующий приём пройдёт в общественной приёмной партии в первый вторник месяца.",
        "Записаться можно на сайте или по телефону общественной приёмной.",
        "Вопросы, не относящиеся к компетенции маслихата, переданы в профильные ведомства.",
        "В работе приняли участие представители районного акимата и коммунальных служб.",
    ],
    "kk": [
        "Әрбір өтініш жүйеде тіркелді, өтініш беруші оның қай кезеңде екенін көре алады.",
        "Заң бойынша жауап он бес жұмыс күні ішінде берілуі тиіс.",
        "Тұрғындар бұрын мұндай мәселелер айлап шешілетінін айтты.",
        "Мәселелердің бір бөлігі қабылдау кезінде шешілді, қалғаны бойынша әкімдікке сұрау жіберілді.",
        "Депутат бір айдан кейін жұмыстың барысын өзі тексеретінін айтты.",
        "Нәтижені өтініш берушілердің өздері растайды: олардың бағасынсыз мәселе шешілді деп саналмайды.",
        "Келесі қабылдау партияның қоғамдық қабылдау бөлмесінде айдың бірінші сейсенбісінде өтеді.",
        "Қабылдауға сайт арқылы немесе телефон арқылы жазылуға болады.",
    ],
    "en": [
        "Every appeal is registered, and the person who filed it can follow its progress.",
        "By law an answer is due within fifteen working days.",
        "Residents said such questions used to take months.",
        "Some questions were settled at the reception; the rest were sent to the akimat.",
        "The deputy promised to check on the work in person in a month.",
        "The applicants themselves confirm the result: without their evaluation a problem does not count as solved.",
        "The next reception takes place at the party's public office on the first Tuesday of the month.",
    ],
}
SUBHEADINGS = {"ru": "Что дальше", "kk": "Әрі қарай не болады", "en": "What happens next"}

COMMENTS = [
    "Спасибо депутату, наконец-то сделали!",
    "А когда дойдут до нашей улицы? Тоже писали обращение.",
    "Рахмет! Нәтижесі бар екені жақсы.",
    "Проверял лично — действительно отремонтировали.",
    "Хорошо бы так же быстро решали вопросы в сёлах.",
    "Үлкен рахмет, балалар енді жылы сыныпта оқиды.",
    "Было бы полезно публиковать сроки следующих работ.",
    "Подавала обращение через сайт, ответ пришёл за неделю.",
    "Біздің ауылда да осындай мәселе бар, көмектесіңіздерші.",
    "Посмотрим, как будет зимой.",
    "Наконец-то власть слышит жителей.",
    "Автобус ходит по расписанию, проверено.",
    "Жарық орнатылғаны жақсы болды, кешке қорықпай жүреміз.",
    "Почему об этом не сообщили заранее?",
    "Thank you, this is exactly what our district needed.",
]
REACTION_CODES = [("like", 55), ("love", 15), ("wow", 10), ("sad", 10), ("angry", 10)]


@dataclass
class NewsWorld:
    """What the news step generated (for tests and later steps)."""

    editor: User
    publisher: User
    articles: list[Article] = field(default_factory=list)
    reader_ids: list[int] = field(default_factory=list)


def seed_news(
    rng: random.Random, scale: Scale, world: DirectoryWorld, *, now: datetime | None = None
) -> NewsWorld:
    """Generate the section; `now` (default: the current time) anchors every date."""
    article_count, days, reader_count = SIZES.get(scale.name, SIZES["demo"])
    now = now or timezone.now()
    editor, publisher = _newsroom_accounts()
    categories = {
        slug: Category.objects.create(slug=slug, name_kk=kk, name_ru=ru, name_en=en, order=order)
        for order, (slug, kk, ru, en) in enumerate(CATEGORIES)
    }
    tags = {slug: Tag(slug=slug, name_kk=kk, name_ru=ru, name_en=en) for slug, kk, ru, en in TAGS}
    Tag.objects.bulk_create(tags.values())
    tags = {tag.slug: tag for tag in Tag.objects.filter(slug__in=tags).order_by("slug")}
    covers = _covers(rng)
    readers = _readers(reader_count, now)
    people = world.deputies or list(Person.objects.filter(kind=Person.Kind.DEPUTY)[:200])
    regions = {region.pk: region for region in world.regions or Region.objects.all()}

    plans = []
    articles = []
    for index in range(article_count):
        published_at = _publication_time(rng, now, days, index, article_count)
        story = rng.choice(STORIES)
        deputies = rng.sample(people, k=min(len(people), 1 if rng.random() < 0.7 else 2))
        region = regions[deputies[0].region_id]
        number = rng.randint(3, 60)
        languages = (
            ["ru"]
            + (["kk"] if rng.random() < 0.8 else [])
            + (["en"] if rng.random() < 0.25 else [])
        )
        texts = _texts(rng, story, deputies[0], region, number, languages)
        author = editor if rng.random() < 0.7 else publisher
        cover = covers[index % len(covers)] if covers and rng.random() < 0.85 else ""
        article = Article(
            slug=f"{published_at:%Y-%m-%d}-{story[0]}-{index + 1}",
            status=Article.Status.PUBLISHED,
            published_at=published_at,
            author=author,
            cover=cover,
            cover_credit="Birlik press service" if cover else "",
            created_at=published_at - timedelta(hours=rng.randint(1, 30)),
            updated_at=published_at,
            **texts,
        )
        articles.append(article)
        plans.append((story, deputies, region))
    # A few drafts and one scheduled article show the newsroom's side.
    for index in range(max(3, article_count // 40)):
        story = STORIES[index % len(STORIES)]
        deputy = people[index % len(people)]
        region = regions[deputy.region_id]
        scheduled = index == 0
        articles.append(
            Article(
                slug=f"draft-{story[0]}-{index + 1}",
                status=Article.Status.PUBLISHED if scheduled else Article.Status.DRAFT,
                published_at=now + timedelta(days=1) if scheduled else None,
                author=editor,
                created_at=now - timedelta(hours=index + 2),
                updated_at=now - timedelta(hours=index + 1),
                **_texts(rng, story, deputy, region, 10, ["ru"]),
            )
        )
        plans.append((story, [deputy], region))
    Article.objects.bulk_create(articles, batch_size=500)

    _links(rng, articles, plans, categories, tags, world)
    _events(articles, publisher, now)
    published = [
        a for a in articles if a.status == Article.Status.PUBLISHED and a.published_at <= now
    ]
    _views(rng, published, now)
    _comments_and_reactions(rng, published, readers, publisher, now)
    return NewsWorld(editor=editor, publisher=publisher, articles=articles, reader_ids=readers)


def _newsroom_accounts() -> tuple[User, User]:
    password = make_password(DEMO_PASSWORD)
    confirmed = timezone.now()
    editor, _ = User.objects.get_or_create(
        email=EDITOR_EMAIL,
        defaults={
            "display_name": "News editor",
            "password": password,
            "email_confirmed_at": confirmed,
        },
    )
    publisher, _ = User.objects.get_or_create(
        email=PUBLISHER_EMAIL,
        defaults={
            "display_name": "News publisher",
            "password": password,
            "email_confirmed_at": confirmed,
        },
    )
    RoleAssignment.objects.get_or_create(user=editor, role=RoleAssignment.Role.EDITOR, region=None)
    RoleAssignment.objects.get_or_create(
        user=publisher, role=RoleAssignment.Role.PUBLISHER, region=None
    )
    return editor, publisher


def _readers(count: int, now: datetime) -> list[int]:
    unusable = make_password(None)  # they read and comment in the demo; nobody signs in as them
    joined = now - timedelta(days=400)
    users = [
        User(
            email=f"news-reader{number}@example.kz",
            password=unusable,
            email_confirmed_at=joined,
            date_joined=joined,
        )
        for number in range(1, count + 1)
    ]
    User.objects.bulk_create(users, batch_size=1000)
    return list(
        User.objects.filter(email__startswith="news-reader", email__endswith="@example.kz")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _publication_time(
    rng: random.Random, now: datetime, days: int, index: int, total: int
) -> datetime:
    # The newest few land in the last day so "most read in 24 hours" is never empty.
    if index < max(6, total // 30):
        back = timedelta(minutes=rng.randint(20, 23 * 60))
    else:
        back = timedelta(minutes=rng.randint(24 * 60, days * 24 * 60))
    moment = now - back
    local = timezone.localtime(moment)
    if local.hour < 7:  # newsrooms publish in the daytime
        moment += timedelta(hours=8)
        moment = min(moment, now - timedelta(minutes=10))
    return moment.replace(second=0, microsecond=0)


def _short_name(person: Person, language: str) -> str:
    given = getattr(person, f"given_name_{language}") or person.given_name_ru
    family = getattr(person, f"family_name_{language}") or person.family_name_ru
    return f"{given} {family}"


_GENDERED = re.compile(r"(\w+)\|(\w+)")


def _is_female(person: Person) -> bool:
    """Russian past-tense verbs agree with the deputy (the patronymic tells)."""
    return person.patronymic_ru.endswith(("вна", "кызы", "қызы")) or (
        not person.patronymic_ru and person.family_name_ru.endswith("а")
    )


def _agree(text: str, female: bool) -> str:
    return _GENDERED.sub(lambda match: match.group(2 if female else 1), text)


def _texts(rng, story, deputy: Person, region: Region, number: int, languages: list[str]) -> dict:
    _category, _tags, titles, leads = story
    values: dict[str, str] = {}
    female = _is_female(deputy)
    for position, code in enumerate(("kk", "ru", "en")):
        if code not in languages:
            continue
        fill = {
            "name": _short_name(deputy, code),
            "region": getattr(region, f"name_{code}"),
            "n": number,
        }
        values[f"title_{code}"] = _agree(titles[position].format(**fill), female)
        values[f"lead_{code}"] = _agree(leads[position].format(**fill), female)
        sentences = BODY_SENTENCES[code]
        paragraphs = []
        for _ in range(rng.randint(3, 5)):
            picked = rng.sample(sentences, k=min(len(sentences), rng.randint(2, 4)))
            paragraphs.append(f"<p>{' '.join(picked)}</p>")
        paragraphs.insert(len(paragraphs) - 1, f"<h2>{SUBHEADINGS[code]}</h2>")
        if rng.random() < 0.3:
            paragraphs.insert(1, f"<blockquote>{values[f'lead_{code}']}</blockquote>")
        values[f"body_{code}"] = sanitize_html("".join(paragraphs))
        values[f"cover_caption_{code}"] = values[f"title_{code}"][:120]
    return values


def _covers(rng: random.Random) -> list[str]:
    """A few cover images drawn once (gradients and circles), stored under news/demo/."""
    from PIL import Image, ImageDraw

    names = []
    palette = [
        (11, 110, 138),
        (8, 79, 99),
        (244, 180, 0),
        (31, 122, 58),
        (179, 38, 30),
        (85, 96, 110),
    ]
    for number in range(COVERS):
        name = f"news/demo/cover-{number + 1}.jpg"
        names.append(name)
        # Drawn whether or not the file exists, so the generator's sequence never changes.
        top, bottom = rng.sample(palette, 2)
        circles = [
            (rng.randint(60, 220), rng.randint(0, 1200), rng.randint(0, 675)) for _ in range(5)
        ]
        if default_storage.exists(name):
            continue
        image = Image.new("RGB", (1200, 675))
        draw = ImageDraw.Draw(image)
        for y in range(675):
            share = y / 674
            draw.line(
                [(0, y), (1200, y)],
                fill=tuple(int(a + (b - a) * share) for a, b in zip(top, bottom, strict=True)),
            )
        for radius, x, y in circles:
            draw.ellipse(
                [x - radius, y - radius, x + radius, y + radius], outline=(255, 255, 255), width=6
            )
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80)
        default_storage.save(name, ContentFile(buffer.getvalue()))
    return names


def _links(rng, articles, plans, categories, tags, world: DirectoryWorld) -> None:
    through = Article.categories.through
    tag_through = Article.tags.through
    person_through = Article.persons.through
    region_through = Article.regions.through
    organization_through = Article.organizations.through
    rows: dict = {
        through: [],
        tag_through: [],
        person_through: [],
        region_through: [],
        organization_through: [],
    }
    read_also: list[ReadAlsoLink] = []
    branches = getattr(world, "branches", {}) or {}
    for position, (article, (story, deputies, region)) in enumerate(
        zip(articles, plans, strict=True)
    ):
        rows[through].append(through(article_id=article.pk, category_id=categories[story[0]].pk))
        chosen = set(story[1]) | ({rng.choice(list(tags))} if rng.random() < 0.5 else set())
        for slug in sorted(chosen):
            rows[tag_through].append(tag_through(article_id=article.pk, tag_id=tags[slug].pk))
        for deputy in deputies:
            rows[person_through].append(person_through(article_id=article.pk, person_id=deputy.pk))
        rows[region_through].append(region_through(article_id=article.pk, region_id=region.pk))
        if region.pk in branches:
            rows[organization_through].append(
                organization_through(article_id=article.pk, organization_id=branches[region.pk].pk)
            )
        if position > 10 and rng.random() < 0.2 and article.status == Article.Status.PUBLISHED:
            earlier = [
                a
                for a in articles[:position]
                if a.status == Article.Status.PUBLISHED and a.published_at < article.published_at
            ]
            for order, target in enumerate(
                rng.sample(earlier, k=min(len(earlier), rng.randint(1, 2)))
            ):
                read_also.append(ReadAlsoLink(source=article, target=target, position=order))
    for model, batch in rows.items():
        model.objects.bulk_create(batch, batch_size=2000, ignore_conflicts=True)
    ReadAlsoLink.objects.bulk_create(read_also, batch_size=2000, ignore_conflicts=True)


def _events(articles, publisher, now: datetime) -> None:
    events = []
    for article in articles:
        events.append(
            ArticleEvent(
                article=article,
                actor=article.author,
                action=ArticleEvent.Action.CREATED,
                at=article.created_at,
            )
        )
        if article.status == Article.Status.PUBLISHED:
            scheduled = article.published_at > now
            events.append(
                ArticleEvent(
                    article=article,
                    actor=publisher,
                    action=ArticleEvent.Action.SCHEDULED
                    if scheduled
                    else ArticleEvent.Action.PUBLISHED,
                    at=article.created_at + timedelta(minutes=30)
                    if scheduled
                    else article.published_at,
                    detail=article.published_at.isoformat(timespec="minutes"),
                )
            )
    ArticleEvent.objects.bulk_create(events, batch_size=2000)


def _split_by_hour(rng, views: int, hours: list[datetime]) -> list[tuple[datetime, int]]:
    weights = [HOUR_WEIGHTS[timezone.localtime(hour).hour] for hour in hours]
    total = sum(weights)
    shares = [views * weight / total for weight in weights]
    counts = [math.floor(share) for share in shares]
    for _ in range(views - sum(counts)):
        counts[rng.choices(range(len(hours)), weights=weights)[0]] += 1
    return [(hour, count) for hour, count in zip(hours, counts, strict=True) if count]


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0)))


def _views(rng, articles, now: datetime) -> None:
    today = local_day(now)
    current_hour = hour_start(now)
    hourly_from = current_hour - timedelta(hours=HOURLY_DAYS * 24 - 1)
    hourly_first_day = local_day(hourly_from)
    daily_rows, hourly_rows = [], []
    for article in articles:
        appeal = rng.lognormvariate(6.0, 1.1)  # median ~400 readers, a few with many thousands
        tail = max(1.0, appeal * 0.004)
        day = local_day(article.published_at)
        total = 0
        age = 0
        while day <= today:
            share = 0.5 if age == 0 else 0.22 * 0.55 ** (age - 1)
            views = int(appeal * share + rng.random() * tail)
            if day >= hourly_first_day:
                # the hours of this day the article was online (today: those begun so far)
                first = max(hour_start(article.published_at), _day_start(day))
                last = current_hour if day == today else _day_start(day) + timedelta(hours=23)
                count = int((last - first).total_seconds() // 3600) + 1
                hours = [first + timedelta(hours=n) for n in range(count)]
                if day == today:
                    views = int(views * min(1.0, len(hours) / 16))
                if views > 0 and hours:
                    hourly_rows += [
                        ArticleHourlyViews(article=article, hour=hour, views=n)
                        for hour, n in _split_by_hour(rng, views, hours)
                        if hour >= hourly_from
                    ]
            if views > 0:
                daily_rows.append(ArticleDailyViews(article=article, day=day, views=views))
                total += views
            day += timedelta(days=1)
            age += 1
        article.view_count = total
    ArticleDailyViews.objects.bulk_create(daily_rows, batch_size=5000)
    ArticleHourlyViews.objects.bulk_create(hourly_rows, batch_size=5000)
    Article.objects.bulk_update(articles, ["view_count"], batch_size=1000)


def _comments_and_reactions(
    rng, articles, readers: list[int], publisher: User, now: datetime
) -> None:
    comments: list[Comment] = []
    reactions: list[Reaction] = []
    codes, weights = zip(*REACTION_CODES, strict=True)
    for article in articles:
        age_hours = max(1.0, (now - article.published_at).total_seconds() / 3600)
        wanted = min(len(readers), int(article.view_count / rng.uniform(25, 60)))
        for user_id in rng.sample(readers, k=wanted):
            reactions.append(
                Reaction(
                    article=article,
                    user_id=user_id,
                    code=rng.choices(codes, weights)[0],
                    created_at=article.published_at
                    + timedelta(hours=rng.uniform(0, min(age_hours, 72))),
                )
            )
        for _ in range(min(60, int(article.view_count / rng.uniform(60, 250)))):
            written = article.published_at + timedelta(
                hours=rng.uniform(0, min(age_hours, 96)) ** 1.0
            )
            fresh = (now - written) < timedelta(hours=6)
            roll = rng.random()
            status = (
                Comment.Status.PENDING
                if (fresh and roll < 0.5) or roll < 0.06
                else Comment.Status.REJECTED
                if roll < 0.1
                else Comment.Status.PUBLISHED
            )
            comments.append(
                Comment(
                    article=article,
                    author_id=rng.choice(readers),
                    text=rng.choice(COMMENTS),
                    status=status,
                    created_at=min(written, now),
                )
            )
    Reaction.objects.bulk_create(reactions, batch_size=5000, ignore_conflicts=True)
    Comment.objects.bulk_create(comments, batch_size=5000)
    decisions = [
        CommentDecision(
            comment=comment,
            moderator=publisher,
            decision=CommentDecision.Decision.PUBLISH
            if comment.status == Comment.Status.PUBLISHED
            else CommentDecision.Decision.REJECT,
            reason="" if comment.status == Comment.Status.PUBLISHED else "Оскорбления / not civil",
            decided_at=min(now, comment.created_at + timedelta(minutes=rng.randint(5, 180))),
        )
        for comment in comments
        if comment.status != Comment.Status.PENDING
    ]
    CommentDecision.objects.bulk_create(decisions, batch_size=5000)
    published_counts: dict[int, int] = {}
    for comment in comments:
        if comment.status == Comment.Status.PUBLISHED:
            published_counts[comment.article_id] = published_counts.get(comment.article_id, 0) + 1
    reaction_counts: dict[int, int] = {}
    for reaction in reactions:
        reaction_counts[reaction.article_id] = reaction_counts.get(reaction.article_id, 0) + 1
    for article in articles:
        article.comment_count = published_counts.get(article.pk, 0)
        article.reaction_count = reaction_counts.get(article.pk, 0)
    Article.objects.bulk_update(articles, ["comment_count", "reaction_count"], batch_size=1000)
