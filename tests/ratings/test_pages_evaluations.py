"""Evaluating an answered appeal or an attended reception through the pages: the author
only (404 for everybody else), clear refusals, once, editable for 7 days."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation

from halyq.ratings.models import Evaluation
from halyq.ratings.services import evaluation_submit
from halyq.receptions.models import Booking
from tests.appeals.factories import web_appeal
from tests.factories import UserFactory
from tests.ratings.test_pages_helpers import fresh_cache  # noqa: F401  (fixture)
from tests.receptions.factories import BookingFactory

pytestmark = pytest.mark.django_db


def url_of(appeal) -> str:
    return f"/en/rating/evaluate/appeal/{appeal.pk}/"


def test_the_author_evaluates_an_answered_appeal(client, methodology, answered_appeal, deputy):
    appeal = answered_appeal(resolution="yes")
    client.force_login(appeal.author)
    page = client.get(url_of(appeal))
    assert page.status_code == 200
    assert "Send the evaluation" in page.content.decode()
    response = client.post(
        url_of(appeal), {"score": "4", "comment": "Помогли быстро"}, HTTP_USER_AGENT="Phone/1.0"
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert (evaluation.person, evaluation.author, evaluation.score) == (deputy, appeal.author, 4)
    assert evaluation.comment_status == Evaluation.CommentStatus.PENDING
    assert re.fullmatch(r"[0-9a-f]{32}", evaluation.network_key)
    assert "127.0.0.1" not in evaluation.network_key
    followed = client.get(response["Location"]).content.decode()
    assert "Thank you: your evaluation is recorded." in followed
    assert "Your comment awaits moderation." in followed
    assert "Save the change" in followed  # editable for 7 days


def test_a_change_within_the_window_and_not_after(client, methodology, answered_appeal):
    appeal = answered_appeal()
    client.force_login(appeal.author)
    client.post(url_of(appeal), {"score": "2"})
    assert client.post(url_of(appeal), {"score": "3"}).status_code == 302
    assert Evaluation.objects.get().score == 3
    Evaluation.objects.update(created_at=timezone.now() - timedelta(days=8))
    page = client.get(url_of(appeal)).content.decode()
    assert "Save the change" not in page and "can be changed for 7 days only" in page
    response = client.post(url_of(appeal), {"score": "5"})
    assert response.status_code == 400
    assert "7 days" in response.content.decode()
    assert Evaluation.objects.get().score == 3


@pytest.mark.parametrize("who", ["stranger", "deputy", "operator"])
def test_anybody_but_the_author_gets_a_404(client, methodology, answered_appeal, deputy, who):
    appeal = answered_appeal()
    user = {
        "stranger": UserFactory,
        "deputy": lambda: deputy.user,
        "operator": lambda: appeal.office.operators.first(),
    }[who]()
    client.force_login(user)
    assert client.get(url_of(appeal)).status_code == 404
    assert client.post(url_of(appeal), {"score": "1"}).status_code == 404
    assert not Evaluation.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, methodology, answered_appeal):
    appeal = answered_appeal()
    response = client.get(url_of(appeal))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unanswered_appeal_says_why_and_refuses(client, methodology, office):
    author = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    appeal = web_appeal(author, office)
    client.force_login(author)
    page = client.get(url_of(appeal)).content.decode()
    assert "An appeal can be evaluated once it has been answered." in page
    assert "Send the evaluation" not in page
    response = client.post(url_of(appeal), {"score": "5"})
    assert response.status_code == 400
    assert "once it has been answered" in response.content.decode()
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("score", ["", "0", "6", "five"])
def test_a_bad_mark_changes_nothing(client, methodology, answered_appeal, score):
    appeal = answered_appeal()
    client.force_login(appeal.author)
    response = client.post(url_of(appeal), {"score": score})
    assert response.status_code == 400
    assert not Evaluation.objects.exists()


def test_a_too_long_comment_is_refused(client, methodology, answered_appeal):
    appeal = answered_appeal()
    client.force_login(appeal.author)
    response = client.post(url_of(appeal), {"score": "5", "comment": "а" * 2001})
    assert response.status_code == 400
    assert not Evaluation.objects.exists()


def test_unconfirmed_email_is_told_to_confirm(client, methodology, answered_appeal):
    appeal = answered_appeal()
    appeal.author.email_confirmed_at = None
    appeal.author.save()
    client.force_login(appeal.author)
    assert (
        "Confirm your email address before evaluating."
        in client.get(url_of(appeal)).content.decode()
    )
    response = client.post(url_of(appeal), {"score": "5"})
    assert response.status_code == 400
    assert not Evaluation.objects.exists()


# --------------------------------------------------------------------------- receptions
def test_the_visitor_evaluates_an_attended_reception(client, methodology, deputy):
    booking = BookingFactory(reception__person=deputy, status=Booking.Status.ATTENDED)
    booking.citizen.date_joined = timezone.now() - timedelta(days=30)
    booking.citizen.save()
    url = f"/en/rating/evaluate/booking/{booking.pk}/"
    client.force_login(booking.citizen)
    assert client.get(url).status_code == 200
    assert client.post(url, {"score": "5"}).status_code == 302
    assert Evaluation.objects.get().booking == booking
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_a_booked_but_not_attended_visit_cannot_be_evaluated(client, methodology, deputy):
    booking = BookingFactory(reception__person=deputy)
    client.force_login(booking.citizen)
    url = f"/en/rating/evaluate/booking/{booking.pk}/"
    assert "once you have attended it" in client.get(url).content.decode()
    assert client.post(url, {"score": "5"}).status_code == 400
    assert not Evaluation.objects.exists()


# --------------------------------------------------------------------------- the link tags
def render_link(tag: str, obj, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        return Template("{% load ratings %}{% " + tag + " obj %}").render(
            Context({"obj": obj, "request": request})
        )


def test_evaluation_link_only_for_the_author_of_an_answered_appeal(
    methodology, answered_appeal, office, deputy
):
    appeal = answered_appeal()
    assert url_of(appeal).removeprefix("/en") in render_link(
        "evaluation_link", appeal, appeal.author
    )
    assert render_link("evaluation_link", appeal, UserFactory()) == ""
    assert render_link("evaluation_link", appeal, deputy.user) == ""
    unanswered = web_appeal(UserFactory(), office)
    assert render_link("evaluation_link", unanswered, unanswered.author) == ""
    evaluation_submit(user=appeal.author, appeal=appeal, score=4)
    appeal.refresh_from_db()
    assert "Your evaluation" in render_link("evaluation_link", appeal, appeal.author)
    assert "4 of 5" in render_link("evaluation_link", appeal, appeal.author)


def test_booking_link_only_for_the_visitor_who_came(methodology, deputy):
    came = BookingFactory(reception__person=deputy, status=Booking.Status.ATTENDED)
    booked = BookingFactory(reception__person=deputy)
    assert f"/rating/evaluate/booking/{came.pk}/" in render_link(
        "booking_evaluation_link", came, came.citizen
    )
    assert render_link("booking_evaluation_link", came, UserFactory()) == ""
    assert render_link("booking_evaluation_link", booked, booked.citizen) == ""
