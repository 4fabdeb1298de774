"""Fixtures of the news tests: views are counted synchronously,
and the Redis path runs against the real Redis (database 15) under a key prefix of its
own that is deleted afterwards."""

from __future__ import annotations

import uuid

import pytest

from halyq.accounts.models import RoleAssignment
from tests.factories import UserFactory
from tests.news.factories import staff_user

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(autouse=True)
def news_settings(settings):
    settings.HALYQ_NEWS_VIEW_RECORDING = "immediate"
    settings.REDIS_URL = ""
    return settings


@pytest.fixture
def redis_counting(settings):
    """Count views in the real Redis under a throwaway prefix; yields the raw client."""
    import redis

    prefix = f"halyq-test:{uuid.uuid4().hex}:"
    settings.REDIS_URL = REDIS_TEST_URL
    settings.HALYQ_NEWS_REDIS_PREFIX = prefix
    client = redis.Redis.from_url(REDIS_TEST_URL)
    yield client
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def editor(db):
    return staff_user(RoleAssignment.Role.EDITOR, display_name="Editor Aigerim")


@pytest.fixture
def publisher(db):
    return staff_user(RoleAssignment.Role.PUBLISHER, display_name="Publisher Daulet")


@pytest.fixture
def administrator(db):
    return staff_user(RoleAssignment.Role.ADMINISTRATOR, display_name="Administrator")


@pytest.fixture
def citizen(db):
    return UserFactory(display_name="Асель Нурланова", email="asel@example.kz")


@pytest.fixture
def other_citizen(db):
    return UserFactory()
