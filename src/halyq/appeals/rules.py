"""Who may see and act on which appeal: the one place where that is decided.

Every role's reach is a *relation* between a user and an appeal:

=================  ==========================================================
relation           the user ...
=================  ==========================================================
author             filed the appeal (a citizen sees only their own appeals)
operator           operates the appeal's current office (`ReceptionOffice.operators`)
assigned_person    signs in as the person the appeal is assigned to (`User.person`)
moderator          moderates the appeal's region (`RoleAssignment` moderator)
administrator      is a central administrator (or superuser): everything
=================  ==========================================================

`appeal_relations` answers for one appeal (used by the rules below and by the
workflow); `visible_appeals_q` is the same definition as a query filter, used by
every selector, so lists and pages can never disagree. The permission-matrix tests
hold the two to each other. Anything outside a user's reach is answered with 404.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from halyq.accounts import roles
from halyq.appeals.workflow import STAFF_RELATIONS, Relation


def operated_office_ids(user) -> frozenset[int]:
    """The offices this user operates (cached on the user object for the request)."""
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_operated_office_ids", None)
    if cached is None:
        cached = frozenset(user.operated_offices.values_list("id", flat=True))
        user._operated_office_ids = cached
    return cached


def appeal_relations(user, appeal) -> frozenset[Relation]:
    if not user or not user.is_authenticated or not user.is_active:
        return frozenset()
    relations = set()
    if appeal.author_id is not None and appeal.author_id == user.id:
        relations.add(Relation.AUTHOR)
    if appeal.office_id in operated_office_ids(user):
        relations.add(Relation.OPERATOR)
    person_id = roles.person_id_of(user)
    if person_id is not None and appeal.assigned_person_id == person_id:
        relations.add(Relation.ASSIGNED_PERSON)
    if appeal.region_id in roles.moderated_region_ids(user):
        relations.add(Relation.MODERATOR)
    if roles.is_administrator(user):
        relations.add(Relation.ADMINISTRATOR)
    return frozenset(relations)


def visible_appeals_q(user, *, staff_only: bool = False) -> Q | None:
    """The appeals `user` may see as a filter; None means everything (administrators).

    `staff_only` leaves out the user's own appeals as a citizen (for the staff queues).
    An impossible filter (`Q(pk__in=[])`) is returned for people with no reach at all.
    """
    if not user or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if roles.is_administrator(user):
        return None
    reach = Q(pk__in=[])
    if not staff_only:
        reach |= Q(author_id=user.id)
    offices = operated_office_ids(user)
    if offices:
        reach |= Q(office_id__in=offices)
    person_id = roles.person_id_of(user)
    if person_id is not None:
        reach |= Q(assigned_person_id=person_id)
    regions = roles.moderated_region_ids(user)
    if regions:
        reach |= Q(region_id__in=regions)
    return reach


def is_staff_user(user) -> bool:
    """Whether the user has any staff workspace at all (queues, exports)."""
    return bool(
        user.is_authenticated
        and (
            operated_office_ids(user)
            or roles.person_id_of(user)
            or roles.moderated_region_ids(user)
            or roles.is_administrator(user)
        )
    )


@rules.predicate
def is_appeal_author(user, appeal) -> bool:
    return Relation.AUTHOR in appeal_relations(user, appeal)


@rules.predicate
def is_office_operator(user, appeal) -> bool:
    return Relation.OPERATOR in appeal_relations(user, appeal)


@rules.predicate
def is_assigned_person(user, appeal) -> bool:
    return Relation.ASSIGNED_PERSON in appeal_relations(user, appeal)


@rules.predicate
def is_region_moderator(user, appeal) -> bool:
    return Relation.MODERATOR in appeal_relations(user, appeal)


@rules.predicate
def is_administrator(user) -> bool:
    return roles.is_administrator(user)


@rules.predicate
def has_staff_relation(user, appeal) -> bool:
    return bool(STAFF_RELATIONS & appeal_relations(user, appeal))


@rules.predicate
def operates_any_office(user) -> bool:
    return bool(operated_office_ids(user))


@rules.predicate
def moderates_any_region(user) -> bool:
    return bool(roles.moderated_region_ids(user))


@rules.predicate
def may_register_at_office(user, office) -> bool:
    """Operators of the office, moderators of its region and administrators."""
    if office is None:
        return bool(operated_office_ids(user) or roles.moderated_region_ids(user))
    return (
        office.id in operated_office_ids(user)
        or office.region_id in roles.moderated_region_ids(user)
        or roles.is_administrator(user)
    )


_sees = is_appeal_author | has_staff_relation

rules.add_perm("appeals.view_appeal", _sees)
rules.add_perm("appeals.view_attachment", _sees)
rules.add_perm("appeals.view_staff_appeal", has_staff_relation)
# The workflow decides which transition; this only says the user may act at all.
rules.add_perm("appeals.change_appeal", _sees)
rules.add_perm(
    "appeals.export_appeals", operates_any_office | moderates_any_region | is_administrator
)
rules.add_perm("appeals.register_for_visitor", may_register_at_office | is_administrator)
rules.add_perm("appeals.view_overview", moderates_any_region | is_administrator)
