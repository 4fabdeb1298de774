"""Open311 GeoReport v2: discovery, services, filing and reading requests, JSON and XML."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode
from urllib.request import Request, urlopen
from xml.etree import ElementTree

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from halyq.api.open311 import appeal_id_of, request_id
from halyq.appeals.models import Appeal, Notification
from halyq.ratings.services import publication_mode_set

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"


@pytest.fixture
def integration(world):
    """An integration account: an operator of office X (Astana) with its api_key."""
    from halyq.api.services import api_token_create

    _token, secret = api_token_create(user=world.operator_x, name="Open311 gateway")
    return secret


def parse_xml(content: bytes):
    return ElementTree.fromstring(content)  # noqa: S314 — our own server's answer


@pytest.fixture
def client():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def filing(api_key: str, **changes) -> dict:
    data = {
        "api_key": api_key,
        "service_code": "roads",
        "lat": "51.128207",
        "long": "71.430411",
        "address_string": "Astana, Kabanbay Batyr Avenue 53",
        "email": "visitor@example.kz",
        "first_name": "Aigerim",
        "last_name": "Seitova",
        "phone": "+77011234567",
        "description": "A deep pothole at the pedestrian crossing near the school.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def post_form(client, data, fmt="json", **extra):
    return client.post(
        f"{BASE}/requests.{fmt}",
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        **extra,
    )


def open311_error(response, status: int) -> str:
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body, list) and body
    assert set(body[0]) == {"code", "description"} and body[0]["code"] == status
    return " ".join(error["description"] for error in body)


# --- discovery and services -------------------------------------------------------------------


def test_discovery_in_json_and_xml(client):
    body = client.get(f"{BASE}/discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    response = client.get(f"{BASE}/discovery.xml")
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = parse_xml(response.content)
    assert root.tag == "discovery"
    formats = [node.text for node in root.iter("format")]
    assert "text/xml" in formats


def test_services_are_the_appeal_categories(client):
    services = client.get(f"{BASE}/services.json").json()
    roads = next(service for service in services if service["service_code"] == "roads")
    assert roads == {
        "service_code": "roads",
        "service_name": "Roads and transport",
        "description": "Roads and transport",
        "metadata": False,
        "type": "realtime",
        "keywords": "roads",
        "group": None,
    }
    root = parse_xml(client.get(f"{BASE}/services.xml").content)
    assert root.tag == "services"
    first = root.find("service")
    assert first.find("service_code").text and first.find("metadata").text == "false"


def test_service_names_follow_accept_language():
    russian = APIClient(HTTP_ACCEPT_LANGUAGE="ru").get(f"{BASE}/services.json").json()
    assert any(service["service_name"] == "Дороги и транспорт" for service in russian)


def test_a_service_definition_and_an_unknown_service(client):
    assert client.get(f"{BASE}/services/roads.json").json() == {
        "service_code": "roads",
        "attributes": [],
    }
    assert "service_code" in open311_error(client.get(f"{BASE}/services/nothing.json"), 404)
    response = client.get(f"{BASE}/services/nothing.xml")
    root = parse_xml(response.content)
    assert root.tag == "errors"
    assert root.find("error/code").text == "404"


def test_an_unknown_jurisdiction_and_an_unknown_resource_are_404(client, world):
    assert "jurisdiction_id" in open311_error(
        client.get(f"{BASE}/services.json", {"jurisdiction_id": "nowhere"}), 404
    )
    assert (
        client.get(f"{BASE}/services.json", {"jurisdiction_id": "astana-main"}).status_code == 200
    )
    open311_error(client.get(f"{BASE}/nothing.json"), 404)
    open311_error(client.get(f"{BASE}/services.html"), 404)


# --- filing ------------------------------------------------------------------------------------


def test_an_integration_files_a_request_registered_like_an_operators_letter(
    client, integration, world
):
    response = post_form(client, filing(integration))
    assert response.status_code == 201, response.content
    [answer] = response.json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    appeal = Appeal.objects.get()
    assert appeal_id_of(answer["service_request_id"]) == appeal.pk
    assert appeal.number in answer["service_notice"]
    assert appeal.registered_by == world.operator_x and appeal.author is None
    assert appeal.office == world.office_x and appeal.category.code == "roads"
    assert appeal.citizen_name == "Aigerim Seitova"
    assert appeal.citizen_email == "visitor@example.kz"
    assert "Kabanbay Batyr Avenue 53" in appeal.text and "51.128207, 71.430411" in appeal.text
    assert appeal.citizen_confirmed_at is None  # counts only once the visitor confirms
    assert Notification.objects.filter(
        appeal=appeal, kind=Notification.Kind.VISITOR_CONFIRMATION
    ).exists()


def test_a_retried_request_is_one_appeal(client, integration):
    first = post_form(client, filing(integration))
    second = post_form(client, filing(integration))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()[0]["service_request_id"] == second.json()[0]["service_request_id"]
    assert Appeal.objects.count() == 1


def test_filing_in_xml(client, integration):
    response = post_form(client, filing(integration), fmt="xml")
    assert response.status_code == 201
    root = parse_xml(response.content)
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text
    assert root.find("request/account_id").text is None


@pytest.mark.parametrize(
    ("changes", "mentions"),
    [
        ({"service_code": None}, "service_code"),
        ({"service_code": "nothing"}, "service_code"),
        ({"description": None}, "description"),
        ({"description": "short"}, "description"),
        ({"first_name": None, "last_name": None}, "first_name"),
        ({"email": None, "phone": None}, "email"),
        ({"long": None}, "lat"),
        ({"lat": "91"}, "lat"),
        ({"jurisdiction_id": "almaty-main"}, "jurisdiction_id"),
    ],
)
def test_bad_requests_are_400_in_the_specifications_format(client, integration, changes, mentions):
    description = open311_error(post_form(client, filing(integration, **changes)), 400)
    assert mentions in description
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("api_key", [None, "", "halyq_made-up-key-000000000000000000000000000"])
def test_a_missing_or_invalid_api_key_is_403(client, world, api_key):
    open311_error(post_form(client, filing(api_key)), 403)
    assert not Appeal.objects.exists()


def test_a_revoked_api_key_is_403(client, world, integration):
    from halyq.api.models import ApiToken
    from halyq.api.services import api_token_revoke

    api_token_revoke(token=ApiToken.objects.get())
    assert "revoked" in open311_error(post_form(client, filing(integration)), 403)


def test_a_citizens_own_key_cannot_file(client, world):
    from halyq.api.services import api_token_create

    _token, secret = api_token_create(user=world.citizen_a, name="my app")
    assert "jurisdiction_id" in open311_error(post_form(client, filing(secret)), 400)


def test_an_account_of_several_offices_names_the_jurisdiction(client, world):
    from halyq.api.services import api_token_create

    _token, secret = api_token_create(user=world.moderator_r, name="regional gateway")
    assert "jurisdiction_id" in open311_error(post_form(client, filing(secret)), 400)
    response = post_form(client, filing(secret, jurisdiction_id="astana-esil"))
    assert response.status_code == 201
    assert Appeal.objects.get().office == world.office_z


# --- reading requests ---------------------------------------------------------------------------


def _counting_appeals(w):
    """Astana goes public; Almaty stays in pilot."""
    publication_mode_set(region=w.astana, mode="public", public_from=timezone.localdate())


def test_the_public_list_has_counting_appeals_of_public_regions_only(
    client, appeals_world, integration
):
    w = appeals_world
    _counting_appeals(w)
    post_form(client, filing(integration))  # not confirmed by the visitor yet: not listed
    body = client.get(f"{BASE}/requests.json").json()
    ids = {entry["service_request_id"] for entry in body}
    assert ids == {request_id(w.appeal_a.pk), request_id(w.appeal_z.pk)}  # appeal_b: Almaty
    entry = next(e for e in body if e["service_request_id"] == request_id(w.appeal_a.pk))
    assert entry["status"] == "open"
    assert entry["service_code"] == "housing"
    assert entry["agency_responsible"] == w.office_x.name_en
    assert entry["expected_datetime"].startswith(w.appeal_a.due_on.isoformat())
    for private in ("description", "address", "lat", "long", "media_url"):
        assert entry[private] is None


def test_the_public_list_shows_no_personal_data_or_numbers(client, appeals_world):
    w = appeals_world
    _counting_appeals(w)
    for fmt in ("json", "xml"):
        text = client.get(f"{BASE}/requests.{fmt}").content.decode()
        for secret in (
            w.appeal_a.text,
            w.appeal_a.number,
            w.appeal_z.number,
            "citizen.a@",
            "Citizen A",
        ):
            assert secret not in text, (fmt, secret)


def test_list_filters_follow_the_specification(client, appeals_world):
    w = appeals_world
    _counting_appeals(w)
    assert client.get(f"{BASE}/requests.json", {"status": "closed"}).json() == []
    assert len(client.get(f"{BASE}/requests.json", {"status": "open,closed"}).json()) == 2
    assert client.get(f"{BASE}/requests.json", {"service_code": "roads"}).json() == []
    only = client.get(
        f"{BASE}/requests.json", {"service_request_id": request_id(w.appeal_z.pk)}
    ).json()
    assert [e["service_request_id"] for e in only] == [request_id(w.appeal_z.pk)]
    later = (timezone.now() + timedelta(days=1)).isoformat()
    assert client.get(f"{BASE}/requests.json", {"start_date": later}).json() == []
    assert client.get(f"{BASE}/requests.json", {"jurisdiction_id": "astana-esil"}).json()[0][
        "service_request_id"
    ] == request_id(w.appeal_z.pk)


@pytest.mark.parametrize(
    "params",
    [
        {"status": "pending"},
        {"service_code": "nothing"},
        {"start_date": "yesterday"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
    ],
)
def test_bad_list_queries_are_400(client, world, params):
    open311_error(client.get(f"{BASE}/requests.json", params), 400)


def test_one_request_by_its_id_and_ids_that_are_not_ours(client, appeals_world):
    w = appeals_world
    body = client.get(f"{BASE}/requests/{request_id(w.appeal_b.pk)}.json").json()
    assert [entry["status"] for entry in body] == ["open"]
    root = parse_xml(client.get(f"{BASE}/requests/{request_id(w.appeal_b.pk)}.xml").content)
    assert root.tag == "service_requests" and root.find("request/status").text == "open"
    for made_up in ("0" * 32, "f" * 32, "not-hex", str(w.appeal_b.pk)):
        open311_error(client.get(f"{BASE}/requests/{made_up}.json"), 404)


def test_request_ids_cannot_be_guessed_from_appeal_ids():
    ids = [request_id(number) for number in range(1, 50)]
    assert len(set(ids)) == 49
    assert all(appeal_id_of(value) == number for number, value in enumerate(ids, start=1))
    # Consecutive appeals get unrelated ids (no shared prefixes beyond chance).
    assert len({value[:4] for value in ids}) >= 45


def test_cors_for_reads_but_not_for_filing(client, integration):
    origin = "https://civic-app.example.org"
    assert (
        client.get(f"{BASE}/services.json", HTTP_ORIGIN=origin)["Access-Control-Allow-Origin"]
        == "*"
    )
    response = post_form(client, filing(integration), HTTP_ORIGIN=origin)
    assert "Access-Control-Allow-Origin" not in response


# --- exactly as the specification's examples: a plain HTTP client against a live server ---------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_plain_http_client_files_and_reads_back_in_json_and_xml(live_server, settings, tmp_path):
    from halyq.api.services import api_token_create
    from tests.appeals import factories as f

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    office = f.OfficeFactory(region=f.region("71"), slug="astana-main")
    _token, api_key = api_token_create(user=f.operator_of(office), name="gateway")

    def call(method: str, path: str, form: dict | None = None) -> tuple[int, str, bytes]:
        data = urlencode(form).encode() if form is not None else None
        request = Request(live_server.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        with urlopen(request, timeout=20) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read()

    form = filing(api_key)
    status, content_type, body = call("POST", f"{BASE}/requests.json", form)
    assert status == 201 and content_type.startswith("application/json")
    json_id = json.loads(body)[0]["service_request_id"]
    status, _type, body = call("GET", f"{BASE}/requests/{json_id}.json")
    [read_back] = json.loads(body)
    assert read_back["service_request_id"] == json_id
    assert (read_back["status"], read_back["service_code"]) == ("open", "roads")

    form = filing(api_key, description="Street lights are out along the whole block tonight.")
    status, content_type, body = call("POST", f"{BASE}/requests.xml", form)
    assert status == 201 and content_type.startswith("text/xml")
    xml_id = parse_xml(body).find("request/service_request_id").text
    status, _type, body = call("GET", f"{BASE}/requests/{xml_id}.xml")
    root = parse_xml(body)
    assert root.find("request/service_request_id").text == xml_id
    assert root.find("request/status").text == "open"
    assert root.find("request/description").text is None
    assert Appeal.objects.count() == 2
