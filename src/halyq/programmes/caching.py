"""A short-lived cache of the trackers' summaries (counts, delivery over time, overdue).

Rules:
- A summary is computed from the database and kept for SUMMARY_SECONDS (60 s) under a
  key holding a global version, the scope and the day (overdue depends on the date).
- Every service that writes bumps the version at once and again when its transaction
  commits, so the process that wrote (and every process sharing a Redis cache) shows
  the change on the next request. Processes with their own in-memory cache catch up
  within SUMMARY_SECONDS: a public summary may lag a minute, never more. Item lists,
  item pages and CSV files are never cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

SUMMARY_SECONDS = 60
VERSION_KEY = "programmes:summary-version"


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key expired or was evicted
        cache.set(VERSION_KEY, 2, timeout=None)


def invalidate() -> None:
    """Call from every write: bump now, and again once the transaction commits."""
    _bump()
    transaction.on_commit(_bump)


def summary(scope: tuple, compute: Callable[[], Any]) -> Any:
    raw = repr((scope, timezone.localdate().isoformat())).encode()
    key = f"programmes:summary:{_version()}:{hashlib.sha256(raw).hexdigest()[:32]}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, SUMMARY_SECONDS)
    return value
