"""The right of reply against an appeal's outcome: the person the appeal counts for
disputes a "not resolved" or "partly resolved" verdict in its reply period; the region's
moderator decides (logged); upheld, the appeal is left out of the resolution component."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from halyq.appeals import services as appeal_services
from halyq.appeals.models import Appeal, AppealEvent
from halyq.integrity.models import LedgerEntry
from halyq.ratings.disputes import DisputeRefused, dispute_decide, outcome_dispute_open
from halyq.ratings.models import Dispute, LiveScore, Snapshot
from halyq.ratings.selectors import dispute_counts
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
def closed(methodology, answered_appeal, account):
    """An appeal of the deputy the citizen has just closed with the given verdict."""

    def make(resolution="no"):
        return answered_appeal(resolution=resolution)

    return make


def resolution_evidence(snapshot, person) -> dict:
    return snapshot.results.get(person=person).data["components"]["resolution"]["evidence"]


def transition(appeal, action, user, **data):
    return appeal_services.appeal_transition(
        appeal_id=appeal.pk,
        action=action,
        user=user,
        version=Appeal.objects.get(pk=appeal.pk).version,
        data=appeal_services.TransitionInput(**data),
    )


# --------------------------------------------------------------------------- services
@pytest.mark.parametrize("resolution", ["no", "partly"])
def test_the_person_disputes_a_verdict_against_them(closed, account, deputy, resolution):
    appeal = closed(resolution)
    dispute = outcome_dispute_open(user=account, appeal=appeal, reason="  Вне компетенции  ")
    assert (dispute.person, dispute.appeal, dispute.evaluation, dispute.status) == (
        deputy,
        appeal,
        None,
        Dispute.Status.OPEN,
    )
    assert (dispute.outcome, dispute.outcome_round, dispute.reason) == (
        resolution,
        0,
        "Вне компетенции",
    )


@pytest.mark.parametrize("who", ["stranger", "author", "other deputy", "moderator"])
def test_nobody_else_may_dispute_an_outcome(closed, who, astana):
    appeal = closed()
    user = {
        "stranger": UserFactory,
        "author": lambda: appeal.author,
        "other deputy": lambda: deputy_user(PersonFactory(region=astana)),
        "moderator": lambda: moderator_of(astana),
    }[who]()
    with pytest.raises(DisputeRefused, match="Only the person the appeal counts for"):
        outcome_dispute_open(user=user, appeal=appeal, reason="Не согласен")
    assert not Dispute.objects.exists()


def test_only_a_verdict_against_the_person_can_be_disputed(
    closed, answered_appeal, account, methodology
):
    for appeal in (closed("yes"), answered_appeal()):  # resolved; answered, not closed
        with pytest.raises(DisputeRefused, match="not resolved or partly resolved"):
            outcome_dispute_open(user=account, appeal=appeal, reason="Причина")
    unconfirmed = closed("no")
    Appeal.objects.filter(pk=unconfirmed.pk).update(resolution="none")
    with pytest.raises(DisputeRefused, match="not resolved or partly resolved"):
        outcome_dispute_open(user=account, appeal=unconfirmed, reason="Причина")
    transferred = closed("no")
    Appeal.objects.filter(pk=transferred.pk).update(transferred_out_of_competence=True)
    with pytest.raises(DisputeRefused, match="transferred out of your competence"):
        outcome_dispute_open(user=account, appeal=transferred, reason="Причина")
    assert not Dispute.objects.exists()


def test_outcome_disputes_are_refused_after_the_window_twice_or_without_reason(closed, account):
    appeal = closed()
    for reason in ("", "   ", "я" * 2001):
        with pytest.raises(DisputeRefused):
            outcome_dispute_open(user=account, appeal=appeal, reason=reason)
    outcome_dispute_open(user=account, appeal=appeal, reason="Первый раз")
    with pytest.raises(DisputeRefused, match="already disputed"):
        outcome_dispute_open(user=account, appeal=appeal, reason="Второй раз")
    late = closed()
    AppealEvent.objects.filter(appeal=late).update(
        occurred_at=timezone.now() - timedelta(days=5, minutes=1)
    )
    with pytest.raises(DisputeRefused, match="within 5 days of the appeal being closed"):
        outcome_dispute_open(user=account, appeal=late, reason="Поздно")
    assert Dispute.objects.count() == 1


def test_upholding_leaves_the_outcome_out_and_records_it(
    closed, account, astana, deputy, django_capture_on_commit_callbacks
):
    kept = closed("partly")
    disputed = closed("no")
    snapshot_compute(scope=Snapshot.Scope.PILOT)
    live = LiveScore.objects.get(person=deputy).data["components"]["resolution"]["evidence"]
    assert (live["cases"], live["not_resolved"], live["partly"]) == (2, 1, 1)
    dispute = outcome_dispute_open(user=account, appeal=disputed, reason="Вопрос не мой")
    moderator = moderator_of(astana)
    with django_capture_on_commit_callbacks(execute=True):
        decided = dispute_decide(
            moderator=moderator, dispute=dispute, uphold=True, reason="Подтверждено акимом"
        )
    assert (decided.status, decided.decided_by, decided.decision_reason) == (
        Dispute.Status.UPHELD,
        moderator,
        "Подтверждено акимом",
    )
    assert decided.decided_at is not None
    # the live score moved at once: the appeal is no case of resolution any more
    live = LiveScore.objects.get(person=deputy).data["components"]["resolution"]["evidence"]
    assert (live["cases"], live["not_resolved"], live["partly"]) == (1, 0, 1)
    recorded = LedgerEntry.objects.filter(kind="appeal.outcome_set_aside").get()
    assert recorded.payload["person"] == str(deputy.public_id)
    assert (recorded.payload["resolution"], recorded.payload["region"]) == ("no", "71")
    assert recorded.payload["appeal"] != str(disputed.pk)
    for private in ("Вопрос", "акимом", disputed.author.email, disputed.number):
        assert private not in str(recorded.payload)
    # timeliness still counts it; and the staff snapshot leaves it out too
    staff = snapshot_compute(scope=Snapshot.Scope.PILOT)
    assert resolution_evidence(staff, deputy)["cases"] == 1
    timeliness = staff.results.get(person=deputy).data["components"]["timeliness"]["evidence"]
    assert timeliness["assessed"] == 2
    assert kept.pk != disputed.pk
    with pytest.raises(DisputeRefused, match="already left out"):
        outcome_dispute_open(user=account, appeal=disputed, reason="Ещё раз")


# snapshot_compute opens its own transaction (REPEATABLE READ on PostgreSQL): not inside a test's.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_open_dispute_holds_the_outcome_out_and_a_rejected_one_lets_it_count(
    closed, account, astana, deputy
):
    make_public(astana)
    appeal = closed("no")
    dispute = outcome_dispute_open(user=account, appeal=appeal, reason="Не согласен")
    later = timezone.now() + timedelta(days=6)
    held_out = snapshot_compute(now=later)
    assert resolution_evidence(held_out, deputy)["not_resolved"] == 0
    assert resolution_evidence(held_out, deputy)["cases"] == 0
    dispute_decide(
        moderator=moderator_of(astana), dispute=dispute, uphold=False, reason="Вердикт обоснован"
    )
    assert not LedgerEntry.objects.filter(kind="appeal.outcome_set_aside").exists()
    counted = snapshot_compute(now=later + timedelta(minutes=1))
    assert resolution_evidence(counted, deputy)["not_resolved"] == 1
    assert dispute_counts(deputy) == {"open": 0, "upheld": 0, "rejected": 1}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_fresh_verdict_waits_out_the_reply_period_before_it_is_public(closed, astana, deputy):
    make_public(astana)
    closed("yes")
    closed("no")
    now = timezone.now()
    in_reply_period = snapshot_compute(now=now + timedelta(days=4))
    assert resolution_evidence(in_reply_period, deputy)["cases"] == 0
    staff = snapshot_compute(scope=Snapshot.Scope.PILOT, now=now + timedelta(days=4))
    assert resolution_evidence(staff, deputy)["cases"] == 2  # the draft has them at once
    after_it = snapshot_compute(now=now + timedelta(days=5, minutes=1))
    evidence = resolution_evidence(after_it, deputy)
    assert (evidence["cases"], evidence["not_resolved"]) == (2, 1)


def test_only_the_regions_moderator_decides_an_outcome_once_with_a_reason(
    closed, account, astana, almaty
):
    dispute = outcome_dispute_open(user=account, appeal=closed(), reason="Не согласен")
    for outsider in (moderator_of(almaty), UserFactory(), account):
        with pytest.raises(DisputeRefused, match="do not moderate"):
            dispute_decide(moderator=outsider, dispute=dispute, uphold=True, reason="Нет")
    with pytest.raises(DisputeRefused, match="Give the reason"):
        dispute_decide(moderator=moderator_of(astana), dispute=dispute, uphold=True, reason=" ")
    dispute_decide(moderator=administrator(), dispute=dispute, uphold=True, reason="Решено")
    with pytest.raises(DisputeRefused, match="already been decided"):
        dispute_decide(moderator=moderator_of(astana), dispute=dispute, uphold=False, reason="Ещё")
    assert Dispute.objects.get().status == Dispute.Status.UPHELD
    assert LedgerEntry.objects.filter(kind="appeal.outcome_set_aside").count() == 1


def test_a_reopened_appeal_has_a_new_outcome_the_old_dispute_does_not_cover(
    closed, account, astana, deputy
):
    appeal = closed("no")
    dispute = outcome_dispute_open(user=account, appeal=appeal, reason="Не мой вопрос")
    dispute_decide(moderator=moderator_of(astana), dispute=dispute, uphold=True, reason="Да")
    assert resolution_evidence(snapshot_compute(scope=Snapshot.Scope.PILOT), deputy)["cases"] == 0
    # the citizen reopens; the deputy answers again; the citizen gives a new verdict
    transition(appeal, "reopen", appeal.author, reason="Ничего не изменилось")
    transition(appeal, "answer", account, answer="Повторно направлен запрос в акимат.")
    transition(appeal, "confirm_resolution", appeal.author, resolution="partly")
    evidence = resolution_evidence(snapshot_compute(scope=Snapshot.Scope.PILOT), deputy)
    assert (evidence["cases"], evidence["partly"], evidence["not_resolved"]) == (1, 1, 0)
    # ... which the person may dispute in turn
    second = outcome_dispute_open(user=account, appeal=appeal, reason="Снова не мой вопрос")
    assert (second.outcome, second.outcome_round) == ("partly", 1)


def test_upholding_an_outcome_the_citizen_reopened_since_records_nothing(closed, account, astana):
    appeal = closed("no")
    dispute = outcome_dispute_open(user=account, appeal=appeal, reason="Не мой вопрос")
    transition(appeal, "reopen", appeal.author, reason="Ничего не изменилось")
    dispute_decide(moderator=moderator_of(astana), dispute=dispute, uphold=True, reason="Да")
    assert Dispute.objects.get().status == Dispute.Status.UPHELD
    assert not LedgerEntry.objects.filter(kind="appeal.outcome_set_aside").exists()


# --------------------------------------------------------------------------- the draft page
def test_the_draft_page_lists_outcomes_and_sends_a_dispute(client, closed, account):
    appeal = closed("no")
    resolved = closed("yes")
    client.force_login(account)
    page = client.get("/en/rating/me/").content.decode()
    assert "Outcomes in the reply period" in page and f'id="outcome-{appeal.pk}"' in page
    assert f'id="outcome-{resolved.pk}"' not in page
    assert "Dispute this outcome" in page and appeal.number in page
    response = client.post(
        f"/en/rating/me/dispute/outcome/{appeal.pk}/", {"reason": "Вопрос вне компетенции"}
    )
    assert response.status_code == 302
    assert Dispute.objects.get().appeal == appeal
    page = client.get(response["Location"]).content.decode()
    assert "Your dispute of the outcome is sent" in page
    assert "Dispute this outcome" not in page and "the moderator will decide" in page


def test_a_bad_outcome_dispute_is_shown_back_and_changes_nothing(client, closed, account):
    appeal = closed("no")
    client.force_login(account)
    response = client.post(f"/en/rating/me/dispute/outcome/{appeal.pk}/", {"reason": ""})
    assert response.status_code == 400
    assert "Give the reason." in response.content.decode()
    resolved = closed("yes")
    response = client.post(f"/en/rating/me/dispute/outcome/{resolved.pk}/", {"reason": "x"})
    assert response.status_code == 400
    assert "not resolved or partly resolved" in response.content.decode()
    assert not Dispute.objects.exists()


def test_only_the_person_may_send_an_outcome_dispute(client, closed, astana):
    appeal = closed("no")
    url = f"/en/rating/me/dispute/outcome/{appeal.pk}/"
    for user in (
        appeal.author,
        UserFactory(),
        deputy_user(PersonFactory(region=astana)),
        moderator_of(astana),
    ):
        client.force_login(user)
        assert client.post(url, {"reason": "x"}).status_code == 404
    client.logout()
    assert client.post(url, {"reason": "x"}).status_code == 302  # to sign in
    assert not Dispute.objects.exists()


def test_the_moderators_view_of_the_draft_shows_outcomes_without_the_form(
    client, closed, deputy, astana
):
    appeal = closed("no")
    client.force_login(moderator_of(astana))
    page = client.get(f"/en/rating/staff/people/{deputy.public_id}/").content.decode()
    assert f'id="outcome-{appeal.pk}"' in page and "Dispute this outcome" not in page


# --------------------------------------------------------------------------- moderation pages
def test_the_queue_shows_outcome_disputes_to_the_regions_moderators(
    client, closed, account, astana, almaty
):
    appeal = closed("partly")
    outcome_dispute_open(user=account, appeal=appeal, reason="Причина спора об исходе")
    client.force_login(moderator_of(almaty))
    page = client.get("/en/rating/staff/moderation/").content.decode()
    assert "Причина спора об исходе" not in page
    client.force_login(moderator_of(astana))
    page = client.get("/en/rating/staff/moderation/").content.decode()
    assert "Причина спора об исходе" in page and f"The outcome of appeal {appeal.number}" in page
    assert "partly resolved" in page and "Uphold: leave the outcome out" in page
    assert appeal.author.email not in page and appeal.author.display_name not in page


def test_the_moderator_decides_an_outcome_dispute_from_the_queue(
    client, closed, account, astana, almaty
):
    dispute = outcome_dispute_open(user=account, appeal=closed(), reason="Спор")
    url = f"/en/rating/staff/moderation/disputes/{dispute.pk}/"
    client.force_login(moderator_of(almaty))
    assert client.post(url, {"decision": "uphold", "reason": "Нет"}).status_code == 404
    client.force_login(moderator_of(astana))
    response = client.post(url, {"decision": "uphold", "reason": ""}, follow=True)
    assert "Nothing was changed" in response.content.decode()
    assert Dispute.objects.get().status == Dispute.Status.OPEN
    assert not LedgerEntry.objects.filter(kind="appeal.outcome_set_aside").exists()
    assert client.post(url, {"decision": "uphold", "reason": "Верно"}).status_code == 302
    assert Dispute.objects.get().status == Dispute.Status.UPHELD
    assert LedgerEntry.objects.filter(kind="appeal.outcome_set_aside").count() == 1


def test_the_profile_counts_outcome_disputes_too(client, closed, account, astana, deputy):
    from halyq.ratings.disputes import dispute_open
    from halyq.ratings.services import evaluation_submit

    make_public(astana)
    upheld = outcome_dispute_open(user=account, appeal=closed(), reason="Спор")
    dispute_decide(moderator=moderator_of(astana), dispute=upheld, uphold=True, reason="Да")
    rejected = outcome_dispute_open(user=account, appeal=closed("partly"), reason="Спор")
    dispute_decide(moderator=moderator_of(astana), dispute=rejected, uphold=False, reason="Нет")
    appeal = closed("yes")
    evaluation = evaluation_submit(user=appeal.author, appeal=appeal, score=1)
    also = dispute_open(user=account, evaluation=evaluation, reason="Спор")
    dispute_decide(moderator=moderator_of(astana), dispute=also, uphold=True, reason="Да")
    assert dispute_counts(deputy) == {"open": 0, "upheld": 2, "rejected": 1}
    page = client.get(f"/en/rating/people/{deputy.public_id}/").content.decode()
    assert "disputes by the person upheld (evaluation excluded or outcome left out)" in page


# --------------------------------------------------------------------------- who may do what
@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("the person", True),
        ("the citizen", False),
        ("a stranger", False),
        ("another deputy", False),
        ("the region's moderator", False),
        ("an administrator", False),
    ],
)
def test_who_may_open_an_outcome_dispute(client, closed, account, astana, who, may):
    appeal = closed("no")
    user = {
        "the person": lambda: account,
        "the citizen": lambda: appeal.author,
        "a stranger": UserFactory,
        "another deputy": lambda: deputy_user(PersonFactory(region=astana)),
        "the region's moderator": lambda: moderator_of(astana),
        "an administrator": administrator,
    }[who]()
    client.force_login(user)
    response = client.post(f"/en/rating/me/dispute/outcome/{appeal.pk}/", {"reason": "Спор"})
    assert response.status_code == (302 if may else 404)
    assert Dispute.objects.filter(appeal=appeal).exists() is may


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("the region's moderator", True),
        ("an administrator", True),
        ("another region's moderator", False),
        ("the person", False),
        ("the citizen", False),
        ("a stranger", False),
    ],
)
def test_who_may_decide_an_outcome_dispute(client, closed, account, astana, almaty, who, may):
    appeal = closed("no")
    dispute = outcome_dispute_open(user=account, appeal=appeal, reason="Спор")
    user = {
        "the region's moderator": lambda: moderator_of(astana),
        "an administrator": administrator,
        "another region's moderator": lambda: moderator_of(almaty),
        "the person": lambda: account,
        "the citizen": lambda: appeal.author,
        "a stranger": UserFactory,
    }[who]()
    client.force_login(user)
    response = client.post(
        f"/en/rating/staff/moderation/disputes/{dispute.pk}/",
        {"decision": "uphold", "reason": "Решение"},
    )
    assert response.status_code == (302 if may else 404)
    expected = Dispute.Status.UPHELD if may else Dispute.Status.OPEN
    assert Dispute.objects.get().status == expected
    assert LedgerEntry.objects.filter(kind="appeal.outcome_set_aside").exists() is may


def test_the_api_queue_names_the_disputed_appeal_and_verdict(closed, account, astana, almaty):
    from tests.api.conftest import token_client

    appeal = closed("partly")
    dispute = outcome_dispute_open(user=account, appeal=appeal, reason="Спор об исходе")
    assert (
        token_client(moderator_of(almaty))
        .get("/api/v1/staff/moderation/evaluations/")
        .json()["disputes"]
        == []
    )
    moderator = token_client(moderator_of(astana))
    (shown,) = moderator.get("/api/v1/staff/moderation/evaluations/").json()["disputes"]
    assert shown["id"] == dispute.pk and shown["evaluation"] is None
    assert shown["appeal"] == appeal.number and shown["outcome"] == "partly"
    assert appeal.author.email not in str(shown)
