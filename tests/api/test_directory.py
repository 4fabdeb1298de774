"""The public directory in the API: Popolo-shaped people, organisations, memberships."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db


def test_regions_are_the_twenty_with_language_maps(client_en):
    regions = client_en.get("/api/v1/regions/").json()
    assert len(regions) == 20
    astana = next(region for region in regions if region["code"] == "71")
    assert astana["name"] == {"kk": "Астана қаласы", "ru": "город Астана", "en": "Astana"}
    assert client_en.get("/api/v1/regions/71/").json()["abbreviation"] == "AST"


def test_people_are_listed_popolo_style_with_current_memberships(client_en, example_world):
    body = client_en.get("/api/v1/persons/", {"region": "71"}).json()
    assert body["count"] == 2
    alikhan = next(p for p in body["results"] if p["family_name"]["en"] == "Nurlanov")
    assert alikhan["name"] == {
        "kk": "Нұрланов Әлихан",
        "ru": "Нурланов Алихан",
        "en": "Nurlanov Alikhan",
    }
    assert alikhan["id"] == str(example_world["people"]["alikhan"].public_id)
    assert {m["organization_id"] for m in alikhan["memberships"]} == {
        "maslikhat-astana",
        "faction-astana",
    }
    council = next(m for m in alikhan["memberships"] if m["organization_id"] == "maslikhat-astana")
    assert council["on_behalf_of_id"] == "faction-astana"
    assert set(alikhan) >= {"given_name", "patronymic_name", "image", "email", "kind"}


def test_people_are_found_by_name_in_any_script(client_en, example_world):
    for query in ("Гульнар", "Gulnar", "Гүлнар"):
        results = client_en.get("/api/v1/persons/", {"q": query}).json()["results"]
        assert [p["family_name"]["en"] for p in results] == ["Kassymova"], query


def test_people_filters_by_kind_and_organisation(client_en, example_world):
    reserve = client_en.get("/api/v1/persons/", {"kind": "reserve"}).json()["results"]
    assert [p["family_name"]["en"] for p in reserve] == ["Kim"]
    almaty = client_en.get("/api/v1/persons/", {"organization": "faction-almaty"}).json()
    assert [p["family_name"]["en"] for p in almaty["results"]] == ["Kassymova"]


def test_unknown_filter_values_are_400_not_an_empty_list(client_en, example_world):
    for params in ({"region": "99"}, {"organization": "no-such"}, {"region": "x" * 500}):
        response = client_en.get("/api/v1/persons/", params)
        assert response.status_code == 400, params
        assert response.json()["errors"][0]["field"] in params


def test_a_person_has_their_whole_history(client_en, example_world):
    person = example_world["people"]["alikhan"]
    factories.MembershipFactory(
        person=person,
        organization=example_world["factions"]["almaty"],
        start_date="2020-01-01",
        end_date="2021-01-01",
    )
    body = client_en.get(f"/api/v1/persons/{person.public_id}/").json()
    assert len(body["memberships"]) == 3
    assert "biography" in body
    listed = client_en.get("/api/v1/persons/", {"region": "71", "kind": "deputy"}).json()
    assert len(listed["results"][0]["memberships"]) == 2  # current ones only in lists


def test_an_unknown_or_malformed_person_is_404(client_en, example_world):
    assert client_en.get(f"/api/v1/persons/{uuid.uuid4()}/").status_code == 404
    assert client_en.get("/api/v1/persons/not-a-uuid/").status_code == 404
    assert (
        client_en.get(f"/api/v1/persons/{example_world['people']['olga'].pk}/").status_code == 404
    )


def test_organisations_posts_memberships_and_levels(client_en, example_world):
    organizations = client_en.get("/api/v1/organizations/", {"classification": "faction"}).json()
    assert {o["id"] for o in organizations["results"]} == {"faction-astana", "faction-almaty"}
    council = client_en.get("/api/v1/organizations/maslikhat-astana/").json()
    assert council["classification"] == "council" and council["region"] == "71"
    current = client_en.get(
        "/api/v1/memberships/", {"organization": "faction-astana", "current": "true"}
    ).json()
    assert current["count"] == 1
    ended = client_en.get(
        "/api/v1/memberships/", {"organization": "faction-astana", "current": "0"}
    )
    assert ended.json()["count"] == 0
    for wrong in ("maybe", "", "yes"):  # not silently ignored
        response = client_en.get("/api/v1/memberships/", {"current": wrong})
        assert response.status_code == 400, wrong
        assert response.json()["errors"][0]["field"] == "current"
    assert client_en.get("/api/v1/posts/").status_code == 200
    levels = client_en.get("/api/v1/council-levels/").json()
    assert levels and {"code", "name", "order"} <= set(levels[0])


def test_a_page_of_people_costs_the_same_queries_whatever_its_length(client_en, astana):
    def queries_for(count: int) -> int:
        for _ in range(count):
            membership = factories.MembershipFactory(person=factories.PersonFactory(region=astana))
            factories.MembershipFactory(person=membership.person)
        with CaptureQueriesContext(connection) as captured:
            assert client_en.get("/api/v1/persons/", {"page_size": 100}).status_code == 200
        return len(captured)

    few = queries_for(2)
    many = queries_for(20)
    assert many == few
