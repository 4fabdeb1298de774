"""Counting attempts in the Django cache: "at most `limit` hits per `window_seconds`".

Rules of this module:
- A window is a fixed slice of time (`window_seconds` long, aligned to the epoch); each
  hit increments one counter for the current slice, atomically (`cache.add` then
  `cache.incr`), so it is correct across processes with a shared cache (Redis). With the
  local-memory cache each process counts on its own, which is still a useful brake.
- Nothing personal reaches the cache: every key is an HMAC-SHA256 of the caller's key,
  keyed by SECRET_KEY. Callers may pass e.g. "login:email:" + email; the email itself
  is never stored.
- `client_key(request)` names the client by a keyed hash of its address, for the same
  reason. Behind a proxy, REMOTE_ADDR must be the client's address (the deployment sets
  it from the proxy's header); otherwise every visitor shares one counter.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

CACHE_PREFIX = "ratelimit"


@dataclass(frozen=True)
class RateDecision:
    """Whether the attempt may go ahead, and if not, in how many seconds it may."""

    allowed: bool
    retry_after: int

    @property
    def retry_after_minutes(self) -> int:
        """Whole minutes to wait, rounded up, at least one (for messages to people)."""
        return max(1, -(-self.retry_after // 60))


def _now() -> float:
    return time.time()


def _digest(text: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def _slot(key: str, window_seconds: int) -> tuple[str, int]:
    """The cache key of the current window and the seconds left in it."""
    now = _now()
    window_number = int(now // window_seconds)
    seconds_left = max(1, int((window_number + 1) * window_seconds - now))
    return f"{CACHE_PREFIX}:{_digest(key)}:{window_seconds}:{window_number}", seconds_left


def hit(key: str, *, limit: int, window_seconds: int) -> RateDecision:
    """Count one attempt; allowed while the count in this window is at most `limit`."""
    if limit < 1 or window_seconds < 1:
        raise ValueError("A rate limit needs a positive limit and window.")
    cache_key, seconds_left = _slot(key, window_seconds)
    # Keep the counter a little longer than its window so a slow clock never resets it early.
    cache.add(cache_key, 0, timeout=window_seconds + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the counter expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds + 5)
        count = 1
    if count > limit:
        return RateDecision(allowed=False, retry_after=seconds_left)
    return RateDecision(allowed=True, retry_after=0)


def peek(key: str, *, limit: int, window_seconds: int) -> RateDecision:
    """The decision `hit` would give for the next attempt, without counting one.

    Used where only failures count (sign-in): ask first, count when the attempt fails.
    """
    cache_key, seconds_left = _slot(key, window_seconds)
    count = cache.get(cache_key, 0)
    if count >= limit:
        return RateDecision(allowed=False, retry_after=seconds_left)
    return RateDecision(allowed=True, retry_after=0)


def client_key(request) -> str:
    """A stable, non-reversible name for the client that sent `request`."""
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    return "client:" + _digest("client-address:" + address)
