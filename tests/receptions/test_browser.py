"""On a phone: a citizen books a time, the operator marks that they came and records the
reception as held, and the deputy sees it held on their own page."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from halyq.receptions.models import Booking, Reception
from tests.receptions.factories import ReceptionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, live_server, user):
    """Give the browser a signed-in session (the sign-in form has its own tests)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_book_mark_attendance_and_see_it_held(live_server, page, world):
    reception = ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        date=timezone.localdate() + timedelta(days=1),
    )

    # The citizen finds the reception in the public list and books 10:30.
    sign_in(page, live_server, world.aigerim)
    page.goto(f"{live_server.url}/en/receptions/")
    page.get_by_role("link", name="Nurlanov Alikhan").first.click()
    page.wait_for_url(f"**/en/receptions/{reception.pk}/")
    page.get_by_role("radio", name="10:30").check()
    page.get_by_label("What would you like to talk about? (optional)").fill("Street lighting")
    page.get_by_role("button", name="Book this time").click()
    page.wait_for_url("**/en/receptions/my/")
    assert "You are booked for 10:30" in page.content()
    booking = Booking.objects.get()
    assert (booking.citizen_id, booking.slot_start) == (world.aigerim.pk, time(10, 30))

    # The reception day comes and goes (moved, not waited for).
    Reception.objects.filter(pk=reception.pk).update(date=timezone.localdate() - timedelta(days=1))

    # The operator marks that she came, then records the reception as held.
    sign_in(page, live_server, world.operator)
    page.goto(f"{live_server.url}/en/receptions/workspace/")
    page.get_by_role("link", name="Astana public reception").click()
    page.get_by_role("link", name="Nurlanov Alikhan").first.click()
    card = page.locator(f"#booking-{booking.pk}")
    assert "Aigerim Citizen" in card.inner_text()
    card.get_by_role("button", name="Came", exact=True).click()
    page.wait_for_load_state()
    assert page.locator(f"#booking-{booking.pk} [data-booking-status]").inner_text() == "Came"
    page.get_by_role("button", name="Record the reception as held").click()
    page.wait_for_load_state()
    assert page.locator("#reception-status").inner_text() == "Held"

    # The deputy sees it held, with the visitor counted.
    sign_in(page, live_server, world.deputy_user)
    page.goto(f"{live_server.url}/en/receptions/deputy/")
    past = page.get_by_role("region", name="Past year")
    assert "Held" in past.inner_text()
    assert "1 came of 1 booked" in past.inner_text()
