"""On a phone: a deputy reports a measure done with a photo, a resident disputes it,
the moderator decides, and the public tracker and the deputy's page show the result."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.programmes import factories as make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def sign_in(page, base, email):
    page.context.clear_cookies()
    page.goto(f"{base}/en/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_report_dispute_decide_and_publish(live_server, page, tracker, settings):
    settings.HALYQ_PROGRAMMES_DISPUTE_MIN_CONFIRMATIONS = 1
    bolat = tracker["people"]["bolat"]
    today = timezone.localdate()
    item = make.item(
        tracker["yesil_programme"],
        "Y1",
        monitors=[bolat],
        title_en="Light the streets of Yesil",
        start=today - timedelta(days=60),
        end=today + timedelta(days=90),
    )
    base = live_server.url
    item_url = f"{base}/en/programmes/items/{item.pk}/"

    # The deputy responsible reports it done, with a photo.
    sign_in(page, base, "bolat@example.kz")
    page.goto(item_url)
    page.get_by_role("link", name="Report progress").click()
    page.get_by_label("Status").select_option("done")
    page.set_input_files(
        "input[name=evidence_file]",
        files=[
            {"name": "street.jpg", "mimeType": "image/jpeg", "buffer": make.jpeg_with_gps().read()}
        ],
    )
    page.get_by_label("What it shows").fill("New lamps on Kabanbay Batyr")
    page.get_by_role("button", name="Publish the report").click()
    page.wait_for_url(item_url)
    assert page.locator(".status-line .badge.status").inner_text() == "done"
    assert page.locator(".evidence-list img").count() == 1
    assert "New lamps on Kabanbay Batyr" in page.content()

    # A resident of Yesil says it is not done.
    sign_in(page, base, "erlan@example.kz")
    page.goto(item_url)
    page.get_by_label(re.compile("not done")).check()
    page.get_by_role("button", name="Send my answer").click()
    page.wait_for_url(f"{item_url}#confirm")
    assert "Your answer is counted" in page.content()
    assert "yes 0, partly 0, no 1" in page.content()

    # The moderator sees the dispute and decides it was not delivered.
    sign_in(page, base, "moderator@example.kz")
    page.goto(f"{base}/en/programmes/moderation/")
    card = page.locator(".card", has_text="Light the streets of Yesil")
    card.get_by_role("link", name="Decide").click()
    page.get_by_label("Delivery is not confirmed").check()
    page.get_by_label("If not confirmed, the item goes back to").select_option("in_progress")
    page.get_by_label("Progress, %").fill("60")
    page.get_by_label("Public reason").fill("Half of the lamps are not installed yet")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"{base}/en/programmes/moderation/")
    assert "No disputes wait for a decision" in page.content()

    # Anyone: the district tracker, the item and the deputy's page show the outcome.
    page.context.clear_cookies()
    page.goto(f"{base}/en/programmes/71/711000001/")
    card = page.locator(".item-card", has_text="Light the streets of Yesil")
    assert card.locator(".badge.status").inner_text() == "in progress"
    assert "60%" in card.inner_text()
    card.get_by_role("link").click()
    page.wait_for_url(item_url)
    assert "Half of the lamps are not installed yet" in page.content()
    assert "Delivery not confirmed" in page.content()
    page.get_by_role("link", name=re.compile("Bekov")).first.click()
    page.wait_for_url(f"**/en/programmes/deputies/{bolat.public_id}/")
    row = page.locator(".item-card", has_text="Light the streets of Yesil")
    assert row.locator(".badge.status").inner_text() == "in progress"
