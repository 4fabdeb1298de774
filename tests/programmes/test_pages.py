"""The public tracker pages, the CSV downloads and the staff's forms (English pages)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from halyq.directory import publication
from halyq.directory.models import Region
from halyq.programmes import services
from halyq.programmes.models import Confirmation, DisputeReview, Mandate, Status, TrackedItem
from halyq.ratings.services import publication_mode_set
from halyq.ratings.visibility import public_scope_changed
from tests.programmes import factories as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(tracker):
    """Astana: a done measure with a photo, an overdue one, a Yesil measure; Almaty: one."""
    aigul = tracker["people"]["aigul"]
    done = make.item(tracker["programme"], "1", monitors=[aigul], title_en="Repair Abai Avenue")
    services.item_report(
        actor=tracker["users"]["aigul"],
        item=done,
        status=Status.DONE,
        note="Accepted by the commission",
        evidence=[make.link(url="https://akimat.example.kz/act/77")],
    )
    late = make.item(
        tracker["programme"],
        "2",
        monitors=[aigul],
        title_en="Open a kindergarten",
        end=date(2024, 3, 1),
    )
    yesil = make.item(tracker["yesil_programme"], "Y1", title_en="Light Yesil streets")
    almaty = make.item(tracker["almaty_programme"], "A1", title_en="Almaty water main")
    return {"done": done, "late": late, "yesil": yesil, "almaty": almaty}


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response


def text(response) -> str:
    return response.content.decode()


# ------------------------------------------------------------------ public pages
def test_index_lists_regions_with_their_progress(client, filled):
    page = text(get(client, "/en/programmes/"))
    assert "Astana" in page and "Almaty" in page
    assert "/en/programmes/71/" in page


def test_region_tracker_shows_counts_charts_overdue_and_items(client, filled):
    page = text(get(client, "/en/programmes/71/"))
    assert "Repair Abai Avenue" in page and "Light Yesil streets" in page
    assert "Almaty water main" not in page
    assert "<svg" in page and 'role="img"' in page and "Items by status" in page
    assert "Overdue" in page and "Open a kindergarten" in page
    assert "Download CSV" in page
    assert "/en/programmes/programme/71-viii/" in page


def test_region_tracker_filters(client, filled):
    page = text(get(client, "/en/programmes/71/?status=overdue"))
    assert (
        "Open a kindergarten" in page
        and "Repair Abai Avenue" not in page.split('id="items-heading"')[1]
    )
    page = text(get(client, "/en/programmes/71/?q=abai"))
    items = page.split('id="items-heading"')[1]
    assert "Repair Abai Avenue" in items and "Light Yesil streets" not in items
    page = text(get(client, "/en/programmes/71/?district=711000001"))
    items = page.split('id="items-heading"')[1]
    assert "Light Yesil streets" in items and "Repair Abai Avenue" not in items


@pytest.mark.parametrize(
    "query",
    ["status=bogus", "page=0", "page=abc", "district=999999999", "kind=x", "topic=astrology"],
)
def test_bad_filters_are_a_400_not_a_500(client, filled, query):
    response = get(client, f"/en/programmes/71/?{query}", status=400)
    assert "Check the filters" in text(response)


def test_unknown_territories_and_pages_are_404(client, filled):
    get(client, "/en/programmes/99/", status=404)
    get(client, "/en/programmes/71/751000001/", status=404)
    get(client, "/en/programmes/71/?page=9", status=404)
    get(client, "/en/programmes/programme/nope/", status=404)
    get(client, "/en/programmes/items/999999/", status=404)


def test_district_tracker(client, filled, tracker):
    page = text(get(client, "/en/programmes/71/711000001/"))
    assert "Light Yesil streets" in page and "Repair Abai Avenue" not in page


def test_programme_page_shows_the_roadmap_tree(client, filled, tracker):
    make.item(tracker["programme"], "1.1", parent=filled["done"], title_en="Design the avenue")
    page = text(get(client, "/en/programmes/programme/71-viii/"))
    tree = page.split('id="roadmap-heading"')[1]
    assert tree.index("Repair Abai Avenue") < tree.index("Design the avenue")
    assert tree.index("Design the avenue") < tree.index("Open a kindergarten")
    assert "depth-1" in tree


def test_item_page_shows_the_timeline_with_its_evidence(client, filled):
    page = text(get(client, f"/en/programmes/items/{filled['done'].pk}/"))
    assert "Accepted by the commission" in page
    assert "https://akimat.example.kz/act/77" in page
    assert "Akhmetova" in page  # the deputy who reported it
    assert "Sign in to answer" in page
    assert "Report progress" not in page  # not for visitors


def test_overdue_item_page_says_how_late(client, filled):
    page = text(get(client, f"/en/programmes/items/{filled['late'].pk}/"))
    assert "overdue" in page and "working days late" in page


def test_deputy_tracker_lists_what_they_monitor(client, filled, tracker):
    aigul = tracker["people"]["aigul"]
    page = text(get(client, f"/en/programmes/deputies/{aigul.public_id}/"))
    assert "Repair Abai Avenue" in page and "Open a kindergarten" in page
    assert "Light Yesil streets" not in page


def test_the_profile_block_lists_items_with_status_badges(client, filled, tracker, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override("en"):
        html = Template("{% load programmes %}{% programme_items_for person %}").render(
            Context({"person": tracker["people"]["aigul"], "request": request})
        )
    assert "Repair Abai Avenue" in html and "status-done" in html and "status-overdue" in html
    assert f"/en/programmes/deputies/{tracker['people']['aigul'].public_id}/" in html


def test_mandate_pages_hide_the_source_reference_from_the_public(client, tracker):
    mandate = services.mandate_register(
        actor=None,
        programme=tracker["programme"],
        source="appeal",
        source_date=date(2024, 1, 5),
        source_reference="AST-2024-000123",
        topic="roads",
        title_ru="Переход",
        title_en="A crossing",
    )
    page = text(get(client, f"/en/programmes/mandates/{mandate.pk}/"))
    assert "A crossing" in page and "AST-2024-000123" not in page
    listing = text(get(client, "/en/programmes/71/mandates/?state=registered"))
    assert "A crossing" in listing
    client.force_login(tracker["users"]["moderator"])
    assert "AST-2024-000123" in text(get(client, f"/en/programmes/mandates/{mandate.pk}/"))


# ------------------------------------------------------------------ CSV
def rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_csv_download_follows_the_filters(client, filled):
    response = get(client, "/en/programmes/71/items.csv")
    assert response["Content-Type"].startswith("text/csv")
    data = rows(response)
    assert {row["code"] for row in data} == {"1", "2", "Y1"}
    done = next(row for row in data if row["code"] == "1")
    assert done["status"] == "done" and done["progress"] == "100"
    assert done["monitors"].startswith(str(filled["done"].monitors.get().public_id))
    overdue = rows(get(client, "/en/programmes/71/items.csv?status=overdue"))
    assert {row["code"] for row in overdue} == {"2", "Y1"}  # both ended in 2024, not done
    assert "@" not in "".join(str(row) for row in data)


def test_programme_and_deputy_csv(client, filled, tracker):
    assert {r["code"] for r in rows(get(client, "/en/programmes/programme/71-viii/items.csv"))} == {
        "1",
        "2",
    }
    aigul = tracker["people"]["aigul"]
    assert {
        r["code"] for r in rows(get(client, f"/en/programmes/deputies/{aigul.public_id}/items.csv"))
    } == {
        "1",
        "2",
    }


# ------------------------------------------------------------------ pilot regions
@pytest.mark.parametrize("pilot_by", ["the rating's publication mode", "the tracker's setting"])
def test_a_pilot_region_is_absent_from_every_public_page_and_csv(
    client, filled, tracker, settings, pilot_by
):
    if pilot_by == "the tracker's setting":
        settings.HALYQ_PUBLIC_REGION_CODES = ["75"]
    else:
        publication_mode_set(region=Region.objects.get(code="71"), mode="pilot")
        public_scope_changed()  # what the commit would do
    aigul = tracker["people"]["aigul"]
    mandate = services.mandate_register(
        actor=None,
        programme=tracker["programme"],
        source="meeting",
        source_date=date(2024, 1, 5),
        topic="roads",
        title_ru="Переход",
        title_en="A crossing",
    )
    assert "Astana" not in text(get(client, "/en/programmes/"))
    for url in (
        "/en/programmes/71/",
        "/en/programmes/71/items.csv",
        "/en/programmes/71/mandates/",
        "/en/programmes/71/711000001/",
        "/en/programmes/programme/71-viii/",
        "/en/programmes/programme/71-viii/items.csv",
        f"/en/programmes/items/{filled['done'].pk}/",
        f"/en/programmes/mandates/{mandate.pk}/",
    ):
        get(client, url, status=404)
    deputy_page = text(get(client, f"/en/programmes/deputies/{aigul.public_id}/"))
    assert "Repair Abai Avenue" not in deputy_page
    assert rows(get(client, f"/en/programmes/deputies/{aigul.public_id}/items.csv")) == []
    assert "Almaty water main" in text(get(client, "/en/programmes/75/"))
    # The region's staff still see it.
    for who in ("moderator", "admin", "aigul"):
        client.force_login(tracker["users"][who])
        assert "Repair Abai Avenue" in text(get(client, "/en/programmes/71/"))
        assert {r["code"] for r in rows(get(client, "/en/programmes/71/items.csv"))} == {
            "1",
            "2",
            "Y1",
        }
    client.force_login(tracker["users"]["almaty_moderator"])
    get(client, "/en/programmes/71/", status=404)


# ------------------------------------------------------------------ query counts
def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/en/programmes/71/",
        "/en/programmes/programme/71-viii/",
        "deputy",
        "/en/programmes/",
    ],
)
def test_query_count_does_not_grow_with_the_rows(client, tracker, url):
    aigul, bolat = tracker["people"]["aigul"], tracker["people"]["bolat"]
    url = f"/en/programmes/deputies/{aigul.public_id}/" if url == "deputy" else url

    def add(count, start):
        for number in range(start, start + count):
            item = make.item(
                tracker["programme"], f"Q{number}", monitors=[aigul, bolat], end=date(2024, 3, 1)
            )
            services.item_report(actor=None, item=item, status=Status.DONE, evidence=[make.link()])

    add(2, 0)
    publication.public_region_ids()  # read once a day, then cached: not per row
    few = count_queries(client, url)
    add(20, 100)
    many = count_queries(client, url)
    assert many == few, f"{url}: {few} queries for 2 items, {many} for 22"


# ------------------------------------------------------------------ staff forms
def test_a_deputy_reports_through_the_form(client, filled, tracker):
    late = filled["late"]
    client.force_login(tracker["users"]["aigul"])
    assert "Report progress" in text(get(client, f"/en/programmes/items/{late.pk}/"))
    refused = client.post(f"/en/programmes/items/{late.pk}/report/", {"status": "done"})
    assert refused.status_code == 400 and "need evidence" in text(refused)
    late.refresh_from_db()
    assert late.status == Status.NOT_STARTED
    response = client.post(
        f"/en/programmes/items/{late.pk}/report/",
        {
            "status": "done",
            "evidence_file": make.jpeg_with_gps(),
            "evidence_date": "2024-03-01",
            "evidence_caption": "The new kindergarten",
        },
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.status == Status.DONE
    page = text(get(client, f"/en/programmes/items/{late.pk}/"))
    assert "The new kindergarten" in page and "<img" in page


def test_the_report_form_refuses_a_bad_progress(client, filled, tracker):
    client.force_login(tracker["users"]["aigul"])
    response = client.post(
        f"/en/programmes/items/{filled['late'].pk}/report/",
        {"status": "in_progress", "progress": "150"},
    )
    assert response.status_code == 400
    filled["late"].refresh_from_db()
    assert filled["late"].progress == 0


@pytest.mark.parametrize("who", [None, "bolat", "erlan", "almaty_moderator", "gulnar"])
def test_staff_pages_are_404_for_whoever_may_not_use_them(client, filled, tracker, who):
    if who:
        client.force_login(tracker["users"][who])
    item = filled["done"]
    for url in (
        f"/en/programmes/items/{item.pk}/report/",
        f"/en/programmes/items/{item.pk}/cancel/",
        f"/en/programmes/items/{item.pk}/edit/",
    ):
        response = client.get(url)
        assert response.status_code in ((302,) if who is None else (404,)), (
            url,
            response.status_code,
        )
    if who not in (None, "almaty_moderator"):  # Almaty's moderator has a queue of their own
        get(client, "/en/programmes/moderation/", status=404)


def test_a_resident_confirms_on_the_item_page(client, filled, tracker):
    done = filled["yesil"]
    services.item_report(actor=None, item=done, status=Status.DONE, evidence=[make.link()])
    client.force_login(tracker["users"]["erlan"])
    page = text(get(client, f"/en/programmes/items/{done.pk}/"))
    assert "Is it really done?" in page and 'name="answer"' in page
    response = client.post(f"/en/programmes/items/{done.pk}/confirm/", {"answer": "partly"})
    assert response.status_code == 302
    assert Confirmation.objects.get().answer == "partly"
    again = client.post(f"/en/programmes/items/{done.pk}/confirm/", {"answer": "no"}, follow=True)
    assert "already answered" in text(again)
    assert Confirmation.objects.count() == 1
    client.force_login(tracker["users"]["almaty_resident"])
    page = text(get(client, f"/en/programmes/items/{done.pk}/"))
    assert 'name="answer"' not in page and "Only residents" in page


def test_the_moderator_decides_a_dispute_and_the_public_sees_it(client, filled, tracker, settings):
    settings.HALYQ_PROGRAMMES_DISPUTE_MIN_CONFIRMATIONS = 1
    done = filled["yesil"]
    services.item_report(actor=None, item=done, status=Status.DONE, evidence=[make.link()])
    services.confirmation_submit(user=tracker["users"]["erlan"], item=done, answer="no")
    review = DisputeReview.objects.get()
    client.force_login(tracker["users"]["moderator"])
    assert "Light Yesil streets" in text(get(client, "/en/programmes/moderation/"))
    response = client.post(
        f"/en/programmes/reviews/{review.pk}/decide/",
        {
            "decision": "overturned",
            "status_after": "in_progress",
            "progress": "70",
            "reason": "Half the lamps are missing",
        },
    )
    assert response.status_code == 302
    client.logout()
    page = text(get(client, f"/en/programmes/items/{done.pk}/"))
    assert "Half the lamps are missing" in page and "Delivery not confirmed" in page


def test_mandate_register_and_decide_forms(client, tracker):
    client.force_login(tracker["users"]["moderator"])
    assert get(client, "/en/programmes/mandates/new/").status_code == 200
    response = client.post(
        "/en/programmes/mandates/new/",
        {
            "programme": "71-viii",
            "source": "meeting",
            "source_date": "2023-02-01",
            "topic": "roads",
            "title_ru": "Сделать переход",
            "title_en": "Build a crossing",
        },
    )
    assert response.status_code == 302
    mandate = Mandate.objects.get()
    response = client.post(
        f"/en/programmes/mandates/{mandate.pk}/decide/",
        {
            "decision": "accept_own",
            "monitors": [tracker["people"]["aigul"].pk],
            "start_date": "2024-01-01",
            "planned_end_date": "2023-01-01",
        },
    )
    assert response.status_code == 400 and "before the start" in text(response)
    response = client.post(
        f"/en/programmes/mandates/{mandate.pk}/decide/",
        {
            "decision": "accept_own",
            "monitors": [tracker["people"]["aigul"].pk],
            "start_date": "2024-01-01",
            "planned_end_date": "2024-06-01",
        },
    )
    assert response.status_code == 302
    mandate.refresh_from_db()
    assert mandate.state == "accepted" and mandate.item.kind == TrackedItem.Kind.MANDATE


def test_the_moderator_edits_and_cancels(client, filled, tracker):
    client.force_login(tracker["users"]["moderator"])
    item = filled["late"]
    response = client.post(
        f"/en/programmes/items/{item.pk}/edit/",
        {
            "title_ru": "Открыть детский сад",
            "title_en": "Open a kindergarten",
            "start_date": "2024-01-10",
            "planned_end_date": "2024-09-01",
            "weight": "2",
            "monitors": [tracker["people"]["gulnar"].pk],
        },
    )
    assert response.status_code == 400  # Gulnar is not an Astana deputy
    response = client.post(
        f"/en/programmes/items/{item.pk}/edit/",
        {
            "title_ru": "Открыть детский сад",
            "title_en": "Open a kindergarten",
            "start_date": "2024-01-10",
            "planned_end_date": "2024-09-01",
            "weight": "2",
            "monitors": [tracker["people"]["aigul"].pk],
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.planned_end_date == date(2024, 9, 1) and item.weight == 2
    response = client.post(
        f"/en/programmes/items/{item.pk}/cancel/", {"reason": "Built by a sponsor"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.CANCELLED
    assert "Built by a sponsor" in text(get(client, f"/en/programmes/items/{item.pk}/"))


def test_the_summary_follows_a_change_at_once(client, filled, tracker):
    """Summaries are cached, but every write through the services invalidates them."""
    first = text(get(client, "/en/programmes/71/"))
    assert "Open a kindergarten" in first.split('id="overdue-heading"')[1]
    services.item_report(
        actor=None, item=filled["late"], status=Status.DONE, evidence=[make.link()]
    )
    second = text(get(client, "/en/programmes/71/"))
    overdue = second.split('id="overdue-heading"')[1] if 'id="overdue-heading"' in second else ""
    assert "Open a kindergarten" not in overdue.split("</section>")[0]


def test_item_urls_match_the_url_configuration(filled):
    from django.urls import reverse
    from django.utils import translation

    for language in ("ru", "kk", "en"):
        with translation.override(language):
            assert filled["done"].get_absolute_url() == reverse(
                "programmes:item", kwargs={"pk": filled["done"].pk}
            )


def test_a_moderator_adds_a_programme_for_their_region_only(client, tracker):
    from halyq.programmes.models import Convocation, Programme

    assert Convocation.objects.filter(code="VIII").exists()  # shipped as data
    client.force_login(tracker["users"]["moderator"])
    form = text(get(client, "/en/programmes/programme/new/"))
    assert 'value="71"' in form and 'value="75"' not in form
    data = {
        "code": "711000002-viii",
        "convocation": "VIII",
        "region": "71",
        "title_ru": "Программа Сарыарки",
    }
    refused = client.post("/en/programmes/programme/new/", {**data, "district": "711000001"})
    assert refused.status_code == 400 and "already has a programme" in text(refused)
    response = client.post("/en/programmes/programme/new/", {**data, "district": "711000002"})
    assert response.status_code == 302
    assert Programme.objects.get(code="711000002-viii").district == tracker["saryarka"]
    other = client.post("/en/programmes/programme/new/", {**data, "code": "x", "region": "75"})
    assert other.status_code == 400 and not Programme.objects.filter(code="x").exists()
    client.force_login(tracker["users"]["aigul"])
    get(client, "/en/programmes/programme/new/", status=404)
