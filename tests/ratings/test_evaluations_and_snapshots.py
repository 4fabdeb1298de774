from datetime import timedelta

import pytest
from django.utils import timezone, translation

from halyq.integrity.models import LedgerEntry
from halyq.ledger.verify import snapshot_merkle_root
from halyq.ratings.models import Evaluation, LiveScore, Snapshot
from halyq.ratings.services import (
    EvaluationRefused,
    evaluation_submit,
    evaluation_update,
    publication_mode_set,
)
from halyq.ratings.snapshots import snapshot_compute
from tests.appeals.factories import web_appeal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """The refusals are matched by their English text; the suite starts in Russian."""
    with translation.override("en"):
        yield


def test_the_author_evaluates_an_answered_appeal_once(methodology, answered_appeal, deputy):
    appeal = answered_appeal(resolution="yes")
    evaluation = evaluation_submit(
        user=appeal.author, appeal=appeal, score=5, comment="Спасибо, всё сделали"
    )
    assert evaluation.person == deputy
    assert evaluation.status == Evaluation.Status.ACCEPTED
    assert evaluation.comment_status == Evaluation.CommentStatus.PENDING
    recorded = LedgerEntry.objects.filter(kind="evaluation.accepted").get()
    assert recorded.payload["person"] == str(deputy.public_id)
    assert recorded.payload["score"] == 5
    assert "Спасибо" not in str(recorded.payload) and appeal.author.email not in str(
        recorded.payload
    )


@pytest.mark.parametrize("who", ["stranger", "deputy"])
def test_only_the_author_may_evaluate(methodology, answered_appeal, who, deputy):
    appeal = answered_appeal()
    user = UserFactory() if who == "stranger" else deputy.user
    with pytest.raises(EvaluationRefused, match="Only the citizen"):
        evaluation_submit(user=user, appeal=appeal, score=1)
    assert not Evaluation.objects.exists()


def test_a_second_evaluation_is_refused_and_changes_nothing(methodology, answered_appeal):
    appeal = answered_appeal()
    first = evaluation_submit(user=appeal.author, appeal=appeal, score=4)
    with pytest.raises(EvaluationRefused, match="already evaluated"):
        evaluation_submit(user=appeal.author, appeal=appeal, score=1)
    assert list(Evaluation.objects.values_list("id", "score")) == [(first.id, 4)]


def test_an_unanswered_appeal_cannot_be_evaluated(methodology, office):
    author = UserFactory()
    appeal = web_appeal(author, office)
    with pytest.raises(EvaluationRefused, match="once it has been answered"):
        evaluation_submit(user=author, appeal=appeal, score=5)
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("score", [0, 6, "5", True])
def test_marks_outside_one_to_five_are_refused(methodology, answered_appeal, score):
    appeal = answered_appeal()
    with pytest.raises(EvaluationRefused):
        evaluation_submit(user=appeal.author, appeal=appeal, score=score)
    assert not Evaluation.objects.exists()


def test_an_evaluation_can_be_edited_within_its_window_only(methodology, answered_appeal):
    appeal = answered_appeal()
    evaluation = evaluation_submit(user=appeal.author, appeal=appeal, score=2)
    evaluation_update(user=appeal.author, evaluation=evaluation, score=3)
    assert LedgerEntry.objects.filter(kind="evaluation.changed").count() == 1
    Evaluation.objects.filter(pk=evaluation.pk).update(
        created_at=timezone.now() - timedelta(days=8)
    )
    with pytest.raises(EvaluationRefused, match="7 days"):
        evaluation_update(user=appeal.author, evaluation=evaluation, score=5)
    assert Evaluation.objects.get().score == 3


def test_staff_snapshot_counts_the_evidence_and_anchors_the_record(
    methodology, answered_appeal, deputy
):
    for resolution, score in [("yes", 5), ("partly", 4), ("no", 2)]:
        appeal = answered_appeal(resolution=resolution)
        evaluation_submit(user=appeal.author, appeal=appeal, score=score)
    snapshot = snapshot_compute(scope=Snapshot.Scope.PILOT)
    result = snapshot.results.get(person=deputy)
    components = result.data["components"]
    assert (
        components["resolution"]["evidence"]["resolved"],
        components["resolution"]["evidence"]["partly"],
    ) == (1, 1)
    assert components["satisfaction"]["evidence"]["evaluations"] == 3
    assert result.appeals == 3
    assert snapshot.chain_head_seq == LedgerEntry.objects.count()
    published = [row.data for row in snapshot.results.all()]
    assert snapshot.merkle_root == snapshot_merkle_root(published)
    assert not snapshot.is_published
    live = LiveScore.objects.get(person=deputy)
    assert live.data == result.data


def test_a_new_evaluation_refreshes_the_live_score_right_away(
    methodology, answered_appeal, deputy, django_capture_on_commit_callbacks
):
    first = answered_appeal(resolution="yes")
    snapshot_compute(scope=Snapshot.Scope.PILOT)
    old = LiveScore.objects.get(person=deputy)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation_submit(user=first.author, appeal=first, score=5)
    new = LiveScore.objects.get(person=deputy)  # the same row, updated in place
    assert (old.pk, old.refreshed_at < new.refreshed_at) == (new.pk, True)
    evaluations = [
        score.data["components"]["satisfaction"]["evidence"]["evaluations"] for score in (old, new)
    ]
    assert evaluations == [0, 1]


def test_public_snapshot_leaves_out_pilot_regions_and_fresh_evaluations(
    methodology, answered_appeal, deputy, astana, almaty
):
    appeal = answered_appeal(resolution="yes")
    evaluation_submit(user=appeal.author, appeal=appeal, score=5)
    assert not snapshot_compute().results.exists()  # Astana is in pilot
    publication_mode_set(region=astana, mode="public", public_from=timezone.localdate())
    snapshot = snapshot_compute()
    assert snapshot.is_published
    result = snapshot.results.get(person=deputy)
    # the evaluation is in its reply period, so it is not public yet
    assert result.data["components"]["satisfaction"]["evidence"]["evaluations"] == 0
    later = snapshot_compute(now=timezone.now() + timedelta(days=6))
    assert (
        later.results.get(person=deputy).data["components"]["satisfaction"]["evidence"][
            "evaluations"
        ]
        == 1
    )
    published = LedgerEntry.objects.filter(kind="snapshot.published").last()
    assert published.payload["merkle_root"] == later.merkle_root


def test_one_transaction_refreshes_each_named_person_once(
    methodology, deputy, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from halyq.integrity.services import event_record
    from halyq.ratings import live

    person = str(deputy.public_id)
    refreshed = []
    real_refresh = live.live_refresh
    live.live_refresh = lambda *, person_public_id: refreshed.append(person_public_id)
    try:
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            transaction.atomic(),
        ):
            for kind in ("appeal.assigned", "appeal.answered", "appeal.closed"):
                event_record(kind=kind, payload={"person": person}, occurred_at=timezone.now())
            # A rolled-back savepoint takes its own queued refresh with it.
            with pytest.raises(RuntimeError), transaction.atomic():
                event_record(
                    kind="appeal.closed", payload={"person": person}, occurred_at=timezone.now()
                )
                raise RuntimeError
        refreshes = [call for call in callbacks if isinstance(call, live._PendingRefresh)]
        assert len(refreshes) == 1 and refreshed == [person]
        # While the generator pauses refreshes, events queue none.
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            live.live_refresh_paused(),
            transaction.atomic(),
        ):
            event_record(
                kind="appeal.closed", payload={"person": person}, occurred_at=timezone.now()
            )
        assert not any(isinstance(call, live._PendingRefresh) for call in callbacks)
        assert refreshed == [person]
    finally:
        live.live_refresh = real_refresh
