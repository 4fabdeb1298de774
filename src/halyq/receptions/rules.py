"""Who may see and do what with receptions and bookings: the one place where that is decided.

A user's reach is a *relation* to a reception (and through it to its bookings):

=============  ===================================================================
relation       the user ...
=============  ===================================================================
citizen        made the booking (a citizen sees only their own bookings)
operator       operates the reception's office (`ReceptionOffice.operators`)
person         signs in as the deputy who receives (`User.person`): own receptions
moderator      moderates the region of the reception's office
administrator  is a central administrator (or superuser): everything
=============  ===================================================================

The published part of a reception (who receives, where, when, how many slots are
free) is public to everybody; the bookings are not. Operators, moderators and
administrators *manage* (schedule, cancel, mark held, book for a visitor, mark
attendance); the receiving person only looks at their own receptions and visitors.

`reception_relations` / `booking_relations` answer for one object (used by the
predicates below); `staff_receptions_q` / `visible_bookings_q` say the same as query
filters for the selectors, so lists and pages can never disagree. The matrix tests
hold the two to each other. Anything outside a user's reach is answered with 404.
"""

from __future__ import annotations

from enum import StrEnum

import rules
from django.db.models import Q

from halyq.accounts import roles
from halyq.appeals.rules import operated_office_ids


class Relation(StrEnum):
    CITIZEN = "citizen"
    OPERATOR = "operator"
    PERSON = "person"
    MODERATOR = "moderator"
    ADMINISTRATOR = "administrator"


MANAGING = frozenset({Relation.OPERATOR, Relation.MODERATOR, Relation.ADMINISTRATOR})
STAFF = MANAGING | {Relation.PERSON}


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def office_relations(user, office) -> frozenset[Relation]:
    if not _active(user):
        return frozenset()
    relations = set()
    if office.id in operated_office_ids(user):
        relations.add(Relation.OPERATOR)
    if office.region_id in roles.moderated_region_ids(user):
        relations.add(Relation.MODERATOR)
    if roles.is_administrator(user):
        relations.add(Relation.ADMINISTRATOR)
    return frozenset(relations)


def reception_relations(user, reception) -> frozenset[Relation]:
    if not _active(user):
        return frozenset()
    relations = set(office_relations(user, reception.office))
    person_id = roles.person_id_of(user)
    if person_id is not None and reception.person_id == person_id:
        relations.add(Relation.PERSON)
    return frozenset(relations)


def booking_relations(user, booking) -> frozenset[Relation]:
    if not _active(user):
        return frozenset()
    relations = set(reception_relations(user, booking.reception))
    if booking.citizen_id is not None and booking.citizen_id == user.id:
        relations.add(Relation.CITIZEN)
    return frozenset(relations)


# --- the same reach as query filters (None means everything) -------------------------


def managed_offices_q(user) -> Q | None:
    """Offices the user manages (operators: theirs; moderators: their regions')."""
    if not _active(user):
        return Q(pk__in=[])
    if roles.is_administrator(user):
        return None
    reach = Q(pk__in=[])
    offices = operated_office_ids(user)
    if offices:
        reach |= Q(pk__in=offices)
    regions = roles.moderated_region_ids(user)
    if regions:
        reach |= Q(region_id__in=regions)
    return reach


def staff_receptions_q(user) -> Q | None:
    """Receptions whose bookings the user may see (and the person's own receptions)."""
    if not _active(user):
        return Q(pk__in=[])
    if roles.is_administrator(user):
        return None
    reach = Q(pk__in=[])
    offices = operated_office_ids(user)
    if offices:
        reach |= Q(office_id__in=offices)
    person_id = roles.person_id_of(user)
    if person_id is not None:
        reach |= Q(person_id=person_id)
    regions = roles.moderated_region_ids(user)
    if regions:
        reach |= Q(office__region_id__in=regions)
    return reach


def visible_bookings_q(user) -> Q | None:
    if not _active(user):
        return Q(pk__in=[])
    if roles.is_administrator(user):
        return None
    reach = Q(citizen_id=user.id)
    offices = operated_office_ids(user)
    if offices:
        reach |= Q(reception__office_id__in=offices)
    person_id = roles.person_id_of(user)
    if person_id is not None:
        reach |= Q(reception__person_id=person_id)
    regions = roles.moderated_region_ids(user)
    if regions:
        reach |= Q(reception__office__region_id__in=regions)
    return reach


def has_staff_workspace(user) -> bool:
    return bool(
        _active(user)
        and (
            operated_office_ids(user)
            or roles.moderated_region_ids(user)
            or roles.is_administrator(user)
        )
    )


# --- named rules ---------------------------------------------------------------------


@rules.predicate
def manages_office(user, office) -> bool:
    return bool(MANAGING & office_relations(user, office))


@rules.predicate
def sees_reception_staff_side(user, reception) -> bool:
    return bool(STAFF & reception_relations(user, reception))


@rules.predicate
def manages_reception(user, reception) -> bool:
    return bool(MANAGING & reception_relations(user, reception))


@rules.predicate
def sees_booking(user, booking) -> bool:
    return bool((STAFF | {Relation.CITIZEN}) & booking_relations(user, booking))


@rules.predicate
def owns_booking(user, booking) -> bool:
    return Relation.CITIZEN in booking_relations(user, booking)


@rules.predicate
def manages_booking(user, booking) -> bool:
    return bool(MANAGING & booking_relations(user, booking))


@rules.predicate
def is_confirmed_citizen(user) -> bool:
    return bool(_active(user) and user.email_confirmed_at is not None and user.erased_at is None)


@rules.predicate
def has_workspace(user) -> bool:
    return has_staff_workspace(user)


@rules.predicate
def is_receiving_person(user) -> bool:
    return _active(user) and roles.person_id_of(user) is not None


# Scheduling happens at an office; the object is the `ReceptionOffice`.
rules.add_perm("receptions.schedule_reception", manages_office)
# The staff side of one reception: its visitors list (names, phones, topics).
rules.add_perm("receptions.view_reception_bookings", sees_reception_staff_side)
# Cancel, mark held, book for a visitor.
rules.add_perm("receptions.change_reception", manages_reception)
# The visitors list as a spreadsheet (CSV) for the day.
rules.add_perm("receptions.export_reception", sees_reception_staff_side)
rules.add_perm("receptions.view_booking", sees_booking)
rules.add_perm("receptions.cancel_booking", owns_booking | manages_booking)
rules.add_perm("receptions.mark_attendance", manages_booking)
rules.add_perm("receptions.book_online", is_confirmed_citizen)
rules.add_perm("receptions.use_workspace", has_workspace)
rules.add_perm("receptions.view_own_receptions", is_receiving_person)
