"""Which regions' programmes the public may see (pilot and public modes).

A region in pilot mode is tracked but not published: its programmes, measures,
mandates and their histories are absent from every public page, CSV, export and
selector for the public; the region's staff (its moderators, administrators and the
region's own deputies) still see them.
"""

from __future__ import annotations

from django.conf import settings

from halyq.accounts import roles
from halyq.directory import publication
from halyq.directory.models import Region


def public_region_ids() -> set[int]:
    """Ids of the regions whose programme tracker is public.

    Out of pilot for the rating (`directory.publication`, the rating's publication
    modes) and, where the setting `HALYQ_PUBLIC_REGION_CODES` (KATO codes) is set,
    also listed there: a way to keep a region's tracker private while its rating is
    public.
    """
    public = set(publication.public_region_ids())
    codes = getattr(settings, "HALYQ_PUBLIC_REGION_CODES", None)
    if codes is not None:
        public &= set(Region.objects.filter(code__in=list(codes)).values_list("id", flat=True))
    return public


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
