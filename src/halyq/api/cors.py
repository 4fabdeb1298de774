"""CORS for Open311's public reads (GET/HEAD and their preflight), nothing else.

The REST API's public endpoints are allowed by CORS_URLS_REGEX in the settings. Open311
shares one URL between the public `GET requests` and the keyed `POST requests`, so a
path rule cannot tell them apart: this handler enables CORS for its reads only. The
allowed methods (CORS_ALLOW_METHODS) are GET, HEAD and OPTIONS everywhere.
"""

from __future__ import annotations

import re

from corsheaders.signals import check_request_enabled

OPEN311_PATH = re.compile(r"^/open311/v2/")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def open311_reads(sender, request, **kwargs) -> bool:
    return bool(OPEN311_PATH.match(request.path_info)) and request.method in READ_METHODS


check_request_enabled.connect(open311_reads, dispatch_uid="halyq.api.cors.open311_reads")
