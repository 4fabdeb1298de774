"""Request rates: per anonymous client (by a hash of its address) and per signed-in user.

Rules:
- Rates come from HALYQ_API_ANON_RATE (default "60/min") and HALYQ_API_USER_RATE
  (default "600/min"), read at each request so deployments and tests can change them;
  "off" disables a throttle.
- A fixed window per client: one cache counter per client and window (`add` + `incr`,
  atomic in Redis and in the local-memory cache), so a request costs two cache
  operations whatever the rate. (DRF's own throttles keep every request's timestamp,
  which grows with the rate.)
- The client address is hashed before it becomes a cache key: the cache holds no IP
  addresses. The address is REMOTE_ADDR, or X-Forwarded-For as deep as REST_FRAMEWORK's
  NUM_PROXIES says (HALYQ_API_NUM_PROXIES), so a client cannot forge a new identity.
- Over the rate the answer is a 429 problem with `Retry-After` (seconds until the window ends).
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework import throttling

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """ "60/min" → (60, 60); None or "off" → None."""
    if not rate or rate == "off":
        return None
    number, period = rate.split("/")
    return int(number), PERIODS[period.strip()[0]]


class _FixedWindowThrottle(throttling.BaseThrottle):
    scope = ""
    setting = ""
    default_rate = ""

    def identity(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        self.wait_seconds = None
        rate = parse_rate(getattr(settings, self.setting, self.default_rate))
        if rate is None:
            return True
        identity = self.identity(request)
        if identity is None:
            return True
        limit, period = rate
        now = time.time()
        window = int(now // period)
        key = f"halyq:throttle:{self.scope}:{identity}:{window}"
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window begins
            cache.add(key, 1, timeout=period + 1)
            count = 1
        if count <= limit:
            return True
        self.wait_seconds = (window + 1) * period - now
        return False

    def wait(self):
        return self.wait_seconds


class AnonymousClientThrottle(_FixedWindowThrottle):
    scope = "anon"
    setting = "HALYQ_API_ANON_RATE"
    default_rate = "60/min"

    def identity(self, request) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        address = self.get_ident(request) or ""
        return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]


class UserThrottle(_FixedWindowThrottle):
    scope = "user"
    setting = "HALYQ_API_USER_RATE"
    default_rate = "600/min"

    def identity(self, request) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return str(request.user.pk)
