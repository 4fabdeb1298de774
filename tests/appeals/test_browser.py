"""In headless Chromium: a citizen files an appeal with a photo, an operator assigns it,
the deputy answers, the citizen confirms it was resolved; each step seen only by its role."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from halyq.appeals.models import Appeal
from tests.appeals import factories as f

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _as(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_appeal_from_filing_to_resolution(live_server, browser, world, tmp_path):
    photo = tmp_path / "leak.png"
    photo.write_bytes(f.png_bytes())
    citizen = _as(browser, live_server, world.citizen_a)
    citizen.goto(f"{live_server.url}/en/appeals/new/?region=71")
    citizen.get_by_label("Reception office").select_option(value=str(world.office_x.pk))
    citizen.get_by_label("What is it about").select_option(label="Housing and utilities")
    citizen.get_by_label("Your appeal").fill(
        "The roof of building 5 on Abai Street leaks into the flats."
    )
    citizen.get_by_label("Attachments (optional)").set_input_files(str(photo))
    citizen.get_by_role("button", name="Send the appeal").click()
    citizen.wait_for_url(re.compile(r".*/en/appeals/AST-\d{4}-\d{6}/$"))
    number = Appeal.objects.get().number
    assert number in citizen.get_by_role("heading", level=1).inner_text()
    assert "leak.png" in citizen.content()

    outsider = _as(browser, live_server, world.operator_y)
    response = outsider.goto(f"{live_server.url}/en/staff/appeals/{number}/")
    assert response.status == 404
    other_citizen = _as(browser, live_server, world.citizen_b)
    assert other_citizen.goto(f"{live_server.url}/en/appeals/{number}/").status == 404

    operator = _as(browser, live_server, world.operator_x)
    operator.goto(f"{live_server.url}/en/staff/")
    operator.get_by_role("link", name=number).click()
    operator.get_by_text("Assign", exact=True).first.click()  # opens the action panel
    operator.locator("#id_assign-person").select_option(value=str(world.deputy_person.pk))
    operator.locator("form:has(input[value=assign]) button[type=submit]").click()
    operator.wait_for_load_state()
    assert "assigned" in operator.locator(".badge").first.inner_text()

    other_deputy = _as(browser, live_server, world.other_deputy)
    assert other_deputy.goto(f"{live_server.url}/en/staff/appeals/{number}/").status == 404

    deputy = _as(browser, live_server, world.deputy)
    deputy.goto(f"{live_server.url}/en/staff/")
    assert number in deputy.content()
    deputy.goto(f"{live_server.url}/en/staff/appeals/{number}/")
    deputy.locator("summary", has_text="Answer").click()
    deputy.get_by_label("Answer to the citizen").fill("The roof was repaired on Tuesday.")
    deputy.locator("form:has(input[value=answer]) button[type=submit]").click()
    deputy.wait_for_load_state()
    assert "answered" in deputy.locator(".badge").first.inner_text()

    citizen.goto(f"{live_server.url}/en/appeals/{number}/")
    assert "The roof was repaired on Tuesday." in citizen.content()
    citizen.locator("summary", has_text="Tell whether").click()
    citizen.get_by_label("Yes").check()
    citizen.locator("form:has(input[value=confirm_resolution]) button[type=submit]").click()
    citizen.wait_for_load_state()
    assert "resolved" in citizen.content()
    fresh = Appeal.objects.get()
    assert (fresh.state, fresh.resolution) == ("closed", "yes")


def test_a_phone_only_visitor_confirms_with_the_texted_code(
    live_server, browser, world, sms_outbox
):
    operator = _as(browser, live_server, world.operator_x)
    operator.goto(f"{live_server.url}/en/staff/new/")
    operator.get_by_label("in person at the office").check()
    operator.get_by_label("Reception office").select_option(value=str(world.office_x.pk))
    operator.get_by_label("Visitor's name").fill("Aigerim Visitor")
    operator.get_by_label("Visitor's phone").fill("8 701 555 01 23")
    operator.get_by_label("Visitor's language").select_option(value="ru")
    operator.get_by_label("What is it about").select_option(label="Housing and utilities")
    operator.get_by_label("Your appeal").fill(
        "The lift in building 12 on Kenesary Street has been broken for a month."
    )
    operator.get_by_role("button", name="Register").click()
    operator.wait_for_url(re.compile(r".*/en/staff/appeals/AST-\d{4}-\d{6}/$"))
    appeal = Appeal.objects.get()
    assert "the link or the code sent to their phone by SMS" in operator.content()
    assert "+7 701 555 01 23" in operator.content()  # stored as +77015550123, shown grouped
    _screenshot(operator, "operator-registered-phone-only")

    (message,) = sms_outbox
    assert message.to == "+77015550123" and appeal.number in message.text
    code = f.texted_code(message.text)
    visitor = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    # The texted address, on the test server: the page where the number and code go.
    address = re.search(r"https?://\S+/appeals/confirm/", message.text).group()
    visitor.goto(live_server.url + urlsplit(address).path)
    visitor.get_by_label("Номер обращения").fill(appeal.number)
    visitor.get_by_label("Код из письма или SMS").fill(code)
    _screenshot(visitor, "visitor-enters-texted-code")
    visitor.get_by_role("button", name="Подтвердить").click()
    visitor.wait_for_load_state()
    appeal.refresh_from_db()
    assert appeal.citizen_confirmed_at is not None


def test_a_phone_only_visitor_confirms_by_the_texted_link(
    live_server, browser, world, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = f.visitor_appeal(
            world.operator_x, world.office_x, citizen_phone="+77015550123", language="kk"
        )
    (message,) = sms_outbox
    link = urlsplit(re.search(r"https?://\S+", message.text).group())
    visitor = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    visitor.goto(live_server.url + link.path)  # the short link leads to the Kazakh page
    visitor.wait_for_url(re.compile(r".*/kk/appeals/v/[^/]+/$"))
    _screenshot(visitor, "visitor-opens-texted-link")
    visitor.get_by_role("button", name="Иә, бұл менің өтінішім").click()
    visitor.wait_for_load_state()
    appeal.refresh_from_db()
    assert appeal.citizen_confirmed_at is not None
    assert "Иә, бұл менің өтінішім" not in visitor.content()  # nothing left to confirm


def _screenshot(page, name):
    """Pictures of the pages for people to look at, when HALYQ_SCREENSHOTS names a folder."""
    folder = os.environ.get("HALYQ_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)
