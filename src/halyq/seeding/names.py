"""Plausible Kazakh and Russian names in the three spellings the directory keeps.

Kazakh names carry their Kazakh form, the Russian-passport form and an English form;
patronymics follow each language's rules (Нұрланұлы / Нурланович).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from anyascii import anyascii

# (Kazakh, Russian, English)
KAZAKH_MALE = [
    ("Айдос", "Айдос", "Aidos"),
    ("Нұрлан", "Нурлан", "Nurlan"),
    ("Ерлан", "Ерлан", "Yerlan"),
    ("Асқар", "Аскар", "Askar"),
    ("Бауыржан", "Бауыржан", "Bauyrzhan"),
    ("Дәурен", "Даурен", "Dauren"),
    ("Ержан", "Ержан", "Yerzhan"),
    ("Қайрат", "Кайрат", "Kairat"),
    ("Марат", "Марат", "Marat"),
    ("Серік", "Серик", "Serik"),
    ("Талғат", "Талгат", "Talgat"),
    ("Әлихан", "Алихан", "Alikhan"),
    ("Ғалым", "Галым", "Galym"),
    ("Жандос", "Жандос", "Zhandos"),
    ("Мұрат", "Мурат", "Murat"),
    ("Арман", "Арман", "Arman"),
    ("Болат", "Болат", "Bolat"),
    ("Дархан", "Дархан", "Darkhan"),
    ("Ескендір", "Ескендир", "Yeskendir"),
    ("Қанат", "Канат", "Kanat"),
    ("Нұржан", "Нуржан", "Nurzhan"),
    ("Рүстем", "Рустем", "Rustem"),
    ("Самат", "Самат", "Samat"),
    ("Тимур", "Тимур", "Timur"),
    ("Ұлан", "Улан", "Ulan"),
]
KAZAKH_FEMALE = [
    ("Айгүл", "Айгуль", "Aigul"),
    ("Гүлнар", "Гульнар", "Gulnar"),
    ("Динара", "Динара", "Dinara"),
    ("Жанар", "Жанар", "Zhanar"),
    ("Әсел", "Асель", "Assel"),
    ("Мадина", "Мадина", "Madina"),
    ("Сәуле", "Сауле", "Saule"),
    ("Ақмарал", "Акмарал", "Akmaral"),
    ("Ботагөз", "Ботагоз", "Botagoz"),
    ("Назгүл", "Назгуль", "Nazgul"),
    ("Айжан", "Айжан", "Aizhan"),
    ("Гүлмира", "Гульмира", "Gulmira"),
    ("Ләззат", "Ляззат", "Lyazzat"),
    ("Меруерт", "Меруерт", "Meruert"),
    ("Сымбат", "Сымбат", "Symbat"),
    ("Аяжан", "Аяжан", "Ayazhan"),
]
KAZAKH_FAMILY = [
    ("Әбенов", "Абенов"),
    ("Қасымов", "Касымов"),
    ("Сәрсенбаев", "Сарсенбаев"),
    ("Жұмабаев", "Жумабаев"),
    ("Нұрпейісов", "Нурпеисов"),
    ("Тоқаев", "Токаев"),
    ("Омаров", "Омаров"),
    ("Бекмұхамедов", "Бекмухамедов"),
    ("Ахметов", "Ахметов"),
    ("Оспанов", "Оспанов"),
    ("Сейітов", "Сеитов"),
    ("Құдайбергенов", "Кудайбергенов"),
    ("Исаев", "Исаев"),
    ("Мұқанов", "Муканов"),
    ("Әбдірахманов", "Абдрахманов"),
    ("Төлеуов", "Толеуов"),
    ("Бейсенов", "Бейсенов"),
    ("Смағұлов", "Смагулов"),
    ("Жақсылықов", "Жаксылыков"),
    ("Рахымжанов", "Рахимжанов"),
    ("Байжанов", "Байжанов"),
    ("Ержанов", "Ержанов"),
    ("Қалиев", "Калиев"),
    ("Мамытов", "Мамытов"),
    ("Серікбаев", "Серикбаев"),
    ("Дүйсенов", "Дуйсенов"),
    ("Есенов", "Есенов"),
    ("Ғабдуллин", "Габдуллин"),
    ("Шәкенов", "Шакенов"),
    ("Ыбырайұлы", "Ибраев"),
]
RUSSIAN_MALE = [
    ("Иван", "Иван", "Ivan"),
    ("Сергей", "Сергей", "Sergei"),
    ("Андрей", "Андрей", "Andrei"),
    ("Алексей", "Алексей", "Aleksei"),
    ("Дмитрий", "Дмитрий", "Dmitrii"),
    ("Виктор", "Виктор", "Viktor"),
    ("Олег", "Олег", "Oleg"),
    ("Павел", "Павел", "Pavel"),
]
RUSSIAN_FEMALE = [
    ("Ольга", "Ольга", "Olga"),
    ("Елена", "Елена", "Elena"),
    ("Наталья", "Наталья", "Natalia"),
    ("Татьяна", "Татьяна", "Tatiana"),
    ("Ирина", "Ирина", "Irina"),
    ("Светлана", "Светлана", "Svetlana"),
]
RUSSIAN_FAMILY = [
    ("Иванов", "Иванов"),
    ("Петров", "Петров"),
    ("Ким", "Ким"),
    ("Шевченко", "Шевченко"),
    ("Соколов", "Соколов"),
    ("Попов", "Попов"),
    ("Лебедев", "Лебедев"),
    ("Цой", "Цой"),
    ("Новиков", "Новиков"),
    ("Морозов", "Морозов"),
]


@dataclass(frozen=True)
class PersonName:
    family_name_kk: str
    given_name_kk: str
    patronymic_kk: str
    family_name_ru: str
    given_name_ru: str
    patronymic_ru: str
    family_name_en: str
    given_name_en: str


def _feminine_ru(family: str) -> str:
    if family.endswith(("ов", "ев", "ин")):
        return family + "а"
    return family


def _feminine_kk(family: str) -> str:
    if family.endswith(("ов", "ев", "ин")):
        return family + "а"
    if family.endswith("ұлы"):
        return family[:-3] + "қызы"
    return family


def _patronymic_ru(father_ru: str, female: bool) -> str:
    stem = father_ru[:-1] + "ь" if father_ru.endswith("й") else father_ru
    if father_ru.endswith("й"):
        return stem[:-1] + ("евна" if female else "евич")
    return stem + ("овна" if female else "ович")


def _english(text_ru: str) -> str:
    return anyascii(text_ru).replace("'", "")


def random_name(rng: random.Random) -> PersonName:
    """A name: four in five Kazakh, one in five Russian, half of them women."""
    female = rng.random() < 0.45
    if rng.random() < 0.8:
        given = rng.choice(KAZAKH_FEMALE if female else KAZAKH_MALE)
        father = rng.choice(KAZAKH_MALE)
        family_kk, family_ru = rng.choice(KAZAKH_FAMILY)
        patronymic_kk = father[0] + ("қызы" if female else "ұлы")
    else:
        given = rng.choice(RUSSIAN_FEMALE if female else RUSSIAN_MALE)
        father = rng.choice(RUSSIAN_MALE)
        family_kk, family_ru = rng.choice(RUSSIAN_FAMILY)
        patronymic_kk = ""
    if female:
        family_kk, family_ru = _feminine_kk(family_kk), _feminine_ru(family_ru)
    patronymic_ru = _patronymic_ru(father[1], female)
    return PersonName(
        family_name_kk=family_kk,
        given_name_kk=given[0],
        patronymic_kk=patronymic_kk or patronymic_ru,
        family_name_ru=family_ru,
        given_name_ru=given[1],
        patronymic_ru=patronymic_ru,
        family_name_en=_english(family_ru),
        given_name_en=given[2],
    )
