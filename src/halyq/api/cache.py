"""Rendered public answers, cached: the rating changes only when a snapshot is published.

Rules:
- An answer is cached as (ETag, body) under a key made of a *version* the caller gives
  (for the rating: the latest public snapshot, the ratings app's version counter, which
  every snapshot bumps, and the set of public regions) and the request's path and query. A
  repeated request is answered from the cache without touching the database, as a 304
  when its `If-None-Match` is current. Only 200 answers are cached, so a bad query is
  checked every time.
- With a shared cache (Redis) every process sees a new version at once; with the
  per-process memory cache, other processes follow their own cache's expiry (the ratings
  app keeps its latest snapshot for an hour there). Bodies expire after BODY_SECONDS in
  any case, so a corrected name shows within that time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpResponse

from halyq.api import etag

BODY_SECONDS = 600


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
