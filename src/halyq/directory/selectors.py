"""Reads of the public directory shared by pages, the API and exports."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from halyq.directory.models import Membership, Organization, Person, Region
from halyq.directory.search import query_terms


def region_list() -> QuerySet[Region]:
    return Region.objects.order_by("code")


def faction_list() -> QuerySet[Organization]:
    return Organization.objects.filter(
        classification=Organization.Classification.FACTION
    ).select_related("region")


def _current_memberships() -> Prefetch:
    today = timezone.localdate()
    return Prefetch(
        "memberships",
        queryset=Membership.objects.current(today)
        .select_related("organization", "post", "on_behalf_of")
        .order_by("organization__classification", "id"),
        to_attr="current_memberships",
    )


def person_list(
    *,
    query: str = "",
    region: Region | None = None,
    organization: Organization | None = None,
    kind: str = "",
) -> QuerySet[Person]:
    """People matching a name in any script, filtered; current posts prefetched."""
    people = Person.objects.select_related("region")
    for term in query_terms(query):
        people = people.filter(search_text__contains=term)
    if region is not None:
        people = people.filter(region=region)
    if kind:
        people = people.filter(kind=kind)
    if organization is not None:
        today = timezone.localdate()
        people = people.filter(
            Q(memberships__organization=organization) | Q(memberships__on_behalf_of=organization),
            Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=today),
        ).distinct()
    return people.prefetch_related(_current_memberships()).order_by(
        "family_name_ru", "given_name_ru", "id"
    )


def person_get(*, public_id) -> Person:
    """One person with their whole membership history (past posts included)."""
    return (
        Person.objects.select_related("region")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related(
                    "organization", "post", "on_behalf_of"
                ).order_by("-start_date", "id"),
            )
        )
        .get(public_id=public_id)
    )


def overview() -> dict[str, int]:
    counts = Person.objects.aggregate(
        deputies=Count("id", filter=Q(kind=Person.Kind.DEPUTY)),
        reserve=Count("id", filter=Q(kind=Person.Kind.RESERVE)),
    )
    counts["regions"] = Region.objects.count()
    return counts
