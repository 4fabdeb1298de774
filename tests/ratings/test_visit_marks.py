"""The visitors' marks of reception visits count in satisfaction (methodology v3), under
the same rules as the marks of appeals, in snapshots and in the live score alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from halyq.ratings.disputes import dispute_decide, dispute_open
from halyq.ratings.live import live_refresh
from halyq.ratings.models import Evaluation, LiveScore, Snapshot
from halyq.ratings.services import evaluation_decide, evaluation_submit
from halyq.ratings.snapshots import snapshot_compute
from halyq.receptions.models import Booking, Reception
from tests.appeals.factories import deputy_user, moderator_of
from tests.factories import PersonFactory, UserFactory
from tests.ratings.test_pages_helpers import fresh_cache, make_public  # noqa: F401  (fixture)
from tests.receptions.factories import BookingFactory, ReceptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(methodology, deputy, office):
    """A visitor's evaluation of a visit to a reception the deputy held three days ago."""

    def make(score=5, person=None, days_ago=3):
        reception = ReceptionFactory(
            office=office,
            person=person or deputy,
            date=timezone.localdate() - timedelta(days=days_ago),
            status=Reception.Status.HELD,
            booked_count=1,
            attended_count=1,
        )
        citizen = UserFactory(date_joined=timezone.now() - timedelta(days=30))
        booking = BookingFactory(
            reception=reception, citizen=citizen, status=Booking.Status.ATTENDED
        )
        return evaluation_submit(user=citizen, booking=booking, score=score)

    return make


def satisfaction(result) -> dict:
    return result.data["components"]["satisfaction"]["evidence"]


def test_a_staff_snapshot_counts_the_marks_of_visits_with_the_appeals(
    visit, answered_appeal, deputy
):
    appeal = answered_appeal(resolution="yes")
    evaluation_submit(user=appeal.author, appeal=appeal, score=4)
    visit(score=5)
    visit(score=1)
    held = visit(score=2)
    Evaluation.objects.filter(pk=held.pk).update(status=Evaluation.Status.HELD)
    snapshot = snapshot_compute(scope=Snapshot.Scope.PILOT)
    assert snapshot.methodology.version == "v3"
    evidence = satisfaction(snapshot.results.get(person=deputy))
    assert (evidence["evaluations"], evidence["reception_evaluations"]) == (3, 2)
    assert (evidence["stars_5"], evidence["stars_4"], evidence["stars_1"]) == (1, 1, 1)
    assert evidence["stars_2"] == 0  # held by the checks: not counted
    assert snapshot.results.get(person=deputy).data["workload"]["evaluations"] == 3


def test_a_mark_of_a_visit_refreshes_the_live_score_as_a_full_computation_would(
    visit, answered_appeal, deputy, astana, django_capture_on_commit_callbacks
):
    other = PersonFactory(region=astana)
    answered_appeal(resolution="no")
    snapshot_compute(scope=Snapshot.Scope.PILOT)
    with django_capture_on_commit_callbacks(execute=True):
        visit(score=4)
        visit(score=3, person=other)
    live = LiveScore.objects.get(person=deputy)
    assert satisfaction(live)["reception_evaluations"] == 1
    # A full computation, then the live path on its baselines: the same, figure by figure.
    snapshot = snapshot_compute(scope=Snapshot.Scope.PILOT)
    for person in (deputy, other):
        expected = snapshot.results.get(person=person).data
        assert live_refresh(person_public_id=str(person.public_id)).data == expected


# snapshot_compute opens its own transaction (REPEATABLE READ on PostgreSQL): not inside a test's.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_public_snapshot_takes_a_visit_mark_only_after_its_reply_period_and_undisputed(
    visit, deputy, astana, almaty
):
    make_public(astana)
    account = deputy_user(deputy)
    fresh = visit(score=1)
    disputed = visit(score=2)
    excluded = visit(score=3)
    Evaluation.objects.filter(pk=excluded.pk).update(status=Evaluation.Status.HELD)
    evaluation_decide(
        moderator=moderator_of(astana), evaluation=excluded, restore=False, reason="Накрутка"
    )
    dispute = dispute_open(user=account, evaluation=disputed, reason="Не был на приёме")
    pilot_person = PersonFactory(region=almaty)
    visit(score=5, person=pilot_person)
    assert satisfaction(snapshot_compute().results.get(person=deputy))["evaluations"] == 0
    later = timezone.now() + timedelta(days=6)
    result = snapshot_compute(now=later).results.get(person=deputy)
    assert (satisfaction(result)["evaluations"], satisfaction(result)["stars_1"]) == (1, 1)
    dispute_decide(moderator=moderator_of(astana), dispute=dispute, uphold=False, reason="Был")
    result = snapshot_compute(now=later + timedelta(minutes=1)).results.get(person=deputy)
    assert satisfaction(result)["reception_evaluations"] == 2
    assert fresh.pk and not Snapshot.objects.filter(results__person=pilot_person).exists()


def test_marks_of_receptions_out_of_the_window_do_not_count(visit, deputy):
    visit(score=5, days_ago=400)
    visit(score=4)
    snapshot = snapshot_compute(scope=Snapshot.Scope.PILOT)
    assert satisfaction(snapshot.results.get(person=deputy))["reception_evaluations"] == 1


def test_the_draft_and_the_methodology_page_say_visits_are_marked_too(client, visit, deputy):
    from django.utils import translation

    visit(score=5)
    snapshot_compute(scope=Snapshot.Scope.PILOT)
    client.force_login(deputy_user(deputy))
    with translation.override("en"):
        page = client.get("/en/rating/me/").content.decode()
        assert "of them, marks of reception visits</dt><dd>1</dd>" in page
        page = client.get("/en/rating/methodology/").content.decode()
    assert "<code>satisfaction.include_receptions</code>" in page
    assert "The marks of reception visits count too" in page
    assert "the person may dispute the citizen's verdict" in page
