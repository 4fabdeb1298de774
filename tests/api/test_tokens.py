"""API tokens: created by their user (shown once, stored hashed), used, revoked."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from rest_framework.test import APIClient

from halyq.api import services
from halyq.api.models import ApiToken
from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory(email="journalist@example.kz")


def session_client(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_a_signed_in_user_creates_a_token_shown_once_and_stored_hashed(user):
    response = session_client(user).post("/api/v1/me/tokens/", {"name": "newsroom"}, format="json")
    assert response.status_code == 201
    body = response.json()
    secret = body["token"]
    assert secret.startswith("halyq_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {stored.digest, stored.prefix, stored.name}
    assert secret.startswith("halyq_" + stored.prefix)
    listed = session_client(user).get("/api/v1/me/tokens/").json()["results"]
    assert [token["prefix"] for token in listed] == [stored.prefix]
    assert "token" not in listed[0]


def test_the_token_signs_in_as_its_user_and_records_its_use(user):
    _token, secret = services.api_token_create(user=user, name="script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert client.get("/api/v1/me/").json()["email"] == "journalist@example.kz"
    assert ApiToken.objects.get(user=user).last_used_at is not None


def test_revoking_is_final_and_idempotent(user):
    token, secret = services.api_token_create(user=user, name="script")
    client = session_client(user)
    assert client.delete(f"/api/v1/me/tokens/{token.pk}/").status_code == 204
    assert client.delete(f"/api/v1/me/tokens/{token.pk}/").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert bearer.get("/api/v1/me/").json()["code"] == "token_revoked"


def test_somebody_elses_token_does_not_exist_for_you(user):
    other, _secret = services.api_token_create(user=UserFactory(), name="theirs")
    client = session_client(user)
    assert client.get(f"/api/v1/me/tokens/{other.pk}/").status_code == 404
    assert client.delete(f"/api/v1/me/tokens/{other.pk}/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_a_token_cannot_create_tokens(user):
    response = token_client(user).post("/api/v1/me/tokens/", {"name": "more"}, format="json")
    assert response.status_code == 403
    assert ApiToken.objects.filter(user=user).count() == 1


@pytest.mark.parametrize(("name", "field"), [("", "name"), ("x" * 101, "name")])
def test_a_token_needs_a_short_name(user, name, field):
    response = session_client(user).post("/api/v1/me/tokens/", {"name": name}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    assert not ApiToken.objects.exists()


def test_active_tokens_are_limited(user):
    for number in range(services.MAX_ACTIVE_TOKENS):
        services.api_token_create(user=user, name=f"t{number}")
    response = session_client(user).post("/api/v1/me/tokens/", {"name": "one more"}, format="json")
    assert response.status_code == 400
    assert ApiToken.objects.filter(user=user).count() == services.MAX_ACTIVE_TOKENS


def test_the_command_creates_lists_and_revokes(user):
    out = StringIO()
    call_command("api", "token", "create", "--user", user.email, "--name", "gateway", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    assert secret.startswith("halyq_")
    token = ApiToken.objects.get(user=user)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    out = StringIO()
    call_command("api", "token", "list", "--user", user.email, stdout=out)
    assert token.prefix in out.getvalue() and "active" in out.getvalue()
    call_command("api", "token", "revoke", f"--prefix={token.prefix}", stdout=StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_command_explains_its_failures(user):
    translation.activate("en")
    with pytest.raises(CommandError, match="No account"):
        call_command("api", "token", "create", "--user", "nobody@example.kz", "--name", "x")
    with pytest.raises(CommandError, match="Name the token"):
        call_command("api", "token", "create", "--user", user.email)
    with pytest.raises(CommandError, match="No token"):
        call_command("api", "token", "revoke", "--prefix", "nothere")
