"""Services: every happy path and every refusal; a refusal changes nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from halyq.integrity.models import LedgerEntry
from halyq.receptions import services
from halyq.receptions.models import Booking, Reception
from tests import factories
from tests.receptions.factories import BookingFactory, ReceptionFactory, appeal_at


def codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def fields(error: ValidationError) -> set[str]:
    return set(getattr(error, "error_dict", {}))


@pytest.fixture
def clock(monkeypatch):
    """Set the services' local "now" (the reception rules are about local time)."""

    def set_now(day, moment=time(12, 0)):
        monkeypatch.setattr(
            services, "_now", lambda: timezone.make_aware(datetime.combine(day, moment))
        )

    return set_now


def schedule(world, **changes):
    values = {
        "actor": world.operator,
        "office": world.astana_office,
        "person": world.alikhan,
        "date": timezone.localdate() + timedelta(days=10),
        "start_time": time(10, 0),
        "end_time": time(12, 0),
        "slot_minutes": 20,
    }
    values.update(changes)
    return services.reception_schedule(**values)


# --- scheduling ----------------------------------------------------------------------


def test_schedule_creates_slots_and_records_the_event(world):
    reception = schedule(world)
    assert reception.slot_count == 6
    assert reception.status == Reception.Status.SCHEDULED
    assert [t.strftime("%H:%M") for t in reception.slot_starts()] == [
        "10:00",
        "10:20",
        "10:40",
        "11:00",
        "11:20",
        "11:40",
    ]
    entry = LedgerEntry.objects.get(kind="reception.scheduled")
    assert entry.payload == {
        "reception": reception.pk,
        "person": str(world.alikhan.public_id),
        "office": "astana-office",
        "region": "71",
        "date": reception.date.isoformat(),
        "start": "10:00",
        "slots": 6,
    }


def test_a_moderator_of_the_region_and_an_administrator_may_schedule(world):
    schedule(world, actor=world.moderator)
    schedule(world, actor=world.administrator, start_time=time(14, 0), end_time=time(15, 0))
    assert Reception.objects.count() == 2


@pytest.mark.parametrize("who", ["almaty_operator", "almaty_moderator", "aigerim", "deputy_user"])
def test_scheduling_outside_ones_offices_is_denied(world, who):
    with pytest.raises(PermissionDenied):
        schedule(world, actor=getattr(world, who))
    assert not Reception.objects.exists()
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "needle"),
    [
        ({"date": None}, "date", "Choose the date"),
        ({"date": timezone.localdate() - timedelta(days=1)}, "date", "passed"),
        ({"date": timezone.localdate() + timedelta(days=400)}, "date", "days ahead"),
        ({"start_time": None}, "start_time", "start time"),
        ({"end_time": time(9, 0)}, "end_time", "after the start"),
        ({"end_time": time(10, 15)}, "end_time", "shorter than one"),
        ({"slot_minutes": 5}, "slot_minutes", "between 10 and 120"),
        ({"slot_minutes": None}, "slot_minutes", "between 10 and 120"),
        (
            {"start_time": time(0, 0), "end_time": time(23, 50), "slot_minutes": 10},
            "slot_minutes",
            "more than 48",
        ),
        ({"person": None}, "person", "Choose who receives"),
    ],
)
def test_bad_schedules_are_refused_with_a_message_on_the_field(world, changes, field, needle):
    with pytest.raises(ValidationError) as refused:
        schedule(world, **changes)
    assert field in fields(refused.value)
    assert any(needle in message for message in refused.value.message_dict[field])
    assert not Reception.objects.exists()


def test_a_person_who_does_not_receive_at_the_office_cannot_be_scheduled(world):
    with pytest.raises(ValidationError) as refused:
        schedule(world, person=world.gulnar)
    assert "person" in fields(refused.value)


def test_a_closed_office_takes_no_new_receptions(world):
    world.astana_office.is_active = False
    world.astana_office.save()
    with pytest.raises(ValidationError) as refused:
        schedule(world)
    assert "office" in fields(refused.value)


def test_a_start_already_passed_today_is_refused(world, clock):
    clock(timezone.localdate(), time(11, 0))
    with pytest.raises(ValidationError) as refused:
        schedule(world, date=timezone.localdate(), start_time=time(10, 0))
    assert "start_time" in fields(refused.value)


def test_overlapping_receptions_of_one_person_are_refused_but_a_cancelled_one_frees_the_time(world):
    first = schedule(world)
    with pytest.raises(ValidationError) as refused:
        schedule(world, start_time=time(11, 0), end_time=time(13, 0))
    assert codes(refused.value) == {"overlap"}
    assert "10:00" in refused.value.message_dict["start_time"][0]
    schedule(world, start_time=time(12, 0), end_time=time(13, 0))  # back to back is fine
    services.reception_cancel(actor=world.operator, reception=first, reason="illness")
    schedule(world, start_time=time(10, 0), end_time=time(11, 0))
    assert Reception.objects.exclude(status="cancelled").count() == 2


# --- online booking ------------------------------------------------------------------


def test_a_confirmed_citizen_books_and_gets_a_confirmation_after_commit(
    world, reception, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking = services.booking_create(
            citizen=world.aigerim, reception=reception, slot_start=time(10, 30), topic="  Roads   "
        )
        assert mail.outbox == []  # nothing is sent before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert booking.status == Booking.Status.BOOKED
    assert booking.channel == Booking.Channel.ONLINE
    assert booking.topic == "Roads"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["aigerim@example.kz"]
    # The booking itself is not a rating event and puts nothing about the citizen on the ledger.
    assert not LedgerEntry.objects.exists()


def _refused(call, expected_code):
    before = list(Booking.objects.values_list("id", "status"))
    with pytest.raises(ValidationError) as refused:
        call()
    assert expected_code in codes(refused.value), refused.value
    assert list(Booking.objects.values_list("id", "status")) == before
    return refused.value


def test_an_unconfirmed_account_cannot_book(world, reception):
    error = _refused(
        lambda: services.booking_create(
            citizen=world.unconfirmed, reception=reception, slot_start=time(10, 0)
        ),
        "unconfirmed",
    )
    assert "Confirm your email" in error.messages[0]


def test_the_same_slot_cannot_be_booked_twice(world, reception):
    services.booking_create(citizen=world.aigerim, reception=reception, slot_start=time(10, 0))
    error = _refused(
        lambda: services.booking_create(
            citizen=world.boris, reception=reception, slot_start=time(10, 0)
        ),
        "slot_taken",
    )
    assert "just been taken" in error.message_dict["slot"][0]


def test_one_citizen_cannot_hold_two_slots_of_one_reception(world, reception):
    services.booking_create(citizen=world.aigerim, reception=reception, slot_start=time(10, 0))
    error = _refused(
        lambda: services.booking_create(
            citizen=world.aigerim, reception=reception, slot_start=time(11, 0)
        ),
        "already_booked",
    )
    assert "10:00" in error.messages[0]


def test_a_full_reception_says_so(world, reception):
    for slot in reception.slot_starts():
        BookingFactory(reception=reception, slot_start=slot)
    error = _refused(
        lambda: services.booking_create(
            citizen=world.aigerim, reception=reception, slot_start=time(10, 0)
        ),
        "full",
    )
    assert "All times" in error.messages[0]


def test_a_cancelled_or_held_reception_cannot_be_booked(world, reception):
    services.reception_cancel(actor=world.operator, reception=reception, reason="illness")
    _refused(
        lambda: services.booking_create(
            citizen=world.aigerim, reception=reception, slot_start=time(10, 0)
        ),
        "cancelled",
    )
    held = ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        status="held",
        date=timezone.localdate() - timedelta(days=3),
    )
    _refused(
        lambda: services.booking_create(
            citizen=world.aigerim, reception=held, slot_start=time(10, 0)
        ),
        "held",
    )


def test_a_booking_in_the_past_is_refused(world):
    past = ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        date=timezone.localdate() - timedelta(days=1),
    )
    _refused(
        lambda: services.booking_create(
            citizen=world.aigerim, reception=past, slot_start=time(10, 0)
        ),
        "past",
    )


def test_a_time_already_passed_today_is_refused_online(world, clock):
    today = timezone.localdate()
    reception = ReceptionFactory(office=world.astana_office, person=world.alikhan, date=today)
    clock(today, time(10, 45))
    _refused(
        lambda: services.booking_create(
            citizen=world.aigerim, reception=reception, slot_start=time(10, 30)
        ),
        "past",
    )
    booking = services.booking_create(
        citizen=world.aigerim, reception=reception, slot_start=time(11, 0)
    )
    assert booking.slot_start == time(11, 0)


@pytest.mark.parametrize("slot", [None, time(10, 15), time(12, 0), time(9, 30)])
def test_a_time_that_is_not_one_of_the_slots_is_refused(world, reception, slot):
    _refused(
        lambda: services.booking_create(
            citizen=world.aigerim, reception=reception, slot_start=slot
        ),
        "bad_slot",
    )


def test_a_citizen_may_hold_only_a_few_upcoming_bookings(world, settings):
    settings.HALYQ_RECEPTION_MAX_UPCOMING_BOOKINGS = 2
    receptions = [
        ReceptionFactory(
            office=world.astana_office,
            person=world.alikhan,
            date=timezone.localdate() + timedelta(days=d),
        )
        for d in (3, 4, 5)
    ]
    for reception in receptions[:2]:
        services.booking_create(citizen=world.aigerim, reception=reception, slot_start=time(10, 0))
    _refused(
        lambda: services.booking_create(
            citizen=world.aigerim, reception=receptions[2], slot_start=time(10, 0)
        ),
        "too_many",
    )


def test_a_topic_that_is_too_long_is_refused(world, reception):
    _refused(
        lambda: services.booking_create(
            citizen=world.aigerim, reception=reception, slot_start=time(10, 0), topic="x" * 301
        ),
        "too_long",
    )


def test_a_cancelled_booking_frees_its_slot(world, reception):
    first = services.booking_create(
        citizen=world.aigerim, reception=reception, slot_start=time(10, 0)
    )
    services.booking_cancel(actor=world.aigerim, booking=first)
    again = services.booking_create(
        citizen=world.boris, reception=reception, slot_start=time(10, 0)
    )
    mine_again = services.booking_create(
        citizen=world.aigerim, reception=reception, slot_start=time(10, 30)
    )
    assert again.status == mine_again.status == Booking.Status.BOOKED


# --- operator booking ----------------------------------------------------------------


def test_the_operator_books_a_visitor_with_a_normalised_phone(world, reception):
    booking = services.booking_create_for_visitor(
        operator=world.operator,
        reception=reception,
        slot_start=time(11, 30),
        visitor_name="  Ержан   Сапаров ",
        visitor_phone="8 (701) 234-56-78",
    )
    assert booking.visitor_name == "Ержан Сапаров"
    assert booking.visitor_phone == "+77012345678"
    assert booking.channel == Booking.Channel.OPERATOR
    assert booking.citizen is None
    assert mail.outbox == []


def test_a_walk_in_may_take_a_passed_time_on_the_day_but_not_online(world, clock):
    today = timezone.localdate()
    reception = ReceptionFactory(office=world.astana_office, person=world.alikhan, date=today)
    clock(today, time(11, 45))
    booking = services.booking_create_for_visitor(
        operator=world.operator, reception=reception, slot_start=time(10, 0), visitor_name="Walk-in"
    )
    assert booking.slot_start == time(10, 0)


@pytest.mark.parametrize(
    ("name", "phone", "field"),
    [
        ("", "", "visitor_name"),
        ("x" * 201, "", "visitor_name"),
        ("Ержан", "12345", "visitor_phone"),
    ],
)
def test_visitor_details_are_validated(world, reception, name, phone, field):
    with pytest.raises(ValidationError) as refused:
        services.booking_create_for_visitor(
            operator=world.operator,
            reception=reception,
            slot_start=time(10, 0),
            visitor_name=name,
            visitor_phone=phone,
        )
    assert field in fields(refused.value)
    assert not Booking.objects.exists()


@pytest.mark.parametrize("who", ["aigerim", "deputy_user", "almaty_operator", "almaty_moderator"])
def test_only_the_office_books_visitors(world, reception, who):
    with pytest.raises(PermissionDenied):
        services.booking_create_for_visitor(
            operator=getattr(world, who),
            reception=reception,
            slot_start=time(10, 0),
            visitor_name="X",
        )
    assert not Booking.objects.exists()


def test_an_operator_booking_a_taken_slot_is_refused(world, reception):
    BookingFactory(reception=reception, slot_start=time(10, 0))
    _refused(
        lambda: services.booking_create_for_visitor(
            operator=world.operator, reception=reception, slot_start=time(10, 0), visitor_name="X"
        ),
        "slot_taken",
    )


def test_an_operator_cannot_book_a_past_day(world):
    past = ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        date=timezone.localdate() - timedelta(days=1),
    )
    _refused(
        lambda: services.booking_create_for_visitor(
            operator=world.operator, reception=past, slot_start=time(10, 0), visitor_name="X"
        ),
        "past",
    )


# --- cancelling a booking ------------------------------------------------------------


def test_a_citizen_cancels_their_own_booking_but_not_after_its_time(world, clock):
    today = timezone.localdate()
    reception = ReceptionFactory(office=world.astana_office, person=world.alikhan, date=today)
    clock(today, time(9, 0))
    early = services.booking_create(
        citizen=world.aigerim, reception=reception, slot_start=time(10, 0)
    )
    late = services.booking_create(citizen=world.boris, reception=reception, slot_start=time(11, 0))
    clock(today, time(10, 5))
    _refused(lambda: services.booking_cancel(actor=world.aigerim, booking=early), "past")
    assert services.booking_cancel(actor=world.boris, booking=late).status == "cancelled"
    # The office may still cancel a passed booking (a visitor phoned to say they cannot come).
    assert services.booking_cancel(actor=world.operator, booking=early).status == "cancelled"


@pytest.mark.parametrize("who", ["boris", "deputy_user", "almaty_operator", "almaty_moderator"])
def test_nobody_else_cancels_a_citizens_booking(world, reception, who):
    booking = services.booking_create(
        citizen=world.aigerim, reception=reception, slot_start=time(10, 0)
    )
    with pytest.raises(PermissionDenied):
        services.booking_cancel(actor=getattr(world, who), booking=booking)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_cancelling_twice_or_after_attendance_is_refused(world):
    reception = ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        date=timezone.localdate() - timedelta(days=1),
    )
    booked = BookingFactory(reception=reception, citizen=world.aigerim, slot_start=time(10, 0))
    other = BookingFactory(reception=reception, citizen=world.boris, slot_start=time(10, 30))
    services.booking_cancel(actor=world.operator, booking=booked)
    _refused(lambda: services.booking_cancel(actor=world.operator, booking=booked), "cancelled")
    services.booking_mark_attendance(actor=world.operator, booking=other, attended=True)
    _refused(lambda: services.booking_cancel(actor=world.operator, booking=other), "marked")


# --- attendance, held, cancelled -----------------------------------------------------


@pytest.fixture
def yesterday_reception(world):
    reception = ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        date=timezone.localdate() - timedelta(days=1),
    )
    BookingFactory(reception=reception, citizen=world.aigerim, slot_start=time(10, 0))
    BookingFactory(reception=reception, citizen=world.boris, slot_start=time(10, 30))
    BookingFactory(
        reception=reception,
        citizen=None,
        visitor_name="Walk-in",
        channel="operator",
        slot_start=time(11, 0),
    )
    BookingFactory(
        reception=reception,
        citizen=None,
        visitor_name="Changed plans",
        channel="operator",
        slot_start=time(11, 30),
        status="cancelled",
    )
    return reception


def test_attendance_then_held_freezes_the_counts_and_records_them(world, yesterday_reception):
    reception = yesterday_reception
    aigerim, boris, walk_in = reception.bookings.filter(status="booked").order_by("slot_start")
    services.booking_mark_attendance(actor=world.operator, booking=aigerim, attended=False)
    services.booking_mark_attendance(
        actor=world.operator, booking=aigerim, attended=True
    )  # corrected
    services.booking_mark_attendance(actor=world.operator, booking=boris, attended=False)
    services.booking_mark_attendance(actor=world.moderator, booking=walk_in, attended=True)
    held = services.reception_mark_held(
        actor=world.operator, reception=reception, expected_version=1
    )
    assert (held.status, held.booked_count, held.attended_count, held.version) == ("held", 3, 2, 2)
    entry = LedgerEntry.objects.get(kind="reception.held")
    assert entry.payload == {
        "reception": reception.pk,
        "person": str(world.alikhan.public_id),
        "office": "astana-office",
        "region": "71",
        "date": reception.date.isoformat(),
        "slots": 4,
        "booked": 3,
        "attended": 2,
    }
    # Once held, the counts no longer move.
    _refused(
        lambda: services.booking_mark_attendance(
            actor=world.operator, booking=boris, attended=True
        ),
        "held",
    )
    _refused(
        lambda: services.reception_mark_held(actor=world.operator, reception=reception), "held"
    )
    _refused(
        lambda: services.reception_cancel(
            actor=world.operator, reception=reception, reason="other"
        ),
        "held",
    )


def test_held_is_refused_while_a_visitor_is_unmarked(world, yesterday_reception):
    first = yesterday_reception.bookings.filter(status="booked").first()
    services.booking_mark_attendance(actor=world.operator, booking=first, attended=True)
    error = _refused(
        lambda: services.reception_mark_held(actor=world.operator, reception=yesterday_reception),
        "attendance_unmarked",
    )
    assert "2" in error.messages[0]
    yesterday_reception.refresh_from_db()
    assert yesterday_reception.status == "scheduled"
    assert not LedgerEntry.objects.filter(kind="reception.held").exists()


def test_a_reception_without_visitors_can_be_held(world):
    reception = ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        date=timezone.localdate() - timedelta(days=1),
    )
    held = services.reception_mark_held(actor=world.operator, reception=reception)
    assert (held.booked_count, held.attended_count) == (0, 0)


def test_held_before_the_start_and_attendance_before_the_day_are_refused(world, reception, clock):
    booking = BookingFactory(reception=reception, citizen=world.aigerim)
    _refused(
        lambda: services.booking_mark_attendance(
            actor=world.operator, booking=booking, attended=True
        ),
        "not_started",
    )
    _refused(
        lambda: services.reception_mark_held(actor=world.operator, reception=reception),
        "not_started",
    )
    clock(reception.date, time(9, 59))
    _refused(
        lambda: services.reception_mark_held(actor=world.operator, reception=reception),
        "not_started",
    )


def test_attendance_of_a_cancelled_booking_is_refused(world, yesterday_reception):
    cancelled = yesterday_reception.bookings.get(status="cancelled")
    _refused(
        lambda: services.booking_mark_attendance(
            actor=world.operator, booking=cancelled, attended=True
        ),
        "cancelled",
    )


@pytest.mark.parametrize("who", ["aigerim", "deputy_user", "almaty_operator", "almaty_moderator"])
def test_only_the_office_marks_attendance_and_decides(world, yesterday_reception, who):
    user = getattr(world, who)
    booking = yesterday_reception.bookings.filter(citizen=world.aigerim).get()
    with pytest.raises(PermissionDenied):
        services.booking_mark_attendance(actor=user, booking=booking, attended=True)
    with pytest.raises(PermissionDenied):
        services.reception_mark_held(actor=user, reception=yesterday_reception)
    with pytest.raises(PermissionDenied):
        services.reception_cancel(actor=user, reception=yesterday_reception, reason="illness")
    yesterday_reception.refresh_from_db()
    assert yesterday_reception.status == "scheduled"
    assert booking.status == "booked"


def test_a_stale_version_is_refused(world, reception):
    _refused(
        lambda: services.reception_cancel(
            actor=world.operator, reception=reception, reason="illness", expected_version=7
        ),
        "stale",
    )
    reception.refresh_from_db()
    assert reception.status == "scheduled"


def test_cancel_cancels_the_bookings_tells_the_citizens_and_records_the_event(
    world, reception, django_capture_on_commit_callbacks
):
    services.booking_create(citizen=world.aigerim, reception=reception, slot_start=time(10, 0))
    services.booking_create_for_visitor(
        operator=world.operator,
        reception=reception,
        slot_start=time(10, 30),
        visitor_name="Visitor",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.reception_cancel(
            actor=world.operator, reception=reception, reason="official_duty", expected_version=1
        )
    assert (cancelled.status, cancelled.cancel_reason, cancelled.booked_count) == (
        "cancelled",
        "official_duty",
        2,
    )
    assert set(reception.bookings.values_list("status", flat=True)) == {"cancelled"}
    assert [message.to for message in mail.outbox] == [["aigerim@example.kz"]]
    entry = LedgerEntry.objects.get(kind="reception.cancelled")
    assert entry.payload["reason"] == "official_duty"
    assert entry.payload["booked"] == 2 and entry.payload["slots"] == 4


def test_cancel_needs_a_known_reason_and_is_refused_once_visitors_came(world, yesterday_reception):
    with pytest.raises(ValidationError) as refused:
        services.reception_cancel(
            actor=world.operator, reception=yesterday_reception, reason="bored"
        )
    assert "reason" in fields(refused.value)
    booking = yesterday_reception.bookings.filter(status="booked").first()
    services.booking_mark_attendance(actor=world.operator, booking=booking, attended=True)
    _refused(
        lambda: services.reception_cancel(
            actor=world.operator, reception=yesterday_reception, reason="other"
        ),
        "has_attendance",
    )


# --- appeals from a visit ------------------------------------------------------------


def test_an_appeal_registered_at_the_visit_is_linked_by_its_number(world, yesterday_reception):
    booking = yesterday_reception.bookings.filter(citizen=world.aigerim).get()
    appeal = appeal_at(world.astana_office, world.aigerim)
    _refused(
        lambda: services.booking_link_appeal(
            actor=world.operator, booking=booking, appeal_number=appeal.number
        ),
        "not_attended",
    )
    services.booking_mark_attendance(actor=world.operator, booking=booking, attended=True)
    assert (
        services.booking_link_appeal(
            actor=world.operator, booking=booking, appeal_number=f" {appeal.number.lower()} "
        )
        == appeal
    )
    assert list(booking.appeals.all()) == [appeal]


@pytest.mark.parametrize("number", ["", "AST-2026-999999", "foreign"])
def test_an_unknown_or_foreign_appeal_number_is_refused(world, yesterday_reception, number):
    foreign = appeal_at(world.almaty_office, world.boris)
    number = foreign.number if number == "foreign" else number
    booking = yesterday_reception.bookings.filter(citizen=world.aigerim).get()
    services.booking_mark_attendance(actor=world.operator, booking=booking, attended=True)
    with pytest.raises(ValidationError) as refused:
        services.booking_link_appeal(actor=world.operator, booking=booking, appeal_number=number)
    assert codes(refused.value) == {"unknown_appeal"}
    assert not booking.appeals.exists()


def test_every_event_payload_is_free_of_personal_data(world, yesterday_reception):
    for booking in yesterday_reception.bookings.exclude(status="cancelled"):
        services.booking_mark_attendance(actor=world.operator, booking=booking, attended=True)
    services.reception_mark_held(actor=world.operator, reception=yesterday_reception)
    schedule(world)
    text = str(list(LedgerEntry.objects.values_list("payload", flat=True)))
    for private in ("aigerim", "Walk-in", "boris", str(world.aigerim.pk) + ","):
        assert private not in text
    assert factories.region("71").code in text
