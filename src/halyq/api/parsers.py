"""Request bodies: JSON (the REST API) and URL-encoded forms (Open311's POST), size-limited.

DRF reads the request stream itself, bypassing Django's DATA_UPLOAD_MAX_MEMORY_SIZE,
so the limit is enforced here: a body announced (Content-Length) or found to be larger
is refused with a 413 problem before it is parsed, and nothing is written.
"""

from __future__ import annotations

import io

from django.conf import settings
from rest_framework import parsers

from halyq.api.problems import RequestTooLarge


def body_limit() -> int:
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440)


def read_limited(stream, parser_context) -> io.BytesIO:
    limit = body_limit()
    request = (parser_context or {}).get("request")
    if request is not None:
        try:
            announced = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            announced = 0
        if announced > limit:
            raise RequestTooLarge(limit)
    data = stream.read(limit + 1) if stream is not None else b""
    if len(data) > limit:
        raise RequestTooLarge(limit)
    return io.BytesIO(data)


class LimitedJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return super().parse(read_limited(stream, parser_context), media_type, parser_context)


class LimitedFormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return super().parse(read_limited(stream, parser_context), media_type, parser_context)
