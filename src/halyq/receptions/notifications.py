"""Emails to citizens about their bookings, in the citizen's own language.

Rules:
- Only online bookings get mail (an operator's visitor left no address), and only while
  the account is active and not erased.
- The confirmation and the cancellation notice are sent after the booking's
  transaction commits (`transaction.on_commit` in the services); a mail server failure
  is logged by booking id and error class only and never undoes the booking.
- The reminder goes out the day before, once: `send_reminders` claims each booking
  (sets `reminder_sent_at`) before sending and releases the claim if sending fails,
  so a second run, or two runs at once, never send it twice, and a failure is retried
  by the next run.
- The address is read from the account when sending; it is never stored here nor logged.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from halyq.core.i18n import LANGUAGE_CODES

logger = logging.getLogger("halyq.receptions.notifications")


def site_url() -> str:
    """The site's address for links in mail (HALYQ_SITE_URL, shared with the appeals mail)."""
    return str(getattr(settings, "HALYQ_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def _bookings(ids):
    from halyq.receptions.models import Booking

    return Booking.objects.filter(pk__in=list(ids)).select_related(
        "citizen", "reception", "reception__office", "reception__person"
    )


SENT, SKIPPED, FAILED = "sent", "skipped", "failed"


def _send(booking, template: str) -> str:
    """Render `template` for the booking's citizen and send it: SENT, SKIPPED or FAILED."""
    citizen = booking.citizen
    if (
        citizen is None
        or not citizen.is_active
        or citizen.erased_at is not None
        or not citizen.email
    ):
        return SKIPPED
    language = citizen.language if citizen.language in LANGUAGE_CODES else "ru"
    with translation.override(language):
        context = {
            "booking": booking,
            "reception": booking.reception,
            "office": booking.reception.office,
            "person_name": booking.reception.person.name,
            "my_bookings_url": site_url() + reverse("receptions:my_bookings"),
            "reception_url": site_url()
            + reverse("receptions:detail", kwargs={"pk": booking.reception_id}),
            "list_url": site_url()
            + reverse("receptions:list")
            + f"?person={booking.reception.person.public_id}",
            "reason": str(booking.reception.get_cancel_reason_display()),
        }
        subject = " ".join(
            render_to_string(f"receptions/email/{template}_subject.txt", context).split()
        )
        body = render_to_string(f"receptions/email/{template}_body.txt", context)
    message = EmailMessage(
        subject, body, None, [citizen.email], headers={"Content-Language": language}
    )
    try:
        message.send()
    except Exception as error:  # the mail server's problem must not surface as a 500
        logger.warning(
            "%s mail for booking %s could not be sent (%s)",
            template,
            booking.pk,
            type(error).__name__,
        )
        return FAILED
    logger.info("%s mail sent for booking %s", template, booking.pk)
    return SENT


def send_booking_confirmation(booking_id: int) -> str:
    from halyq.receptions.models import Booking

    booking = _bookings([booking_id]).filter(status=Booking.Status.BOOKED).first()
    return SKIPPED if booking is None else _send(booking, "booking_confirmed")


def send_reception_cancelled(booking_ids: list[int]) -> int:
    """Tell each citizen their booking went with the reception; returns how many were sent."""
    return sum(_send(booking, "reception_cancelled") == SENT for booking in _bookings(booking_ids))


def send_reminders(*, today: date) -> dict[str, int]:
    """Remind every citizen booked for tomorrow who has not been reminded yet."""
    from halyq.receptions.models import Booking, Reception

    counts = {SENT: 0, SKIPPED: 0, FAILED: 0}
    due = Booking.objects.filter(
        status=Booking.Status.BOOKED,
        reminder_sent_at__isnull=True,
        citizen__isnull=False,
        reception__status=Reception.Status.SCHEDULED,
        reception__date=today + timedelta(days=1),
    ).values_list("id", flat=True)
    for booking in _bookings(due).order_by("id"):
        # Claim first: of two runs at once only one wins this row.
        claimed = Booking.objects.filter(pk=booking.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=timezone.now()
        )
        if not claimed:
            continue
        outcome = _send(booking, "reminder")
        if outcome == FAILED:
            # Release the claim so the next run tries again.
            Booking.objects.filter(pk=booking.pk).update(reminder_sent_at=None)
        counts[outcome] += 1
    return counts
