"""Fixtures of the API tests: a JSON client, tokens for each role, generous rates."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def api_settings(settings):
    """High rates: throttling has its own tests."""
    settings.HALYQ_API_ANON_RATE = "100000/min"
    settings.HALYQ_API_USER_RATE = "100000/min"


@pytest.fixture
def client_en():
    """An anonymous API client that asks for English messages."""
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def token_client(user, *, language: str = "en") -> APIClient:
    """An API client authenticated with a fresh token of `user`."""
    from halyq.api.services import api_token_create

    _token, secret = api_token_create(user=user, name="tests")
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    """Attachments go to a temporary directory."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.HALYQ_SITE_URL = "https://halyq.test"


# Shared worlds: the appeals' (two regions, three offices, staff of every role, appeals)
# and the ratings' (a methodology, an office, a deputy, answered appeals).
from tests.appeals.conftest import appeals_world, world  # noqa: E402, F401
from tests.ratings.conftest import answered_appeal, deputy, methodology, office  # noqa: E402, F401
