"""Reads of receptions and bookings shared by pages, commands and the rating.

Rules:
- Public reads (`reception_list_upcoming`, `reception_get_public`, `reception_slots`)
  carry no citizen data: which times are taken, never by whom.
- Every other read takes the acting user and filters by `receptions.rules`; an object
  outside the user's reach is reported as missing (`DoesNotExist`, a 404 on pages).
- Lists fetch what they show in a fixed number of queries (select_related, annotated
  counts), whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, time
from uuid import UUID

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from halyq.appeals.models import ReceptionOffice
from halyq.receptions import rules
from halyq.receptions.models import ACTIVE_BOOKING_STATES, Booking, Reception

_ACTIVE = Q(bookings__status__in=ACTIVE_BOOKING_STATES)


def _with_counts(receptions: QuerySet[Reception]) -> QuerySet[Reception]:
    return receptions.select_related("office", "office__region", "person").annotate(
        taken=Count("bookings", filter=_ACTIVE),
        attended=Count("bookings", filter=Q(bookings__status=Booking.Status.ATTENDED)),
    )


def _scoped(queryset: QuerySet, reach: Q | None) -> QuerySet:
    return queryset if reach is None else queryset.filter(reach)


# --- public --------------------------------------------------------------------------


def reception_list_upcoming(
    *,
    region=None,
    office: ReceptionOffice | None = None,
    person_public_id: UUID | None = None,
    today: date | None = None,
) -> QuerySet[Reception]:
    """Scheduled receptions not yet over (today's that ended are left out), soonest first,
    with `taken` slot counts."""
    now = timezone.localtime()
    today = today or now.date()
    receptions = Reception.objects.filter(status=Reception.Status.SCHEDULED).filter(
        Q(date__gt=today)
        | Q(date=today, end_time__gt=now.time() if today == now.date() else time.min)
    )
    if region is not None:
        receptions = receptions.filter(office__region=region)
    if office is not None:
        receptions = receptions.filter(office=office)
    if person_public_id is not None:
        receptions = receptions.filter(person__public_id=person_public_id)
    return _with_counts(receptions).order_by("date", "start_time", "id")


def reception_get_public(*, reception_id: int) -> Reception:
    return _with_counts(Reception.objects.filter(pk=reception_id)).get()


def reception_slots(*, reception: Reception, user=None) -> list[dict]:
    """Every slot with whether it is taken, and whether by this user: no one else's identity."""
    user_id = user.id if user is not None and user.is_authenticated else None
    taken = dict(
        reception.bookings.filter(status__in=ACTIVE_BOOKING_STATES).values_list(
            "slot_start", "citizen_id"
        )
    )
    now = timezone.localtime()
    return [
        {
            "start": start,
            "taken": start in taken,
            "mine": user_id is not None and start in taken and taken[start] == user_id,
            "past": reception.date < now.date()
            or (reception.date == now.date() and start <= now.time()),
        }
        for start in reception.slot_starts()
    ]


def office_list_public() -> QuerySet[ReceptionOffice]:
    return ReceptionOffice.objects.filter(is_active=True).select_related("region")


# --- citizens ------------------------------------------------------------------------


def booking_list_for_citizen(*, user) -> QuerySet[Booking]:
    """The user's own bookings, newest reception first."""
    if not user.is_authenticated:
        return Booking.objects.none()
    return (
        Booking.objects.filter(citizen=user)
        .select_related("reception", "reception__office", "reception__person")
        .order_by("-reception__date", "-slot_start", "-id")
    )


def booking_get(*, user, booking_id: int) -> Booking:
    """One booking the user may see (their own, or staff reach); DoesNotExist otherwise."""
    return (
        _scoped(Booking.objects.all(), rules.visible_bookings_q(user))
        .select_related("reception", "reception__office", "reception__person")
        .get(pk=booking_id)
    )


# --- staff ---------------------------------------------------------------------------


def office_list_managed(*, user) -> QuerySet[ReceptionOffice]:
    return _scoped(ReceptionOffice.objects.all(), rules.managed_offices_q(user)).select_related(
        "region", "district"
    )


def office_get_managed(*, user, slug: str) -> ReceptionOffice:
    return office_list_managed(user=user).get(slug=slug)


def reception_list_for_staff(
    *,
    user,
    office: ReceptionOffice | None = None,
    own_only: bool = False,
    since: date | None = None,
    until: date | None = None,
    status: str | None = None,
) -> QuerySet[Reception]:
    """Receptions in the user's staff reach (own_only: the person's own), with counts."""
    if own_only:
        person_id = user.person_id if user.is_authenticated and user.is_active else None
        receptions = (
            Reception.objects.filter(person_id=person_id) if person_id else Reception.objects.none()
        )
    else:
        receptions = _scoped(Reception.objects.all(), rules.staff_receptions_q(user))
    if office is not None:
        receptions = receptions.filter(office=office)
    if since is not None:
        receptions = receptions.filter(date__gte=since)
    if until is not None:
        receptions = receptions.filter(date__lte=until)
    if status:
        receptions = receptions.filter(status=status)
    return _with_counts(receptions)


def reception_get_for_staff(*, user, reception_id: int) -> Reception:
    return _with_counts(
        _scoped(Reception.objects.filter(pk=reception_id), rules.staff_receptions_q(user))
    ).get()


def booking_list_for_reception(*, user, reception: Reception) -> QuerySet[Booking]:
    """The visitors of one reception, for its staff (empty for anyone else)."""
    if not user.has_perm("receptions.view_reception_bookings", reception):
        return Booking.objects.none()
    from halyq.appeals.models import Appeal

    return (
        reception.bookings.select_related("citizen")
        .prefetch_related(Prefetch("appeals", queryset=Appeal.objects.only("id", "number")))
        .order_by("slot_start", "id")
    )


# --- the rating ----------------------------------------------------------------------


def rating_receptions(
    *, since: date, until: date, person_ids: Collection[int] | None = None
) -> Iterator[dict]:
    """One plain record per reception dated in [since, until], for the rating engine.

    Matches `halyq.scoring.model.ReceptionRecord`: person_id (public id), held_on,
    scheduled_slots, booked, attended, held. Held receptions report their frozen
    counts; cancelled ones held=False with the bookings they had; a reception still
    marked "scheduled" after its day (nobody recorded it as held) counts as not held.
    Receptions still scheduled for `until` or later are undecided and left out. With
    `person_ids`, only those people's receptions (a live refresh).
    """
    receptions = Reception.objects.all()
    if person_ids is not None:
        receptions = receptions.filter(person_id__in=person_ids)
    receptions = (
        receptions.filter(date__gte=since, date__lte=until)
        .filter(~Q(status=Reception.Status.SCHEDULED) | Q(date__lt=until))
        .annotate(taken=Count("bookings", filter=_ACTIVE))
        .values_list(
            "person__public_id",
            "date",
            "status",
            "slot_count",
            "booked_count",
            "attended_count",
            "taken",
        )
        .order_by("date", "id")
    )
    # The whole country streams through a server-side cursor; a few people's receptions
    # (a live refresh) come in one round trip instead of a cursor's three.
    rows = receptions.iterator(chunk_size=5000) if person_ids is None else receptions
    for public_id, held_on, status, slots, booked, attended, taken in rows:
        held = status == Reception.Status.HELD
        yield {
            "person_id": str(public_id),
            "held_on": held_on,
            "scheduled_slots": slots,
            "booked": booked if booked is not None else taken,
            "attended": attended if held and attended is not None else 0,
            "held": held,
        }
