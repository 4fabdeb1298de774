"""Who may do what with ratings: evaluate, moderate, see pilot figures, dispute."""

from __future__ import annotations

import rules

from halyq.accounts import roles


def can_moderate_person(user, person) -> bool:
    return user.is_authenticated and (
        roles.is_administrator(user) or person.region_id in roles.moderated_region_ids(user)
    )


def staff_region_ids(user) -> set[int] | None:
    """Regions whose pilot figures the user may see; None means all."""
    if not user.is_authenticated:
        return set()
    if roles.is_administrator(user):
        return None
    return set(roles.moderated_region_ids(user))


@rules.predicate
def is_rated_person(user, person) -> bool:
    return person is not None and roles.person_id_of(user) == person.id


@rules.predicate
def moderates_person(user, person) -> bool:
    return person is not None and can_moderate_person(user, person)


rules.add_perm("ratings.view_draft", is_rated_person | moderates_person)
rules.add_perm("ratings.open_dispute", is_rated_person)
rules.add_perm("ratings.moderate", moderates_person)
