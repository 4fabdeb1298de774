"""appeals_by_district.csv: counts per district, category and month, small cells suppressed."""

from __future__ import annotations

import csv
import io

import pytest
from django.db.models import Count
from django.utils import timezone

from halyq.appeals.models import Appeal
from halyq.directory.models import District
from halyq.opendata.aggregates import OUTCOMES, AggregateRow, Cell, appeal_rows, suppressed_counts
from halyq.opendata.export import export_opendata
from halyq.ratings.services import publication_mode_set
from tests.appeals.factories import OfficeFactory, deputy_user, operator_of, web_appeal
from tests.factories import PersonFactory
from tests.opendata.factories import answered_appeal, citizen, visitor_appeal

pytestmark = pytest.mark.django_db


def row(total_citizens: int, **cells: tuple[int, int]) -> AggregateRow:
    filled = {outcome: Cell(*cells.get(outcome, (0, 0))) for outcome in OUTCOMES}
    appeals = sum(cell.appeals for cell in filled.values())
    return AggregateRow(1, None, 1, None, Cell(appeals, total_citizens), filled)


def test_a_row_from_too_few_citizens_is_suppressed_whole():
    counts, suppressed = suppressed_counts(row(4, resolved=(9, 4)), minimum=5)
    assert suppressed and set(counts.values()) == {None}


def test_a_row_without_small_cells_is_published_whole():
    counts, suppressed = suppressed_counts(
        row(12, resolved=(6, 6), open=(0, 0), rejected=(6, 6)), 5
    )
    assert not suppressed
    assert counts == {"appeals": 12, **dict.fromkeys(OUTCOMES, 0), "resolved": 6, "rejected": 6}


def test_one_small_cell_takes_the_next_smallest_with_it():
    counts, suppressed = suppressed_counts(
        row(16, open=(6, 6), resolved=(8, 8), not_resolved=(2, 2)), minimum=5
    )
    assert suppressed
    assert counts["not_resolved"] is None and counts["open"] is None
    assert counts["resolved"] == 8 and counts["appeals"] == 16


def test_suppressed_cells_must_together_reach_the_minimum():
    """Two empty cells from 2 citizens in all would still say "2 appeals are there"."""
    counts, _ = suppressed_counts(row(12, open=(1, 1), resolved=(1, 1), not_resolved=(10, 10)), 5)
    assert counts["open"] is None and counts["resolved"] is None and counts["not_resolved"] is None
    assert counts["appeals"] == 12


@pytest.fixture
def district_world(db, astana, almaty, settings):
    settings.HALYQ_OPENDATA_MIN_CELL = 3
    publication_mode_set(region=astana, mode="public", public_from=timezone.localdate())
    district = District.objects.create(
        region=astana,
        code="711010000",
        name_ru="район Алматы",
        name_kk="Алматы ауданы",
        name_en="Almaty district",
    )
    office = OfficeFactory(region=astana, district=district)
    deputy = PersonFactory(region=astana)
    account = deputy_user(deputy)
    for resolution in ("yes", "yes", "yes", "no"):
        answered_appeal(
            office,
            deputy,
            account,
            citizen(),
            text="Housing problem described in detail.",
            resolution=resolution,
        )
    for _ in range(3):
        web_appeal(citizen(), office)  # open
    repeat = citizen()
    for _ in range(2):
        web_appeal(repeat, office, category=_category("roads"))
    main_office = OfficeFactory(region=astana)
    operator = operator_of(main_office)
    for visitor in (
        {"citizen_name": "A", "citizen_phone": "+77010000001"},
        {"citizen_name": "A again", "citizen_phone": "+7 701 000 00 01"},
        {"citizen_name": "B", "citizen_email": "b@example.kz"},
    ):
        visitor_appeal(main_office, operator, **visitor)
    pilot_office = OfficeFactory(region=almaty)
    for _ in range(3):
        web_appeal(citizen(), pilot_office)
    return {"district": district, "office": office, "main_office": main_office}


def _category(code):
    from tests.appeals.factories import category

    return category(code)


def exported_rows(tmp_path) -> list[dict]:
    directory = tmp_path / "export"
    export_opendata(directory)
    text = (directory / "appeals_by_district.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_table_counts_public_appeals_and_suppresses_small_cells(district_world, tmp_path):
    rows = exported_rows(tmp_path)
    assert {row["region"] for row in rows} == {"71"}  # nothing of Almaty (pilot)
    by_key = {(row["district"], row["category"]): row for row in rows}
    month = timezone.localdate().strftime("%Y-%m")
    housing = by_key[("711010000", "housing")]
    assert housing["month"] == month and housing["district_name_en"] == "Almaty district"
    # 7 citizens: 3 resolved, 3 open, 1 not resolved (below 3: emptied, and the open
    # count with it, so that 7 - 3 cannot give it away)
    assert housing["suppressed"] == "true"
    assert (housing["appeals"], housing["resolved"], housing["open"], housing["not_resolved"]) == (
        "7",
        "3",
        "",
        "",
    )
    assert housing["awaiting_citizen"] == housing["rejected"] == "0"
    # two appeals of one citizen: below 3 citizens, the whole row is empty
    roads = by_key[("711010000", "roads")]
    assert roads["suppressed"] == "true"
    assert all(roads[name] == "" for name in ("appeals", *OUTCOMES))
    # the region's own office has no district; three visits from two people
    visits = by_key[("", "roads")]
    assert visits["suppressed"] == "true" and visits["appeals"] == ""
    # no totals anywhere: every row is one region, category and month
    assert all(row["category"] and row["month"] for row in rows)


def test_citizens_are_counted_once_across_their_appeals(district_world):
    counted = {
        (found.district_id, found.category_id): found.total
        for found in appeal_rows({district_world["office"].region_id})
    }
    stored = dict(
        Appeal.objects.filter(region=district_world["office"].region)
        .values_list("category__code")
        .annotate(Count("id"))
    )
    visits = next(total for (district, _c), total in counted.items() if district is None)
    assert (visits.appeals, visits.citizens) == (3, 2)  # the same phone written two ways
    repeat = next(
        total for (district, category), total in counted.items() if district and total.appeals == 2
    )
    assert repeat.citizens == 1
    assert sum(total.appeals for total in counted.values()) == sum(stored.values())


def test_a_larger_minimum_suppresses_more(district_world, tmp_path, settings):
    settings.HALYQ_OPENDATA_MIN_CELL = 8
    rows = exported_rows(tmp_path)
    assert all(row["suppressed"] == "true" and row["appeals"] == "" for row in rows)
