"""Seed step: deputies' personal receptions over the past year and the coming month.

Rules of this step:
- It runs after the appeals step, which creates the reception offices: it reads the
  offices and who receives at each from the database and creates none itself.
- Every deputy who receives at an office gets about one reception a month (~12 a
  year plus the coming month, demo and national alike), at one of their offices, on a
  working day. Reserve activists are not given receptions.
- Past receptions are mostly held (about 85 %), some cancelled (illness, official
  duties...), and some from the last fortnight are still waiting to be recorded, as in
  real life. Upcoming ones are scheduled and partly booked, more so the sooner.
- Bookings: about three quarters of the slots of a held reception were booked and
  about 85 % of those visitors came. Online bookings go to existing confirmed
  citizens' accounts when there are any; the rest are operator bookings for
  generated visitors (generated names: no real person's data).
- Held and cancelled receptions carry their frozen counts exactly as the services
  leave them. The demo also appends the same `reception.*` events to the ledger,
  chained exactly as `integrity.services.event_record` would chain them one by one;
  the national set writes none (like the appeals step: hashing ~85,000 canonical
  entries costs more than the rest of the step, and the rating reads the tables
  through `receptions.selectors.rating_receptions`).
- Speed: the national set is ~45,000 receptions and ~300,000 bookings. Django's
  bulk_create spends most of its time compiling values, so rows are built as plain
  tuples and written by `_insert` (COPY on PostgreSQL, executemany on SQLite), the
  receptions with ids chosen here (the sequence is reset afterwards, as `loaddata`
  does).
- One `random.Random` drives every choice, so a seed and a `today` give the same data.
"""

from __future__ import annotations

import json
import random
import time as clock
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from halyq.accounts.models import User
from halyq.appeals.models import ReceptionOffice
from halyq.directory.models import Person
from halyq.receptions.models import Booking, Reception
from halyq.seeding.directory import DirectoryWorld
from halyq.seeding.names import random_name
from halyq.seeding.scale import Scale

PAST_DAYS = 365
FUTURE_DAYS = 31
EVERY_DAYS = 30  # about one reception a month per deputy
STARTS = (time(9, 0), time(10, 0), time(11, 0), time(14, 0), time(15, 0))
SLOT_MINUTES = (15, 20)
DURATION_MINUTES = (120, 180)
CANCEL_REASONS = (
    (Reception.CancelReason.ILLNESS, 3),
    (Reception.CancelReason.OFFICIAL_DUTY, 5),
    (Reception.CancelReason.OFFICE_CLOSED, 1),
    (Reception.CancelReason.NOT_HELD, 3),
    (Reception.CancelReason.OTHER, 1),
)
VISITOR_NAME_POOL = 400
CITIZEN_POOL = {"demo": 500, "national": 20_000}
BATCH = 5000

SCHEDULED, HELD, CANCELLED = (
    Reception.Status.SCHEDULED.value,
    Reception.Status.HELD.value,
    Reception.Status.CANCELLED.value,
)
BOOKED, ATTENDED, NO_SHOW, BOOKING_CANCELLED = (
    Booking.Status.BOOKED.value,
    Booking.Status.ATTENDED.value,
    Booking.Status.NO_SHOW.value,
    Booking.Status.CANCELLED.value,
)


@dataclass
class ReceptionsWorld:
    receptions: int = 0
    bookings: int = 0
    held: int = 0
    cancelled: int = 0
    events: int = 0
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class _Reception:
    id: int
    office_id: int
    person_id: int
    date: date
    start: time
    end: time
    slot_minutes: int
    slot_count: int
    status: str = SCHEDULED
    cancel_reason: str = ""
    booked: int | None = None
    attended: int | None = None
    scheduled_by: int | None = None

    def slot_starts(self) -> list[time]:
        first = datetime.combine(self.date, self.start)
        return [
            (first + timedelta(minutes=self.slot_minutes * n)).time()
            for n in range(self.slot_count)
        ]


def seed_receptions(
    rng: random.Random,
    scale: Scale,
    world: DirectoryWorld | None = None,
    *,
    today: date | None = None,
) -> ReceptionsWorld:
    today = today or timezone.localdate()
    timings: dict[str, float] = {}
    mark = clock.perf_counter()
    offices_of = _offices_by_deputy()
    citizens = list(
        User.objects.filter(
            is_active=True,
            email_confirmed_at__isnull=False,
            person__isnull=True,
            is_superuser=False,
            role_assignments__isnull=True,
            operated_offices__isnull=True,
        )
        .order_by("id")
        .values_list("id", flat=True)[: CITIZEN_POOL.get(scale.name, 500)]
    )
    operators = _operators_by_office()
    visitor_names = [_visitor_name(rng) for _ in range(VISITOR_NAME_POOL)]
    now = timezone.now()

    next_id = (Reception.objects.aggregate(last=Max("id"))["last"] or 0) + 1
    receptions: list[_Reception] = []
    for person_id in sorted(offices_of):
        offices = offices_of[person_id]
        day = today - timedelta(days=PAST_DAYS - rng.randrange(EVERY_DAYS))
        while day <= today + timedelta(days=FUTURE_DAYS):
            reception = _reception(
                rng, next_id, person_id, rng.choice(offices), _weekday(day), today
            )
            reception.scheduled_by = _pick(rng, operators.get(reception.office_id))
            receptions.append(reception)
            next_id += 1
            day += timedelta(days=EVERY_DAYS + rng.randint(-6, 6))
    bookings: list[tuple] = []
    for reception in receptions:
        # Also freezes the counts of decided receptions, as the services would.
        bookings += _bookings(rng, reception, today, now, citizens, visitor_names, operators)

    timings["generate"], mark = clock.perf_counter() - mark, clock.perf_counter()
    _insert_receptions(receptions, now)
    timings["write receptions"], mark = clock.perf_counter() - mark, clock.perf_counter()
    _insert_bookings(bookings, now)
    timings["write bookings"], mark = clock.perf_counter() - mark, clock.perf_counter()
    events = []
    if scale.name != "national":  # as the appeals step: the rating reads the tables
        events = _events(receptions, _offices_by_id(), _people_by_id(offices_of))
        _append_events(events, now)
        timings["ledger"] = clock.perf_counter() - mark
    return ReceptionsWorld(
        receptions=len(receptions),
        bookings=len(bookings),
        held=sum(r.status == HELD for r in receptions),
        cancelled=sum(r.status == CANCELLED for r in receptions),
        events=len(events),
        timings=timings,
    )


def _offices_by_deputy() -> dict[int, list[int]]:
    through = ReceptionOffice.receiving_people.through
    offices_of: dict[int, list[int]] = defaultdict(list)
    for person_id, office_id in (
        through.objects.filter(person__kind=Person.Kind.DEPUTY, receptionoffice__is_active=True)
        .order_by("person_id", "receptionoffice_id")
        .values_list("person_id", "receptionoffice_id")
    ):
        offices_of[person_id].append(office_id)
    return offices_of


def _operators_by_office() -> dict[int, list[int]]:
    through = ReceptionOffice.operators.through
    operators: dict[int, list[int]] = defaultdict(list)
    for office_id, user_id in through.objects.order_by("receptionoffice_id", "user_id").values_list(
        "receptionoffice_id", "user_id"
    ):
        operators[office_id].append(user_id)
    return operators


def _offices_by_id() -> dict[int, tuple[str, str]]:
    return {
        office_id: (slug, region_code)
        for office_id, slug, region_code in ReceptionOffice.objects.values_list(
            "id", "slug", "region__code"
        )
    }


def _people_by_id(offices_of: dict[int, list[int]]) -> dict[int, str]:
    return {
        person_id: str(public_id)
        for person_id, public_id in Person.objects.filter(pk__in=list(offices_of)).values_list(
            "id", "public_id"
        )
    }


def _pick(rng: random.Random, choices: list | None):
    return rng.choice(choices) if choices else None


def _weekday(day: date) -> date:
    while day.weekday() >= 5:  # receptions are held on working days
        day += timedelta(days=1)
    return day


def _visitor_name(rng: random.Random) -> str:
    name = random_name(rng)
    return f"{name.family_name_ru} {name.given_name_ru}"


def _reception(
    rng: random.Random, reception_id: int, person_id: int, office_id: int, day: date, today: date
) -> _Reception:
    start = rng.choice(STARTS)
    slot = rng.choice(SLOT_MINUTES)
    duration = rng.choice(DURATION_MINUTES)
    reception = _Reception(
        id=reception_id,
        office_id=office_id,
        person_id=person_id,
        date=day,
        start=start,
        end=(datetime.combine(day, start) + timedelta(minutes=duration)).time(),
        slot_minutes=slot,
        slot_count=duration // slot,
    )
    roll = rng.random()
    if day < today:
        if roll < 0.10:
            reception.status = CANCELLED
        elif (today - day).days <= 14 and roll < 0.30:
            pass  # not recorded yet
        else:
            reception.status = HELD
    elif roll < 0.03:
        reception.status = CANCELLED
    if reception.status == CANCELLED:
        reasons, weights = zip(*CANCEL_REASONS, strict=True)
        reception.cancel_reason = rng.choices(reasons, weights)[0].value
    return reception


def _bookings(
    rng: random.Random,
    reception: _Reception,
    today: date,
    now: datetime,
    citizens: list[int],
    visitor_names: list[str],
    operators: dict[int, list[int]],
) -> list[tuple]:
    """Rows of (reception, slot, citizen, name, phone, status, channel, created_by,
    cancelled_at, attendance_marked_at)."""
    slots = reception.slot_starts()
    fill = rng.betavariate(6, 2)
    if reception.date >= today:
        fill *= max(0.0, 1 - (reception.date - today).days / (FUTURE_DAYS + 5))
    taken = sorted(rng.sample(slots, round(fill * len(slots))))
    online = rng.sample(citizens, min(len(citizens), len(taken))) if citizens else []
    office_operators = operators.get(reception.office_id)
    status = reception.status
    rows: list[tuple] = []
    attended = 0
    for number, slot in enumerate(taken):
        if status == HELD:
            came = rng.random() < 0.85
            attended += came
            booking_status, cancelled_at, marked_at = (ATTENDED if came else NO_SHOW), None, now
        elif status == CANCELLED:
            booking_status, cancelled_at, marked_at = BOOKING_CANCELLED, now, None
        else:
            booking_status, cancelled_at, marked_at = BOOKED, None, None
        if number < len(online) and rng.random() < 0.6:
            citizen = online[number]
            rows.append(
                (reception.id, slot, citizen, "", "", booking_status, "online", citizen,
                 cancelled_at, marked_at)
            )  # fmt: skip
        else:
            phone = f"+77{rng.choice('0457')}{rng.randrange(10**8):08d}"
            rows.append(
                (reception.id, slot, None, rng.choice(visitor_names), phone, booking_status,
                 "operator", _pick(rng, office_operators), cancelled_at, marked_at)
            )  # fmt: skip
    # Now and then a visitor cancelled earlier and the slot stayed free.
    free = [slot for slot in slots if slot not in taken]
    if free and rng.random() < 0.2:
        rows.append(
            (reception.id, rng.choice(free), None, rng.choice(visitor_names), "",
             BOOKING_CANCELLED, "operator", None, now, None)
        )  # fmt: skip
    if status != SCHEDULED:
        reception.booked = len(taken)
        reception.attended = attended
    return rows


# --- writing -------------------------------------------------------------------------


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in COPY's text format (\\N is NULL)."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Write many plain rows: COPY on PostgreSQL, batched executemany elsewhere."""
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        names = ", ".join(quote(c) for c in columns)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as copy:
                # COPY's text format, joined here: much faster than one write_row a row.
                for start in range(0, len(rows), BATCH):
                    copy.write(
                        "".join(
                            "\t".join(map(_copy_text, row)) + "\n"
                            for row in rows[start : start + BATCH]
                        )
                    )
        return
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 — our own table and columns
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def _insert_receptions(receptions: list[_Reception], now: datetime) -> None:
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    columns = [
        "id", "office_id", "person_id", "date", "start_time", "end_time", "slot_minutes",
        "slot_count", "status", "cancel_reason", "booked_count", "attended_count", "version",
        "scheduled_by_id", "decided_by_id", "decided_at", "created_at", "updated_at",
    ]  # fmt: skip
    rows = []
    for r in receptions:
        decided_at = stamp if r.status != SCHEDULED else None
        rows.append(
            (r.id, r.office_id, r.person_id, ops.adapt_datefield_value(r.date),
             ops.adapt_timefield_value(r.start), ops.adapt_timefield_value(r.end),
             r.slot_minutes, r.slot_count, r.status, r.cancel_reason, r.booked, r.attended, 1,
             r.scheduled_by, None, decided_at, stamp, stamp)
        )  # fmt: skip
    _insert(Reception, columns, rows)
    with connection.cursor() as cursor:
        for statement in ops.sequence_reset_sql(no_style(), [Reception]):
            cursor.execute(statement)


def _insert_bookings(bookings: list[tuple], now: datetime) -> None:
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    times: dict[time, object] = {}
    columns = [
        "reception_id", "slot_start", "citizen_id", "visitor_name", "visitor_phone", "status",
        "channel", "created_by_id", "cancelled_at", "attendance_marked_at", "topic",
        "attendance_marked_by_id", "reminder_sent_at", "personal_data_erased_at",
        "created_at", "updated_at",
    ]  # fmt: skip
    rows = []
    for reception, slot, citizen, name, phone, status, channel, by, cancelled, marked in bookings:
        if slot not in times:
            times[slot] = ops.adapt_timefield_value(slot)
        rows.append(
            (reception, times[slot], citizen, name, phone, status, channel, by,
             stamp if cancelled else None, stamp if marked else None, "", None, None, None,
             stamp, stamp)
        )  # fmt: skip
    _insert(Booking, columns, rows)


def _events(
    receptions: list[_Reception], offices: dict[int, tuple[str, str]], people: dict[int, str]
) -> list[tuple[datetime, str, dict]]:
    """The `reception.*` events the services would have written, oldest first."""
    events = []
    for reception in receptions:
        slug, region = offices[reception.office_id]
        base = {
            "reception": reception.id,
            "person": people[reception.person_id],
            "office": slug,
            "region": region,
            "date": reception.date.isoformat(),
        }
        start = timezone.make_aware(datetime.combine(reception.date, reception.start))
        scheduled = {
            **base,
            "start": reception.start.strftime("%H:%M"),
            "slots": reception.slot_count,
        }
        events.append((start - timedelta(days=21), "reception.scheduled", scheduled))
        if reception.status == HELD:
            held = {
                **base,
                "slots": reception.slot_count,
                "booked": reception.booked,
                "attended": reception.attended,
            }
            end = timezone.make_aware(datetime.combine(reception.date, reception.end))
            events.append((end, "reception.held", held))
        elif reception.status == CANCELLED:
            cancelled = {
                **base,
                "reason": reception.cancel_reason,
                "slots": reception.slot_count,
                "booked": reception.booked,
            }
            events.append((start - timedelta(days=2), "reception.cancelled", cancelled))
    events.sort(key=lambda event: (event[0], event[2]["reception"], event[1]))
    return events


def _append_events(events: list[tuple[datetime, str, dict]], now: datetime) -> None:
    """Append many events at once, chained exactly as `event_record` chains one.

    `event_record` costs three statements an event; the national set has ~85,000, so
    the entries are built in Python and inserted in bulk under the same head lock,
    with the same columns `event_record` fills (the region is the payload's "region").
    """
    from halyq.integrity.models import LedgerEntry, LedgerHead
    from halyq.ledger.chain import ChainHead, make_entry

    if not events:
        return
    ops = connection.ops
    head = LedgerHead.objects.select_for_update().get(pk=1)
    previous = ChainHead(head.seq, head.entry_hash) if head.seq else None
    stamp = ops.adapt_datetimefield_value(now)
    rows = []
    for occurred_at, kind, payload in events:
        seq = (previous.seq if previous else 0) + 1
        entry = make_entry(previous, seq, kind, occurred_at.astimezone(UTC), payload)
        rows.append(
            (entry.seq, entry.prev_hash, entry.kind, entry.occurred_at,
             json.dumps(entry.payload), entry.content_hash, entry.entry_hash,
             str(payload.get("region") or ""), stamp)
        )  # fmt: skip
        previous = entry
    columns = [
        "seq", "prev_hash", "kind", "occurred_at", "payload", "content_hash", "entry_hash",
        "region", "recorded_at",
    ]  # fmt: skip
    _insert(LedgerEntry, columns, rows)
    LedgerHead.objects.filter(pk=1).update(seq=previous.seq, entry_hash=previous.entry_hash)
