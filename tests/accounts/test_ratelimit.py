"""halyq.core.ratelimit: counting, windows, hashed keys."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from halyq.core import ratelimit


@pytest.fixture
def clock(monkeypatch):
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(ratelimit, "_now", lambda: now["t"])
    return now


def test_allows_up_to_the_limit_then_refuses_with_the_time_left(clock):
    decisions = [ratelimit.hit("k", limit=3, window_seconds=600) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    window_start = clock["t"] // 600 * 600
    assert decisions[-1].retry_after == int(window_start + 600 - clock["t"])


def test_a_new_window_starts_afresh(clock):
    for _ in range(3):
        ratelimit.hit("k", limit=2, window_seconds=60)
    assert not ratelimit.hit("k", limit=2, window_seconds=60).allowed
    clock["t"] += 60
    assert ratelimit.hit("k", limit=2, window_seconds=60).allowed


def test_keys_are_counted_separately(clock):
    ratelimit.hit("a", limit=1, window_seconds=60)
    assert not ratelimit.hit("a", limit=1, window_seconds=60).allowed
    assert ratelimit.hit("b", limit=1, window_seconds=60).allowed


def test_peek_does_not_count(clock):
    for _ in range(5):
        assert ratelimit.peek("k", limit=2, window_seconds=60).allowed
    ratelimit.hit("k", limit=2, window_seconds=60)
    ratelimit.hit("k", limit=2, window_seconds=60)
    decision = ratelimit.peek("k", limit=2, window_seconds=60)
    assert not decision.allowed and decision.retry_after > 0


def test_retry_after_in_minutes_rounds_up():
    assert ratelimit.RateDecision(False, 61).retry_after_minutes == 2
    assert ratelimit.RateDecision(False, 5).retry_after_minutes == 1
    assert ratelimit.RateDecision(False, 900).retry_after_minutes == 15


def test_no_raw_email_or_address_reaches_the_cache(settings):
    settings.CACHES = settings.CACHES  # the local-memory cache keeps keys in a dict
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.77")
    ratelimit.hit("login:email:aigul@example.kz", limit=5, window_seconds=60)
    ratelimit.hit(ratelimit.client_key(request), limit=5, window_seconds=60)
    stored_keys = " ".join(str(key) for key in cache._cache)
    assert "ratelimit" in stored_keys
    assert "aigul" not in stored_keys and "example.kz" not in stored_keys
    assert "203.0.113.77" not in stored_keys and "203" not in ratelimit.client_key(request)


def test_client_key_is_stable_per_address_and_differs_between_addresses():
    factory = RequestFactory()
    first = ratelimit.client_key(factory.get("/", REMOTE_ADDR="198.51.100.1"))
    assert first == ratelimit.client_key(factory.get("/", REMOTE_ADDR="198.51.100.1"))
    assert first != ratelimit.client_key(factory.get("/", REMOTE_ADDR="198.51.100.2"))


def test_client_key_depends_on_the_secret(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.1")
    first = ratelimit.client_key(request)
    settings.SECRET_KEY = "another-secret"
    assert ratelimit.client_key(request) != first


def test_nonsense_limits_are_refused():
    with pytest.raises(ValueError):
        ratelimit.hit("k", limit=0, window_seconds=60)
