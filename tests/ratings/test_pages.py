"""The public rating pages: leaderboard, CSV, profile, methodology; bad input; pilot regions
never shown; query counts that do not grow with rows."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from halyq.ratings.models import Evaluation
from halyq.ratings.services import evaluation_submit
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    region,
)
from tests.ratings.test_pages_helpers import (  # noqa: F401  (fixture)
    fresh_cache,
    make_pilot,
    make_public,
    make_snapshot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(methodology, astana, almaty):
    """Astana public with a small district group; Almaty public; Pavlodar in pilot, with a
    deputy whose result is in the snapshot (taken while Pavlodar was public)."""
    pavlodar = region("55")
    make_public(astana, almaty, pavlodar)
    faction = OrganizationFactory(slug="faction-astana", region=astana, name_en="Astana faction")
    people = SimpleNamespace(
        first=PersonFactory(family_name_en="Firstova", given_name_en="Aida", region=astana),
        second=PersonFactory(family_name_en="Secondov", given_name_en="Berik", region=astana),
        thin=PersonFactory(family_name_en="Thinov", given_name_en="Daniyar", region=astana),
        almaty=PersonFactory(family_name_en="Almatov", given_name_en="Erbol", region=almaty),
        pilot=PersonFactory(
            family_name_en="Pilotbekov",
            family_name_ru="Пилотбеков",
            family_name_kk="Пилотбеков",
            given_name_en="Farkhat",
            region=pavlodar,
        ),
    )
    MembershipFactory(person=people.first, organization=faction)
    snapshot = make_snapshot(
        methodology,
        [
            (people.first, "district:71", 81.5, 75.25, 87.0, 1, 1, 30),
            (people.second, "district:71", 62.0, 55.0, 69.0, 2, 2, 9),
            (people.thin, "district:71", None, None, None, None, None, 2),
            (people.almaty, "regional:75", 70.0, 60.0, 80.0, 1, 1, 15),
            (people.pilot, "district:55", 99.0, 98.0, 100.0, 1, 1, 50),
        ],
    )
    make_pilot(pavlodar)
    return SimpleNamespace(people=people, snapshot=snapshot, faction=faction, pavlodar=pavlodar)


def text(response) -> str:
    return response.content.decode()


# --------------------------------------------------------------------------- leaderboard
def test_leaderboard_shows_groups_bands_scores_and_the_unrated_apart(client, world):
    response = client.get("/en/rating/")
    assert response.status_code == 200
    page = text(response)
    assert (
        page.index("Firstova")
        < page.index("Secondov")
        < page.index("— not enough data yet")
        < page.index("Thinov")
    )
    assert "District (town) maslikhat · Astana" in page
    assert "81.5" in page and "likely 75.2–87.0" in page
    assert "band 2" in page
    assert "2 people rated" not in page and "3 people rated" in page
    assert 'class="rating-bar"' in page  # the interval drawn, not only printed


@pytest.mark.parametrize(
    "query",
    [
        "region=zz",
        "region=55",
        "level=senate",
        "kind=robot",
        "sort=random",
        "page=0",
        "page=abc",
        "faction=nope",
        "q=" + "x" * 101,
    ],
)
def test_bad_filters_are_a_400_with_the_reason(client, world, query):
    response = client.get(f"/en/rating/?{query}")
    assert response.status_code == 400
    assert "Check the filters" in text(response)


def test_a_page_past_the_end_is_a_404(client, world):
    assert client.get("/en/rating/?page=2").status_code == 404


def test_filters_keep_their_values_and_paginate(client, world, settings):
    settings.HALYQ_PAGE_SIZE = 1
    response = client.get("/en/rating/?region=71&sort=name&q=ov")
    page = text(response)
    assert '<option value="71" selected>' in page and '<option value="name" selected>' in page
    assert "Page 1 of 3" in page  # Firstova, Secondov, Thinov: one a page


def test_no_snapshot_yet(client, methodology, astana):
    make_public(astana)
    response = client.get("/en/rating/")
    assert response.status_code == 200
    assert "No rating has been published yet." in text(response)


def test_leaderboard_queries_do_not_grow_with_rows(client, world, methodology, astana, settings):
    settings.HALYQ_PAGE_SIZE = 100
    client.get("/en/rating/?sort=score")  # warm the per-snapshot index
    with CaptureQueriesContext(connection) as few:
        client.get("/en/rating/?sort=name")
    many = [PersonFactory(region=astana) for _ in range(12)]
    make_snapshot(
        methodology,
        [
            (person, "district:71", 50.0 + i, 45.0 + i, 55.0 + i, 12 - i, 1, 6)
            for i, person in enumerate(many)
        ],
    )
    client.get("/en/rating/?sort=score")
    with CaptureQueriesContext(connection) as more:
        response = client.get("/en/rating/?sort=name")
    assert text(response).count('class="card rating-row') == 12
    assert len(more) == len(few)


def test_the_rendered_board_is_reused_and_renewed_by_a_snapshot(client, world, methodology):
    client.get("/en/rating/")
    with CaptureQueriesContext(connection) as queries:
        assert "Firstova" in text(client.get("/en/rating/"))
    assert len(queries) <= 1  # at most the session; nothing of the rating
    people = world.people
    make_snapshot(methodology, [(people.second, "district:71", 90.0, 85.0, 95.0, 1, 1, 9)])
    page = text(client.get("/en/rating/"))
    assert "Secondov" in page and "Firstova" not in page


# --------------------------------------------------------------------------- CSV
def rows_of(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_csv_is_the_filtered_board_all_pages(client, world, settings):
    settings.HALYQ_PAGE_SIZE = 1
    response = client.get("/en/rating/export.csv?region=71&sort=score")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert [row["name"] for row in rows] == [
        "Firstova Aida",
        "Secondov Berik",
        "Thinov Daniyar",
    ]
    first = rows[0]
    assert (
        first["rank"],
        first["band"],
        first["score"],
        first["low"],
        first["comparison_group"],
    ) == (
        "1",
        "1",
        "81.5000",
        "75.2500",
        "district:71",
    )
    assert rows[2]["status"] == "insufficient" and rows[2]["score"] == ""
    assert first["profile"].endswith(f"/rating/people/{world.people.first.public_id}/")


def test_csv_bad_filters_are_a_400(client, world):
    assert client.get("/en/rating/export.csv?kind=robot").status_code == 400


# --------------------------------------------------------------------------- profile
def test_profile_shows_score_interval_components_with_counts_and_history(
    client, world, methodology
):
    person = world.people.first
    make_snapshot(
        methodology,
        [(person, "district:71", 83.0, 78.0, 88.0, 1, 1, 31)],
        as_of=timezone.localdate() + timedelta(days=7),
        published_at=timezone.now() + timedelta(days=7),
    )
    response = client.get(f"/en/rating/people/{person.public_id}/")
    assert response.status_code == 200
    page = text(response)
    assert "83.0" in page and "Likely between 78.0 and 88.0" in page
    assert "Rank 1 in the comparison group, band 1." in page
    for label in (
        "Problems resolved",
        "Citizens&#x27; marks",
        "Answers on time",
        "Receptions held",
        "Programme delivery",
    ):
        assert label in page
    assert re.search(r"appeals with the citizen&#x27;s verdict</dt><dd>30</dd>", page)
    assert "weight 35%" in page
    # the chart: a real picture with a text alternative, and the figures as a table
    assert 'class="chart rating-history"' in page and "<desc" in page and "From " in page
    assert page.count("<tr><td>") == 2  # two snapshots in the history table


def test_profile_says_not_enough_data_honestly(client, world):
    response = client.get(f"/en/rating/people/{world.people.thin.public_id}/")
    page = text(response)
    assert "Not enough data yet." in page
    assert "at least 5 answered (or overdue) appeals or 3 scheduled receptions" in page
    assert "Rank " not in page


def test_profile_of_pilot_or_unknown_people_is_a_404(client, world):
    import uuid

    assert client.get(f"/en/rating/people/{world.people.pilot.public_id}/").status_code == 404
    assert client.get(f"/en/rating/people/{uuid.uuid4()}/").status_code == 404


def test_profile_queries_do_not_grow_with_history(client, world, methodology):
    person = world.people.first
    url = f"/en/rating/people/{person.public_id}/"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for days in range(1, 6):
        make_snapshot(
            methodology,
            [(person, "district:71", 80.0 + days, 75.0, 88.0, 1, 1, 30)],
            as_of=timezone.localdate() - timedelta(days=days),
            published_at=timezone.now() - timedelta(days=days),
        )
    client.get(url)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


# --------------------------------------------------------------------------- methodology
def test_methodology_page_lists_parameters_versions_snapshots_and_checks(
    client, world, answered_appeal, deputy, astana
):
    appeal = answered_appeal()
    evaluation = evaluation_submit(user=appeal.author, appeal=appeal, score=1)
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.HELD)
    response = client.get("/en/rating/methodology/")
    assert response.status_code == 200
    page = text(response)
    assert "Methodology v3" in page and "This is the version in use." in page
    for parameter in (
        "window_days",
        "weights.resolution",
        "prior_strength.direct_contact",
        "defences.burst_factor",
        "timeliness.target_working_days",
    ):
        assert f"<code>{parameter}</code>" in page
    assert world.snapshot.merkle_root in page and world.snapshot.chain_head_hash in page
    assert "In plain language" in page
    assert "Deputatov" in page  # one held evaluation
    assert "Pilotbekov" not in page


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_methodology_page_in_every_language(client, world, language):
    prefix = "" if language == "ru" else f"/{language}"
    response = client.get(f"{prefix}/rating/methodology/")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in text(response)


def test_methodology_versions_and_bad_input(client, world):
    assert client.get("/en/rating/methodology/v3/").status_code == 200
    assert client.get("/en/rating/methodology/v9/").status_code == 404
    assert client.get("/en/rating/methodology/?page=x").status_code == 400
    assert client.get("/en/rating/methodology/?page=5").status_code == 404


# --------------------------------------------------------------------------- the summary tag
def render_summary(person) -> str:
    request = RequestFactory().get("/")
    request.user = UserFactory()
    return Template("{% load ratings %}{% rating_summary person %}").render(
        Context({"person": person, "request": request})
    )


def test_summary_tag_for_public_and_pilot_people(world):
    public = render_summary(world.people.first)
    assert "81.5" in public and f"/rating/people/{world.people.first.public_id}/" in public
    assert render_summary(world.people.pilot).strip() == ""


# --------------------------------------------------------------------------- pilot scan
def test_no_public_page_or_download_names_a_pilot_region_deputy(client, world, methodology):
    pilot = world.people.pilot
    public_urls = [
        "/rating/",
        "/en/rating/",
        "/kk/rating/",
        "/en/rating/?sort=score",
        "/en/rating/?sort=name",
        "/en/rating/?sort=appeals",
        "/en/rating/?level=district",
        "/en/rating/?q=pilotbekov",
        "/en/rating/methodology/",
        "/rating/methodology/",
        f"/en/rating/people/{world.people.first.public_id}/",
        f"/en/rating/people/{world.people.thin.public_id}/",
    ]
    seen = []
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        seen.append(text(response))
    for url in [
        "/en/rating/export.csv",
        "/en/rating/export.csv?q=pilotbekov",
        "/rating/export.csv?level=district",
    ]:
        response = client.get(url)
        seen.append(b"".join(response.streaming_content).decode("utf-8-sig"))
    everything = "\n".join(seen)
    for trace in ("Pilotbekov", "Пилотбеков", str(pilot.public_id)):
        assert trace not in everything, trace
    assert client.get(f"/en/rating/people/{pilot.public_id}/").status_code == 404
    # the same scan finds the deputy once the region is public: the scan can fail
    make_public(world.pavlodar, days_ago=1)
    assert "Pilotbekov" in text(client.get("/en/rating/"))


# --------------------------------------------------------------------------- admin
def test_admin_lists_are_read_only_and_modes_go_through_the_service(client, world):
    from halyq.integrity.models import LedgerEntry
    from halyq.ratings.models import PublicationMode

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    for model in (
        "methodologyversion",
        "publicationmode",
        "snapshot",
        "evaluation",
        "evaluationdecision",
        "dispute",
    ):
        assert client.get(f"/en/admin/ratings/{model}/").status_code == 200, model
    assert client.get("/en/admin/ratings/snapshot/add/").status_code == 403
    shymkent = region("79")
    before = LedgerEntry.objects.filter(kind="publication.mode").count()
    refused = client.post(
        "/en/admin/ratings/publicationmode/add/",
        {"region": shymkent.pk, "mode": "public", "public_from": ""},
    )
    assert (
        refused.status_code == 200 and not PublicationMode.objects.filter(region=shymkent).exists()
    )
    response = client.post(
        "/en/admin/ratings/publicationmode/add/",
        {"region": shymkent.pk, "mode": "public", "public_from": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert PublicationMode.objects.get(region=shymkent, council_level=None).mode == "public"
    assert LedgerEntry.objects.filter(kind="publication.mode").count() == before + 1
