"""Open-data rows: public regions only, no personal data, histories with evidence."""

from __future__ import annotations

import json
from datetime import date

import pytest

from halyq.programmes import opendata, services
from halyq.programmes.models import Status
from tests.programmes import factories as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(tracker):
    aigul = tracker["people"]["aigul"]
    top = make.item(tracker["programme"], "1", monitors=[aigul], weight="2.5")
    part = make.item(tracker["programme"], "1.1", parent=top, monitors=[aigul])
    services.item_report(
        actor=tracker["users"]["aigul"],
        item=part,
        status=Status.DONE,
        evidence=[make.link()],
        note="Done",
    )
    services.confirmation_submit(user=residents_of(tracker), item=part, answer="yes")
    mandate = services.mandate_register(
        actor=None,
        programme=tracker["programme"],
        source="appeal",
        source_date=date(2024, 2, 2),
        source_reference="AST-2024-000777",
        topic="roads",
        title_ru="Переход",
    )
    services.mandate_accept(
        actor=tracker["users"]["moderator"],
        mandate=mandate,
        monitors=[aigul],
        start_date=date(2024, 3, 1),
        planned_end_date=date(2024, 8, 1),
    )
    make.item(tracker["almaty_programme"], "A1")
    return tracker


def residents_of(tracker):
    from tests.programmes.conftest import residents

    return residents(1, region=tracker["astana"])[0]


def dump() -> str:
    return json.dumps(
        {
            "programmes": list(opendata.programme_rows()),
            "measures": list(opendata.measure_rows()),
            "mandates": list(opendata.mandate_rows()),
            "history": list(opendata.history_rows()),
        },
        ensure_ascii=False,
    )


def test_rows_are_json_ready_and_complete(published):
    measures = {row["id"]: row for row in opendata.measure_rows()}
    assert set(measures) == {"71-viii:1", "71-viii:1.1", "75-viii:A1"}
    part = measures["71-viii:1.1"]
    assert (
        part["parent"] == "71-viii:1"
        and part["status"] == "done"
        and part["confirmations_yes"] == 1
    )
    assert part["monitors"] == [str(published["people"]["aigul"].public_id)]
    assert measures["71-viii:1"]["weight"] == "2.5"
    mandates = list(opendata.mandate_rows())
    assert mandates[0]["tracked_on_its_own"] is True and mandates[0]["status"] == "not_started"
    history = [row for row in opendata.history_rows() if row["item"] == "71-viii:1.1"]
    reported = next(row for row in history if row["kind"] == "reported")
    assert reported["actor"] == str(published["people"]["aigul"].public_id)
    assert reported["evidence"][0]["url"] == "https://akimat.example.kz/act/1"
    assert {row["code"] for row in opendata.programme_rows()} == {
        "71-viii",
        "711000001-viii",
        "75-viii",
    }
    json.dumps(list(opendata.history_rows()))  # serialisable as it is


def test_no_personal_data_leaves(published):
    text = dump()
    assert "@" not in text  # no email of any account
    assert "AST-2024-000777" not in text  # a mandate's source reference may be an appeal number
    for user in published["users"].values():
        assert user.email not in text
    assert "Resident" not in text


def test_only_public_regions_are_exported(published, settings):
    settings.HALYQ_PUBLIC_REGION_CODES = ["75"]
    assert {row["id"] for row in opendata.measure_rows()} == {"75-viii:A1"}
    assert {row["code"] for row in opendata.programme_rows()} == {"75-viii"}
    assert list(opendata.mandate_rows()) == []
    assert all(row["item"].startswith("75-") for row in opendata.history_rows())
