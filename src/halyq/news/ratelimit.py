"""Per-user rate limits on comments and reactions: a fixed-window counter in the cache.

Rules:
- A rate is "N/unit" with unit s, min, h or day ("5/min"); settings
  `HALYQ_NEWS_COMMENT_RATE` (default "5/min") and `HALYQ_NEWS_REACTION_RATE` (default
  "30/min") set them.
- The window is fixed (e.g. each clock minute); the (N+1)-th request in a window is
  refused, and the caller changes nothing. The answer says how many seconds to wait.
- If the cache fails, the request is let through (logged): an outage of the cache must
  not stop citizens from commenting, and the services still validate everything else.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("halyq.news.ratelimit")

_UNITS = {"s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*([a-z]+)\s*$")
DEFAULTS = {"comment": "5/min", "reaction": "30/min"}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0


def parse_rate(text: str) -> Rate:
    match = _RATE.match(text or "")
    if not match or match.group(2) not in _UNITS or int(match.group(1)) < 1:
        raise ImproperlyConfigured(
            f"News rate {text!r} is not like '5/min' (units: s, min, h, day)."
        )
    return Rate(int(match.group(1)), _UNITS[match.group(2)])


def rate_for(action: str) -> Rate:
    setting = f"HALYQ_NEWS_{action.upper()}_RATE"
    return parse_rate(getattr(settings, setting, DEFAULTS[action]))


def hit(action: str, user_id: int, *, now: float | None = None) -> Decision:
    """Count one attempt of `action` by a user and say whether it may go ahead."""
    rate = rate_for(action)
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    key = f"news:rate:{action}:{user_id}:{window}"
    try:
        cache.add(key, 0, timeout=rate.seconds + 1)
        attempts = cache.incr(key)
    except ValueError:  # evicted between add and incr: this is the first attempt
        cache.set(key, 1, timeout=rate.seconds + 1)
        attempts = 1
    except Exception as error:
        logger.warning("news rate limit: cache unavailable (%s); allowed", type(error).__name__)
        return Decision(True)
    if attempts <= rate.count:
        return Decision(True)
    retry_after = max(1, int((window + 1) * rate.seconds - now + 0.999))
    return Decision(False, retry_after)
