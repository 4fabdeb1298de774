"""The public directory as Popolo (https://www.popoloproject.com/) JSON rows.

Rules:
- Only what belongs to regions whose rating is public, plus country-wide organisations
  (the party, the chambers of Parliament): people of a region in pilot are absent, and
  so are their memberships; organisations, posts and areas of such a region too.
  A reference to something left out (a parent organisation, "on behalf of") is dropped.
- Stable public ids: a person's ``public_id`` (UUID), an organisation's slug,
  ``post-<n>``/``membership-<n>`` for posts and memberships, ``kato:<code>`` for areas.
- Names: the Popolo name fields carry the Russian form (the site's default language);
  ``other_names`` carries each written form with its ``lang`` ("kk", "ru", "en").
- Everything here is public by design (directory.models); nothing of citizens.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from django.db.models import Q

from halyq.directory.models import District, Membership, Organization, Person, Post, Region

LANGUAGES = ("kk", "ru", "en")
CHUNK = 2000


def area_id(code: str) -> str:
    return f"kato:{code}"


def _names(obj: Any, field: str = "name") -> list[dict[str, str]]:
    return [
        {"lang": language, "name": value}
        for language in LANGUAGES
        if (value := getattr(obj, f"{field}_{language}", ""))
    ]


def _drop_empty(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if value not in (None, "", [])}


def organization_queryset(public_region_ids: Collection[int]):
    ids = list(public_region_ids)
    return Organization.objects.filter(
        Q(region_id__in=ids)
        | Q(region__isnull=True, district__isnull=True)
        | Q(region__isnull=True, district__region_id__in=ids)
    )


def area_rows(public_region_ids: Collection[int]) -> Iterator[dict[str, Any]]:
    ids = list(public_region_ids)
    for region in Region.objects.filter(id__in=ids).order_by("code"):
        yield _drop_empty(
            {
                "id": area_id(region.code),
                "name": region.name_ru,
                "other_names": _names(region),
                "classification": "city" if region.is_city else "region",
                "identifiers": [{"scheme": "kato", "identifier": region.code}],
            }
        )
    districts = District.objects.filter(region_id__in=ids).select_related("region")
    for district in districts.order_by("code").iterator(chunk_size=CHUNK):
        yield _drop_empty(
            {
                "id": area_id(district.code),
                "name": district.name_ru,
                "other_names": _names(district),
                "classification": "city" if district.is_city else "district",
                "parent_id": area_id(district.region.code),
                "identifiers": [{"scheme": "kato", "identifier": district.code}],
            }
        )


def _person_other_names(person: Person) -> list[dict[str, str]]:
    names = []
    for language in LANGUAGES:
        full = person.full_name(language)
        if full:
            names.append(
                _drop_empty(
                    {
                        "lang": language,
                        "name": full,
                        "family_name": getattr(person, f"family_name_{language}", ""),
                        "given_name": getattr(person, f"given_name_{language}", ""),
                        "patronymic_name": getattr(person, f"patronymic_{language}", ""),
                    }
                )
            )
    return names


def person_rows(public_region_ids: Collection[int]) -> Iterator[dict[str, Any]]:
    people = (
        Person.objects.filter(region_id__in=list(public_region_ids))
        .select_related("region")
        .order_by("id")
    )
    for person in people.iterator(chunk_size=CHUNK):
        yield _drop_empty(
            {
                "id": str(person.public_id),
                "name": person.full_name("ru"),
                "family_name": person.family_name_ru,
                "given_name": person.given_name_ru,
                "patronymic_name": person.patronymic_ru,
                "other_names": _person_other_names(person),
                "email": person.public_email,
                "image": person.photo.url if person.photo else "",
                "biography": person.biography_ru,
                "biography_kk": person.biography_kk,
                "biography_en": person.biography_en,
                "kind": person.kind,
                "area_id": area_id(person.region.code),
            }
        )


def organization_rows(public_region_ids: Collection[int]) -> Iterator[dict[str, Any]]:
    included = organization_queryset(public_region_ids)
    included_ids = set(included.values_list("id", flat=True))
    organizations = included.select_related(
        "parent", "region", "district", "council_level"
    ).order_by("slug")
    for organization in organizations.iterator(chunk_size=CHUNK):
        area = organization.district or organization.region
        yield _drop_empty(
            {
                "id": organization.slug,
                "name": organization.name_ru,
                "other_names": _names(organization),
                "classification": organization.classification,
                "parent_id": organization.parent.slug
                if organization.parent_id in included_ids
                else None,
                "area_id": area_id(area.code) if area else None,
                "council_level": organization.council_level.code
                if organization.council_level
                else None,
                "founding_date": _date(organization.founding_date),
                "dissolution_date": _date(organization.dissolution_date),
            }
        )


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _public_posts(public_region_ids: Collection[int]):
    ids = list(public_region_ids)
    return Post.objects.filter(organization__in=organization_queryset(ids)).filter(
        Q(district__isnull=True) | Q(district__region_id__in=ids)
    )


def post_rows(public_region_ids: Collection[int]) -> Iterator[dict[str, Any]]:
    posts = (
        _public_posts(public_region_ids).select_related("organization", "district").order_by("id")
    )
    for post in posts.iterator(chunk_size=CHUNK):
        yield _drop_empty(
            {
                "id": f"post-{post.pk}",
                "organization_id": post.organization.slug,
                "role": post.role,
                "label": post.label_ru,
                "other_label": [label for label in (post.label_kk, post.label_en) if label],
                "labels": {
                    language: label
                    for language in LANGUAGES
                    if (label := getattr(post, f"label_{language}"))
                },
                "area_id": area_id(post.district.code) if post.district else None,
            }
        )


def membership_rows(public_region_ids: Collection[int]) -> Iterator[dict[str, Any]]:
    ids = list(public_region_ids)
    organization_ids = set(organization_queryset(ids).values_list("id", flat=True))
    post_ids = set(_public_posts(ids).values_list("id", flat=True))
    memberships = (
        Membership.objects.filter(
            person__region_id__in=ids, organization__in=organization_queryset(ids)
        )
        .select_related("person", "organization", "on_behalf_of")
        .order_by("id")
    )
    for membership in memberships.iterator(chunk_size=CHUNK):
        yield _drop_empty(
            {
                "id": f"membership-{membership.pk}",
                "person_id": str(membership.person.public_id),
                "organization_id": membership.organization.slug,
                "post_id": f"post-{membership.post_id}" if membership.post_id in post_ids else None,
                "role": membership.role,
                "on_behalf_of_id": membership.on_behalf_of.slug
                if membership.on_behalf_of_id in organization_ids
                else None,
                "start_date": _date(membership.start_date),
                "end_date": _date(membership.end_date),
            }
        )
