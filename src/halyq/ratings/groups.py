"""Comparison groups: people are rated against comparable people.

A deputy's group is "<council level code>:<region code>" of the council they sit in
today (a Mazhilis deputy is compared with Mazhilis deputies of the same region); a
reserve activist's is "reserve:<region code>". The group key is part of every published
result, so anyone can see who was compared with whom.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from halyq.directory.models import Membership, Organization, Person

RESERVE_LEVEL = "reserve"


def group_keys(people: Iterable[Person]) -> dict[int, str]:
    """{person id: group key} for the given people (two queries, whatever the count)."""
    people = list(people)
    levels: dict[int, tuple[int, str]] = {}
    seats = (
        Membership.objects.current(timezone.localdate())
        .filter(
            person_id__in=[p.id for p in people],
            organization__classification=Organization.Classification.COUNCIL,
            organization__council_level__isnull=False,
        )
        .values_list(
            "person_id", "organization__council_level__order", "organization__council_level__code"
        )
    )
    for person_id, order, code in seats:
        # A person sitting in two councils is compared at the higher level.
        if person_id not in levels or order < levels[person_id][0]:
            levels[person_id] = (order, code)
    keys = {}
    for person in people:
        if person.kind == Person.Kind.RESERVE or person.id not in levels:
            level = RESERVE_LEVEL if person.kind == Person.Kind.RESERVE else "unseated"
        else:
            level = levels[person.id][1]
        keys[person.id] = f"{level}:{person.region.code}"
    return keys
