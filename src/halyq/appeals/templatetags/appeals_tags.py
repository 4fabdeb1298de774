"""Small helpers for the appeals templates: labels of states, actions and roles."""

from django import template
from django.utils.translation import gettext_lazy as _

from halyq.accounts.phone import format_kazakhstan_phone
from halyq.appeals.workflow import TRANSITIONS, Resolution, State

register = template.Library()

ACTION_LABELS = {
    "register": _("Registered"),
    "visitor_confirm": _("Confirmed by the citizen"),
    "assign": _("Assigned"),
    "transfer": _("Transferred"),
    "extend": _("Term extended"),
    "deadline_moved": _("Deadline moved by a change of the working-day calendar"),
    "answer": _("Answered"),
    "reject": _("Rejected"),
    "merge_duplicate": _("Merged as a duplicate"),
    "confirm_resolution": _("The citizen answered whether it was resolved"),
    "reopen": _("Reopened by the citizen"),
    "close_unconfirmed": _("Closed: answered, not confirmed"),
}
ROLE_LABELS = {
    "author": _("citizen"),
    "operator": _("office operator"),
    "assigned_person": _("deputy or activist"),
    "moderator": _("regional moderator"),
    "administrator": _("administrator"),
    "system": _("automatically"),
}


@register.filter
def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    transition = TRANSITIONS.get(action)
    return transition.label if transition else action


@register.filter
def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


@register.filter
def state_label(state: str) -> str:
    try:
        return State(state).label
    except ValueError:
        return state


@register.filter
def resolution_label(resolution: str) -> str:
    try:
        return Resolution(resolution).label
    except ValueError:
        return ""


@register.simple_tag
def due_status(appeal, today, soon_limit=None) -> str:
    """'overdue', 'soon' or '' for an open appeal's deadline (a CSS modifier)."""
    if appeal.state not in (State.REGISTERED, State.ASSIGNED):
        return ""
    if appeal.due_on < today:
        return "overdue"
    if soon_limit is not None and appeal.due_on <= soon_limit:
        return "soon"
    return ""


@register.simple_tag
def has_staff_workspace(user) -> bool:
    from halyq.appeals.rules import is_staff_user

    return is_staff_user(user)


@register.filter
def phone(e164: str) -> str:
    """A stored phone as people read it: +7 701 234 56 78."""
    return format_kazakhstan_phone(e164)
