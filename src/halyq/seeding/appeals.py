"""Seed step: reception offices, their staff, and a year of citizens' appeals.

Rules of this step:
- Offices: a main office in every region and one in every district; the region's
  deputies and reserve activists receive at them (each at one office).
- Demo accounts (password `DEMO_PASSWORD`): operator.astana@demo.halyq.kz operates the
  Astana main office; deputy@demo.halyq.kz signs in as an Astana deputy who receives
  there; moderator.astana@demo.halyq.kz moderates Astana (get_or_create: another step may
  make the same account).
- Appeals: `APPEALS[scale.name]` over the last 365 days, sorted by arrival, numbered per
  region and year like the real ones. Cities are busier; a person's share of the work is
  heavy-tailed (Pareto); categories resolve at different rates; each person has a
  diligence that shapes how fast they answer. Every state appears: registered (some
  overdue), assigned (some extended), answered awaiting the citizen, closed with yes /
  partly / no / not confirmed, reopened, transferred, rejected and duplicates. Web
  appeals come from citizens' accounts; office-channel ones carry a visitor's contact and
  most were confirmed by the visitor.
- Demo writes each appeal's visible history (AppealEvent) and its ledger events. The
  national scale writes the appeals table only (2 million rows in minutes): no history
  rows and no ledger events; the rating reads it through `appeals.selectors.
  rating_appeal_columns`, which needs only the table (docs/appeals.md).
- One generator feeds both writers: PostgreSQL gets the rows by COPY, other databases
  by bulk_create. Same seed, same rows.
"""

from __future__ import annotations

import random
import time
import uuid
from bisect import bisect
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from halyq.accounts.models import RoleAssignment, User
from halyq.appeals.calendar import current_calendar
from halyq.appeals.models import (
    Appeal,
    AppealEvent,
    Category,
    Channel,
    ReceptionOffice,
    RegistrationCounter,
)
from halyq.appeals.workflow import Resolution, State
from halyq.directory.models import Person, Region
from halyq.seeding.accounts import DEMO_DOMAIN, DEMO_PASSWORD
from halyq.seeding.directory import DirectoryWorld
from halyq.seeding.names import random_name
from halyq.seeding.scale import Scale

APPEALS = {"demo": 3_000, "national": 2_000_000}
OWN_CITIZENS = {"demo": 600, "national": 250_000}
# Kazakhstan has kept one time zone, UTC+5, since 1 March 2024. A fixed offset is far
# faster than zoneinfo over millions of timestamps, and exact for the generated year.
ALMATY = dt_timezone(timedelta(hours=5))
TERM = 15
CONFIRMATION_DAYS = 10
# Population by KATO code, thousands (2024 estimates, rounded): appeals follow people.
POPULATION = {
    "10": 610, "11": 790, "15": 930, "19": 1530, "23": 700, "27": 690, "31": 1220,
    "33": 690, "35": 1130, "39": 830, "43": 840, "47": 790, "55": 750, "59": 530,
    "61": 2100, "62": 220, "63": 730, "71": 1450, "75": 2300, "79": 1200,
}  # fmt: skip
CITY_FACTOR = 1.6  # city dwellers write more
# code: (share of appeals, chance the citizen says "yes", "partly")
CATEGORIES = {
    "housing": (0.30, 0.45, 0.25),
    "roads": (0.15, 0.35, 0.25),
    "social": (0.14, 0.55, 0.20),
    "health": (0.09, 0.50, 0.25),
    "education": (0.07, 0.60, 0.20),
    "land": (0.08, 0.25, 0.25),
    "employment": (0.06, 0.40, 0.25),
    "environment": (0.05, 0.40, 0.30),
    "public-order": (0.03, 0.50, 0.20),
    "other": (0.03, 0.45, 0.25),
}
CHANNELS = (
    (Channel.WEB, 0.55),
    (Channel.WALK_IN, 0.30),
    (Channel.PHONE, 0.10),
    (Channel.LETTER, 0.05),
)
PROBLEMS = {
    "housing": ["нет горячей воды", "протекает крыша", "не работает лифт", "холодно в квартирах"],
    "roads": [
        "яма на дороге",
        "нет освещения на улице",
        "разбит тротуар",
        "нет пешеходного перехода",
    ],
    "social": [
        "задерживают пособие",
        "нужна помощь многодетной семье",
        "не дают путёвку в санаторий",
    ],
    "health": ["нет врача в поликлинике", "долго ждать приёма", "нет лекарств в аптеке"],
    "education": ["не хватает мест в детском саду", "школа в три смены", "нет подвоза в школу"],
    "land": ["не выделяют участок", "спор о границах участка", "самовольный захват земли"],
    "employment": ["не выплачивают зарплату", "нужна работа", "сокращение на предприятии"],
    "environment": ["свалка во дворе", "вырубают деревья", "не вывозят мусор"],
    "public-order": ["шум по ночам", "бродячие собаки", "нет участкового"],
    "other": ["вопрос о работе приёмной", "прошу разъяснить закон"],
}
STREETS = ["Абая", "Сейфуллина", "Кенесары", "Республики", "Мира", "Ленина", "Достык", "Жибек жолы"]
PHONE_PREFIXES = ("701", "702", "705", "707", "747", "771", "775", "778")


@dataclass
class AppealsWorld:
    offices: list[ReceptionOffice]
    appeal_count: int
    confirmations: int
    states: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def seed_appeals(
    rng: random.Random,
    scale: Scale,
    world: DirectoryWorld,
    citizens: dict[int, list[int]] | None = None,
    *,
    today: date | None = None,
) -> AppealsWorld:
    """Offices, staff and appeals. `citizens`: ids of citizen accounts by region id
    (e.g. from the accounts step); when absent, this step creates its own pool."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    today = today or timezone.localdate()
    offices, receivers = _seed_offices(rng, world)
    _seed_staff(world, offices, receivers)
    timings["offices and staff"] = time.perf_counter() - started
    if not citizens:
        citizens = _seed_citizens(rng, scale, world)
        timings["citizens"] = time.perf_counter() - started - sum(timings.values())
    generator = _Generator(rng, scale, world, offices, receivers, citizens, today)
    with_history = scale.name != "national"
    count = APPEALS.get(scale.name, APPEALS["demo"])
    stats = generator.write(count, with_history=with_history, timings=timings)
    return AppealsWorld(
        offices=offices,
        appeal_count=count,
        confirmations=stats.pop("confirmations", 0),
        states=stats,
        seconds=time.perf_counter() - started,
        timings=timings,
    )


# --------------------------------------------------------------------- offices, staff


def _seed_offices(rng, world: DirectoryWorld):
    offices: list[ReceptionOffice] = []
    for region in world.regions:
        offices.append(
            ReceptionOffice(
                slug=f"{region.slug}-main",
                region=region,
                name_kk=f"«Бірлік» қоғамдық қабылдау бөлмесі — {region.name_kk}",
                name_ru=f"Общественная приёмная «Бірлік» — {region.name_ru}",
                name_en=f"Birlik public reception office — {region.name_en}",
                address_kk=f"{rng.choice(STREETS)} к-сі, {rng.randint(1, 120)}",
                address_ru=f"ул. {rng.choice(STREETS)}, {rng.randint(1, 120)}",
                address_en=f"{rng.randint(1, 120)} {rng.choice(STREETS)} Street",
                opening_hours_kk="Дс–Жм 9:00–18:00, түскі үзіліс 13:00–14:00",
                opening_hours_ru="Пн–Пт 9:00–18:00, обед 13:00–14:00",
                opening_hours_en="Mon–Fri 9:00–18:00, lunch 13:00–14:00",
                phone=f"+7 7{rng.randint(100, 299)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                email=f"{region.slug}@priemnaya.halyq.kz",
            )
        )
        for number, district in enumerate(world.districts.get(region.id, []), start=1):
            offices.append(
                ReceptionOffice(
                    slug=f"{region.slug}-{number}",
                    region=region,
                    district=district,
                    name_kk=f"Қоғамдық қабылдау бөлмесі — {district.name_kk}",
                    name_ru=f"Общественная приёмная — {district.name_ru}",
                    name_en=f"Public reception office — {district.name_en}",
                    address_kk=f"{rng.choice(STREETS)} к-сі, {rng.randint(1, 80)}",
                    address_ru=f"ул. {rng.choice(STREETS)}, {rng.randint(1, 80)}",
                    address_en=f"{rng.randint(1, 80)} {rng.choice(STREETS)} Street",
                    opening_hours_kk="Дс–Жм 9:00–17:00",
                    opening_hours_ru="Пн–Пт 9:00–17:00",
                    opening_hours_en="Mon–Fri 9:00–17:00",
                    phone=f"+7 7{rng.randint(100, 299)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                )
            )
    ReceptionOffice.objects.bulk_create(offices, batch_size=1000)
    offices = list(
        ReceptionOffice.objects.filter(slug__in=[o.slug for o in offices]).order_by("id")
    )
    by_region: dict[int, list[ReceptionOffice]] = defaultdict(list)
    for office in offices:
        by_region[office.region_id].append(office)
    people = sorted(world.deputies + world.reserve, key=lambda person: person.pk)
    receivers: dict[int, list[Person]] = defaultdict(list)
    for person in people:
        region_offices = by_region[person.region_id]
        # The main office (first) gets a third of the region's people.
        office = region_offices[0] if rng.random() < 0.34 else rng.choice(region_offices)
        receivers[office.id].append(person)
    for region_offices in by_region.values():
        main = region_offices[0]
        for office in region_offices:
            if not receivers[office.id] and receivers[main.id]:
                receivers[office.id].append(rng.choice(receivers[main.id]))
    through = ReceptionOffice.receiving_people.through
    through.objects.bulk_create(
        [
            through(receptionoffice_id=office_id, person_id=person.pk)
            for office_id, persons in receivers.items()
            for person in {p.pk: p for p in persons}.values()
        ],
        batch_size=5000,
    )
    return offices, receivers


def _demo_user(email: str, display_name: str, password_hash: str, **fields) -> User:
    user, _ = User.objects.get_or_create(
        email=email,
        defaults={
            "password": password_hash,
            "display_name": display_name,
            "email_confirmed_at": timezone.now(),
            **fields,
        },
    )
    return user


def _seed_staff(world: DirectoryWorld, offices, receivers) -> None:
    password_hash = make_password(DEMO_PASSWORD)
    astana = Region.objects.get(code="71")
    main = next(o for o in offices if o.region_id == astana.id and o.district_id is None)
    operator = _demo_user(
        f"operator.astana@{DEMO_DOMAIN}", "Operator (Astana office)", password_hash, language="ru"
    )
    main.operators.add(operator)
    deputies = [p for p in receivers[main.id] if p.kind == Person.Kind.DEPUTY] or [
        p for p in world.deputies if p.region_id == astana.id
    ]
    deputy_person = deputies[0]
    deputy = _demo_user(f"deputy@{DEMO_DOMAIN}", "Deputy (Astana)", password_hash)
    if deputy.person_id is None:
        User.objects.filter(pk=deputy.pk).update(person=deputy_person)
    if not main.receiving_people.filter(pk=deputy_person.pk).exists():
        main.receiving_people.add(deputy_person)
    moderator = _demo_user(f"moderator.astana@{DEMO_DOMAIN}", "Moderator (Astana)", password_hash)
    RoleAssignment.objects.get_or_create(
        user=moderator, role=RoleAssignment.Role.MODERATOR, region=astana
    )


def _seed_citizens(rng, scale: Scale, world: DirectoryWorld) -> dict[int, list[int]]:
    """A pool of citizen accounts of this step's own (when no accounts step gave one)."""
    count = OWN_CITIZENS.get(scale.name, OWN_CITIZENS["demo"])
    password = make_password(None)  # unusable: generated citizens never sign in
    regions = world.regions
    weights = list(accumulate(_region_weight(r) for r in regions))
    joined = timezone.now() - timedelta(days=800)
    names = [random_name(rng) for _ in range(500)]
    columns = (
        "email", "password", "display_name", "phone", "language", "region_id", "date_joined",
        "email_confirmed_at", "is_active", "is_staff", "is_superuser", "iin_ciphertext",
    )  # fmt: skip
    rows = []
    for number in range(count):
        region = regions[bisect(weights, rng.random() * weights[-1])]
        name = names[int(rng.random() * len(names))]
        rows.append(
            (
                f"appeals.citizen{number:07d}@example.kz",
                password,
                f"{name.given_name_ru} {name.family_name_ru}",
                "",
                _language(rng.random()),
                region.id,
                joined,
                joined if rng.random() < 0.93 else None,
                True,
                False,
                False,
                "",
            )
        )
    _write_rows(User, columns, rows)
    ids = defaultdict(list)
    for user_id, region_id in (
        User.objects.filter(email__startswith="appeals.citizen", email__endswith="@example.kz")
        .order_by("id")
        .values_list("id", "region_id")
    ):
        ids[region_id].append(user_id)
    return dict(ids)


def _region_weight(region: Region) -> float:
    return POPULATION.get(region.code, 600) * (CITY_FACTOR if region.is_city else 1.0)


def _language(roll: float) -> str:
    return "kk" if roll < 0.5 else ("ru" if roll < 0.97 else "en")


def _write_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows (tuples in `columns` order): COPY on PostgreSQL, bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        _copy(model._meta.db_table, columns, rows)
        return
    batch = []
    for row in rows:
        batch.append(model(**dict(zip(columns, row, strict=True))))
        if len(batch) >= 2000:
            model.objects.bulk_create(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)


# ------------------------------------------------------------------------ the appeals

APPEAL_COLUMNS = (
    "id", "number", "region_id", "office_id", "category_id", "addressed_person_id",
    "assigned_person_id", "answered_by_id", "channel", "state", "version", "author_id",
    "registered_by_id", "idempotency_key", "citizen_name", "citizen_email", "citizen_phone",
    "language", "text", "received_at", "registered_on", "term_started_on", "due_on",
    "original_due_on", "extended_at", "extension_reason", "transferred_out_of_competence",
    "answered_at", "answered_on", "answer_text", "closed_on", "resolution", "reopened_count",
    "rejection_reason", "duplicate_of_id", "visitor_confirmed_at", "citizen_confirmed_at",
    "visitor_code_hash", "visitor_code_attempts", "personal_data_erased_at", "created_at",
    "updated_at",
)  # fmt: skip
COLUMN = {name: index for index, name in enumerate(APPEAL_COLUMNS)}


class _Days:
    """Working-day arithmetic by index, for speed over millions of rows."""

    def __init__(self, first: date, last: date):
        calendar = current_calendar()
        self.days = []
        day = calendar.next_working_day(first)
        while day <= last:
            self.days.append(day)
            day = calendar.add_working_days(day, 1)
        self.index = {day: i for i, day in enumerate(self.days)}
        self.next_index = {}
        cursor = 0
        day = first
        while day <= last:
            while cursor < len(self.days) and self.days[cursor] < day:
                cursor += 1
            self.next_index[day] = cursor
            day += timedelta(days=1)

    def at(self, index: int) -> date:
        return self.days[min(index, len(self.days) - 1)]


class _Generator:
    def __init__(self, rng, scale, world, offices, receivers, citizens, today):
        self.rng = rng
        self.today = today
        self.regions = [r for r in world.regions if any(o.region_id == r.id for o in offices)]
        self.region_weights = list(accumulate(_region_weight(r) for r in self.regions))
        self.offices_by_region = defaultdict(list)
        for office in offices:
            self.offices_by_region[office.region_id].append(office)
        self.categories = {c.code: c for c in Category.objects.all()}
        codes = [code for code in CATEGORIES if code in self.categories]
        self.category_codes = codes
        self.category_weights = list(accumulate(CATEGORIES[c][0] for c in codes))
        # Heavy-tailed workload: a Pareto weight per person, reserve activists lighter.
        self.people_by_office = {}
        self.diligence = {}
        for office in offices:
            persons = receivers.get(office.id, [])
            weights = []
            for person in persons:
                weight = rng.paretovariate(1.2) * (
                    0.35 if person.kind == Person.Kind.RESERVE else 1.0
                )
                weights.append(weight)
                self.diligence.setdefault(person.pk, min(3.0, rng.lognormvariate(0, 0.45)))
            self.people_by_office[office.id] = (
                persons,
                list(accumulate(weights)) if weights else [],
            )
        self.names = [random_name(rng) for _ in range(500)]
        self.citizens = citizens
        self.all_citizens = [cid for ids in citizens.values() for cid in ids]
        # A few citizens write a lot (heavy tail over the pool, by index).
        self.channel_weights = list(accumulate(w for _, w in CHANNELS))
        self.channels = [c.value for c, _ in CHANNELS]
        self.days = _Days(today - timedelta(days=400), today + timedelta(days=400))
        self.operator_id = (
            User.objects.filter(email=f"operator.astana@{DEMO_DOMAIN}")
            .values_list("id", flat=True)
            .first()
        )
        self.operator_office = (
            ReceptionOffice.objects.filter(operators__id=self.operator_id)
            .values_list("id", flat=True)
            .first()
        )

    def _pick(self, items, cumulative):
        return items[bisect(cumulative, self.rng.random() * cumulative[-1])]

    def write(self, count: int, *, with_history: bool, timings: dict) -> dict:
        rng, today = self.rng, self.today
        generation_started = time.perf_counter()
        start_ts = datetime.combine(
            today - timedelta(days=365), datetime.min.time(), ALMATY
        ).timestamp()
        end_ts = datetime.combine(today, datetime.min.time(), ALMATY).timestamp() + 17 * 3600
        # The platform grows over the year: arrivals lean towards recent months.
        span = end_ts - start_ts
        arrivals = sorted(start_ts + span * rng.random() ** 0.8 for _ in range(count))
        first_id = (Appeal.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        sequences: dict[tuple[int, int], int] = defaultdict(int)
        recent_by_region: dict[int, list[int]] = defaultdict(list)
        rows, histories = [], []
        stats: dict[str, int] = defaultdict(int)
        for offset, stamp in enumerate(arrivals):
            row, history = self._appeal(
                first_id + offset, stamp, sequences, recent_by_region, with_history
            )
            rows.append(row)
            stats[row[COLUMN["state"]]] += 1
            if row[COLUMN["resolution"]] in ("yes", "partly", "no"):
                stats["confirmations"] += 1
            if with_history:
                histories.append(history)
        mark = time.perf_counter()
        timings["generate appeals"] = mark - generation_started
        _write_appeals(rows)
        timings["write appeals"] = time.perf_counter() - mark
        RegistrationCounter.objects.bulk_create(
            [
                RegistrationCounter(region_id=region_id, year=year, last_number=last)
                for (region_id, year), last in sequences.items()
            ]
        )
        if with_history:
            mark = time.perf_counter()
            stats["ledger events"] = _write_history(rows, histories)
            timings["history and ledger"] = time.perf_counter() - mark
        return {str(key): value for key, value in stats.items()}

    def _appeal(self, appeal_id, stamp, sequences, recent_by_region, with_history):
        rng, days, today = self.rng, self.days, self.today
        region = self._pick(self.regions, self.region_weights)
        region_offices = self.offices_by_region[region.id]
        office = region_offices[0] if rng.random() < 0.45 else rng.choice(region_offices)
        code = self._pick(self.category_codes, self.category_weights)
        category = self.categories[code]
        _, yes_rate, partly_rate = CATEGORIES[code]
        channel = self._pick(self.channels, self.channel_weights)
        received_at = datetime.fromtimestamp(stamp, ALMATY)
        local_day = received_at.date()
        registered_index = days.next_index[local_day]
        registered_on = days.at(registered_index)
        due_index = registered_index + TERM
        due_on = original_due = days.at(due_index)
        today_index = days.next_index[today]
        if days.at(today_index) != today:
            today_index -= 1  # today is a day off: the last working day is "today" for ages
        age = today_index - registered_index  # working days since registration
        persons, weights = self.people_by_office[office.id]
        person = self._pick(persons, weights) if persons else None
        diligence = self.diligence.get(person.pk, 1.0) if person else 1.0
        year = registered_on.year
        sequences[(region.id, year)] += 1
        number = f"{region.abbreviation}-{year}-{sequences[(region.id, year)]:06d}"

        author_id = registered_by_id = None
        citizen_name = citizen_email = citizen_phone = ""
        language = _language(rng.random())
        visitor_confirmed_at = citizen_confirmed_at = None
        if channel == Channel.WEB:
            pool = self.citizens.get(region.id) or self.all_citizens
            # Square of a uniform: low indices (early adopters) write more often.
            author_id = pool[int(len(pool) * rng.random() ** 2)]
            citizen_confirmed_at = received_at if rng.random() < 0.95 else None
        else:
            name = self.names[int(rng.random() * len(self.names))]
            citizen_name = f"{name.given_name_ru} {name.family_name_ru}"
            if rng.random() < 0.7:
                citizen_email = f"visitor{appeal_id}@example.kz"
            citizen_phone = f"+7{rng.choice(PHONE_PREFIXES)}{rng.randint(1_000_000, 9_999_999)}"
            if office.id == self.operator_office:
                registered_by_id = self.operator_id
            if rng.random() < 0.78:
                visitor_confirmed_at = citizen_confirmed_at = received_at + timedelta(
                    hours=rng.randint(1, 72)
                )
                if visitor_confirmed_at.date() > today:
                    visitor_confirmed_at = citizen_confirmed_at = None
        problem = rng.choice(PROBLEMS.get(code, PROBLEMS["other"]))
        text = (
            f"Здравствуйте. По адресу ул. {rng.choice(STREETS)}, {rng.randint(1, 150)}: "
            f"{problem}. Прошу помочь решить вопрос."
        )
        state = State.REGISTERED
        assigned = answered_by = None
        extended_at = None
        extension_reason = ""
        transferred = False
        answered_at = answered_on = closed_on = None
        answer_text = resolution = rejection_reason = ""
        reopened = 0
        duplicate_of = None
        term_index = registered_index
        story = (
            [("register", registered_on, "", State.REGISTERED, {"channel": channel})]
            if with_history
            else None
        )
        if story is not None and visitor_confirmed_at is not None:
            story.append(("visitor_confirm", visitor_confirmed_at.date(), "", "", {"how": "code"}))
        assign_delay = min(5, int(rng.expovariate(0.6)))  # working days
        roll = rng.random()
        if roll < 0.02 and age >= 1:
            state, rejection_reason = State.REJECTED, "Обращение не содержит вопроса (спам)."
            closed_on = days.at(registered_index + 1)
            if story is not None:
                story.append(("reject", closed_on, State.REGISTERED, State.REJECTED, {}))
        elif roll < 0.04 and age >= 1 and recent_by_region[region.id]:
            state = State.DUPLICATE
            duplicate_of = rng.choice(recent_by_region[region.id][-50:])
            closed_on = days.at(registered_index + 1)
            if story is not None:
                story.append(("merge_duplicate", closed_on, State.REGISTERED, State.DUPLICATE, {}))
        elif age >= assign_delay and person is not None:
            if rng.random() < 0.05:  # transferred: out of the first office's competence
                transferred = True
                if story is not None:
                    story.append(
                        (
                            "transfer",
                            days.at(registered_index + min(assign_delay, 2)),
                            State.REGISTERED,
                            State.REGISTERED,
                            {"out_of_competence": True},
                        )
                    )
            state, assigned = State.ASSIGNED, person
            if story is not None:
                story.append(
                    (
                        "assign",
                        days.at(registered_index + assign_delay),
                        State.REGISTERED,
                        State.ASSIGNED,
                        {"person_name": person.name},
                    )
                )
            # Working days to answer: most within the term, the less diligent later.
            answer_in = max(1, int(rng.gauss(9, 4) / diligence + rng.expovariate(0.6)))
            if rng.random() < 0.06 and answer_in > 8:
                extend_to = min(registered_index + 38, due_index + rng.randint(5, 20))
                extend_day = registered_index + rng.randint(5, TERM)
                if extend_day <= today_index:
                    extended_at = datetime.combine(
                        days.at(extend_day), datetime.min.time(), ALMATY
                    ) + timedelta(hours=11)
                    extension_reason = "Требуется выезд на место и заключение специалистов."
                    due_on = days.at(extend_to)
                    answer_in = max(answer_in, TERM + rng.randint(1, 10))
                    if story is not None:
                        story.append(
                            (
                                "extend",
                                days.at(extend_day),
                                State.ASSIGNED,
                                State.ASSIGNED,
                                {"due_on": due_on.isoformat()},
                            )
                        )
            if registered_index + answer_in <= today_index:
                answer_index = registered_index + answer_in
                answered_on = days.at(answer_index)
                answered_at = datetime.combine(
                    answered_on, datetime.min.time(), ALMATY
                ) + timedelta(hours=rng.randint(9, 18))
                answered_by = person
                answer_text = "Ваше обращение рассмотрено. " + rng.choice(
                    [
                        "Работы включены в план на текущий месяц.",
                        "Направлен запрос в акимат, ответ будет доведён до вас.",
                        "Вопрос решён, проверка проведена.",
                        "Разъяснения даны по телефону и письменно.",
                    ]
                )
                state = State.ANSWERED
                if story is not None:
                    story.append(
                        (
                            "answer",
                            answered_on,
                            State.ASSIGNED,
                            State.ANSWERED,
                            {"term_due_on": due_on.isoformat()},
                        )
                    )
                waited = today_index - answer_index
                reply_in = int(rng.expovariate(0.35))
                replies = rng.random() < 0.72 and reply_in < CONFIRMATION_DAYS
                good = min(0.95, yes_rate * (0.7 + 0.3 * diligence))
                if replies and reply_in <= waited:
                    roll = rng.random()
                    resolution = (
                        Resolution.YES
                        if roll < good
                        else (Resolution.PARTLY if roll < good + partly_rate else Resolution.NO)
                    )
                    closed_on = days.at(answer_index + reply_in)
                    state = State.CLOSED
                    if story is not None:
                        story.append(
                            (
                                "confirm_resolution",
                                closed_on,
                                State.ANSWERED,
                                State.CLOSED,
                                {"resolution": resolution},
                            )
                        )
                    if resolution == Resolution.NO and rng.random() < 0.2:
                        reopen_index = answer_index + reply_in + 1
                        if reopen_index <= today_index:
                            reopened, state, resolution, closed_on = 1, State.ASSIGNED, "", None
                            answered_on = answered_at = None
                            answered_by = None
                            answer_text = ""
                            term_index = reopen_index
                            due_on = days.at(reopen_index + TERM)
                            if story is not None:
                                story.append(
                                    (
                                        "reopen",
                                        days.at(reopen_index),
                                        State.CLOSED,
                                        State.ASSIGNED,
                                        {"due_on": due_on.isoformat()},
                                    )
                                )
                elif waited >= CONFIRMATION_DAYS:
                    resolution = Resolution.NONE
                    closed_on = days.at(answer_index + CONFIRMATION_DAYS)
                    state = State.CLOSED
                    if story is not None:
                        story.append(
                            (
                                "close_unconfirmed",
                                closed_on,
                                State.ANSWERED,
                                State.CLOSED,
                                {"resolution": "none"},
                            )
                        )
        if state not in (State.REJECTED, State.DUPLICATE):
            recent_by_region[region.id].append(appeal_id)
        addressed = person if person is not None and rng.random() < 0.25 else None
        created = received_at
        row = (
            appeal_id, number, region.id, office.id, category.id,
            addressed.pk if addressed else None,
            assigned.pk if assigned else None,
            answered_by.pk if answered_by else None,
            channel, str(state), 1 + len(story or ()) if story else 1, author_id, registered_by_id,
            uuid.UUID(int=rng.getrandbits(128), version=4),
            citizen_name, citizen_email, citizen_phone, language, text, received_at,
            registered_on, days.at(term_index), due_on, original_due, extended_at, extension_reason,
            transferred, answered_at, answered_on, answer_text, closed_on, str(resolution), reopened,
            rejection_reason, duplicate_of, visitor_confirmed_at, citizen_confirmed_at, "", 0, None,
            created, created,
        )  # fmt: skip
        return row, story


def _write_appeals(rows: list[tuple]) -> None:
    if connection.vendor == "postgresql" and len(rows) >= BULK_LOAD_ROWS:
        with _indexes_rebuilt_after(Appeal._meta.db_table):
            _write_rows(Appeal, APPEAL_COLUMNS, rows)
    else:
        _write_rows(Appeal, APPEAL_COLUMNS, rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "(SELECT COALESCE(MAX(id), 1) FROM appeals_appeal))",
                [Appeal._meta.db_table],
            )


BULK_LOAD_ROWS = 100_000


@contextmanager
def _indexes_rebuilt_after(table: str):
    """Load millions of rows the way PostgreSQL likes: without indexes and foreign keys,
    then build them once. The definitions are read from the catalogue and restored
    exactly (same names), inside the seed's transaction: a failure restores everything.
    """
    with connection.cursor() as cursor:
        # Run the deferred foreign-key checks of earlier inserts now: a table with
        # pending trigger events cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), conindid::regclass::text "
            "FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
            [table],
        )
        constraints = cursor.fetchall()
        backing = {index for _, _, index in constraints}
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT IN (SELECT conindid::regclass::text FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'p')",
            [table, table],
        )
        indexes = [
            (name, definition) for name, definition in cursor.fetchall() if name not in backing
        ]
        quoted_table = connection.ops.quote_name(table)
        for name, _, _ in constraints:
            cursor.execute(
                f"ALTER TABLE {quoted_table} DROP CONSTRAINT {connection.ops.quote_name(name)}"
            )
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition, _ in constraints:
            cursor.execute(
                f"ALTER TABLE {quoted_table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
        cursor.execute(f"ANALYZE {quoted_table}")


def _copy(table: str, columns: tuple[str, ...], rows) -> None:
    """COPY the rows (psycopg formats them in C: the fast path for millions of rows)."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _write_history(rows: list[tuple], histories: list[list]) -> None:
    """The visible history and the ledger events of the demo appeals, in time order."""
    from halyq.appeals import ledger

    events = []
    appeal_ids = [row[COLUMN["id"]] for row in rows]
    appeals = Appeal.objects.select_related("region", "office", "category", "author").in_bulk(
        appeal_ids
    )
    people = {
        p.pk: p
        for p in Person.objects.filter(
            pk__in={row[COLUMN["assigned_person_id"]] for row in rows}
            | {row[COLUMN["addressed_person_id"]] for row in rows}
        )
    }
    timeline = []
    for row, story in zip(rows, histories, strict=True):
        appeal = appeals[row[COLUMN["id"]]]
        for order, (action, day, from_state, to_state, details) in enumerate(story):
            moment = (
                row[COLUMN["received_at"]]
                if action == "register"
                else datetime.combine(day, datetime.min.time(), ALMATY)
                + timedelta(hours=10, minutes=order)
            )
            role = {
                "register": "operator" if row[COLUMN["channel"]] != Channel.WEB else "author",
                "visitor_confirm": "author",
                "assign": "operator",
                "transfer": "operator",
                "extend": "assigned_person",
                "answer": "assigned_person",
                "reject": "operator",
                "merge_duplicate": "operator",
                "confirm_resolution": "author",
                "reopen": "author",
                "close_unconfirmed": "system",
            }[action]
            events.append(
                AppealEvent(
                    appeal_id=appeal.pk,
                    occurred_at=moment,
                    actor_role=role,
                    action=action,
                    from_state=from_state,
                    to_state=to_state,
                    reason=row[COLUMN["extension_reason"]]
                    if action == "extend"
                    else (row[COLUMN["rejection_reason"]] if action == "reject" else ""),
                    details=details,
                )
            )
            timeline.append((moment, appeal.pk, order, action, day, details))
    AppealEvent.objects.bulk_create(events, batch_size=5000)
    timeline.sort(key=lambda item: (item[0], item[1], item[2]))
    for moment, appeal_id, _, action, day, details in timeline:
        appeal = appeals[appeal_id]
        payload = _ledger_payload(appeal, action, day, details, people)
        if payload is not None:
            kind, fields = payload
            ledger.record(kind, appeal, moment, **fields)
    return len(timeline)


def _ledger_payload(appeal, action, day, details, people):
    from halyq.appeals import ledger

    person = people.get(appeal.assigned_person_id) if appeal.assigned_person_id else None
    person_key = ledger.person_key(person)
    iso = day.isoformat()
    if action == "register":
        return "registered", {
            "citizen": ledger.citizen_pseudonym(appeal),
            "region": appeal.region.code,
            "office": appeal.office.slug,
            "category": appeal.category.code,
            "person": ledger.person_key(people.get(appeal.addressed_person_id)),
            "registered_on": appeal.registered_on.isoformat(),
            "due_on": appeal.original_due_on.isoformat(),
            "channel": appeal.channel,
            "counts": appeal.channel == Channel.WEB and appeal.citizen_confirmed_at is not None,
        }
    if action == "visitor_confirm":
        return "visitor_confirmed", {
            "confirmed_on": iso,
            "counts": appeal.state not in ("rejected", "duplicate"),
        }
    if action == "assign":
        return "assigned", {"person": person_key, "office": appeal.office.slug, "assigned_on": iso}
    if action == "transfer":
        return "transferred", {
            "from_office": appeal.office.slug, "from_person": None, "transferred_on": iso,
            "to_office": appeal.office.slug, "to_person": None, "region": appeal.region.code,
            "out_of_competence": True, "within_transfer_term": True,
            "due_on": appeal.due_on.isoformat(),
        }  # fmt: skip
    if action == "extend":
        return "extended", {
            "person": person_key, "previous_due_on": appeal.original_due_on.isoformat(),
            "due_on": details["due_on"], "extended_on": iso,
        }  # fmt: skip
    if action == "answer":
        from halyq.appeals.deadlines import working_days_to_answer

        return "answered", {
            "person": person_key, "answered_on": iso, "due_on": details["term_due_on"],
            "working_days_to_answer": working_days_to_answer(appeal.registered_on, day),
            "within_term": day <= date.fromisoformat(details["term_due_on"]),
        }  # fmt: skip
    if action == "reject":
        return "rejected", {"rejected_on": iso}
    if action == "merge_duplicate":
        original = (
            ledger.appeal_pseudonym(appeal.duplicate_of_id) if appeal.duplicate_of_id else None
        )
        return "duplicate", {"original": original, "merged_on": iso}
    if action in ("confirm_resolution", "close_unconfirmed"):
        return "closed", {
            "person": person_key, "resolution": details["resolution"], "closed_on": iso,
            "confirmed_by_citizen": action == "confirm_resolution",
        }  # fmt: skip
    if action == "reopen":
        return "reopened", {"person": person_key, "reopened_on": iso, "due_on": details["due_on"]}
    return None
