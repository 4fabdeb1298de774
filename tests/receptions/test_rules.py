"""The permission matrix: role × object × action, held to the selectors and the pages.

Objects: Alikhan's reception at the Astana office and Aigerim's booking there.
Actions: view (the visitors list / the booking), list (does it appear in the role's
lists), change (decide the reception, mark attendance, cancel the booking), export
(the visitors list as CSV). Outside one's reach the pages answer 404.
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from halyq.receptions import selectors
from halyq.receptions.models import Booking
from tests.receptions.factories import BookingFactory, ReceptionFactory

ROLES = [
    "anonymous",
    "aigerim",  # the citizen who booked
    "boris",  # another citizen
    "operator",  # operates the Astana office
    "almaty_operator",
    "deputy_user",  # Alikhan, who receives
    "other_deputy_user",  # Gulnar
    "moderator",  # Astana region
    "almaty_moderator",
    "administrator",
]

# role: (view visitors, list reception, change reception, export, view booking,
#        list booking, cancel booking, mark attendance)
MATRIX = {
    "anonymous": (0, 0, 0, 0, 0, 0, 0, 0),
    "aigerim": (0, 0, 0, 0, 1, 1, 1, 0),
    "boris": (0, 0, 0, 0, 0, 0, 0, 0),
    "operator": (1, 1, 1, 1, 1, 1, 1, 1),
    "almaty_operator": (0, 0, 0, 0, 0, 0, 0, 0),
    "deputy_user": (1, 1, 0, 1, 1, 1, 0, 0),
    "other_deputy_user": (0, 0, 0, 0, 0, 0, 0, 0),
    "moderator": (1, 1, 1, 1, 1, 1, 1, 1),
    "almaty_moderator": (0, 0, 0, 0, 0, 0, 0, 0),
    "administrator": (1, 1, 1, 1, 1, 1, 1, 1),
}


def user_for(world, role):
    return AnonymousUser() if role == "anonymous" else getattr(world, role)


@pytest.fixture
def objects(world):
    reception = ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        date=timezone.localdate() - timedelta(days=1),
    )
    booking = BookingFactory(reception=reception, citizen=world.aigerim, slot_start=time(10, 0))
    return reception, booking


@pytest.mark.parametrize("role", ROLES)
def test_rules_and_selectors_agree_with_the_matrix(world, objects, role):
    reception, booking = objects
    user = user_for(world, role)
    expected = tuple(bool(v) for v in MATRIX[role])
    listed_receptions = set(
        selectors.reception_list_for_staff(user=user).values_list("id", flat=True)
    )
    listed_bookings = {b.id for b in selectors.booking_list_for_citizen(user=user)}
    if role not in ("anonymous", "aigerim", "boris"):
        # Staff reach over bookings is through their receptions; the citizen's own list is theirs.
        from halyq.receptions.rules import visible_bookings_q

        reach = visible_bookings_q(user)
        listed_bookings = set(
            (
                Booking.objects.filter(reach) if reach is not None else Booking.objects.all()
            ).values_list("id", flat=True)
        )
    actual = (
        user.has_perm("receptions.view_reception_bookings", reception),
        reception.id in listed_receptions,
        user.has_perm("receptions.change_reception", reception),
        user.has_perm("receptions.export_reception", reception),
        user.has_perm("receptions.view_booking", booking),
        booking.id in listed_bookings,
        user.has_perm("receptions.cancel_booking", booking),
        user.has_perm("receptions.mark_attendance", booking),
    )
    assert actual == expected


@pytest.mark.parametrize("role", ROLES)
def test_booking_get_is_the_same_reach_as_view_booking(world, objects, role):
    _, booking = objects
    user = user_for(world, role)
    try:
        selectors.booking_get(user=user, booking_id=booking.id)
        found = True
    except Booking.DoesNotExist:
        found = False
    assert found == bool(MATRIX[role][4])


@pytest.mark.parametrize("role", ROLES)
def test_scheduling_at_the_office(world, role):
    user = user_for(world, role)
    may = user.has_perm("receptions.schedule_reception", world.astana_office)
    managed = set(selectors.office_list_managed(user=user).values_list("slug", flat=True))
    expected = role in ("operator", "moderator", "administrator")
    assert may == expected
    assert ("astana-office" in managed) == expected


def login(client, world, role):
    if role != "anonymous":
        client.force_login(user_for(world, role))


@pytest.mark.parametrize("role", ROLES)
def test_pages_follow_the_matrix(client, world, objects, role):
    reception, booking = objects
    login(client, world, role)
    view, _, change, export, *_ = (bool(v) for v in MATRIX[role])
    manage = client.get(f"/en/receptions/workspace/reception/{reception.pk}/")
    csv = client.get(f"/en/receptions/workspace/reception/{reception.pk}/visitors.csv")
    attendance = client.post(
        f"/en/receptions/workspace/reception/{reception.pk}/",
        {"action": "attendance", "booking": booking.pk, "attended": "yes"},
    )
    if role == "anonymous":
        assert manage.status_code == csv.status_code == attendance.status_code == 302
        assert "/accounts/login/" in manage["Location"]
        return
    assert manage.status_code == (200 if view else 404)
    assert csv.status_code == (200 if export else 404)
    assert attendance.status_code == (302 if change else 404)
    booking.refresh_from_db()
    assert booking.status == ("attended" if change else "booked")
    office = client.get("/en/receptions/workspace/office/astana-office/")
    assert office.status_code == (200 if change else 404)


@pytest.mark.parametrize(
    "role", ["boris", "almaty_operator", "other_deputy_user", "almaty_moderator"]
)
def test_cancelling_someone_elses_booking_is_a_404_and_changes_nothing(
    client, world, objects, role
):
    _, booking = objects
    login(client, world, role)
    response = client.post(f"/en/receptions/my/{booking.pk}/cancel/")
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_an_inactive_account_has_no_reach(world, objects):
    reception, _ = objects
    world.operator.is_active = False
    world.operator.save()
    assert not world.operator.has_perm("receptions.view_reception_bookings", reception)
    assert not selectors.reception_list_for_staff(user=world.operator).exists()
