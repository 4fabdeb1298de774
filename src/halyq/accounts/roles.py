"""Who holds which staff role. Apps' `rules.py` build their permission rules on these.

The answers are cached on the user object for the request, because a page asks the
same questions for every row it shows.
"""

from __future__ import annotations

from halyq.accounts.models import RoleAssignment, User


def _assignments(user: User) -> list[RoleAssignment]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_role_assignments", None)
    if cached is None:
        cached = list(user.role_assignments.all())
        user._role_assignments = cached
    return cached


def is_administrator(user: User) -> bool:
    return user.is_authenticated and (
        user.is_superuser
        or any(a.role == RoleAssignment.Role.ADMINISTRATOR for a in _assignments(user))
    )


def moderated_region_ids(user: User) -> set[int]:
    """The regions a user moderates (empty for everybody else)."""
    return {a.region_id for a in _assignments(user) if a.role == RoleAssignment.Role.MODERATOR}


def has_role(user: User, role: str) -> bool:
    return any(a.role == role for a in _assignments(user))


def person_id_of(user: User) -> int | None:
    """The directory person a deputy or reserve activist signs in as, if any."""
    return user.person_id if user.is_authenticated else None
