"""The receptions app's entry in the personal-data registry (`accounts.personal_data`).

Export: every booking the citizen made, with the reception it was for (their own copy).
Erase: the citizen is detached from every booking they made, and any topic they wrote
is blanked; their future bookings are cancelled so the slots free up. What the rating
needs survives: the bookings stay with their status, so a held reception keeps its
booked and attended counts. Staff links (who scheduled, who marked attendance) are
detached too, since they point at the account being erased.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from halyq.receptions.models import Booking, Reception


def export_bookings(user) -> list[dict[str, Any]]:
    bookings = (
        Booking.objects.filter(citizen=user)
        .select_related("reception", "reception__office", "reception__person")
        .order_by("reception__date", "slot_start", "id")
    )
    return [
        {
            "date": booking.reception.date,
            "time": booking.slot_start.strftime("%H:%M"),
            "office": booking.reception.office.name_ru,
            "address": booking.reception.office.address_ru,
            "person": str(booking.reception.person.public_id),
            "person_name": booking.reception.person.full_name("ru"),
            "reception_status": booking.reception.status,
            "status": booking.status,
            "channel": booking.channel,
            "topic": booking.topic,
            "booked_at": booking.created_at,
            "cancelled_at": booking.cancelled_at,
        }
        for booking in bookings
    ]


def erase_bookings(user) -> None:
    now = timezone.now()
    mine = Booking.objects.filter(citizen=user)
    mine.filter(
        status=Booking.Status.BOOKED,
        reception__status=Reception.Status.SCHEDULED,
        reception__date__gte=timezone.localdate(),
    ).update(status=Booking.Status.CANCELLED, cancelled_at=now, updated_at=now)
    mine.update(
        citizen=None,
        visitor_name="",
        visitor_phone="",
        topic="",
        personal_data_erased_at=now,
        updated_at=now,
    )
    Booking.objects.filter(created_by=user).update(created_by=None)
    Booking.objects.filter(attendance_marked_by=user).update(attendance_marked_by=None)
    Reception.objects.filter(Q(scheduled_by=user)).update(scheduled_by=None)
    Reception.objects.filter(Q(decided_by=user)).update(decided_by=None)
