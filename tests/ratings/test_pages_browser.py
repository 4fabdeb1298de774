"""On a phone: a citizen evaluates the answer to their appeal, the moderator publishes the
comment, and once the deputy's reply period is over the next public snapshot shows the new
evidence on the deputy's rating profile. A deputy of a pilot region, evaluated the same
way, appears on no public page.

The public profile shows the latest published snapshot only (not the live draft): an
evaluation is public once its reply period is over, so the test computes the snapshot as
the scheduled job would after those days.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from halyq.ratings.models import Evaluation
from halyq.ratings.services import evaluation_submit
from halyq.ratings.snapshots import snapshot_compute
from tests.appeals.factories import (
    OfficeFactory,
    assign,
    deputy_user,
    moderator_of,
    operator_of,
    web_appeal,
)
from tests.factories import PersonFactory, UserFactory, region
from tests.ratings.test_pages_helpers import make_public, refresh

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


def answered_by(person, office):
    from halyq.appeals import services

    author = UserFactory(
        date_joined=timezone.now() - timedelta(days=30), display_name="Aigerim Citizen"
    )
    appeal = assign(web_appeal(author, office), operator_of(office), person)
    account = person.user if hasattr(person, "user") else deputy_user(person)
    return services.appeal_transition(
        appeal_id=appeal.pk,
        action="answer",
        user=account,
        version=appeal.version,
        data=services.TransitionInput(answer="Свет во дворе починили."),
    )


def test_citizen_evaluates_and_the_profile_shows_it_pilot_absent(
    live_server, page, methodology, astana
):
    make_public(astana)
    deputy = PersonFactory(region=astana, family_name_en="Deputatov", given_name_en="Askar")
    appeal = answered_by(deputy, OfficeFactory(region=astana))
    pavlodar = region("55")
    pilot_deputy = PersonFactory(
        region=pavlodar, family_name_en="Pilotbekov", family_name_ru="Пилотбеков"
    )
    pilot_appeal = answered_by(pilot_deputy, OfficeFactory(region=pavlodar))
    evaluation_submit(user=pilot_appeal.author, appeal=pilot_appeal, score=5)

    # The citizen opens the evaluation page of their answered appeal and sends a mark.
    sign_in(page, live_server, appeal.author)
    page.goto(f"{live_server.url}/en/rating/evaluate/appeal/{appeal.pk}/")
    page.get_by_label("5 — excellent").check()
    page.get_by_label("Comment (optional)").fill("Light in the yard fixed within a week")
    page.get_by_role("button", name="Send the evaluation").click()
    page.wait_for_url(f"**/en/rating/evaluate/appeal/{appeal.pk}/")
    assert "Thank you: your evaluation is recorded." in page.content()
    evaluation = Evaluation.objects.get(appeal=appeal)
    assert (evaluation.person_id, evaluation.score) == (deputy.pk, 5)

    # The region's moderator publishes the comment from the queue.
    sign_in(page, live_server, moderator_of(astana))
    page.goto(f"{live_server.url}/en/rating/staff/moderation/")
    page.locator(f"#comment-{evaluation.pk}").get_by_role("button", name="Publish").click()
    page.wait_for_url("**/en/rating/staff/moderation/")
    assert "The decision is recorded." in page.content()

    # The reply period passes; the scheduled job publishes the next snapshot.
    snapshot_compute(now=timezone.now() + timedelta(days=6))
    refresh()

    page.context.clear_cookies()  # the public, signed out
    page.goto(f"{live_server.url}/en/rating/people/{deputy.public_id}/")
    marks = page.locator("li.component", has_text="Citizens' marks")
    assert (
        marks.locator("dt", has_text="marks").first.locator("xpath=..").inner_text().split()[-1]
        == "1"
    )
    # the marks drawn, with their text alternative
    assert "5★: 1" in marks.locator("svg.rating-marks desc").text_content()
    assert page.locator("svg.rating-history title").first.text_content() != ""
    assert "Light in the yard fixed within a week" in page.content()
    assert "Aigerim" not in page.content() and appeal.author.email not in page.content()

    # No public page shows the pilot region's deputy.
    public_pages = [
        "/en/rating/",
        "/en/rating/?sort=score",
        "/en/rating/?q=pilotbekov",
        "/rating/",
        "/en/rating/methodology/",
        f"/en/rating/people/{deputy.public_id}/",
    ]
    for path in public_pages:
        page.goto(f"{live_server.url}{path}")
        assert "Pilotbekov" not in page.content() and "Пилотбеков" not in page.content(), path
    assert "Deputatov" in page.content()
    response = page.goto(f"{live_server.url}/en/rating/people/{pilot_deputy.public_id}/")
    assert response.status == 404
    csv_text = page.request.get(f"{live_server.url}/en/rating/export.csv").text()
    assert "Deputatov" in csv_text and "Pilotbekov" not in csv_text
