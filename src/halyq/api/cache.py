"""Rendered public answers, cached: the rating changes only when a snapshot is published.

Rules:
- An answer is cached as (ETag, body) under a key made of a *version* the caller gives
  (for the rating: the latest public snapshot, the ratings app's version counter, the set
  of public regions and this module's generation) and the request's path and query. A
  repeated request is answered from the cache without touching the database, as a 304
  when its `If-None-Match` is current. Only 200 answers are cached, so a bad query is
  checked every time.
- `rating_changed()` starts a new generation: call it when the public rating changes
  (the ratings app's own version counter, bumped after every snapshot, does the same).
  With a shared cache (Redis) every process sees it at once; with the per-process memory
  cache, other processes follow their own cache's expiry (the ratings app keeps its
  latest snapshot for an hour there). Bodies expire after BODY_SECONDS in any case, so a
  corrected name shows within that time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpResponse

from halyq.api import etag

GENERATION_KEY = "halyq:api:rating-generation"
BODY_SECONDS = 600


def rating_changed() -> None:
    """Call when the public rating changes (a snapshot published, a live update shown)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def generation() -> int:
    return int(cache.get(GENERATION_KEY) or 0)


def request_key(request) -> str:
    query = "&".join(sorted(f"{k}={v}" for k, values in request.GET.lists() for v in values))
    return hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()[:40]


def cached_response(request, *, scope: str, version: str, build: Callable[[], HttpResponse]):
    """Answer from the cache, or build the (rendered) answer and cache it when it is a 200."""
    key = f"halyq:api:{scope}:{version}:{request_key(request)}"
    hit = cache.get(key)
    if hit is not None:
        tag, content = hit
        if etag.matches(request, tag):
            return etag.not_modified(tag)
        response = HttpResponse(content, content_type="application/json")
        response["ETag"] = tag
        response["Cache-Control"] = etag.CACHE_CONTROL
        return response
    response = build()
    if response.status_code == 200:
        tag = etag.etag_for(response.content)
        cache.set(key, (tag, response.content), BODY_SECONDS)
        response["ETag"] = tag
    return response
