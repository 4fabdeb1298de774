"""Writes to receptions and bookings. Views, commands and the admin go through here.

Rules:
- Every function is keyword-only and atomic, checks who acts (`receptions.rules`),
  validates, and raises `ValidationError` (a dict keyed by form field where that
  helps) with a translated message; on error nothing has changed. Acting outside
  one's reach raises `PermissionDenied`.
- A reception is locked (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE
  transactions serialise writers) before anything about its slots is decided, so two
  citizens racing for the last slot are served one after the other: one books, the
  other is told the time was just taken. The partial unique constraints on `Booking`
  are the last line: a violation is reported with the same message, never a 500.
- `version` is the optimistic lock of a reception's decisions: a page sends the
  version it showed, and a decision on a reception changed since is refused.
- The rating's evidence goes to the tamper-evident record in the same transaction:
  `reception.scheduled`, `reception.held`, `reception.cancelled`. Payloads name people
  by public id and carry counts only, never a visitor.
- Mail goes out only after the transaction commits.
- Log lines name bookings and receptions by id only.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from halyq.accounts.phone import normalize_kazakhstan_phone
from halyq.appeals.models import Appeal, ReceptionOffice
from halyq.directory.models import Person
from halyq.integrity.services import event_record
from halyq.receptions import notifications
from halyq.receptions.models import ACTIVE_BOOKING_STATES, Booking, Reception

logger = logging.getLogger("halyq.receptions")

MIN_SLOT_MINUTES = 10
MAX_SLOT_MINUTES = 120
MAX_SLOTS = 48
TOPIC_MAX_LENGTH = 300
VISITOR_NAME_MAX_LENGTH = 200


def max_days_ahead() -> int:
    """How far ahead a reception may be scheduled (HALYQ_RECEPTION_MAX_DAYS_AHEAD)."""
    return int(getattr(settings, "HALYQ_RECEPTION_MAX_DAYS_AHEAD", 366))


def max_upcoming_bookings() -> int:
    """How many future bookings one citizen may hold at once (HALYQ_RECEPTION_MAX_UPCOMING_BOOKINGS)."""
    return int(getattr(settings, "HALYQ_RECEPTION_MAX_UPCOMING_BOOKINGS", 5))


def _now() -> datetime:
    return timezone.localtime()


def _at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _field_error(field: str, message, code: str) -> ValidationError:
    """A form-field error that keeps its code (a dict ValidationError drops a top-level one)."""
    return ValidationError({field: ValidationError(message, code=code)})


def _require(user, permission: str, obj) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied(permission)


def _locked_reception(reception: Reception | int) -> Reception:
    # `of=("self",)` locks only the reception row, not the office or person it joins.
    return (
        Reception.objects.select_for_update(of=("self",))
        .select_related("office", "office__region", "person")
        .get(pk=getattr(reception, "pk", reception))
    )


def _check_version(reception: Reception, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != reception.version:
        raise ValidationError(
            _("Someone else has just changed this reception. Reload the page and try again."),
            code="stale",
        )


def _refuse_unless_scheduled(reception: Reception) -> None:
    if reception.status == Reception.Status.CANCELLED:
        raise ValidationError(_("This reception has been cancelled."), code="cancelled")
    if reception.status == Reception.Status.HELD:
        raise ValidationError(_("This reception has already taken place."), code="held")


def _ledger_base(reception: Reception) -> dict:
    return {
        "reception": reception.pk,
        "person": str(reception.person.public_id),
        "office": reception.office.slug,
        "region": reception.office.region.code,
        "date": reception.date.isoformat(),
    }


# --- receptions ----------------------------------------------------------------------


def reception_schedule(
    *,
    actor,
    office: ReceptionOffice,
    person: Person | None,
    date: date | None,
    start_time: time | None,
    end_time: time | None,
    slot_minutes: int | None,
) -> Reception:
    """Put a reception on the calendar of an office; it opens for booking at once."""
    _require(actor, "receptions.schedule_reception", office)
    errors: dict[str, list] = {}
    if not office.is_active:
        errors.setdefault("office", []).append(_("This office is closed; open it first."))
    if person is None:
        errors.setdefault("person", []).append(_("Choose who receives."))
    elif not office.receiving_people.filter(pk=person.pk).exists():
        errors.setdefault("person", []).append(
            _("This person does not receive at this office. Ask the moderator to add them.")
        )
    now = _now()
    if date is None:
        errors.setdefault("date", []).append(_("Choose the date."))
    elif date < now.date():
        errors.setdefault("date", []).append(_("The date has passed; choose a future date."))
    elif date > now.date() + timedelta(days=max_days_ahead()):
        errors.setdefault("date", []).append(
            _("A reception can be scheduled at most %(days)s days ahead.")
            % {"days": max_days_ahead()}
        )
    if start_time is None:
        errors.setdefault("start_time", []).append(_("Enter the start time."))
    if end_time is None:
        errors.setdefault("end_time", []).append(_("Enter the end time."))
    if slot_minutes is None or not MIN_SLOT_MINUTES <= slot_minutes <= MAX_SLOT_MINUTES:
        errors.setdefault("slot_minutes", []).append(
            _("Minutes per visitor must be between %(low)s and %(high)s.")
            % {"low": MIN_SLOT_MINUTES, "high": MAX_SLOT_MINUTES}
        )
    slot_count = 0
    if start_time is not None and end_time is not None:
        if end_time <= start_time:
            errors.setdefault("end_time", []).append(_("The end must be after the start."))
        elif date is not None and date == now.date() and _at(date, start_time) <= now:
            errors.setdefault("start_time", []).append(
                _("This time today has passed; choose a later start.")
            )
        elif slot_minutes and MIN_SLOT_MINUTES <= slot_minutes <= MAX_SLOT_MINUTES:
            minutes = _minutes(end_time) - _minutes(start_time)
            slot_count = minutes // slot_minutes
            if slot_count < 1:
                errors.setdefault("end_time", []).append(
                    _("The reception is shorter than one visitor's time.")
                )
            elif slot_count > MAX_SLOTS:
                errors.setdefault("slot_minutes", []).append(
                    _("That makes more than %(most)s visitors; make the time per visitor longer.")
                    % {"most": MAX_SLOTS}
                )
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        # Lock the person's day so two operators cannot schedule overlapping receptions.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        clash = (
            Reception.objects.filter(
                person=person,
                date=date,
                start_time__lt=end_time,
                end_time__gt=start_time,
            )
            .exclude(status=Reception.Status.CANCELLED)
            .select_related("office")
            .first()
        )
        if clash is not None:
            raise _field_error(
                "start_time",
                _("%(person)s already receives from %(start)s to %(end)s that day (%(office)s).")
                % {
                    "person": person,
                    "start": _hhmm(clash.start_time),
                    "end": _hhmm(clash.end_time),
                    "office": clash.office,
                },
                "overlap",
            )
        reception = Reception.objects.create(
            office=office,
            person=person,
            date=date,
            start_time=start_time,
            end_time=end_time,
            slot_minutes=slot_minutes,
            slot_count=slot_count,
            scheduled_by=actor,
        )
        event_record(
            kind="reception.scheduled",
            payload={
                **_ledger_base(reception),
                "start": _hhmm(start_time),
                "slots": slot_count,
            },
        )
    logger.info("reception %s scheduled at office %s", reception.pk, office.pk)
    return reception


def reception_cancel(
    *, actor, reception: Reception, reason: str, expected_version: int | None = None
) -> Reception:
    """Cancel a scheduled reception; its bookings are cancelled and the citizens told."""
    if reason not in Reception.CancelReason.values:
        raise _field_error("reason", _("Choose why the reception is cancelled."), "no_reason")
    with transaction.atomic():
        reception = _locked_reception(reception)
        _require(actor, "receptions.change_reception", reception)
        _refuse_unless_scheduled(reception)
        _check_version(reception, expected_version)
        bookings = reception.bookings.filter(status__in=ACTIVE_BOOKING_STATES)
        if bookings.filter(status=Booking.Status.ATTENDED).exists():
            raise ValidationError(
                _("Some visitors are marked as having come: mark the reception as held instead."),
                code="has_attendance",
            )
        to_tell = list(
            bookings.filter(status=Booking.Status.BOOKED, citizen__isnull=False).values_list(
                "id", flat=True
            )
        )
        booked = bookings.count()
        now = timezone.now()
        bookings.update(status=Booking.Status.CANCELLED, cancelled_at=now, updated_at=now)
        reception.status = Reception.Status.CANCELLED
        reception.cancel_reason = reason
        reception.booked_count = booked
        reception.attended_count = 0
        reception.decided_by = actor
        reception.decided_at = now
        reception.version += 1
        reception.save()
        event_record(
            kind="reception.cancelled",
            payload={
                **_ledger_base(reception),
                "reason": reason,
                "slots": reception.slot_count,
                "booked": booked,
            },
        )
        if to_tell:
            transaction.on_commit(lambda: notifications.send_reception_cancelled(to_tell))
    logger.info("reception %s cancelled (%s)", reception.pk, reason)
    return reception


def reception_mark_held(
    *, actor, reception: Reception, expected_version: int | None = None
) -> Reception:
    """Record that the reception took place, with its final booked and attended counts."""
    with transaction.atomic():
        reception = _locked_reception(reception)
        _require(actor, "receptions.change_reception", reception)
        _refuse_unless_scheduled(reception)
        _check_version(reception, expected_version)
        if _at(reception.date, reception.start_time) > _now():
            raise ValidationError(
                _("The reception has not started yet; mark it as held once it has."),
                code="not_started",
            )
        counts = reception.bookings.aggregate(
            unmarked=Count("id", filter=Q(status=Booking.Status.BOOKED)),
            attended=Count("id", filter=Q(status=Booking.Status.ATTENDED)),
            no_show=Count("id", filter=Q(status=Booking.Status.NO_SHOW)),
        )
        if counts["unmarked"]:
            raise ValidationError(
                _("Mark whether each visitor came first. Not marked yet: %(count)s.")
                % {"count": counts["unmarked"]},
                code="attendance_unmarked",
            )
        now = timezone.now()
        reception.status = Reception.Status.HELD
        reception.booked_count = counts["attended"] + counts["no_show"]
        reception.attended_count = counts["attended"]
        reception.decided_by = actor
        reception.decided_at = now
        reception.version += 1
        reception.save()
        event_record(
            kind="reception.held",
            payload={
                **_ledger_base(reception),
                "slots": reception.slot_count,
                "booked": reception.booked_count,
                "attended": reception.attended_count,
            },
        )
    logger.info("reception %s marked held", reception.pk)
    return reception


# --- bookings ------------------------------------------------------------------------


def _clean_topic(topic: str) -> str:
    topic = " ".join((topic or "").split())
    if len(topic) > TOPIC_MAX_LENGTH:
        raise _field_error(
            "topic",
            _("Keep it under %(limit)s characters.") % {"limit": TOPIC_MAX_LENGTH},
            "too_long",
        )
    return topic


def _slot_problem(
    reception: Reception, slot_start: time | None, *, walk_in_allowed: bool
) -> ValidationError | None:
    if slot_start is None or slot_start not in reception.slot_starts():
        return _field_error("slot", _("Choose one of the reception's times."), "bad_slot")
    now = _now()
    if reception.date < now.date():
        return ValidationError(_("This reception is in the past."), code="past")
    if _at(reception.date, slot_start) <= now and not (
        walk_in_allowed and reception.date == now.date()
    ):
        return _field_error("slot", _("This time has already passed. Choose a later time."), "past")
    return None


def _taken_message(reception: Reception) -> ValidationError:
    taken = reception.bookings.filter(status__in=ACTIVE_BOOKING_STATES).count()
    if taken >= reception.slot_count:
        return ValidationError(
            _("All times at this reception are taken. Choose another reception."), code="full"
        )
    return _field_error(
        "slot",
        _("This time has just been taken by someone else. Choose another time."),
        "slot_taken",
    )


def _create_booking(reception: Reception, **fields) -> Booking:
    try:
        with transaction.atomic():
            return Booking.objects.create(reception=reception, **fields)
    except IntegrityError as error:
        # Only reachable if a lock was bypassed; the constraint still says no, in words.
        citizen = fields.get("citizen")
        if (
            citizen is not None
            and reception.bookings.filter(
                citizen=citizen, status__in=ACTIVE_BOOKING_STATES
            ).exists()
        ):
            raise ValidationError(
                _("You already have a booking at this reception."), code="already_booked"
            ) from error
        raise _taken_message(reception) from error


def booking_create(
    *, citizen, reception: Reception, slot_start: time | None, topic: str = ""
) -> Booking:
    """A signed-in citizen books a slot online; the confirmation mail follows the commit."""
    if not citizen.has_perm("receptions.book_online"):
        raise ValidationError(
            _("Confirm your email address before booking a reception."), code="unconfirmed"
        )
    topic = _clean_topic(topic)
    with transaction.atomic():
        reception = _locked_reception(reception)
        _refuse_unless_scheduled(reception)
        problem = _slot_problem(reception, slot_start, walk_in_allowed=False)
        if problem is not None:
            raise problem
        mine = reception.bookings.filter(citizen=citizen, status__in=ACTIVE_BOOKING_STATES).first()
        if mine is not None:
            raise ValidationError(
                _("You already have a booking at this reception at %(time)s.")
                % {"time": _hhmm(mine.slot_start)},
                code="already_booked",
            )
        upcoming = Booking.objects.filter(
            citizen=citizen,
            status=Booking.Status.BOOKED,
            reception__status=Reception.Status.SCHEDULED,
            reception__date__gte=_now().date(),
        ).count()
        if upcoming >= max_upcoming_bookings():
            raise ValidationError(
                _(
                    "You already have %(count)s upcoming bookings. Cancel one you no longer "
                    "need before booking another."
                )
                % {"count": upcoming},
                code="too_many",
            )
        if reception.bookings.filter(
            slot_start=slot_start, status__in=ACTIVE_BOOKING_STATES
        ).exists():
            raise _taken_message(reception)
        booking = _create_booking(
            reception,
            slot_start=slot_start,
            citizen=citizen,
            topic=topic,
            channel=Booking.Channel.ONLINE,
            created_by=citizen,
        )
        booking_id = booking.pk
        transaction.on_commit(lambda: notifications.send_booking_confirmation(booking_id))
    logger.info("booking %s made online for reception %s", booking.pk, reception.pk)
    return booking


def booking_create_for_visitor(
    *,
    operator,
    reception: Reception,
    slot_start: time | None,
    visitor_name: str,
    visitor_phone: str = "",
    topic: str = "",
) -> Booking:
    """The office books a slot for a visitor without an account (phone call or walk-in).

    On the reception's own day a time already passed may be given to a walk-in visitor.
    """
    errors: dict[str, list] = {}
    visitor_name = " ".join((visitor_name or "").split())
    if not visitor_name:
        errors.setdefault("visitor_name", []).append(_("Enter the visitor's name."))
    elif len(visitor_name) > VISITOR_NAME_MAX_LENGTH:
        errors.setdefault("visitor_name", []).append(_("The name is too long."))
    try:
        visitor_phone = normalize_kazakhstan_phone(visitor_phone)
    except ValidationError as error:
        errors.setdefault("visitor_phone", []).extend(error.messages)
    try:
        topic = _clean_topic(topic)
    except ValidationError as error:
        errors.setdefault("topic", []).extend(error.messages)
    with transaction.atomic():
        reception = _locked_reception(reception)
        _require(operator, "receptions.change_reception", reception)
        if errors:
            raise ValidationError(errors)
        _refuse_unless_scheduled(reception)
        problem = _slot_problem(reception, slot_start, walk_in_allowed=True)
        if problem is not None:
            raise problem
        if reception.bookings.filter(
            slot_start=slot_start, status__in=ACTIVE_BOOKING_STATES
        ).exists():
            raise _taken_message(reception)
        booking = _create_booking(
            reception,
            slot_start=slot_start,
            visitor_name=visitor_name,
            visitor_phone=visitor_phone,
            topic=topic,
            channel=Booking.Channel.OPERATOR,
            created_by=operator,
        )
    logger.info("booking %s made by the office for reception %s", booking.pk, reception.pk)
    return booking


def _locked_booking(booking: Booking) -> Booking:
    """The booking, locked after its reception (always in that order: no deadlock).

    Locking the reception too means a booking cannot change while the reception is
    being marked held or cancelled, so the frozen counts are exact.
    """
    reception = _locked_reception(booking.reception_id)
    locked = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
    locked.reception = reception
    return locked


def booking_cancel(*, actor, booking: Booking) -> Booking:
    """The citizen (before their time) or the office cancels a booking; the slot frees up."""
    with transaction.atomic():
        booking = _locked_booking(booking)
        _require(actor, "receptions.cancel_booking", booking)
        if booking.status == Booking.Status.CANCELLED:
            raise ValidationError(_("This booking is already cancelled."), code="cancelled")
        if booking.status != Booking.Status.BOOKED:
            raise ValidationError(
                _("Attendance is already marked for this booking; it can no longer be cancelled."),
                code="marked",
            )
        _refuse_unless_scheduled(booking.reception)
        managing = actor.has_perm("receptions.mark_attendance", booking)
        if not managing and _at(booking.reception.date, booking.slot_start) <= _now():
            raise ValidationError(
                _("Your time has passed; the booking can no longer be cancelled."), code="past"
            )
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["status", "cancelled_at", "updated_at"])
    logger.info("booking %s cancelled", booking.pk)
    return booking


def booking_mark_attendance(*, actor, booking: Booking, attended: bool) -> Booking:
    """The office records whether the visitor came (it may be corrected until held)."""
    with transaction.atomic():
        booking = _locked_booking(booking)
        _require(actor, "receptions.mark_attendance", booking)
        reception = booking.reception
        if booking.status == Booking.Status.CANCELLED:
            raise ValidationError(
                _("This booking was cancelled; there is no visit to mark."), code="cancelled"
            )
        if reception.status == Reception.Status.HELD:
            raise ValidationError(
                _("The reception is already marked as held; attendance can no longer change."),
                code="held",
            )
        _refuse_unless_scheduled(reception)
        if reception.date > _now().date():
            raise ValidationError(_("The reception has not taken place yet."), code="not_started")
        booking.status = Booking.Status.ATTENDED if attended else Booking.Status.NO_SHOW
        booking.attendance_marked_at = timezone.now()
        booking.attendance_marked_by = actor
        booking.save(
            update_fields=["status", "attendance_marked_at", "attendance_marked_by", "updated_at"]
        )
    logger.info("booking %s marked %s", booking.pk, booking.status)
    return booking


def booking_link_appeal(*, actor, booking: Booking, appeal_number: str) -> Appeal:
    """Record that an appeal was registered at this visit (the office types its number)."""
    number = (appeal_number or "").strip().upper()
    with transaction.atomic():
        booking = _locked_booking(booking)
        _require(actor, "receptions.mark_attendance", booking)
        if booking.status != Booking.Status.ATTENDED:
            raise ValidationError(
                _("Only a visit that took place can have appeals. Mark the visitor as came first."),
                code="not_attended",
            )
        appeal = Appeal.objects.filter(number=number).first() if number else None
        if (
            appeal is None
            or appeal.office_id != booking.reception.office_id
            or not actor.has_perm("appeals.view_appeal", appeal)
        ):
            raise _field_error(
                "number", _("There is no appeal with this number at this office."), "unknown_appeal"
            )
        booking.appeals.add(appeal)
    logger.info("booking %s linked to appeal %s", booking.pk, appeal.pk)
    return appeal


def bookings_send_reminders(*, today: date | None = None) -> dict[str, int]:
    """Remind citizens of tomorrow's bookings, once each (run daily or more often)."""
    return notifications.send_reminders(today=today or _now().date())
