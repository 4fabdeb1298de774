"""The API's conventions, checked once: problems, languages, bodies, pages, auth, rates,
CORS, ETags. Endpoints' own behaviour is in the other test modules."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.test import Client
from rest_framework.test import APIClient

from halyq.appeals.models import Appeal
from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROBLEM_FIELDS = {"type", "title", "status", "detail", "code", "instance"}


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert set(body) >= PROBLEM_FIELDS
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"/api/problems/{code}/"
    return body


# --- problems ---------------------------------------------------------------------------


def test_an_unknown_url_under_api_is_a_404_problem_for_any_method(client_en):
    for method in ("get", "post", "delete"):
        response = getattr(client_en, method)("/api/v1/no-such-thing/")
        body = assert_problem(response, 404, "not_found")
        assert body["instance"] == "/api/v1/no-such-thing/"


def test_every_problem_code_is_documented_in_the_catalogue(client_en):
    response = client_en.get("/api/problems/")
    assert response.status_code == 200
    codes = {kind["code"] for kind in response.json()}
    assert {"validation_error", "not_found", "throttled", "token_revoked"} <= codes
    detail = client_en.get("/api/problems/throttled/")
    assert detail.json()["status"] == 429
    assert_problem(client_en.get("/api/problems/nope/"), 404, "not_found")


def test_a_method_the_endpoint_does_not_take_is_405(client_en):
    assert_problem(client_en.post("/api/v1/regions/", {}, format="json"), 405, "method_not_allowed")
    assert_problem(client_en.delete("/api/v1/regions/71/"), 405, "method_not_allowed")


def test_asking_for_html_is_406(client_en):
    response = client_en.get("/api/v1/regions/", HTTP_ACCEPT="text/html")
    assert_problem(response, 406, "not_acceptable")


def test_an_unexpected_error_is_a_bare_500_problem(client_en, monkeypatch):
    from halyq.directory import selectors

    def broken():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "region_list", broken)
    response = client_en.get("/api/v1/regions/")
    body = assert_problem(response, 500, "server_error")
    assert "secret" not in response.content.decode()
    assert "Traceback" not in body["detail"]


# --- languages --------------------------------------------------------------------------


def test_messages_follow_accept_language():
    details = {}
    for language in ("en", "ru", "kk"):
        client = APIClient(HTTP_ACCEPT_LANGUAGE=f"{language};q=0.9, de;q=0.5")
        response = client.get("/api/v1/regions/99/")  # passes the URL pattern, then 404s
        details[language] = assert_problem(response, 404, "not_found")["detail"]
        assert response["Content-Language"] == language
    assert details["en"] == "Not found."
    cyrillic = re.compile("[а-яА-ЯәғқңөұүһіІ]")
    assert cyrillic.search(details["ru"]) and cyrillic.search(details["kk"])


def test_without_accept_language_the_site_default_russian_answers():
    response = APIClient().get("/api/v1/regions/99/")
    assert response["Content-Language"] == "ru"
    assert response.json()["detail"] != "Not found."


# --- bodies -----------------------------------------------------------------------------


@pytest.fixture
def citizen(world):
    return world.citizen_a


def _appeal_body(**changes) -> dict:
    body = {
        "office": "astana-main",
        "category": "housing",
        "text": "В подъезде третий месяц не работает освещение, просим помочь.",
        "idempotency_key": str(uuid.uuid4()),
    }
    body.update(changes)
    return body


def test_malformed_json_is_400_and_writes_nothing(citizen):
    client = token_client(citizen)
    response = client.post(
        "/api/v1/me/appeals/", data='{"office": "astana-main",', content_type="application/json"
    )
    assert_problem(response, 400, "malformed_body")
    assert not Appeal.objects.exists()


def test_a_body_that_is_not_json_is_415(citizen):
    client = token_client(citizen)
    response = client.post("/api/v1/me/appeals/", data="office=x", content_type="text/plain")
    assert_problem(response, 415, "unsupported_media_type")


def test_a_body_over_the_limit_is_413_and_writes_nothing(citizen, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    client = token_client(citizen)
    body = _appeal_body(text="х" * 3_000)
    response = client.post(
        "/api/v1/me/appeals/", data=json.dumps(body), content_type="application/json"
    )
    assert_problem(response, 413, "body_too_large")
    assert not Appeal.objects.exists()


def test_unknown_fields_are_refused_by_name(citizen):
    client = token_client(citizen)
    response = client.post("/api/v1/me/appeals/", _appeal_body(urgent=True), format="json")
    body = assert_problem(response, 400, "validation_error")
    assert body["errors"] == [
        {"field": "urgent", "code": "unknown_field", "detail": "This endpoint takes no such field."}
    ]
    assert not Appeal.objects.exists()


def test_wrong_types_are_400_with_one_entry_per_field(citizen):
    client = token_client(citizen)
    response = client.post(
        "/api/v1/me/appeals/",
        {"office": 12, "category": ["housing"], "text": None, "idempotency_key": "nope"},
        format="json",
    )
    body = assert_problem(response, 400, "validation_error")
    assert {error["field"] for error in body["errors"]} == {
        "office",
        "category",
        "text",
        "idempotency_key",
    }
    assert not Appeal.objects.exists()


def test_a_json_list_instead_of_an_object_is_400(citizen):
    client = token_client(citizen)
    response = client.post("/api/v1/me/appeals/", [1, 2], format="json")
    assert_problem(response, 400, "validation_error")


def test_null_characters_never_reach_the_database(client_en, astana):
    response = client_en.get("/api/v1/persons/", {"region": "7\x001"})
    assert_problem(response, 400, "validation_error")
    response = client_en.get("/api/v1/persons/", {"q": "a\x00b"})
    assert_problem(response, 400, "validation_error")


# --- query parameters and pages -----------------------------------------------------------


def test_an_invalid_enum_value_is_400_naming_the_parameter(client_en):
    body = assert_problem(
        client_en.get("/api/v1/persons/", {"kind": "senator"}), 400, "validation_error"
    )
    assert body["errors"][0]["field"] == "kind"
    assert body["errors"][0]["code"] == "invalid_choice"


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "99999999999"])
def test_a_page_that_is_not_a_whole_number_from_one_is_400(client_en, page):
    assert_problem(client_en.get("/api/v1/persons/", {"page": page}), 400, "invalid_page")


def test_a_page_past_the_last_is_404_and_the_first_page_of_nothing_is_fine(client_en):
    response = client_en.get("/api/v1/persons/")
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert_problem(client_en.get("/api/v1/persons/", {"page": 2}), 404, "page_out_of_range")


@pytest.mark.parametrize("size", ["0", "101", "x"])
def test_a_page_size_out_of_range_is_400(client_en, size):
    assert_problem(client_en.get("/api/v1/persons/", {"page_size": size}), 400, "invalid_page")


# --- authentication -----------------------------------------------------------------------


def test_no_credentials_on_a_private_endpoint_is_401_with_a_challenge(client_en):
    response = client_en.get("/api/v1/me/appeals/")
    assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_a_made_up_token_is_401_even_on_public_reads(client_en):
    client_en.credentials(HTTP_AUTHORIZATION="Token halyq_notarealtokenatallnotarealtoken1234567")
    assert_problem(client_en.get("/api/v1/regions/"), 401, "token_invalid")
    client_en.credentials(HTTP_AUTHORIZATION="Token two words")
    assert_problem(client_en.get("/api/v1/regions/"), 401, "authentication_failed")


def test_a_revoked_token_is_401(db):
    from halyq.api.models import ApiToken
    from halyq.api.services import api_token_revoke

    user = UserFactory()
    client = token_client(user)
    assert client.get("/api/v1/me/").status_code == 200
    api_token_revoke(token=ApiToken.objects.get(user=user))
    assert_problem(client.get("/api/v1/me/"), 401, "token_revoked")


def test_the_token_of_a_disabled_account_is_401(db):
    user = UserFactory()
    client = token_client(user)
    user.is_active = False
    user.save()
    assert_problem(client.get("/api/v1/me/"), 401, "account_disabled")


def test_a_session_must_send_its_csrf_token_to_write(world):
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(world.citizen_a)
    body = json.dumps(_appeal_body())
    response = browser.post("/api/v1/me/appeals/", body, content_type="application/json")
    assert_problem(response, 403, "csrf_failed")
    assert not Appeal.objects.exists()
    browser.get("/api/v1/me/")  # reads need no token
    page = browser.get("/en/accounts/login/")
    token = page.cookies["csrftoken"].value
    response = browser.post(
        "/api/v1/me/appeals/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201, response.content


# --- throttling ---------------------------------------------------------------------------


def test_anonymous_clients_are_throttled_with_retry_after(client_en, settings):
    settings.HALYQ_API_ANON_RATE = "3/min"
    for _ in range(3):
        assert client_en.get("/api/v1/regions/").status_code == 200
    response = client_en.get("/api/v1/regions/")
    assert_problem(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another address is another client.
    other = APIClient(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.0.0.9")
    assert other.get("/api/v1/regions/").status_code == 200


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client_en, settings):
    settings.HALYQ_API_ANON_RATE = "2/min"
    for number in range(2):
        client_en.get("/api/v1/regions/", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    response = client_en.get("/api/v1/regions/", HTTP_X_FORWARDED_FOR="203.0.113.77")
    assert response.status_code == 429


def test_users_are_throttled_per_user_not_per_address(db, settings):
    settings.HALYQ_API_ANON_RATE = "1/min"
    settings.HALYQ_API_USER_RATE = "3/min"
    first, second = token_client(UserFactory()), token_client(UserFactory())
    for _ in range(3):
        assert first.get("/api/v1/me/").status_code == 200
    assert_problem(first.get("/api/v1/me/"), 429, "throttled")
    assert second.get("/api/v1/me/").status_code == 200


def test_the_throttle_cache_holds_no_ip_address(client_en, settings):
    from django.core.cache import cache

    if not hasattr(cache, "_cache"):
        pytest.skip("inspects the local-memory cache's keys")
    settings.HALYQ_API_ANON_RATE = "5/min"
    client_en.get("/api/v1/regions/", REMOTE_ADDR="198.51.100.23")
    keys = [key for key in cache._cache if "throttle" in key]
    assert keys and not any("198.51.100.23" in key for key in keys)


# --- CORS ---------------------------------------------------------------------------------

ORIGIN = "https://newsroom.example.org"


def test_public_reads_allow_any_origin(client_en):
    response = client_en.get("/api/v1/regions/", HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client_en.options(
        "/api/v1/persons/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


@pytest.mark.parametrize(
    "path", ["/api/v1/me/appeals/", "/api/v1/me/tokens/", "/api/v1/staff/appeals/", "/api/schema/"]
)
def test_authenticated_endpoints_send_no_cors_headers(client_en, path):
    response = client_en.get(path, HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response
    preflight = client_en.options(
        path, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert "Access-Control-Allow-Origin" not in preflight


def test_the_cors_rule_matches_public_read_endpoints_only():
    """Every path the CORS rule opens is a public, read-only endpoint of the schema."""
    import re

    from django.conf import settings

    from tests.api.test_schema import schema_document

    rule = re.compile(settings.CORS_URLS_REGEX)
    opened = 0
    for path, item in schema_document()["paths"].items():
        sample = re.sub(r"\{[^}]+\}", "x", path)
        if not rule.match(sample):
            continue
        opened += 1
        assert set(item) <= {"get", "parameters"}, path
        assert {} in item["get"]["security"], f"{path} is not public"
    assert opened >= 20


# --- ETags --------------------------------------------------------------------------------


def test_public_reads_carry_a_strong_etag_and_answer_304(client_en):
    first = client_en.get("/api/v1/regions/")
    tag = first["ETag"]
    assert tag.startswith('"') and first["Cache-Control"].startswith("public")
    again = client_en.get("/api/v1/regions/", HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == tag
    assert client_en.get("/api/v1/regions/", HTTP_IF_NONE_MATCH='"other"').status_code == 200
    assert client_en.get("/api/v1/regions/", HTTP_IF_NONE_MATCH=f"W/{tag}").status_code == 304


def test_the_etag_changes_with_the_data(client_en, astana):
    tag = client_en.get("/api/v1/districts/")["ETag"]
    from halyq.directory.models import District

    District.objects.create(region=astana, code="711000001", name_ru="Р", name_kk="Р", name_en="R")
    response = client_en.get("/api/v1/districts/", HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert response["ETag"] != tag


def test_private_answers_carry_no_public_cache_headers(world):
    response = token_client(world.citizen_a).get("/api/v1/me/appeals/")
    assert response.status_code == 200
    assert "ETag" not in response
    assert response["Cache-Control"] == "private, no-store"
