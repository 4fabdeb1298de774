"""The workflow: every transition allowed and forbidden, by state and by role, and its effects."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest
from django.core.exceptions import ValidationError

from halyq.accounts.models import RoleAssignment
from halyq.appeals import services, workflow
from halyq.appeals.models import Appeal, AppealEvent, Channel
from halyq.appeals.services import AppealChanged, TransitionInput
from halyq.appeals.workflow import Relation, Resolution, State, TransitionRefused
from halyq.integrity.models import LedgerEntry
from tests.appeals import factories as f

ALL_RELATIONS = frozenset(Relation)


class FakeAppeal:
    def __init__(self, state, **fields):
        self.state = state
        self.extended_at = fields.get("extended_at")
        self.due_on = fields.get("due_on", date(2026, 3, 1))
        self.resolution = fields.get("resolution", "")
        self.reopened_count = fields.get("reopened_count", 0)


@pytest.mark.parametrize(
    ("action", "state", "relation"),
    list(product(workflow.TRANSITIONS, State, Relation)),
)
def test_declared_table_decides_every_combination(action, state, relation):
    """Pure check of the table: allowed exactly when the state and the role fit."""
    transition = workflow.TRANSITIONS[action]
    appeal = FakeAppeal(state, resolution=Resolution.NO)
    expected = state in transition.sources and relation in transition.actors
    try:
        workflow.check(transition, appeal, {relation}, date(2026, 2, 2))
        allowed = True
    except TransitionRefused:
        allowed = False
    assert allowed is expected


def test_conditions_extension_once_and_reopen_once_after_no():
    today = date(2026, 2, 2)
    extend, reopen = workflow.TRANSITIONS["extend"], workflow.TRANSITIONS["reopen"]
    person = {Relation.ASSIGNED_PERSON}
    workflow.check(extend, FakeAppeal(State.ASSIGNED), person, today)
    with pytest.raises(TransitionRefused):
        workflow.check(extend, FakeAppeal(State.ASSIGNED, extended_at=today), person, today)
    with pytest.raises(TransitionRefused):  # the deadline has passed: too late to extend
        workflow.check(extend, FakeAppeal(State.ASSIGNED, due_on=date(2026, 2, 1)), person, today)
    author = {Relation.AUTHOR}
    workflow.check(reopen, FakeAppeal(State.CLOSED, resolution="no"), author, today)
    for resolution in ("yes", "partly", "none"):
        with pytest.raises(TransitionRefused):
            workflow.check(reopen, FakeAppeal(State.CLOSED, resolution=resolution), author, today)
    with pytest.raises(TransitionRefused):
        workflow.check(
            reopen, FakeAppeal(State.CLOSED, resolution="no", reopened_count=1), author, today
        )


def test_administrators_never_answer_or_give_the_citizens_verdict():
    for action in ("answer", "confirm_resolution", "reopen"):
        assert Relation.ADMINISTRATOR not in workflow.TRANSITIONS[action].actors


# ---------------------------------------------------------------- through the services


@pytest.fixture
def everyone(world):
    """One user holding every relation to appeals of office X (to test states alone)."""
    user = world.citizen_a
    world.office_x.operators.add(user)
    user.person = f.PersonFactory(region=world.astana)
    user.save()
    RoleAssignment.objects.create(user=user, role="moderator", region=world.astana)
    RoleAssignment.objects.create(user=user, role="administrator")
    return user


def _act(appeal, action, user, **data):
    return services.appeal_transition(
        appeal_id=appeal.pk,
        action=action,
        user=user,
        version=Appeal.objects.get(pk=appeal.pk).version,
        data=TransitionInput(**data),
        acting_as=Relation.SYSTEM if action == "close_unconfirmed" else None,
    )


def _input_for(action, world, person=None):
    return {
        "assign": {"person": person or world.deputy_person},
        "transfer": {"office": world.office_z, "reason": "Не по адресу"},
        "extend": {"reason": "Нужна экспертиза", "due_on": None},
        "answer": {"answer": "Ремонт назначен на следующую неделю."},
        "reject": {"reason": "Спам"},
        "merge_duplicate": {"duplicate_of": "", "reason": ""},
        "confirm_resolution": {"resolution": "no"},
        "reopen": {"reason": "Ничего не сделано"},
        "close_unconfirmed": {},
    }[action]


def _appeal_in(state, world, user):
    appeal = f.web_appeal(user, world.office_x)
    if state == State.REGISTERED:
        return appeal
    appeal = _act(appeal, "assign", user, person=user.person)
    if state == State.ASSIGNED:
        return appeal
    if state in (State.REJECTED, State.DUPLICATE):
        original = f.web_appeal(user, world.office_x)
        if state == State.REJECTED:
            return _act(appeal, "reject", user, reason="Спам")
        return _act(appeal, "merge_duplicate", user, duplicate_of=original.number)
    appeal = _act(appeal, "answer", user, answer="Ремонт назначен на следующую неделю.")
    if state == State.ANSWERED:
        return appeal
    return _act(appeal, "confirm_resolution", user, resolution="no")


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "action"), list(product(State, workflow.TRANSITIONS)))
def test_service_allows_exactly_the_declared_transitions(world, everyone, state, action):
    appeal = _appeal_in(state, world, everyone)
    data = _input_for(action, world, everyone.person)
    if action == "extend":
        data["due_on"] = _a_working_day_after(appeal.due_on)
    if action == "merge_duplicate":
        data["duplicate_of"] = f.web_appeal(everyone, world.office_x).number
    if action == "close_unconfirmed" and appeal.answered_on:
        Appeal.objects.filter(pk=appeal.pk).update(
            answered_on=appeal.answered_on - timedelta(days=30)
        )
    allowed = state in workflow.TRANSITIONS[action].sources
    before = _snapshot(appeal)
    if allowed:
        after = _act(appeal, action, everyone, **data)
        assert after.version == before["version"] + 1
        assert AppealEvent.objects.filter(appeal=appeal).count() == before["events"] + 1
        target = workflow.TRANSITIONS[action].target
        if target is not None:
            assert after.state == target
    else:
        with pytest.raises(TransitionRefused):
            _act(appeal, action, everyone, **data)
        assert _snapshot(appeal) == before


def _a_working_day_after(day):
    from halyq.appeals.calendar import current_calendar

    return current_calendar().add_working_days(day, 3)


def _snapshot(appeal):
    fresh = Appeal.objects.get(pk=appeal.pk)
    return {
        "version": fresh.version,
        "state": fresh.state,
        "events": AppealEvent.objects.filter(appeal=appeal).count(),
        "ledger": LedgerEntry.objects.count(),
    }


ROLE_USERS = {
    Relation.AUTHOR: "citizen_a",
    Relation.OPERATOR: "operator_x",
    Relation.ASSIGNED_PERSON: "deputy",
    Relation.MODERATOR: "moderator_r",
    Relation.ADMINISTRATOR: "admin",
}
STATE_FOR_ACTION = {
    "assign": State.REGISTERED,
    "transfer": State.ASSIGNED,
    "extend": State.ASSIGNED,
    "answer": State.ASSIGNED,
    "reject": State.ASSIGNED,
    "merge_duplicate": State.ASSIGNED,
    "confirm_resolution": State.ANSWERED,
    "reopen": State.CLOSED,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "relation"), list(product(STATE_FOR_ACTION, ROLE_USERS)))
def test_each_role_may_make_only_its_transitions(world, action, relation):
    appeal = f.web_appeal(world.citizen_a, world.office_x)
    steps = {
        State.ASSIGNED: [("assign", world.operator_x, {"person": world.deputy_person})],
    }
    steps[State.ANSWERED] = steps[State.ASSIGNED] + [
        ("answer", world.deputy, {"answer": "Ремонт назначен на следующую неделю."})
    ]
    steps[State.CLOSED] = steps[State.ANSWERED] + [
        ("confirm_resolution", world.citizen_a, {"resolution": "no"})
    ]
    for step, user, data in steps.get(STATE_FOR_ACTION[action], []):
        appeal = _act(appeal, step, user, **data)
    data = _input_for(action, world)
    if action == "extend":
        data["due_on"] = _a_working_day_after(appeal.due_on)
    if action == "merge_duplicate":
        data["duplicate_of"] = f.web_appeal(world.citizen_b, world.office_x).number
    user = getattr(world, ROLE_USERS[relation])
    before = _snapshot(appeal)
    if relation in workflow.TRANSITIONS[action].actors:
        _act(appeal, action, user, **data)
        assert _snapshot(appeal)["version"] == before["version"] + 1
    else:
        # Refused: visible but not theirs to do (TransitionRefused), or out of reach (404).
        with pytest.raises((TransitionRefused, Appeal.DoesNotExist)):
            _act(appeal, action, user, **data)
        assert _snapshot(appeal) == before


@pytest.mark.django_db
def test_stale_version_is_refused_and_nothing_is_overwritten(world):
    appeal = f.web_appeal(world.citizen_a, world.office_x)
    seen = appeal.version
    services.appeal_transition(
        appeal_id=appeal.pk,
        action="assign",
        user=world.operator_x,
        version=seen,
        data=TransitionInput(person=world.deputy_person),
    )
    with pytest.raises(AppealChanged):
        services.appeal_transition(
            appeal_id=appeal.pk,
            action="reject",
            user=world.moderator_r,
            version=seen,
            data=TransitionInput(reason="Спам"),
        )
    fresh = Appeal.objects.get(pk=appeal.pk)
    assert fresh.state == State.ASSIGNED and fresh.rejection_reason == ""


@pytest.mark.django_db
def test_answer_records_working_days_and_term_in_the_ledger(world):
    from halyq.appeals import deadlines

    appeal = f.assign(
        f.web_appeal(world.citizen_a, world.office_x), world.operator_x, world.deputy_person
    )
    answered = _act(appeal, "answer", world.deputy, answer="Ремонт назначен на следующую неделю.")
    entry = LedgerEntry.objects.filter(kind="appeal.answered").get()
    assert entry.payload["person"] == str(world.deputy_person.public_id)
    assert entry.payload["within_term"] is True
    assert entry.payload["working_days_to_answer"] == deadlines.working_days_to_answer(
        answered.term_started_on, answered.answered_on
    )
    assert answered.answered_by == world.deputy_person
    assert "Ремонт" not in str(entry.payload)


@pytest.mark.django_db
def test_extension_is_limited_to_two_months_and_to_working_days(world):
    from halyq.appeals import deadlines

    appeal = f.assign(
        f.web_appeal(world.citizen_a, world.office_x), world.operator_x, world.deputy_person
    )
    latest = deadlines.latest_extended_due(appeal.term_started_on)
    for bad in (appeal.due_on, latest + timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            _act(appeal, "extend", world.deputy, reason="Экспертиза", due_on=bad)
        assert "due_on" in refused.value.message_dict
    with pytest.raises(ValidationError):
        _act(appeal, "extend", world.deputy, reason="", due_on=latest)
    extended = _act(appeal, "extend", world.deputy, reason="Экспертиза", due_on=latest)
    assert extended.due_on == latest and extended.extension_reason == "Экспертиза"
    with pytest.raises(TransitionRefused):  # only once
        _act(extended, "extend", world.deputy, reason="Ещё", due_on=latest)


@pytest.mark.django_db
def test_transfer_to_another_office_restarts_the_term_and_tells_the_citizen(world):
    appeal = f.web_appeal(world.citizen_a, world.office_x)
    moved = _act(
        appeal,
        "transfer",
        world.operator_x,
        office=world.office_y,
        reason="Не наш регион",
        out_of_competence=True,
    )
    assert moved.office == world.office_y and moved.region == world.almaty
    assert moved.state == State.REGISTERED and moved.transferred_out_of_competence
    entry = LedgerEntry.objects.get(kind="appeal.transferred")
    assert (
        entry.payload["to_office"] == "almaty-main" and entry.payload["out_of_competence"] is True
    )
    assert entry.payload["within_transfer_term"] is True
    assert moved.notifications.filter(kind="transferred").exists()
    # The operator of X no longer reaches it; the one of Y does.
    with pytest.raises(Appeal.DoesNotExist):
        _act(moved, "reject", world.operator_x, reason="Спам")
    _act(moved, "assign", world.operator_y, person=world.other_person)


@pytest.mark.django_db
def test_a_deputy_passes_on_an_appeal_that_is_not_theirs(world):
    colleague = f.PersonFactory(region=world.astana)
    appeal = f.assign(
        f.web_appeal(world.citizen_a, world.office_x), world.operator_x, world.deputy_person
    )
    moved = _act(
        appeal, "transfer", world.deputy, person=colleague, reason="Вопрос по земле — к коллеге"
    )
    assert moved.assigned_person == colleague and moved.state == State.ASSIGNED
    with pytest.raises(Appeal.DoesNotExist):  # no longer theirs: out of reach
        _act(moved, "answer", world.deputy, answer="Ответ, который уже не мой.")


@pytest.mark.django_db
def test_reopen_once_after_no_puts_it_back_in_the_queue(world):
    appeal = f.assign(
        f.web_appeal(world.citizen_a, world.office_x), world.operator_x, world.deputy_person
    )
    appeal = _act(appeal, "answer", world.deputy, answer="Ремонт назначен на следующую неделю.")
    appeal = _act(appeal, "confirm_resolution", world.citizen_a, resolution="no")
    assert appeal.state == State.CLOSED and appeal.resolution == "no"
    appeal = _act(appeal, "reopen", world.citizen_a, reason="Ремонта не было")
    assert appeal.state == State.ASSIGNED and appeal.reopened_count == 1 and appeal.resolution == ""
    appeal = _act(appeal, "answer", world.deputy, answer="Бригада приехала и всё починила.")
    appeal = _act(appeal, "confirm_resolution", world.citizen_a, resolution="no")
    with pytest.raises(TransitionRefused):
        _act(appeal, "reopen", world.citizen_a, reason="Снова нет")
    kinds = list(
        LedgerEntry.objects.filter(kind__startswith="appeal.").values_list("kind", flat=True)
    )
    assert kinds.count("appeal.reopened") == 1 and kinds.count("appeal.closed") == 2


@pytest.mark.django_db
def test_duplicate_needs_an_existing_other_appeal_in_the_region(world):
    appeal = f.web_appeal(world.citizen_a, world.office_x)
    elsewhere = f.web_appeal(world.citizen_b, world.office_y)
    for number, _expected in (
        ("", "Write"),
        (appeal.number, "No other"),
        ("AST-1999-000001", "No other"),
        (elsewhere.number, "same region"),
    ):
        with pytest.raises(ValidationError):
            _act(appeal, "merge_duplicate", world.operator_x, duplicate_of=number)
    assert Appeal.objects.get(pk=appeal.pk).state == State.REGISTERED


@pytest.mark.django_db
def test_unknown_action_is_refused(world):
    appeal = f.web_appeal(world.citizen_a, world.office_x)
    with pytest.raises(TransitionRefused):
        _act(appeal, "delete_everything", world.admin)


@pytest.mark.django_db
def test_operator_channel_appeal_uses_the_same_workflow(world):
    appeal = f.visitor_appeal(
        world.operator_x,
        world.office_x,
        channel=Channel.LETTER,
        text="Письмо: просим отремонтировать детскую площадку.",
        citizen_phone="+77010000000",
    )
    appeal = f.assign(appeal, world.operator_x, world.deputy_person)
    answered = _act(appeal, "answer", world.deputy, answer="Площадка включена в план ремонта.")
    assert answered.state == State.ANSWERED
