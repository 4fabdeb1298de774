"""Short-lived caches of the news pages' shared parts, and the switch that empties them.

Rules:
- Every cached news value is keyed with a *generation* number; any change that can
  change what readers see (publishing, unpublishing, editing, moderating) bumps it
  after the transaction commits, so no stale list ever shows an unpublished article
  for longer than the commit takes.
- The cache is an optimisation: if it fails (Redis down), the value is computed and
  the page still serves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger("halyq.news.caching")
GENERATION_KEY = "news:generation"
T = TypeVar("T")


def generation() -> int:
    try:
        value = cache.get(GENERATION_KEY)
        if value is None:
            cache.add(GENERATION_KEY, 1, timeout=None)
            value = cache.get(GENERATION_KEY, 1)
        return int(value)
    except Exception as error:  # any cache backend failure: serve uncached
        logger.warning("news cache unavailable (%s)", type(error).__name__)
        return 0


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet
        cache.add(GENERATION_KEY, 2, timeout=None)
    except Exception as error:
        logger.warning("news cache unavailable (%s)", type(error).__name__)


def invalidate() -> None:
    """Make every cached news value stale once the current transaction commits."""
    transaction.on_commit(_bump)


def cached(key: str, timeout: int, compute: Callable[[], T]) -> T:
    """`compute()` cached under `key` for `timeout` seconds in the current generation."""
    current = generation()
    if current == 0 or timeout <= 0:
        return compute()
    full_key = f"news:{current}:{key}"
    try:
        value = cache.get(full_key)
    except Exception as error:
        logger.warning("news cache unavailable (%s)", type(error).__name__)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(full_key, value, timeout)
        except Exception as error:
            logger.warning("news cache unavailable (%s)", type(error).__name__)
    return value


def fetch(key: str):
    """A value stored with `store` in the current generation, or None."""
    current = generation()
    if current == 0:
        return None
    try:
        return cache.get(f"news:{current}:{key}")
    except Exception as error:
        logger.warning("news cache unavailable (%s)", type(error).__name__)
        return None


def store(key: str, value, timeout: int) -> None:
    current = generation()
    if current == 0 or timeout <= 0:
        return
    try:
        cache.set(f"news:{current}:{key}", value, timeout)
    except Exception as error:
        logger.warning("news cache unavailable (%s)", type(error).__name__)
