"""The appeal workflow, declared once: states, transitions, who may make each, what each needs.

Rules of this module:

* It is data plus two small questions (`actions_for`, `check`). Views ask it which
  actions to show; services (`appeals.services.appeal_transition`) enforce it. No other
  module decides whether a transition is allowed.
* "Who" is a *relation* of the acting user to the appeal (author, operator of its office,
  assigned person, moderator of its region, administrator), computed in `appeals.rules`
  and nowhere else. `system` is the scheduled command (auto-closing).
* Administrators may route and refuse, but never answer on a deputy's behalf nor give
  a citizen's verdict: those two facts are what the rating trusts, so only the person
  and the citizen themselves can record them.
* A condition (the extension is used once, a reopening happens once after a "no", the
  deadline has not passed) is a plain function of the appeal and today's date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    REGISTERED = "registered", _("registered")
    ASSIGNED = "assigned", _("assigned")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("rejected")
    DUPLICATE = "duplicate", _("duplicate")


OPEN_STATES = frozenset({State.REGISTERED, State.ASSIGNED})
# States whose appeal never counts for the rating.
VOID_STATES = frozenset({State.REJECTED, State.DUPLICATE})


class Resolution(models.TextChoices):
    YES = "yes", _("resolved")
    PARTLY = "partly", _("partly resolved")
    NO = "no", _("not resolved")
    NONE = "none", _("answered, not confirmed")


class Relation(StrEnum):
    AUTHOR = "author"
    OPERATOR = "operator"
    ASSIGNED_PERSON = "assigned_person"
    MODERATOR = "moderator"
    ADMINISTRATOR = "administrator"
    SYSTEM = "system"


STAFF_RELATIONS = frozenset(
    {Relation.OPERATOR, Relation.ASSIGNED_PERSON, Relation.MODERATOR, Relation.ADMINISTRATOR}
)
ROUTERS = frozenset({Relation.OPERATOR, Relation.MODERATOR, Relation.ADMINISTRATOR})


class Requirement(StrEnum):
    """What a transition needs from the actor (the service validates each)."""

    PERSON = "person"  # a person to assign
    TARGET = "target"  # another office or another person
    REASON = "reason"  # a written reason
    ANSWER = "answer"  # the answer text
    DUE_ON = "due_on"  # the new deadline
    DUPLICATE_OF = "duplicate_of"  # the registration number of the original appeal
    RESOLUTION = "resolution"  # yes / partly / no


def _extension_unused(appeal: Any, today: date) -> bool:
    return appeal.extended_at is None and today <= appeal.due_on


def _reopen_allowed(appeal: Any, today: date) -> bool:
    return appeal.resolution == Resolution.NO and appeal.reopened_count == 0


def _always(appeal: Any, today: date) -> bool:
    return True


@dataclass(frozen=True)
class Transition:
    action: str
    label: Any
    sources: frozenset[State]
    # None: the service decides (a transfer to an office goes back to "registered",
    # to a person stays "assigned"; a reopening goes to "assigned" when somebody is).
    target: State | None
    actors: frozenset[Relation]
    requires: frozenset[Requirement] = field(default_factory=frozenset)
    condition: Callable[[Any, date], bool] = _always
    # Shown as a danger action (refusals) in the staff page.
    destructive: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "assign",
            _("Assign"),
            frozenset({State.REGISTERED}),
            State.ASSIGNED,
            ROUTERS,
            frozenset({Requirement.PERSON}),
        ),
        Transition(
            "transfer",
            _("Transfer"),
            frozenset({State.REGISTERED, State.ASSIGNED}),
            None,
            ROUTERS | {Relation.ASSIGNED_PERSON},
            frozenset({Requirement.TARGET, Requirement.REASON}),
        ),
        Transition(
            "extend",
            _("Extend the term"),
            frozenset({State.ASSIGNED}),
            State.ASSIGNED,
            frozenset({Relation.ASSIGNED_PERSON}),
            frozenset({Requirement.REASON, Requirement.DUE_ON}),
            _extension_unused,
        ),
        Transition(
            "answer",
            _("Answer"),
            frozenset({State.ASSIGNED}),
            State.ANSWERED,
            frozenset({Relation.ASSIGNED_PERSON}),
            frozenset({Requirement.ANSWER}),
        ),
        Transition(
            "reject",
            _("Reject as spam or abuse"),
            frozenset({State.REGISTERED, State.ASSIGNED}),
            State.REJECTED,
            ROUTERS,
            frozenset({Requirement.REASON}),
            destructive=True,
        ),
        Transition(
            "merge_duplicate",
            _("Merge as a duplicate"),
            frozenset({State.REGISTERED, State.ASSIGNED}),
            State.DUPLICATE,
            ROUTERS,
            frozenset({Requirement.DUPLICATE_OF}),
            destructive=True,
        ),
        Transition(
            "confirm_resolution",
            _("Tell whether the problem was resolved"),
            frozenset({State.ANSWERED}),
            State.CLOSED,
            frozenset({Relation.AUTHOR}),
            frozenset({Requirement.RESOLUTION}),
        ),
        Transition(
            "reopen",
            _("Reopen"),
            frozenset({State.CLOSED}),
            None,
            frozenset({Relation.AUTHOR}),
            frozenset({Requirement.REASON}),
            _reopen_allowed,
        ),
        Transition(
            "close_unconfirmed",
            _("Close as answered, not confirmed"),
            frozenset({State.ANSWERED}),
            State.CLOSED,
            frozenset({Relation.SYSTEM}),
        ),
    )
}


class TransitionRefused(Exception):
    """The transition is not allowed now; `message` is translated and safe to show."""

    def __init__(self, message: Any, *, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def get(action: str) -> Transition:
    try:
        return TRANSITIONS[action]
    except KeyError:
        raise TransitionRefused(_("This action does not exist."), code="unknown_action") from None


def check(transition: Transition, appeal: Any, relations: Iterable[Relation], today: date) -> None:
    """Raise TransitionRefused unless `relations` may make `transition` on `appeal` now."""
    if not transition.actors.intersection(relations):
        raise TransitionRefused(
            _("You may not do this with this appeal."), code="not_allowed_for_role"
        )
    if appeal.state not in transition.sources:
        raise TransitionRefused(
            _("This cannot be done to an appeal that is %(state)s.")
            % {"state": State(appeal.state).label},
            code="wrong_state",
        )
    if not transition.condition(appeal, today):
        raise TransitionRefused(_("This is no longer possible for this appeal."), code="condition")


def actions_for(appeal: Any, relations: Iterable[Relation], today: date) -> list[Transition]:
    """The transitions these relations may make on the appeal now (for showing buttons)."""
    relations = frozenset(relations)
    available = []
    for transition in TRANSITIONS.values():
        try:
            check(transition, appeal, relations, today)
        except TransitionRefused:
            continue
        available.append(transition)
    return available
