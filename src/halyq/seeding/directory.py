"""Seed step: the party, its branches, councils, factions, districts and people."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from halyq.directory.models import (
    CouncilLevel,
    District,
    Membership,
    Organization,
    Person,
    Post,
    Region,
)
from halyq.directory.search import search_key
from halyq.seeding.names import random_name
from halyq.seeding.scale import Scale

PARTY_SLUG = "birlik"
CONVOCATION_START = date(2023, 3, 29)
DISTRICT_STEMS = [
    ("Бәйтерек", "Байтерек", "Baiterek"),
    ("Жамбыл", "Жамбыл", "Zhambyl"),
    ("Абай", "Абай", "Abai"),
    ("Сарыарқа", "Сарыарка", "Saryarka"),
    ("Есіл", "Есиль", "Yesil"),
    ("Бурабай", "Бурабай", "Burabay"),
    ("Қарасай", "Карасай", "Karasai"),
    ("Талас", "Талас", "Talas"),
    ("Алтай", "Алтай", "Altai"),
    ("Ақсу", "Аксу", "Aksu"),
    ("Шалқар", "Шалкар", "Shalkar"),
    ("Көктерек", "Коктерек", "Kokterek"),
]


@dataclass
class DirectoryWorld:
    """What later seed steps need to know about the generated directory."""

    regions: list[Region]
    party: Organization
    branches: dict[int, Organization]
    councils: dict[int, Organization]
    districts: dict[int, list[District]]
    deputies: list[Person] = field(default_factory=list)
    reserve: list[Person] = field(default_factory=list)


def seed_directory(rng: random.Random, scale: Scale) -> DirectoryWorld:
    regions = list(Region.objects.order_by("code"))
    levels = {level.code: level for level in CouncilLevel.objects.all()}
    party = Organization.objects.create(
        slug=PARTY_SLUG,
        classification=Organization.Classification.PARTY,
        name_kk="«Бірлік» партиясы",
        name_ru="Партия «Бірлік»",
        name_en="Birlik Party",
        founding_date=date(1999, 3, 1),
    )
    mazhilis = Organization.objects.create(
        slug="mazhilis",
        classification=Organization.Classification.COUNCIL,
        council_level=levels["parliament"],
        name_kk="Парламент Мәжілісі",
        name_ru="Мажилис Парламента",
        name_en="Mazhilis of Parliament",
    )
    mazhilis_faction = Organization.objects.create(
        slug="birlik-mazhilis",
        classification=Organization.Classification.FACTION,
        parent=party,
        name_kk="«Бірлік» фракциясы (Мәжіліс)",
        name_ru="Фракция «Бірлік» (Мажилис)",
        name_en="Birlik faction (Mazhilis)",
    )
    branches, councils, factions, districts = {}, {}, {}, {}
    district_councils: list[tuple[Organization, Organization, District]] = []
    for region in regions:
        branches[region.id] = Organization.objects.create(
            slug=f"birlik-{region.slug}",
            classification=Organization.Classification.BRANCH,
            parent=party,
            region=region,
            name_kk=f"«Бірлік» партиясының {region.name_kk} филиалы",
            name_ru=f"Филиал партии «Бірлік»: {region.name_ru}",
            name_en=f"Birlik Party branch, {region.name_en}",
        )
        councils[region.id] = Organization.objects.create(
            slug=f"maslikhat-{region.slug}",
            classification=Organization.Classification.COUNCIL,
            council_level=levels["regional"],
            region=region,
            name_kk=f"{region.name_kk} мәслихаты",
            name_ru=f"Маслихат: {region.name_ru}",
            name_en=f"Maslikhat of {region.name_en}",
        )
        factions[region.id] = Organization.objects.create(
            slug=f"birlik-faction-{region.slug}",
            classification=Organization.Classification.FACTION,
            parent=branches[region.id],
            region=region,
            name_kk=f"«Бірлік» фракциясы, {region.name_kk} мәслихаты",
            name_ru=f"Фракция «Бірлік», маслихат: {region.name_ru}",
            name_en=f"Birlik faction, Maslikhat of {region.name_en}",
        )
        districts[region.id] = []
        for number in range(scale.districts_per_region):
            stem_kk, stem_ru, stem_en = DISTRICT_STEMS[
                (number + int(region.code)) % len(DISTRICT_STEMS)
            ]
            suffix = "" if number < len(DISTRICT_STEMS) else f" {number // len(DISTRICT_STEMS) + 1}"
            district = District.objects.create(
                region=region,
                code=f"{region.code}{number + 1:07d}",
                name_kk=f"{stem_kk} ауданы{suffix}",
                name_ru=f"{stem_ru} район{suffix}",
                name_en=f"{stem_en} District{suffix}",
            )
            districts[region.id].append(district)
            council = Organization.objects.create(
                slug=f"maslikhat-{region.slug}-{number + 1}",
                classification=Organization.Classification.COUNCIL,
                council_level=levels["district"],
                region=region,
                district=district,
                parent=None,
                name_kk=f"{district.name_kk} мәслихаты",
                name_ru=f"Маслихат: {district.name_ru}",
                name_en=f"Maslikhat of {district.name_en}",
            )
            district_councils.append((council, factions[region.id], district))

    world = DirectoryWorld(regions, party, branches, councils, districts)
    seats: list[tuple[Organization, Organization, Region]] = []
    for _ in range(scale.parliament_deputies):
        seats.append((mazhilis, mazhilis_faction, rng.choice(regions)))
    for region in regions:
        seats += [
            (councils[region.id], factions[region.id], region)
        ] * scale.regional_deputies_per_region
    region_by_id = {r.id: r for r in regions}
    for council, faction, district in district_councils:
        seats += [
            (council, faction, region_by_id[district.region_id])
        ] * scale.deputies_per_district

    deputies = [_new_person(rng, Person.Kind.DEPUTY, region) for _, _, region in seats]
    reserve_regions = [rng.choice(regions) for _ in range(scale.reserve_activists)]
    reserve = [_new_person(rng, Person.Kind.RESERVE, region) for region in reserve_regions]
    Person.objects.bulk_create(deputies + reserve, batch_size=2000)
    # bulk_create sets primary keys on PostgreSQL and on SQLite >= 3.35.

    posts = {}
    for council in {seat[0] for seat in seats}:
        posts[council.id] = Post.objects.create(
            organization=council,
            role="deputy",
            label_kk="Депутат",
            label_ru="Депутат",
            label_en="Deputy",
        )
    memberships = []
    for person, (council, faction, _) in zip(deputies, seats, strict=True):
        start = CONVOCATION_START if rng.random() < 0.9 else date(2024, rng.randint(1, 12), 1)
        memberships.append(
            Membership(
                person=person,
                organization=council,
                post=posts[council.id],
                role="deputy",
                on_behalf_of=faction,
                start_date=start,
            )
        )
        memberships.append(
            Membership(person=person, organization=faction, role="member", start_date=start)
        )
        if rng.random() < 0.15:  # some sat in an earlier convocation: history is kept
            memberships.append(
                Membership(
                    person=person,
                    organization=council,
                    role="deputy",
                    on_behalf_of=faction,
                    start_date=date(2016, 3, 25),
                    end_date=date(2021, 1, 10),
                )
            )
    for person, region in zip(reserve, reserve_regions, strict=True):
        memberships.append(
            Membership(
                person=person,
                organization=branches[region.id],
                role="reserve",
                start_date=date(rng.randint(2019, 2025), rng.randint(1, 12), 1),
            )
        )
    Membership.objects.bulk_create(memberships, batch_size=5000)
    world.deputies, world.reserve = deputies, reserve
    return world


def _new_person(rng: random.Random, kind: str, region: Region) -> Person:
    name = random_name(rng)
    person = Person(
        kind=kind,
        region=region,
        public_id=_uuid(rng),
        family_name_kk=name.family_name_kk,
        given_name_kk=name.given_name_kk,
        patronymic_kk=name.patronymic_kk,
        family_name_ru=name.family_name_ru,
        given_name_ru=name.given_name_ru,
        patronymic_ru=name.patronymic_ru,
        family_name_en=name.family_name_en,
        given_name_en=name.given_name_en,
    )
    person.search_text = search_key(
        person.full_name("kk"), person.full_name("ru"), person.full_name("en")
    )
    return person


def _uuid(rng: random.Random):
    import uuid

    return uuid.UUID(int=rng.getrandbits(128), version=4)
