"""What the public may see: regions (and council levels) whose rating is public.

A region is public from the go-live date of its `PublicationMode`; everything else is
in pilot and reaches only its own staff. Every public page, API response, feed and
export filters through `public_region_ids()`.
"""

from __future__ import annotations

from datetime import date

from django.core.cache import cache
from django.utils import timezone

from halyq.ratings.models import PublicationMode

_CACHE_KEY = "ratings:public-region-ids"


def public_region_ids(on: date | None = None) -> frozenset[int]:
    day = on or timezone.localdate()
    cached = cache.get(_CACHE_KEY) if on is None else None
    if cached is not None and cached[0] == day:
        return cached[1]
    ids = frozenset(
        PublicationMode.objects.filter(
            council_level__isnull=True,
            mode=PublicationMode.Mode.PUBLIC,
            public_from__lte=day,
        ).values_list("region_id", flat=True)
    )
    if on is None:
        cache.set(_CACHE_KEY, (day, ids), 300)
    return ids


def public_scope_changed() -> None:
    cache.delete(_CACHE_KEY)


def is_public_region(region_id: int) -> bool:
    return region_id in public_region_ids()
