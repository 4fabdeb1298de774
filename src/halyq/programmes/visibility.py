"""Which regions' programmes the public may see (pilot and public modes).

A region in pilot mode is tracked but not published: its programmes, measures,
mandates and their histories are absent from every public page, CSV, export and
selector for the public; the region's staff (its moderators, administrators and the
region's own deputies) still see them.
"""

from __future__ import annotations

from collections.abc import Collection

from django.conf import settings

from halyq.accounts import roles
from halyq.directory.models import Region


def public_region_ids() -> set[int]:
    """Ids of the regions whose programme tracker is public.

    To be backed by ratings.PublicationMode. Until then it reads the setting
    `HALYQ_PUBLIC_REGION_CODES` (a list of KATO codes; None, the default, means every
    region is public).
    """
    codes = getattr(settings, "HALYQ_PUBLIC_REGION_CODES", None)
    regions = Region.objects.all()
    if codes is not None:
        regions = regions.filter(code__in=list(codes))
    return set(regions.values_list("id", flat=True))


def published_region_ids(rating_public_ids: Collection[int]) -> frozenset[int]:
    """The regions whose tracker leaves the site: the open data and the public API.

    A region is published when it is public for the tracker (`public_region_ids`) and
    out of pilot for the rating (`rating_public_ids`, the regions the rating's
    publication modes make public, given by the caller: this app sits below the ratings
    app and does not import it). Both the export and the API take their rows through
    `programmes.opendata` with this set, so they publish the same regions.
    """
    return frozenset(public_region_ids()) & frozenset(rating_public_ids)


def visible_region_ids(user) -> set[int]:
    """The public regions plus those the user works in (cached on the user object)."""
    cached = getattr(user, "_programme_visible_regions", None) if user is not None else None
    if cached is not None:
        return cached
    visible = public_region_ids()
    if user is not None and user.is_authenticated:
        if roles.is_administrator(user):
            visible = set(Region.objects.values_list("id", flat=True))
        else:
            visible |= roles.moderated_region_ids(user)
            if user.person_id is not None:
                from halyq.directory.models import Person

                region_id = (
                    Person.objects.filter(pk=user.person_id)
                    .values_list("region_id", flat=True)
                    .first()
                )
                if region_id is not None:
                    visible.add(region_id)
    if user is not None:
        user._programme_visible_regions = visible
    return visible
