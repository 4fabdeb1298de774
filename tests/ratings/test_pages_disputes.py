"""The right of reply: the rated person disputes an evaluation in its reply period; the
region's moderator decides (logged); and the moderators' queue, region by region."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from halyq.integrity.models import LedgerEntry
from halyq.ratings.disputes import DisputeRefused, dispute_decide, dispute_open
from halyq.ratings.models import Dispute, Evaluation, EvaluationDecision, Snapshot
from halyq.ratings.services import evaluation_submit
from halyq.ratings.snapshots import snapshot_compute
from tests.appeals.factories import administrator, deputy_user, moderator_of
from tests.factories import PersonFactory, UserFactory
from tests.ratings.test_pages_helpers import (  # noqa: F401  (fixtures)
    english,
    fresh_cache,
    make_public,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated(methodology, answered_appeal, account):
    """An evaluation of the deputy, just made (in its reply period)."""

    def make(score=1, comment=""):
        appeal = answered_appeal(resolution="yes")
        return evaluation_submit(user=appeal.author, appeal=appeal, score=score, comment=comment)

    return make


# --------------------------------------------------------------------------- services
def test_the_rated_person_disputes_within_the_reply_period(evaluated, account, deputy):
    evaluation = evaluated()
    dispute = dispute_open(user=account, evaluation=evaluation, reason="  Ответ дан в срок  ")
    assert (dispute.person, dispute.evaluation, dispute.status) == (
        deputy,
        evaluation,
        Dispute.Status.OPEN,
    )
    assert dispute.reason == "Ответ дан в срок"


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("stranger", "Only the person evaluated"),
        ("author", "Only the person evaluated"),
        ("other deputy", "Only the person evaluated"),
    ],
)
def test_nobody_else_may_dispute(evaluated, who, message, astana):
    evaluation = evaluated()
    user = {
        "stranger": UserFactory,
        "author": lambda: evaluation.author,
        "other deputy": lambda: deputy_user(PersonFactory(region=astana)),
    }[who]()
    with pytest.raises(DisputeRefused, match=message):
        dispute_open(user=user, evaluation=evaluation, reason="Не согласен")
    assert not Dispute.objects.exists()


def test_disputes_are_refused_after_the_window_twice_or_without_reason(evaluated, account):
    evaluation = evaluated()
    for reason in ("", "   ", "я" * 2001):
        with pytest.raises(DisputeRefused):
            dispute_open(user=account, evaluation=evaluation, reason=reason)
    dispute_open(user=account, evaluation=evaluation, reason="Первый раз")
    with pytest.raises(DisputeRefused, match="already disputed"):
        dispute_open(user=account, evaluation=evaluation, reason="Второй раз")
    late = evaluated()
    Evaluation.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(days=6))
    with pytest.raises(DisputeRefused, match="within 5 days"):
        dispute_open(user=account, evaluation=late, reason="Поздно")
    assert Dispute.objects.count() == 1


def test_upholding_excludes_the_evaluation_and_records_it(evaluated, account, astana, deputy):
    evaluation = evaluated()
    dispute = dispute_open(user=account, evaluation=evaluation, reason="Оценка не по делу")
    moderator = moderator_of(astana)
    decided = dispute_decide(
        moderator=moderator, dispute=dispute, uphold=True, reason="Проверено по журналу"
    )
    assert (decided.status, decided.decided_by, decided.decision_reason) == (
        Dispute.Status.UPHELD,
        moderator,
        "Проверено по журналу",
    )
    assert decided.decided_at is not None
    assert Evaluation.objects.get(pk=evaluation.pk).status == Evaluation.Status.EXCLUDED
    recorded = LedgerEntry.objects.filter(kind="evaluation.excluded").get()
    assert recorded.payload["person"] == str(deputy.public_id)
    assert "Оценка" not in str(recorded.payload) and evaluation.author.email not in str(
        recorded.payload
    )


def test_upholding_a_held_evaluation_takes_the_moderators_path(evaluated, account, astana):
    evaluation = evaluated()
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.HELD)
    dispute = dispute_open(user=account, evaluation=evaluation, reason="Накрутка")
    dispute_decide(moderator=moderator_of(astana), dispute=dispute, uphold=True, reason="Согласен")
    assert Evaluation.objects.get(pk=evaluation.pk).status == Evaluation.Status.EXCLUDED
    assert EvaluationDecision.objects.get().restored is False
    assert LedgerEntry.objects.filter(kind="evaluation.excluded").count() == 1


# snapshot_compute opens its own transaction (REPEATABLE READ on PostgreSQL): not inside a test's.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rejected_dispute_leaves_the_evaluation_to_count_again(
    evaluated, account, astana, deputy
):
    make_public(astana)
    evaluation = evaluated(score=2)
    dispute = dispute_open(user=account, evaluation=evaluation, reason="Не согласен")
    later = timezone.now() + timedelta(days=6)
    held_out = snapshot_compute(now=later).results.get(person=deputy)
    assert held_out.data["components"]["satisfaction"]["evidence"]["evaluations"] == 0
    dispute_decide(
        moderator=moderator_of(astana), dispute=dispute, uphold=False, reason="Оценка обоснована"
    )
    assert Evaluation.objects.get(pk=evaluation.pk).status == Evaluation.Status.ACCEPTED
    assert not LedgerEntry.objects.filter(kind="evaluation.excluded").exists()
    counted = snapshot_compute(now=later + timedelta(minutes=1)).results.get(person=deputy)
    assert counted.data["components"]["satisfaction"]["evidence"]["evaluations"] == 1
    assert Snapshot.objects.count() == 2


def test_only_the_regions_moderator_decides_once_with_a_reason(evaluated, account, astana, almaty):
    dispute = dispute_open(user=account, evaluation=evaluated(), reason="Не согласен")
    for outsider in (moderator_of(almaty), UserFactory(), account):
        with pytest.raises(DisputeRefused, match="do not moderate"):
            dispute_decide(moderator=outsider, dispute=dispute, uphold=True, reason="Нет")
    with pytest.raises(DisputeRefused, match="Give the reason"):
        dispute_decide(moderator=moderator_of(astana), dispute=dispute, uphold=True, reason=" ")
    dispute_decide(
        moderator=administrator(), dispute=dispute, uphold=False, reason="Администратор решил"
    )
    with pytest.raises(DisputeRefused, match="already been decided"):
        dispute_decide(
            moderator=moderator_of(astana), dispute=dispute, uphold=True, reason="Ещё раз"
        )
    assert Dispute.objects.get().status == Dispute.Status.REJECTED


# --------------------------------------------------------------------------- the draft page
def test_the_draft_page_lists_evidence_and_sends_a_dispute(client, evaluated, account):
    evaluation = evaluated(score=1)
    client.force_login(account)
    page = client.get("/en/rating/me/").content.decode()
    assert "Your draft score" in page and f'id="evaluation-{evaluation.pk}"' in page
    assert "Dispute this evaluation" in page
    response = client.post(
        f"/en/rating/me/dispute/{evaluation.pk}/", {"reason": "Ответ был дан вовремя"}
    )
    assert response.status_code == 302
    assert Dispute.objects.get().evaluation == evaluation
    page = client.get(response["Location"]).content.decode()
    assert "Your dispute is sent to the region" in page and "the moderator will decide" in page


def test_a_bad_dispute_is_shown_back_and_changes_nothing(client, evaluated, account):
    evaluation = evaluated()
    client.force_login(account)
    response = client.post(f"/en/rating/me/dispute/{evaluation.pk}/", {"reason": ""})
    assert response.status_code == 400
    assert "Give the reason." in response.content.decode()
    assert not Dispute.objects.exists()


def test_the_draft_is_the_persons_own(client, evaluated, astana):
    evaluation = evaluated()
    citizen = UserFactory()
    client.force_login(citizen)
    assert client.get("/en/rating/me/").status_code == 404
    assert (
        client.post(f"/en/rating/me/dispute/{evaluation.pk}/", {"reason": "x"}).status_code == 404
    )
    other = deputy_user(PersonFactory(region=astana))
    client.force_login(other)
    assert (
        client.post(f"/en/rating/me/dispute/{evaluation.pk}/", {"reason": "x"}).status_code == 404
    )
    assert not Dispute.objects.exists()


def test_moderators_see_a_persons_draft_in_their_region_only(
    client, evaluated, deputy, astana, almaty
):
    evaluated()
    url = f"/en/rating/staff/people/{deputy.public_id}/"
    client.force_login(moderator_of(astana))
    page = client.get(url)
    assert page.status_code == 200 and "Dispute this evaluation" not in page.content.decode()
    client.force_login(moderator_of(almaty))
    assert client.get(url).status_code == 404


# --------------------------------------------------------------------------- moderation pages
def test_the_queue_is_for_moderators_of_the_region(client, evaluated, account, astana, almaty):
    evaluation = evaluated(comment="Комментарий для проверки")
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.HELD)
    dispute_open(user=account, evaluation=evaluation, reason="Причина спора")
    client.force_login(UserFactory())
    assert client.get("/en/rating/staff/moderation/").status_code == 404
    client.force_login(moderator_of(almaty))
    page = client.get("/en/rating/staff/moderation/").content.decode()
    assert "Комментарий для проверки" not in page and "Причина спора" not in page
    client.force_login(moderator_of(astana))
    page = client.get("/en/rating/staff/moderation/").content.decode()
    assert page.count("Комментарий для проверки") >= 2 and "Причина спора" in page
    assert evaluation.author.email not in page and evaluation.author.display_name not in page


@pytest.mark.parametrize("path", ["evaluations", "comments", "disputes"])
def test_another_regions_moderator_gets_a_404_and_changes_nothing(
    client, evaluated, account, almaty, path
):
    evaluation = evaluated(comment="Текст")
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.HELD)
    dispute = dispute_open(user=account, evaluation=evaluation, reason="Спор")
    target = dispute.pk if path == "disputes" else evaluation.pk
    client.force_login(moderator_of(almaty))
    response = client.post(
        f"/en/rating/staff/moderation/{path}/{target}/",
        {
            "decision": {"evaluations": "exclude", "comments": "publish", "disputes": "uphold"}[
                path
            ],
            "reason": "Нет",
        },
    )
    assert response.status_code == 404
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.comment_status) == (
        Evaluation.Status.HELD,
        Evaluation.CommentStatus.PENDING,
    )
    assert Dispute.objects.get().status == Dispute.Status.OPEN


def test_the_moderator_decides_everything_from_the_queue(client, evaluated, account, astana):
    held = evaluated(comment="Хороший депутат")
    Evaluation.objects.filter(pk=held.pk).update(status=Evaluation.Status.HELD)
    disputed = evaluated(score=1)
    dispute = dispute_open(user=account, evaluation=disputed, reason="Неправда")
    client.force_login(moderator_of(astana))
    base = "/en/rating/staff/moderation"
    assert (
        client.post(
            f"{base}/evaluations/{held.pk}/", {"decision": "restore", "reason": "Проверено"}
        ).status_code
        == 302
    )
    assert client.post(f"{base}/comments/{held.pk}/", {"decision": "publish"}).status_code == 302
    assert (
        client.post(
            f"{base}/disputes/{dispute.pk}/", {"decision": "uphold", "reason": "Верно"}
        ).status_code
        == 302
    )
    held.refresh_from_db()
    disputed.refresh_from_db()
    assert (held.status, held.comment_status) == (
        Evaluation.Status.ACCEPTED,
        Evaluation.CommentStatus.PUBLISHED,
    )
    assert disputed.status == Evaluation.Status.EXCLUDED
    assert Dispute.objects.get().status == Dispute.Status.UPHELD
    # without a reason: a clear message and nothing changes
    again = evaluated(score=2)
    second = dispute_open(user=account, evaluation=again, reason="Снова")
    response = client.post(
        f"{base}/disputes/{second.pk}/", {"decision": "uphold", "reason": ""}, follow=True
    )
    assert "Nothing was changed" in response.content.decode()
    assert Dispute.objects.get(pk=second.pk).status == Dispute.Status.OPEN
