"""Seed step: election programmes, roadmaps, voters' mandates and residents' confirmations.

Rules of this step:
- Demo: a programme for each of the 20 regions and for the first district of each,
  a few hundred measures and mandates in every status (overdue ones included), some
  disputed deliveries, confirmations held from new accounts, a handful of resident
  accounts (resident{n}@example.kz, never shown anywhere) and the Astana moderator
  moderator.astana@demo.halyq.kz (created only if no other step did).
- National: 217 programmes (20 regional, 197 district), about 2,700 measures and
  60,000 mandates, in a few seconds: bulk inserts only, one RNG, one password hash.
- Dates are fixed (not relative to today) so one seed always gives the same data;
  nothing is dated after ANCHOR. Overdue items follow from the dates, as always.
- The rules the services enforce hold here too: "done" and "partly done" carry
  evidence (a link) and a delivery date, parents are done only when their parts are,
  deputies monitor items of their own territory. Seeded changes do not write ledger
  events (the ledger records live changes only).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Max

from halyq.accounts.models import RoleAssignment, User
from halyq.directory.models import District, Membership, Organization, Person, Region
from halyq.directory.search import search_key
from halyq.programmes.calendar import working_calendar
from halyq.programmes.models import (
    Confirmation,
    Convocation,
    DisputeReview,
    Evidence,
    ItemChange,
    Mandate,
    Programme,
    Status,
    Topic,
    TrackedItem,
)
from halyq.programmes.rollup import Node, roll_up
from halyq.seeding.accounts import DEMO_DOMAIN, DEMO_PASSWORD
from halyq.seeding.directory import DirectoryWorld
from halyq.seeding.scale import Scale

CONVOCATION_CODE = "VIII"
CONVOCATION_START = date(2023, 3, 29)
CONVOCATION_END = date(2028, 3, 28)
ANCHOR = date(2026, 10, 30)
MODERATOR_EMAIL = f"moderator.astana@{DEMO_DOMAIN}"
OLD_ACCOUNTS_JOINED = datetime(2023, 5, 1, 8, 0, tzinfo=UTC)
NEW_ACCOUNTS_JOINED = datetime.combine(ANCHOR - timedelta(days=3), time(8, 0), tzinfo=UTC)
BATCH = 5000


@dataclass(frozen=True)
class Sizes:
    district_programmes: int  # how many districts get a programme (all regions together)
    regional_top: int  # top-level measures of a regional programme
    regional_parts: int  # parts of each top-level regional measure
    district_top: int
    mandates_per_programme: int
    residents: int


SIZES = {
    "demo": Sizes(
        district_programmes=20,
        regional_top=5,
        regional_parts=2,
        district_top=4,
        mandates_per_programme=10,
        residents=100,
    ),
    "national": Sizes(
        district_programmes=197,
        regional_top=12,
        regional_parts=2,
        district_top=10,
        mandates_per_programme=276,
        residents=600,
    ),
}

# (kk, ru, en) stems; measures combine a stem with a place.
MEASURE_STEMS = [
    ("Жолдарды жөндеу", "Ремонт дорог", "Road repairs", Topic.ROADS, "км", "км", "km"),
    ("Мектеп салу", "Строительство школы", "Building a school", Topic.EDUCATION, "орын", "мест", "places"),
    ("Емхананы жаңғырту", "Модернизация поликлиники", "Upgrading the clinic", Topic.HEALTH, "", "", ""),
    ("Ауыз су құбыры", "Водопровод питьевой воды", "Drinking water supply", Topic.UTILITIES, "км", "км", "km"),
    ("Аулаларды абаттандыру", "Благоустройство дворов", "Courtyard improvement", Topic.IMPROVEMENT, "аула", "дворов", "courtyards"),
    ("Көшелерді жарықтандыру", "Освещение улиц", "Street lighting", Topic.IMPROVEMENT, "шам", "фонарей", "lamps"),
    ("Балабақша ашу", "Открытие детского сада", "Opening a kindergarten", Topic.EDUCATION, "орын", "мест", "places"),
    ("Жылу желілерін ауыстыру", "Замена тепловых сетей", "Replacing heating networks", Topic.UTILITIES, "км", "км", "km"),
    ("Спорт алаңы", "Спортивная площадка", "Sports ground", Topic.CULTURE, "", "", ""),
    ("Қоғамдық көлік бағыттары", "Маршруты общественного транспорта", "Public transport routes", Topic.ROADS, "бағыт", "маршрутов", "routes"),
    ("Әлеуметтік тұрғын үй", "Социальное жильё", "Social housing", Topic.SOCIAL, "пәтер", "квартир", "flats"),
    ("Жұмыс орындарын ашу", "Создание рабочих мест", "Creating jobs", Topic.ECONOMY, "орын", "мест", "jobs"),
    ("Саябақ салу", "Создание парка", "Building a park", Topic.ENVIRONMENT, "га", "га", "ha"),
    ("Бейнебақылау", "Видеонаблюдение", "Video surveillance", Topic.SAFETY, "камера", "камер", "cameras"),
    ("Суару жүйесі", "Система орошения", "Irrigation system", Topic.AGRICULTURE, "га", "га", "ha"),
]  # fmt: skip
PART_STEMS = [
    ("жобалау", "проектирование", "design"),
    ("құрылыс", "строительство", "construction"),
    ("пайдалануға беру", "ввод в эксплуатацию", "commissioning"),
]
BODIES = [
    (
        "Жолаушылар көлігі басқармасы",
        "Управление пассажирского транспорта",
        "Passenger Transport Department",
    ),
    ("Білім басқармасы", "Управление образования", "Education Department"),
    ("Денсаулық сақтау басқармасы", "Управление здравоохранения", "Health Department"),
    (
        "Энергетика және ТКШ басқармасы",
        "Управление энергетики и ЖКХ",
        "Energy and Utilities Department",
    ),
    ("Құрылыс басқармасы", "Управление строительства", "Construction Department"),
]
MANDATE_TEXTS = [
    ("Аулада балалар алаңын орнату", "Установить детскую площадку во дворе", "Install a playground in the courtyard", Topic.IMPROVEMENT),
    ("Көшеге жаяу жүргіншілер өткелін салу", "Сделать пешеходный переход на улице", "Build a pedestrian crossing", Topic.ROADS),
    ("Аялдамаға шатыр орнату", "Поставить навес на остановке", "Put a shelter at the bus stop", Topic.ROADS),
    ("Үйдің шатырын жөндеу", "Отремонтировать кровлю дома", "Repair the building's roof", Topic.UTILITIES),
    ("Ауылға фельдшерлік пункт ашу", "Открыть фельдшерский пункт в селе", "Open a medical post in the village", Topic.HEALTH),
    ("Мектепке спорт залын салу", "Построить спортзал при школе", "Build a school gym", Topic.EDUCATION),
    ("Көшені жарықтандыру", "Осветить улицу", "Light the street", Topic.IMPROVEMENT),
    ("Су құбырын тарту", "Провести водопровод", "Lay a water main", Topic.UTILITIES),
    ("Автобус бағытын ұзарту", "Продлить автобусный маршрут", "Extend a bus route", Topic.ROADS),
    ("Ескі ағаштарды кесу", "Убрать аварийные деревья", "Remove dangerous trees", Topic.ENVIRONMENT),
    ("Қоқыс контейнерлерін қою", "Поставить мусорные контейнеры", "Place waste containers", Topic.ENVIRONMENT),
    ("Зейнеткерлерге клуб ашу", "Открыть клуб для пенсионеров", "Open a club for pensioners", Topic.SOCIAL),
]  # fmt: skip
# Reported states of items whose planned completion had passed by ANCHOR, and of the
# others: most past items are delivered, a third are not (and so show as overdue).
STATUS_WEIGHTS_PAST = [
    (Status.DONE, 45),
    (Status.PARTLY_DONE, 15),
    (Status.IN_PROGRESS, 15),
    (Status.NOT_STARTED, 5),
    (Status.STALLED, 12),
    (Status.CANCELLED, 8),
]
STATUS_WEIGHTS_CURRENT = [
    (Status.DONE, 10),
    (Status.PARTLY_DONE, 5),
    (Status.IN_PROGRESS, 55),
    (Status.NOT_STARTED, 15),
    (Status.STALLED, 8),
    (Status.CANCELLED, 7),
]
CANCEL_REASONS = [
    "Мероприятие включено в государственную программу и финансируется из республиканского бюджета.",
    "Объект передан в доверительное управление; исполнение не требуется.",
    "По итогам общественных слушаний жители выбрали другой участок.",
]
DECLINE_REASONS = [
    "Вопрос не относится к компетенции маслихата; направлен в акимат.",
    "Работы уже выполнены в 2023 году по программе «Ауыл – Ел бесігі».",
    "Земельный участок находится в частной собственности.",
]


@dataclass
class ProgrammesWorld:
    convocation: Convocation
    programmes: list[Programme] = field(default_factory=list)
    measures: int = 0
    mandates: int = 0
    mandate_items: int = 0
    confirmations: int = 0
    residents: list[User] = field(default_factory=list)
    moderator: User | None = None


@lru_cache(maxsize=4096)
def _folded(*texts: str) -> str:
    return search_key(*texts)


def _search_text(code: str, *texts: str) -> str:
    """search_key(code, *texts), folding the repeated parts once.

    Equal to search_key: words are folded one by one, so a trailing "-0042" of a code
    (digits, untouched by folding) can be appended as it is.
    """
    head, _dash, tail = code.rpartition("-")
    folded_code = f"{_folded(head)} {tail}" if head and tail.isdigit() else _folded(code)
    return f"{folded_code} {_folded(*texts)}".strip()


class _Builder:
    """Accumulates rows in memory and writes them in a few bulk inserts."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.calendar = working_calendar()
        self.deadlines: dict[date, date] = {}
        self.items: list[TrackedItem] = []
        self.monitors: dict[int, list[int]] = {}  # index in items -> person ids
        self.reports: dict[int, tuple] = {}  # index -> (status, progress, completed_on, reason)

    def deadline(self, day: date) -> date:
        found = self.deadlines.get(day)
        if found is None:
            found = self.deadlines[day] = self.calendar.next_working_day(day)
        return found

    def dates(self) -> tuple[date, date]:
        rng = self.rng
        start = CONVOCATION_START + timedelta(days=rng.randint(30, 1100))
        end = start + timedelta(days=rng.randint(60, 720))
        return start, end

    def status_for(self, start: date, end: date) -> tuple[str, int, date | None]:
        """A plausible reported state as of ANCHOR."""
        rng = self.rng
        if start > ANCHOR:
            return Status.NOT_STARTED, 0, None
        table = STATUS_WEIGHTS_PAST if end < ANCHOR else STATUS_WEIGHTS_CURRENT
        status = rng.choices([s for s, _w in table], weights=[w for _s, w in table])[0]
        if status == Status.DONE or status == Status.PARTLY_DONE:
            latest = min(ANCHOR, end + timedelta(days=rng.choice([0, 0, 0, 20, 60])))
            if latest <= start:
                latest = start + timedelta(days=1)
                if latest > ANCHOR:
                    return Status.IN_PROGRESS, rng.randint(5, 60), None
            completed = start + timedelta(days=rng.randint(1, (latest - start).days))
            progress = 100 if status == Status.DONE else rng.randint(40, 90)
            return status, progress, completed
        if status == Status.NOT_STARTED:
            return status, 0, None
        if status == Status.CANCELLED:
            return status, rng.randint(0, 30), None
        return status, rng.randint(5, 95), None


def _deputy_pools(world: DirectoryWorld) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Deputies sitting on each regional council, and on each district council."""
    regional: dict[int, list[int]] = {r.id: [] for r in world.regions}
    district: dict[int, list[int]] = {}
    rows = Membership.objects.filter(
        end_date__isnull=True,
        organization__classification=Organization.Classification.COUNCIL,
        person__kind=Person.Kind.DEPUTY,
    ).values_list(
        "person_id", "person__region_id", "organization__region_id", "organization__district_id"
    )
    for person_id, person_region, council_region, council_district in rows.order_by("person_id"):
        if council_district is not None:
            district.setdefault(council_district, []).append(person_id)
        elif council_region is not None and council_region == person_region:
            regional[council_region].append(person_id)
    return regional, district


def seed_programmes(rng: random.Random, scale: Scale, world: DirectoryWorld) -> ProgrammesWorld:
    sizes = SIZES[scale.name]
    convocation, _created = Convocation.objects.get_or_create(
        code=CONVOCATION_CODE,
        defaults={"start_date": CONVOCATION_START, "end_date": CONVOCATION_END},
    )
    result = ProgrammesWorld(convocation=convocation)
    regions = sorted(world.regions, key=lambda region: region.code)
    regional_pool, district_pool = _deputy_pools(world)

    # ---- programmes
    programmes = [
        Programme(
            code=f"{region.code}-{CONVOCATION_CODE.lower()}",
            convocation=convocation,
            region=region,
            title_kk=f"«Бірлік» сайлауалды бағдарламасы: {region.name_kk}",
            title_ru=f"Предвыборная программа «Бірлік»: {region.name_ru}",
            title_en=f"Birlik election programme: {region.name_en}",
            adopted_on=date(2023, 2, 10),
        )
        for region in regions
    ]
    all_districts = [d for region in regions for d in world.districts.get(region.id, [])]
    # Spread district programmes over the regions: the first district of every region,
    # then the second, and so on.
    by_rank = sorted(all_districts, key=lambda d: (world.districts[d.region_id].index(d), d.code))
    chosen = sorted(by_rank[: sizes.district_programmes], key=lambda d: d.code)
    region_by_id = {region.id: region for region in regions}
    for district in chosen:
        region = region_by_id[district.region_id]
        programmes.append(
            Programme(
                code=f"{district.code}-{CONVOCATION_CODE.lower()}",
                convocation=convocation,
                region=region,
                district=district,
                title_kk=f"«Бірлік» сайлауалды бағдарламасы: {district.name_kk}",
                title_ru=f"Предвыборная программа «Бірлік»: {district.name_ru}",
                title_en=f"Birlik election programme: {district.name_en}",
                adopted_on=date(2023, 2, 10),
            )
        )
    result.programmes = programmes
    password = make_password(DEMO_PASSWORD)  # once: hashing is slow on purpose
    result.moderator = _moderator(regions, password)
    result.residents = residents = _residents(sizes, regions, world, password)

    # ---- measures, built in memory with their reported state
    builder = _Builder(rng)
    tops: list[tuple[TrackedItem, list[int], tuple]] = []
    parts: list[tuple[int, TrackedItem, list[int], tuple]] = []
    for programme in programmes:
        region = region_by_id[programme.region_id]
        district = programme.district
        pool = (
            district_pool.get(district.id, []) + regional_pool.get(region.id, [])
            if district
            else regional_pool.get(region.id, [])
        )
        top_count = sizes.district_top if district else sizes.regional_top
        place = district or region
        for number in range(1, top_count + 1):
            stem = MEASURE_STEMS[(number + int(region.code)) % len(MEASURE_STEMS)]
            start, end = builder.dates()
            body = rng.choice(BODIES)
            part_count = 0 if district else sizes.regional_parts
            item = _measure(
                builder,
                programme,
                code=str(number),
                titles=(
                    f"{stem[0]}: {place.name_kk}",
                    f"{stem[1]}: {place.name_ru}",
                    f"{stem[2]}: {place.name_en}",
                ),
                topic=stem[3],
                units=("", "", "") if part_count else stem[4:7],  # measured on its parts
                body=body,
                start=start,
                end=end,
                scope=TrackedItem.Scope.NATIONAL
                if not district and number <= 3
                else TrackedItem.Scope.REGIONAL,
                position=number,
            )
            monitors = rng.sample(pool, k=min(len(pool), rng.choice([1, 1, 2])))
            part_states = []
            for part_number in range(1, part_count + 1):
                part_stem = PART_STEMS[(part_number - 1) % len(PART_STEMS)]
                part_start = start + timedelta(
                    days=(part_number - 1) * (end - start).days // (part_count + 1)
                )
                part_end = min(end, part_start + timedelta(days=rng.randint(60, 400)))
                part = _measure(
                    builder,
                    programme,
                    code=f"{number}.{part_number}",
                    titles=(
                        f"{stem[0]}: {part_stem[0]}",
                        f"{stem[1]}: {part_stem[1]}",
                        f"{stem[2]}: {part_stem[2]}",
                    ),
                    topic=stem[3],
                    units=stem[4:7],
                    body=body,
                    start=part_start,
                    end=max(part_end, part_start),
                    scope=TrackedItem.Scope.REGIONAL,
                    position=part_number,
                    weight=Decimal(rng.choice([1, 1, 2, 3])),
                )
                state = builder.status_for(part.start_date, part.planned_end_date)
                part_states.append(state)
                parts.append((len(tops), part, rng.sample(pool, k=min(1, len(pool))), state))
            if part_states:
                live = [s for s in part_states if s[0] != Status.CANCELLED]
                if live and all(s[0] == Status.DONE for s in live):
                    state = (Status.DONE, 100, max(s[2] for s in live))
                elif any(
                    s[0] in (Status.IN_PROGRESS, Status.DONE, Status.PARTLY_DONE) for s in live
                ):
                    state = (Status.IN_PROGRESS, 0, None)
                elif start > ANCHOR:
                    state = (Status.NOT_STARTED, 0, None)
                else:
                    state = (rng.choice([Status.NOT_STARTED, Status.STALLED]), 0, None)
            else:
                state = builder.status_for(start, end)
            tops.append((item, monitors, state))
    for top_index, part, _monitors, _state in parts:
        part.parent = tops[top_index][0]
    measures = tops + [(part, monitors, state) for _t, part, monitors, state in parts]
    result.measures = len(measures)

    # ---- mandates: registered, declined, folded into a measure, or tracked on their own
    measures_by_programme: dict[int, list[TrackedItem]] = {}
    for item, _m, state in tops:
        if state[0] != Status.CANCELLED:
            measures_by_programme.setdefault(id(item.programme), []).append(item)
    mandates: list[dict] = []
    own_items: list[tuple[dict, TrackedItem, list[int], tuple]] = []
    sources = Mandate.Source.values
    for programme in programmes:
        region = region_by_id[programme.region_id]
        district_choices = (
            [programme.district]
            if programme.district
            else [None, *world.districts.get(region.id, [])[:2]]
        )
        pool = (
            district_pool.get(programme.district.id, []) + regional_pool.get(region.id, [])
            if programme.district
            else regional_pool.get(region.id, [])
        )
        for number in range(1, sizes.mandates_per_programme + 1):
            text = MANDATE_TEXTS[rng.randrange(len(MANDATE_TEXTS))]
            district = rng.choice(district_choices)
            if rng.random() < 0.6:  # most were given during the campaign
                received = CONVOCATION_START - timedelta(days=rng.randint(0, 60))
            else:
                received = min(CONVOCATION_START + timedelta(days=rng.randint(0, 1200)), ANCHOR)
            code = f"M-{programme.code}-{number:04d}"
            # Mandates are plain rows (60,000 of them nationally): no model instances.
            mandate = {
                "code": code,
                "programme_id": programme,
                "region_id": region.id,
                "district_id": district.id if district else None,
                "source": rng.choices(sources, weights=[5, 3, 2, 1])[0],
                "source_date": received,
                "source_reference": f"meeting {received:%d.%m.%Y}",
                "topic": text[3],
                "title_kk": text[0],
                "title_ru": text[1],
                "title_en": text[2],
                "search_text": _search_text(code, *text[:3]),
                "registered_at": datetime.combine(received, time(16, 0), tzinfo=UTC),
            }
            draw = rng.random()
            decided_at = datetime.combine(
                min(received + timedelta(days=rng.randint(5, 90)), ANCHOR), time(10, 0), tzinfo=UTC
            )
            candidates = [
                m
                for m in measures_by_programme.get(id(programme), [])
                if district is None or m.district_id in (None, district.id)
            ]
            if draw < 0.12:
                pass  # awaiting decision
            elif draw < 0.30:
                mandate["state"] = Mandate.State.DECLINED
                mandate["decision_reason"] = rng.choice(DECLINE_REASONS)
                mandate["decided_at"] = decided_at
            elif draw < 0.65 and candidates:
                mandate["state"] = Mandate.State.ACCEPTED
                mandate["item_id"] = rng.choice(candidates)
                mandate["decided_at"] = decided_at
            elif pool:
                mandate["state"] = Mandate.State.ACCEPTED
                mandate["decided_at"] = decided_at
                start = decided_at.date()
                end = start + timedelta(days=rng.randint(60, 540))
                item = TrackedItem(
                    programme=programme,
                    kind=TrackedItem.Kind.MANDATE,
                    code=code,
                    topic=text[3],
                    title_kk=text[0],
                    title_ru=text[1],
                    title_en=text[2],
                    region=region,
                    district=district,
                    start_date=start,
                    planned_end_date=end,
                    deadline=builder.deadline(end),
                    position=number,
                    search_text=mandate["search_text"],
                    created_at=decided_at,
                    updated_at=decided_at,
                )
                mandate["item_id"] = item
                own_items.append(
                    (mandate, item, [rng.choice(pool)], builder.status_for(start, end))
                )
            mandates.append(mandate)
    result.mandates = len(mandates)
    result.mandate_items = len(own_items)

    # ---- reported states, histories, evidence, confirmations and the roll-up, in memory
    tracked = measures + [(item, people, state) for _m, item, people, state in own_items]
    changes: list[dict] = []
    evidence: list[dict] = []
    for item, people, state in tracked:
        _report(rng, item, people, state, changes, evidence)
    confirmations, reviews = _confirmations(rng, residents, tracked)
    result.confirmations = len(confirmations)
    _roll_up_in_memory(programmes, tracked)

    # ---- write: parents before the rows that point at them
    Programme.objects.bulk_create(programmes, batch_size=BATCH)
    _fast_insert(TrackedItem, [item for item, _m, _s in tops], with_ids=True)
    _fast_insert(TrackedItem, [part for _t, part, _m, _s in parts], with_ids=True)
    _fast_insert(TrackedItem, [item for _m, item, _p, _s in own_items], with_ids=True)
    _fast_insert(Mandate, mandates)
    through = TrackedItem.monitors.through
    _fast_insert(
        through,
        [
            {"trackeditem_id": item.pk, "person_id": person_id}
            for item, people, _state in tracked
            for person_id in dict.fromkeys(people)
        ],
    )
    _fast_insert(ItemChange, changes, with_ids=True)
    _fast_insert(Evidence, evidence)
    _fast_insert(Confirmation, confirmations)
    _fast_insert(DisputeReview, reviews)
    return result


def _key_of(value):
    """A foreign key's value: an id, a saved object's pk, or a written row's "id"."""
    if isinstance(value, dict):
        return value["id"]
    return value.pk if hasattr(value, "pk") else value


def _fast_insert(model, objects: list, *, with_ids: bool = False) -> None:
    """Insert model instances or rows ({attname: value}) with one prepared statement.

    bulk_create compiles SQL per batch, and SQLite limits a batch to a few dozen rows of
    a wide table; here one statement is prepared once and run with executemany. Dates,
    times, decimals and JSON still go through the field's get_db_prep_save, so each
    backend gets what the ORM would send; a missing attname takes the field's default;
    a foreign key may be given as the (by then saved) object. With `with_ids`, primary
    keys are assigned here (the seed is the only writer inside its transaction) and
    PostgreSQL's sequence is moved past them afterwards.
    """
    if not objects:
        return
    meta = model._meta
    database = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the proxy is slow per call
    if with_ids:
        start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        for offset, obj in enumerate(objects):
            if isinstance(obj, dict):
                obj["id"] = start + offset
            else:
                obj.pk = start + offset
    fields = [f for f in meta.concrete_fields if with_ids or not f.primary_key]
    plain = {"CharField", "TextField", "SlugField", "BooleanField", "PositiveIntegerField",
             "PositiveSmallIntegerField", "IntegerField", "BigAutoField", "FloatField"}  # fmt: skip

    def converter(field):
        if field.is_relation:
            return _key_of
        if field.get_internal_type() in plain:
            return lambda value: value
        if field.get_internal_type() in {"DateField", "DateTimeField", "DecimalField"}:
            cache: dict = {}  # seeded dates repeat a lot; converting each is the slow part

            def cached(value):
                found = cache.get(value, cache)
                if found is cache:
                    found = cache[value] = field.get_db_prep_save(value, database)
                return found

            return cached
        return lambda value: field.get_db_prep_save(value, database)

    columns = [(f.attname, converter(f), f.get_default()) for f in fields]
    rows = []
    for obj in objects:
        values = obj if isinstance(obj, dict) else obj.__dict__
        if not isinstance(obj, dict):
            for relation in (f for f in fields if f.is_relation):
                # A foreign key set to an object that was saved after the assignment.
                if values.get(relation.attname) is None and relation.is_cached(obj):
                    related = relation.get_cached_value(obj)
                    values[relation.attname] = related.pk if related is not None else None
        rows.append(
            tuple(
                convert(values[name]) if name in values else convert(default)
                for name, convert, default in columns
            )
        )
    quote = database.ops.quote_name
    # Table and column names come from the model; values are parameters.
    names = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({placeholders})"  # noqa: S608
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            # executemany would be a round trip per row, and psycopg parses a long
            # multi-row INSERT in Python: COPY streams the rows instead.
            with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            for first in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[first : first + BATCH])
        if with_ids:
            for statement in database.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(statement)
    for obj in objects:
        if not isinstance(obj, dict):
            obj._state.adding = False
            obj._state.db = database.alias


def _report(
    rng, item: TrackedItem, people: list[int], state: tuple, changes: list, evidence: list
) -> None:
    """Set an item's reported state and write its history as plain rows.

    Measures start with a "created" entry (the roadmap import); a mandate item's history
    starts with its first report (its acceptance is on the mandate).
    """
    status, progress, completed = state
    if item.kind == TrackedItem.Kind.MEASURE:
        changes.append(
            {
                "item_id": item,
                "kind": ItemChange.Kind.CREATED,
                "occurred_at": datetime.combine(
                    item.start_date - timedelta(days=20), time(9, 0), tzinfo=UTC
                ),
                "actor_role": ItemChange.ActorRole.IMPORT,
                "changes": {},
            }
        )
    if status == Status.NOT_STARTED:
        return
    item.status = status
    item.progress = progress
    item.completed_on = completed
    if item.target_value is not None:
        item.current_value = (item.target_value * progress / 100).quantize(Decimal("0.01"))
    reported_on = completed or min(ANCHOR, item.start_date + timedelta(days=rng.randint(10, 200)))
    occurred = datetime.combine(reported_on, time(11, rng.randint(0, 59)), tzinfo=UTC)
    if status == Status.CANCELLED:
        item.cancellation_reason = rng.choice(CANCEL_REASONS)
        changes.append(
            {
                "item_id": item,
                "kind": ItemChange.Kind.CANCELLED,
                "occurred_at": occurred,
                "actor_role": ItemChange.ActorRole.MODERATOR,
                "changes": {"status": [str(Status.NOT_STARTED), str(Status.CANCELLED)]},
                "note": item.cancellation_reason,
            }
        )
        return
    difference = {"status": [str(Status.NOT_STARTED), str(status)]}
    if progress:
        difference["progress"] = [0, progress]
    if completed:
        difference["completed_on"] = [None, completed.isoformat()]
        item.report_round = 1
    change = {
        "item_id": item,
        "kind": ItemChange.Kind.REPORTED,
        "occurred_at": occurred,
        "actor_person_id": people[0] if people else None,
        "actor_role": ItemChange.ActorRole.DEPUTY if people else ItemChange.ActorRole.IMPORT,
        "changes": difference,
    }
    changes.append(change)
    if completed:
        evidence.append(
            {
                "item_id": item,
                "change_id": change,  # its id is assigned when the changes are written
                "kind": Evidence.Kind.LINK,
                "url": f"https://example.kz/akimat/reports/{item.programme.code}/{item.code}",
                "evidence_date": completed,
                "caption": "Акт приёмки работ",
                "created_at": occurred,
            }
        )


def _roll_up_in_memory(programmes: list[Programme], tracked) -> None:
    """The services' roll-up (rollup.roll_up), on the unsaved objects."""
    index = {id(item): number for number, (item, _p, _s) in enumerate(tracked)}
    programme_index = {id(programme): number for number, programme in enumerate(programmes)}
    measures, mandates = [], []
    for item, _people, _state in tracked:
        node = Node(
            index[id(item)],
            index[id(item.parent)] if item.parent is not None else None,
            programme_index[id(item.programme)],
            float(item.weight),
            item.status,
            item.progress,
        )
        (measures if item.kind == TrackedItem.Kind.MEASURE else mandates).append(node)
    measure_result, mandate_result = roll_up(measures), roll_up(mandates)
    progress = {**mandate_result.progress, **measure_result.progress}
    for item, _people, _state in tracked:
        item.rolled_up_progress = round(progress.get(index[id(item)], 0.0), 2)
    for number, programme in enumerate(programmes):
        programme.progress = round(measure_result.programme_progress.get(number, 0.0), 2)


def _measure(
    builder: _Builder,
    programme: Programme,
    *,
    code,
    titles,
    topic,
    units,
    body,
    start,
    end,
    scope,
    position,
    weight=Decimal(1),
) -> TrackedItem:
    rng = builder.rng
    has_indicator = bool(units[1])
    created = datetime.combine(start - timedelta(days=20), time(9, 0), tzinfo=UTC)
    item = TrackedItem(
        programme=programme,
        kind=TrackedItem.Kind.MEASURE,
        created_at=created,
        updated_at=created,
        code=code,
        scope=scope,
        topic=topic,
        position=position,
        weight=weight,
        title_kk=titles[0],
        title_ru=titles[1],
        title_en=titles[2],
        description_ru="Мероприятие дорожной карты по реализации предвыборной программы.",
        description_kk="Сайлауалды бағдарламаны іске асыру жөніндегі жол картасының іс-шарасы.",
        description_en="A roadmap measure carrying out the election programme.",
        region_id=programme.region_id,
        district_id=programme.district_id,
        executive_body_kk=body[0],
        executive_body_ru=body[1],
        executive_body_en=body[2],
        start_date=start,
        planned_end_date=end,
        deadline=builder.deadline(end),
        indicator_kk="Жоспарлы көлем" if has_indicator else "",
        indicator_ru="Плановый объём" if has_indicator else "",
        indicator_en="Planned volume" if has_indicator else "",
        unit_kk=units[0],
        unit_ru=units[1],
        unit_en=units[2],
        target_value=Decimal(rng.randint(2, 60)) if has_indicator else None,
    )
    item.search_text = _search_text(item.code, *titles)
    return item


def _moderator(regions: list[Region], password: str) -> User:
    astana = next(region for region in regions if region.code == "71")
    moderator, _created = User.objects.get_or_create(
        email=MODERATOR_EMAIL,
        defaults={
            "display_name": "Moderator (Astana)",
            "email_confirmed_at": datetime(2023, 1, 10, 9, 0, tzinfo=UTC),
            "date_joined": datetime(2023, 1, 10, 9, 0, tzinfo=UTC),
            "password": password,
        },
    )
    RoleAssignment.objects.get_or_create(
        user=moderator, role=RoleAssignment.Role.MODERATOR, region=astana
    )
    return moderator


def _residents(
    sizes: Sizes, regions: list[Region], world: DirectoryWorld, password: str
) -> list[User]:
    """Resident accounts: two in five in Astana, one in eight joined days ago."""
    astana = next(region for region in regions if region.code == "71")
    residents: list[User] = []
    for number in range(1, sizes.residents + 1):
        region = astana if number % 5 < 2 else regions[number % len(regions)]
        districts: list[District] = world.districts.get(region.id, [])
        district = districts[0] if districts and number % 3 == 0 else None
        joined = NEW_ACCOUNTS_JOINED if number % 8 == 0 else OLD_ACCOUNTS_JOINED
        residents.append(
            User(
                email=f"resident{number}@example.kz",
                password=password,
                display_name="",
                region=region,
                district=district,
                date_joined=joined,
                email_confirmed_at=joined + timedelta(minutes=5),
            )
        )
    User.objects.bulk_create(residents, batch_size=BATCH)
    _consent(residents)
    return residents


def _confirmations(rng, residents: list[User], tracked) -> tuple[list, list]:
    """Residents' answers on delivered items, disputes, and held bursts (in memory).

    Old accounts answer delivered items; a "no" majority of at least the configured
    minimum opens a dispute review. New accounts only ever answer in a burst of
    BURST_COUNT on one item, which the live rule would hold, so they are held.
    """
    from django.conf import settings

    minimum = int(getattr(settings, "HALYQ_PROGRAMMES_DISPUTE_MIN_CONFIRMATIONS", 5))
    burst_size = int(getattr(settings, "HALYQ_PROGRAMMES_BURST_COUNT", 5))
    old_by_region: dict[int, list[User]] = {}
    new_by_region: dict[int, list[User]] = {}
    for user in residents:
        pool = new_by_region if user.date_joined == NEW_ACCOUNTS_JOINED else old_by_region
        pool.setdefault(user.region_id, []).append(user)

    def living_there(pool, item):
        return [
            user
            for user in pool.get(item.region_id, [])
            if item.district_id is None or user.district_id == item.district_id
        ]

    confirmations: list[Confirmation] = []
    reviews: list[DisputeReview] = []
    for item, _people, (status, _progress, _completed) in tracked:
        if status not in (Status.DONE, Status.PARTLY_DONE) or rng.random() > 0.6:
            continue
        old = living_there(old_by_region, item)
        if not old:
            continue
        disputed = rng.random() < 0.15
        wanted = rng.randint(minimum, minimum + 4) if disputed else rng.randint(1, 6)
        voters = rng.sample(old, k=min(len(old), wanted))
        answered = min(item.completed_on + timedelta(days=rng.randint(1, 30)), ANCHOR)
        tally = [0, 0, 0, 0]  # yes, partly, no, held
        for user in voters:
            weights = [1, 1, 6] if disputed else [7, 2, 1]
            answer = rng.choices(["yes", "partly", "no"], weights=weights)[0]
            tally[["yes", "partly", "no"].index(answer)] += 1
            confirmations.append(
                Confirmation(
                    item=item,
                    round=item.report_round,
                    user=user,
                    answer=answer,
                    created_at=datetime.combine(answered, time(18, 0), tzinfo=UTC),
                )
            )
        young = living_there(new_by_region, item)
        if len(young) >= burst_size and rng.random() < 0.2:
            for user in rng.sample(young, k=burst_size):
                tally[3] += 1
                confirmations.append(
                    Confirmation(
                        item=item,
                        round=item.report_round,
                        user=user,
                        answer=Confirmation.Answer.NO,
                        state=Confirmation.State.HELD,
                        created_at=datetime.combine(ANCHOR, time(20, 0), tzinfo=UTC),
                    )
                )
        (
            item.confirmations_yes,
            item.confirmations_partly,
            item.confirmations_no,
            item.confirmations_held,
        ) = tally
        counted = sum(tally[:3])
        if counted >= minimum and tally[2] * 2 > counted:
            item.dispute_state = TrackedItem.DisputeState.OPEN
            reviews.append(
                DisputeReview(
                    item=item,
                    round=item.report_round,
                    yes_at_opening=tally[0],
                    partly_at_opening=tally[1],
                    no_at_opening=tally[2],
                    opened_at=datetime.combine(answered, time(19, 0), tzinfo=UTC),
                )
            )
    return confirmations, reviews


def _consent(users: list[User]) -> None:
    """Residents consented like every generated citizen (when consent texts exist)."""
    try:
        from halyq.accounts.models import Consent, ConsentText
    except ImportError:  # the accounts app without consents
        return
    text = ConsentText.objects.filter(version=1).first()
    if text is None:
        return
    Consent.objects.bulk_create(
        [
            Consent(
                user=user,
                consent_text=text,
                given_at=user.date_joined,
                channel=Consent.Channel.SEED,
                language=user.language,
            )
            for user in users
        ],
        batch_size=BATCH,
    )
