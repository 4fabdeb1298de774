"""Open-data rows: public regions only, no personal data, histories with evidence."""

from __future__ import annotations

import json
from datetime import date

import pytest

from halyq.directory.models import Region
from halyq.programmes import opendata, services
from halyq.programmes.models import Status
from halyq.programmes.visibility import public_region_ids
from halyq.ratings.services import publication_mode_set
from halyq.ratings.visibility import public_scope_changed
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


def regions(rating_public_codes=None) -> frozenset[int]:
    """The published regions when the rating makes these regions public (default: all)."""
    if rating_public_codes is not None:
        for region in Region.objects.exclude(code__in=rating_public_codes):
            publication_mode_set(region=region, mode="pilot")
        public_scope_changed()  # what the commit would do
    return frozenset(public_region_ids())


def residents_of(tracker):
    from tests.programmes.conftest import residents

    return residents(1, region=tracker["astana"])[0]


def dump_of(region_ids) -> str:
    return json.dumps(
        {
            "programmes": list(opendata.programme_rows(region_ids)),
            "measures": list(opendata.measure_rows(region_ids)),
            "mandates": list(opendata.mandate_rows(region_ids)),
            "history": list(opendata.history_rows(region_ids)),
        },
        ensure_ascii=False,
    )


def dump() -> str:
    return dump_of(regions())


def test_rows_are_json_ready_and_complete(published):
    measures = {row["id"]: row for row in opendata.measure_rows(regions())}
    assert set(measures) == {"71-viii:1", "71-viii:1.1", "75-viii:A1"}
    part = measures["71-viii:1.1"]
    assert (
        part["parent"] == "71-viii:1"
        and part["status"] == "done"
        and part["confirmations_yes"] == 1
    )
    assert part["monitors"] == [str(published["people"]["aigul"].public_id)]
    assert measures["71-viii:1"]["weight"] == "2.5"
    mandates = list(opendata.mandate_rows(regions()))
    assert mandates[0]["tracked_on_its_own"] is True and mandates[0]["status"] == "not_started"
    history = [row for row in opendata.history_rows(regions()) if row["item"] == "71-viii:1.1"]
    reported = next(row for row in history if row["kind"] == "reported")
    assert reported["actor"] == str(published["people"]["aigul"].public_id)
    assert reported["evidence"][0]["url"] == "https://akimat.example.kz/act/1"
    assert {row["code"] for row in opendata.programme_rows(regions())} == {
        "71-viii",
        "711000001-viii",
        "75-viii",
    }
    json.dumps(list(opendata.history_rows(regions())))  # serialisable as it is


def test_no_personal_data_leaves(published):
    text = dump()
    assert "@" not in text  # no email of any account
    assert "AST-2024-000777" not in text  # a mandate's source reference may be an appeal number
    for user in published["users"].values():
        assert user.email not in text
    assert "Resident" not in text


def test_only_public_regions_are_exported(published, settings):
    settings.HALYQ_PUBLIC_REGION_CODES = ["75"]
    assert {row["id"] for row in opendata.measure_rows(regions())} == {"75-viii:A1"}
    assert {row["code"] for row in opendata.programme_rows(regions())} == {"75-viii"}
    assert list(opendata.mandate_rows(regions())) == []
    assert all(row["item"].startswith("75-") for row in opendata.history_rows(regions()))


def test_a_region_in_pilot_for_the_rating_is_not_exported(published):
    """Public for the tracker (the default) is not enough: the rating's mode decides too."""
    only_almaty = regions(rating_public_codes=["75"])
    assert {row["id"] for row in opendata.measure_rows(only_almaty)} == {"75-viii:A1"}
    assert {row["code"] for row in opendata.programme_rows(only_almaty)} == {"75-viii"}
    assert list(opendata.mandate_rows(only_almaty)) == []
    history = list(opendata.history_rows(only_almaty))
    assert history and all(row["item"].startswith("75-") for row in history)


def test_deputies_of_unpublished_regions_are_not_named(published):
    """A monitor or reporter whose own region is not published is left out, not named."""
    aigul = str(published["people"]["aigul"].public_id)
    published["people"]["aigul"].region = published["almaty"]
    published["people"]["aigul"].save()
    astana_only = regions(rating_public_codes=["71"])
    measures = {row["id"]: row for row in opendata.measure_rows(astana_only)}
    assert measures["71-viii:1.1"]["monitors"] == []
    reported = next(
        row
        for row in opendata.history_rows(astana_only)
        if row["item"] == "71-viii:1.1" and row["kind"] == "reported"
    )
    assert reported["actor"] is None and reported["actor_role"] == "deputy"
    assert aigul not in dump_of(astana_only)


def test_a_decision_is_dated_in_the_sites_time_zone(published, settings):
    """Decided at 20:30 UTC is the next morning in Astana: the row says the local day."""
    from datetime import UTC, datetime

    from halyq.programmes.models import Mandate

    settings.TIME_ZONE = "Asia/Almaty"
    Mandate.objects.update(decided_at=datetime(2024, 3, 1, 20, 30, tzinfo=UTC))
    [row] = opendata.mandate_rows(regions())
    assert row["decided_on"] == "2024-03-02"
