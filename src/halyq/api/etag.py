"""Strong ETags and `If-None-Match` for public reads.

Rules:
- A public GET/HEAD answered with 200 carries `ETag` (a hash of the exact body) and
  `Cache-Control: public, max-age=60`; a request whose `If-None-Match` names that tag
  (or `*`) gets `304 Not Modified` with no body.
- Public bodies depend on the URL only (no user, no language), so a tag is valid for
  everybody. Endpoints that cache their rendered body (the rating, `halyq.api.cache`)
  keep the tag with it and answer a 304 without building anything.
"""

from __future__ import annotations

import hashlib

from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags

CACHE_CONTROL = "public, max-age=60"


def etag_for(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:40] + '"'


def matches(request, tag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    if not header:
        return False
    offered = parse_etags(header)
    if "*" in offered:
        return True
    # If-None-Match uses the weak comparison (RFC 9110 §13.1.2).
    bare = tag.removeprefix("W/")
    return any(candidate.removeprefix("W/") == bare for candidate in offered)


def not_modified(tag: str) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    response["ETag"] = tag
    response["Cache-Control"] = CACHE_CONTROL
    return response


def conditional(request, response: HttpResponse) -> HttpResponse:
    """Tag a rendered 200 response; turn it into a 304 when the client has it already."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    tag = response.get("ETag") or etag_for(response.content)
    if matches(request, tag):
        return not_modified(tag)
    response["ETag"] = tag
    response["Cache-Control"] = CACHE_CONTROL
    return response
