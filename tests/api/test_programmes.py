"""The promise tracker through the API: programmes, measures, voters' mandates and their
histories. Published regions only, no resident ever named, a constant number of queries."""

from __future__ import annotations

import itertools
import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from halyq.accounts.services import user_set_iin
from halyq.programmes import services
from halyq.programmes.models import Confirmation, Mandate, Programme, Status
from halyq.ratings.services import publication_mode_set
from tests.programmes import factories as make
from tests.programmes.conftest import tracker  # noqa: F401 — the tracker's named world

pytestmark = pytest.mark.django_db

RESIDENT_NAME = "Erlan Residentov"
RESIDENT_EMAIL = "erlan.residentov@example.kz"
RESIDENT_IIN = "880101439151"
APPEAL_NUMBER = "AST-2024-000777"
FAR = date(2030, 12, 20)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def promises(tracker):  # noqa: F811
    """Astana public for the rating, Almaty in pilot; in Astana:

    - 71-viii:1 "Repair of Kenesary street" (weight 2.5, Aigul monitors, due 2030) and its
      part 71-viii:1.1, reported done by Aigul with a link, confirmed "yes" (with a
      photo) by the resident Erlan, who has a recognisable name, email and IIN;
    - 71-viii:2 "New school", due in 2024 and not started: overdue;
    - 711000001-viii:Y1 in the Yesil district, Bolat monitors, due 2030;
    - mandates: `accepted` tracked on its own (Aigul), `folded` into 71-viii:2,
      `declined` with a reason, `registered` from an appeal (with the appeal's number);
    - Almaty: 75-viii:A1 "Pilot measure" and a mandate, none of which may show.
    """
    publication_mode_set(region=tracker["astana"], mode="public", public_from=timezone.localdate())
    publication_mode_set(region=tracker["almaty"], mode="pilot")
    people, users = tracker["people"], tracker["users"]
    programme = tracker["programme"]
    top = make.item(
        programme,
        "1",
        end=FAR,
        monitors=[people["aigul"]],
        weight="2.5",
        title_en="Repair of Kenesary street",
        executive_body_en="City roads department",
        indicator_en="Road repaired",
        unit_en="km",
        target_value="3.5",
        topic="roads",
    )
    part = make.item(programme, "1.1", parent=top, monitors=[people["aigul"]])
    services.item_report(
        actor=users["aigul"],
        item=part,
        status=Status.DONE,
        evidence=[make.link()],
        note="Asphalt laid",
    )
    overdue = make.item(programme, "2", title_en="New school")
    yesil = make.item(tracker["yesil_programme"], "Y1", end=FAR, monitors=[people["bolat"]])

    erlan = users["erlan"]
    erlan.display_name, erlan.email = RESIDENT_NAME, RESIDENT_EMAIL
    erlan.save()
    user_set_iin(user=erlan, iin=RESIDENT_IIN)
    confirmation = services.confirmation_submit(
        user=erlan, item=part, answer="yes", photo=make.jpeg_with_gps()
    )

    def mandate(title: str, **fields) -> Mandate:
        return services.mandate_register(
            actor=None,
            programme=fields.pop("programme", programme),
            source=fields.pop("source", "meeting"),
            source_date=date(2024, 2, 2),
            topic="roads",
            title_ru=title,
            title_en=title,
            **fields,
        )

    moderator = users["moderator"]
    accepted = services.mandate_accept(
        actor=moderator,
        mandate=mandate("Crossing at school 12"),
        monitors=[people["aigul"]],
        start_date=date(2024, 3, 1),
        planned_end_date=FAR,
    )
    folded = services.mandate_accept(
        actor=moderator, mandate=mandate("A school in the north"), measure=overdue
    )
    declined = services.mandate_decline(
        actor=moderator, mandate=mandate("A casino"), reason="Out of the council's powers"
    )
    registered = mandate("Bus stop", source="appeal", source_reference=APPEAL_NUMBER)

    pilot_measure = make.item(
        tracker["almaty_programme"], "A1", title_en="Pilot measure", monitors=[people["gulnar"]]
    )
    pilot_mandate = mandate("Pilot mandate", programme=tracker["almaty_programme"])
    return {
        **tracker,
        "top": top,
        "part": part,
        "overdue": overdue,
        "yesil_measure": yesil,
        "confirmation": confirmation,
        "accepted": accepted,
        "folded": folded,
        "declined": declined,
        "registered": registered,
        "pilot_measure": pilot_measure,
        "pilot_mandate": pilot_mandate,
    }


def get(client, path, params=None, status=200) -> dict:
    response = client.get(f"/api/v1/{path}", params or {})
    assert response.status_code == status, (path, params, response.content[:500])
    return response.json()


def ids(client, path, params=None, key="id") -> list[str]:
    return [row[key] for row in get(client, path, {"page_size": 100, **(params or {})})["results"]]


def public_id(promises, name: str) -> str:
    return str(promises["people"][name].public_id)


# --- programmes ---------------------------------------------------------------------------


def test_programmes_of_published_regions_with_their_rolled_up_progress(client_en, promises):
    assert ids(client_en, "programmes/", key="code") == ["71-viii", "711000001-viii"]
    programme = get(client_en, "programmes/71-viii/")
    assert programme == {
        "code": "71-viii",
        "convocation": "VIII",
        "region": "71",
        "district": None,
        "title": {"kk": "", "ru": "Программа 71", "en": "Programme 71"},
        "description": {"kk": "", "ru": "", "en": ""},
        "adopted_on": None,
        # Measure 1 (weight 2.5) is at 100% through its done part, measure 2 (weight 1)
        # at 0%: 2.5 / 3.5.
        "progress": pytest.approx(71.43),
    }
    assert programme["progress"] == round(Programme.objects.get(code="71-viii").progress, 2)
    assert get(client_en, "programmes/711000001-viii/")["district"] == "711000001"


def test_programme_filters(client_en, promises):
    assert ids(client_en, "programmes/", {"district": "711000001"}, "code") == ["711000001-viii"]
    assert ids(client_en, "programmes/", {"region": "71", "convocation": "VIII"}, "code") == [
        "71-viii",
        "711000001-viii",
    ]
    for params in ({"region": "75"}, {"region": "99"}, {"convocation": "IX"}, {"district": "7"}):
        problem = get(client_en, "programmes/", params, status=400)
        assert problem["code"] == "validation_error"
        assert problem["errors"][0]["field"] == next(iter(params))


# --- measures -----------------------------------------------------------------------------


def test_a_measure_with_its_tracking_and_residents_answers(client_en, promises):
    aigul = public_id(promises, "aigul")
    part = get(client_en, "measures/71-viii:1.1/")
    assert part["id"] == "71-viii:1.1" and part["code"] == "1.1"
    assert part["programme"] == "71-viii" and part["parent"] == "71-viii:1"
    assert part["monitors"] == [aigul]
    assert (part["status"], part["shown_status"], part["overdue"]) == ("done", "done", False)
    assert (part["progress"], part["rolled_up_progress"]) == (100, 100.0)
    assert part["completed_on"] == timezone.localdate().isoformat()
    assert part["report_round"] == 1
    assert (part["confirmations_yes"], part["confirmations_partly"], part["confirmations_no"]) == (
        1,
        0,
        0,
    )
    assert part["confirmation_rate"] == 1.0

    top = get(client_en, "measures/71-viii:1/")
    assert top["parent"] is None and top["weight"] == "2.5" and top["topic"] == "roads"
    assert top["title"]["en"] == "Repair of Kenesary street"
    assert top["executive_body"] == {"kk": "", "ru": "", "en": "City roads department"}
    assert top["indicator"]["en"] == "Road repaired" and top["unit"]["en"] == "km"
    assert (top["target_value"], top["current_value"]) == ("3.5", None)
    assert (top["start_date"], top["planned_end_date"]) == ("2024-01-10", "2030-12-20")
    # Its own status is as reported; its progress rolls up from its done part.
    assert (top["status"], top["rolled_up_progress"]) == ("not_started", 100.0)
    assert top["confirmation_rate"] is None  # nobody answered: no rate, not 0

    late = get(client_en, "measures/71-viii:2/")
    assert (late["status"], late["shown_status"], late["overdue"]) == (
        "not_started",
        "overdue",
        True,
    )


def test_measures_are_listed_in_roadmap_order_with_measures_only(client_en, promises):
    assert ids(client_en, "measures/") == [
        "71-viii:1",
        "71-viii:1.1",
        "71-viii:2",
        "711000001-viii:Y1",
    ]
    # A mandate tracked on its own is a mandate, not a roadmap measure.
    own_item = promises["accepted"].item
    get(client_en, f"measures/{own_item.public_code}/", status=404)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"programme": "71-viii"}, ["71-viii:1", "71-viii:1.1", "71-viii:2"]),
        ({"region": "71", "district": "711000001"}, ["711000001-viii:Y1"]),
        ({"status": "overdue"}, ["71-viii:2"]),
        ({"status": "done"}, ["71-viii:1.1"]),
        ({"status": "not_started"}, ["71-viii:1", "711000001-viii:Y1"]),
        ({"overdue": "true"}, ["71-viii:2"]),
        ({"overdue": "false", "programme": "71-viii"}, ["71-viii:1", "71-viii:1.1"]),
        ({"deputy": "aigul"}, ["71-viii:1", "71-viii:1.1"]),
        ({"deputy": "bolat"}, ["711000001-viii:Y1"]),
        ({"q": "kenesary"}, ["71-viii:1"]),
        ({"topic": "roads"}, ["71-viii:1"]),
    ],
)
def test_measure_filters(client_en, promises, params, expected):
    if "deputy" in params:
        params = {"deputy": public_id(promises, params["deputy"])}
    assert ids(client_en, "measures/", params) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"region": "75"},  # in pilot: not a choice, as if it did not exist
        {"programme": "75-viii"},
        {"programme": "nope"},
        {"deputy": "gulnar"},  # a deputy of the pilot region
        {"deputy": "not-a-uuid"},
        {"status": "late"},
        {"status": ""},
        {"overdue": "maybe"},
        {"topic": "weather"},
        {"q": "x" * 101},
    ],
)
def test_bad_measure_filters_are_400_naming_the_parameter(client_en, promises, params):
    if params.get("deputy") == "gulnar":
        params = {"deputy": public_id(promises, "gulnar")}
    problem = get(client_en, "measures/", params, status=400)
    assert problem["code"] == "validation_error"
    assert [error["field"] for error in problem["errors"]] == list(params)


# --- mandates -----------------------------------------------------------------------------


def test_mandates_with_the_decision_and_their_own_tracking(client_en, promises):
    accepted, folded = promises["accepted"], promises["folded"]
    declined, registered = promises["declined"], promises["registered"]
    assert ids(client_en, "mandates/", key="code") == sorted(
        m.code for m in (accepted, folded, declined, registered)
    )
    own = get(client_en, f"mandates/{accepted.code}/")
    assert own["state"] == "accepted" and own["source"] == "meeting"
    assert own["source_date"] == "2024-02-02" and own["topic"] == "roads"
    assert own["title"]["en"] == "Crossing at school 12"
    assert own["decided_on"] == timezone.localdate().isoformat()
    assert own["item"] == f"71-viii:{accepted.code}" and own["tracked_on_its_own"] is True
    tracking = own["tracking"]
    assert tracking["monitors"] == [public_id(promises, "aigul")]
    assert (tracking["start_date"], tracking["planned_end_date"]) == ("2024-03-01", "2030-12-20")
    assert (tracking["status"], tracking["shown_status"], tracking["overdue"]) == (
        "not_started",
        "not_started",
        False,
    )
    assert tracking["confirmation_rate"] is None

    into_measure = get(client_en, f"mandates/{folded.code}/")
    assert into_measure["item"] == "71-viii:2" and into_measure["tracked_on_its_own"] is False
    assert into_measure["tracking"] is None

    refused = get(client_en, f"mandates/{declined.code}/")
    assert refused["state"] == "declined"
    assert refused["decision_reason"] == "Out of the council's powers"
    assert refused["item"] is None and refused["tracking"] is None

    waiting = get(client_en, f"mandates/{registered.code}/")
    assert waiting["state"] == "registered" and waiting["source"] == "appeal"
    assert waiting["decided_on"] is None and waiting["decision_reason"] is None
    assert "source_reference" not in waiting


def test_mandate_filters(client_en, promises):
    codes = {name: promises[name].code for name in ("accepted", "folded", "declined", "registered")}

    def listed(params):
        return ids(client_en, "mandates/", params, "code")

    assert listed({"state": "declined"}) == [codes["declined"]]
    assert listed({"source": "appeal"}) == [codes["registered"]]
    assert listed({"q": "casino"}) == [codes["declined"]]
    # The tracking filters ask about a mandate's own tracking: the folded one has none.
    assert listed({"deputy": public_id(promises, "aigul")}) == [codes["accepted"]]
    assert listed({"status": "not_started"}) == [codes["accepted"]]
    assert listed({"overdue": "true"}) == []
    assert listed({"overdue": "false"}) == [codes["accepted"]]
    assert listed({"district": "711000001"}) == []
    for params in ({"state": "maybe"}, {"source": "radio"}, {"region": "75"}):
        assert get(client_en, "mandates/", params, status=400)["code"] == "validation_error"


# --- histories ----------------------------------------------------------------------------


def test_a_measures_dated_history_with_evidence(client_en, promises):
    history = get(client_en, "measures/71-viii:1.1/history/")
    assert history["count"] == 2
    created, reported = history["results"]
    assert (created["kind"], created["actor_role"], created["actor"]) == ("created", "system", None)
    assert reported["kind"] == "reported"
    assert reported["actor_role"] == "deputy"
    assert reported["actor"] == public_id(promises, "aigul")
    assert reported["note"] == "Asphalt laid"
    changes = {change["field"]: (change["from"], change["to"]) for change in reported["changes"]}
    assert changes["status"] == ("not_started", "done")
    assert changes["progress"] == (0, 100)
    assert [change["field"] for change in reported["changes"]] == sorted(changes)
    assert reported["evidence"] == [
        {
            "kind": "link",
            "url": "https://akimat.example.kz/act/1",
            "file": None,
            "media_type": None,
            "date": "2024-06-01",
            "caption": "Act",
        }
    ]
    assert created["occurred_at"] <= reported["occurred_at"]


def test_a_mandates_history_its_registration_decision_and_tracking(client_en, promises):
    accepted = promises["accepted"]
    entries = get(client_en, f"mandates/{accepted.code}/history/")["results"]
    assert [entry["kind"] for entry in entries] == ["registered", "created", "accepted"]
    decision = entries[-1]
    assert decision["changes"] == [
        {"field": "item", "from": None, "to": f"71-viii:{accepted.code}"},
        {"field": "state", "from": "registered", "to": "accepted"},
    ]
    # Who registered or decided a mandate is not published; the tracking's creation
    # says by which role, as the open data does.
    assert decision["actor_role"] is None and decision["actor"] is None
    assert entries[1]["actor_role"] == "moderator" and entries[1]["actor"] is None

    declined = get(client_en, f"mandates/{promises['declined'].code}/history/")["results"]
    assert [entry["kind"] for entry in declined] == ["registered", "declined"]
    assert declined[-1]["note"] == "Out of the council's powers"
    folded = get(client_en, f"mandates/{promises['folded'].code}/history/")["results"]
    assert folded[-1]["changes"][0] == {"field": "item", "from": None, "to": "71-viii:2"}
    waiting = get(client_en, f"mandates/{promises['registered'].code}/history/")
    assert [entry["kind"] for entry in waiting["results"]] == ["registered"]


def test_an_item_code_with_a_slash_has_its_detail_and_its_history(client_en, promises):
    make.item(promises["programme"], "3/1", title_en="Slashed")
    assert get(client_en, "measures/71-viii:3/1/")["title"]["en"] == "Slashed"
    history = get(client_en, "measures/71-viii:3/1/history/")
    assert [entry["kind"] for entry in history["results"]] == ["created"]


# --- pilot regions, unknown codes ---------------------------------------------------------


def test_nothing_of_a_region_in_pilot_is_listed_or_found(client_en, promises):
    listed = [
        client_en.get(f"/api/v1/{path}", {"page_size": 100}).content.decode()
        for path in ("programmes/", "measures/", "mandates/")
    ]
    for body in listed:
        assert "75-viii" not in body and "Pilot" not in body
        assert public_id(promises, "gulnar") not in body
    pilot_mandate = promises["pilot_mandate"].code
    for path in (
        "programmes/75-viii/",
        "measures/75-viii:A1/",
        "measures/75-viii:A1/history/",
        f"mandates/{pilot_mandate}/",
        f"mandates/{pilot_mandate}/history/",
    ):
        problem = get(client_en, path, status=404)
        assert problem["code"] == "not_found", path


def test_a_region_public_for_the_rating_but_not_for_the_tracker_stays_out(
    client_en, promises, settings
):
    settings.HALYQ_PUBLIC_REGION_CODES = ["75"]  # the tracker's own rule: Astana not public
    assert get(client_en, "measures/")["results"] == []
    get(client_en, "measures/71-viii:1/", status=404)


@pytest.mark.parametrize(
    "path",
    [
        "programmes/99-ix/",
        "measures/71-viii:404/",
        "measures/99-ix:1/",
        "measures/71-viii:404/history/",
        "measures/no-colon/",
        "mandates/M999999/",
        "mandates/M999999/history/",
    ],
)
def test_an_unknown_code_is_a_404_problem(client_en, promises, path):
    response = client_en.get(f"/api/v1/{path}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_found"


# --- no personal data ---------------------------------------------------------------------


def every_public_body(client, promises) -> dict[str, str]:
    paths = ["programmes/", "programmes/71-viii/", "measures/", "mandates/"]
    for item in ("top", "part", "overdue", "yesil_measure"):
        code = promises[item].public_code
        paths += [f"measures/{code}/", f"measures/{code}/history/"]
    for mandate in ("accepted", "folded", "declined", "registered"):
        code = promises[mandate].code
        paths += [f"mandates/{code}/", f"mandates/{code}/history/"]
    bodies = {}
    for path in paths:
        response = client.get(f"/api/v1/{path}", {"page_size": 100})
        assert response.status_code == 200, path
        bodies[path] = response.content.decode()
    return bodies


def test_no_resident_is_ever_named(client_en, promises):
    confirmation = promises["confirmation"]
    assert Confirmation.objects.filter(user__email=RESIDENT_EMAIL).count() == 1
    photo = confirmation.photo.name
    assert photo  # the resident's photo is stored...
    secrets = [RESIDENT_NAME, "Residentov", RESIDENT_EMAIL, RESIDENT_IIN, photo, APPEAL_NUMBER]
    secrets += [user.email for user in promises["users"].values()]
    for path, body in every_public_body(client_en, promises).items():
        for secret in secrets:
            assert secret not in body, f"{path} shows {secret!r}"
        assert "@" not in body, path  # no email of anybody
        assert "confirmations/" not in body, path  # ...and never linked


# --- queries, caching ---------------------------------------------------------------------


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1/{path}", {"page_size": 100})
    assert response.status_code == 200, response.content[:300]
    return len(captured)


serial = itertools.count(1)


def add_programmes(promises, count: int) -> None:
    for _ in range(count):
        number = next(serial)
        convocation = services.convocation_create(
            code=f"C{number}", start_date=date(2000 + number, 1, 1)
        )
        services.programme_create(
            actor=None,
            code=f"71-c{number}",
            convocation=convocation,
            region=promises["astana"],
            title_ru="Программа",
        )


def add_measures(promises, count: int) -> None:
    aigul = promises["people"]["aigul"]
    for _ in range(count // 2):
        number = next(serial)
        top = make.item(promises["programme"], f"q{number}", end=FAR, monitors=[aigul])
        make.item(promises["programme"], f"q{number}.1", parent=top, monitors=[aigul])


def add_mandates(promises, count: int) -> None:
    for _ in range(count):
        mandate = services.mandate_register(
            actor=None,
            programme=promises["programme"],
            source="meeting",
            source_date=date(2024, 2, 2),
            topic="roads",
            title_ru="Наказ",
        )
        services.mandate_accept(
            actor=promises["users"]["moderator"],
            mandate=mandate,
            monitors=[promises["people"]["aigul"]],
            start_date=date(2024, 3, 1),
            planned_end_date=FAR,
        )


def add_reports(promises, count: int) -> None:
    for _ in range(count):
        number = next(serial)
        services.item_report(
            actor=promises["users"]["aigul"],
            item=promises["top"],
            status=Status.IN_PROGRESS,
            current_value=str(number),
            evidence=[make.link(url=f"https://akimat.example.kz/act/{number}")],
        )


@pytest.mark.parametrize(
    ("path", "add"),
    [
        ("programmes/", add_programmes),
        ("measures/", add_measures),
        ("mandates/", add_mandates),
        ("measures/71-viii:1/history/", add_reports),
    ],
)
def test_a_list_costs_the_same_queries_for_2_rows_as_for_20(client_en, promises, path, add):
    client_en.get(f"/api/v1/{path}")  # the published regions are cached from here on
    before = get(client_en, path, {"page_size": 100})["count"]
    add(promises, 2)
    two = count_queries(client_en, path)
    add(promises, 18)
    twenty = count_queries(client_en, path)
    assert get(client_en, path, {"page_size": 100})["count"] == before + 20
    assert two == twenty, (two, twenty)
    assert twenty <= 5


def test_public_reads_carry_an_etag_and_answer_304(client_en, promises):
    first = client_en.get("/api/v1/measures/", HTTP_ORIGIN="https://newsroom.example.org")
    assert first["Access-Control-Allow-Origin"] == "*"
    tag = first["ETag"]
    assert client_en.get("/api/v1/measures/", HTTP_IF_NONE_MATCH=tag).status_code == 304
    services.item_report(
        actor=promises["users"]["aigul"],
        item=promises["top"],
        status=Status.IN_PROGRESS,
        evidence=[make.link()],
    )
    changed = client_en.get("/api/v1/measures/", HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag


def test_answers_do_not_depend_on_the_language_asked(client_en, promises):
    from rest_framework.test import APIClient

    english = client_en.get("/api/v1/measures/71-viii:1/").content
    kazakh = APIClient(HTTP_ACCEPT_LANGUAGE="kk").get("/api/v1/measures/71-viii:1/").content
    assert json.loads(english) == json.loads(kazakh)
