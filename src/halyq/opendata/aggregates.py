"""Aggregate tables of the open data, with small cells suppressed.

``appeals_by_district.csv`` counts the appeals of the public regions per region,
district (of the receiving office; blank = the region's own office), category and month
of registration, broken down by where each appeal stands.

Suppression rule (HALYQ_OPENDATA_MIN_CELL, default 5, called *k* below):
1. A citizen is an account; a visitor without one is told apart by phone (ignoring
   spaces, dashes, dots and brackets), else email, else counted once per appeal. These
   details are used for counting inside the database and never leave it.
2. A row whose appeals come from fewer than *k* distinct citizens is suppressed
   entirely: every count is empty and ``suppressed`` is true.
3. In a published row, each breakdown count (open, awaiting_citizen, resolved, ...) that
   is not zero and comes from fewer than *k* citizens is left empty.
4. Complementary suppression: the breakdown counts add up to the row's ``appeals``, so
   one empty count could be recovered by subtraction. Whenever a row has empty counts,
   the next smallest non-zero counts are emptied too until at least two are empty and
   together they come from at least *k* citizens (summed per count).
5. The table has no totals or subtotals across rows (no region, category or month
   totals), so no empty count can be recovered by subtracting rows from a total.
Zero counts are shown: they describe nobody.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Cast, Concat, Lower, Replace, TruncMonth

from halyq.appeals.models import Appeal, Category
from halyq.appeals.workflow import Resolution, State
from halyq.directory.models import District, Region
from halyq.opendata.files import HashedFile, TextSink
from halyq.opendata.package import Column

OUTCOMES = (
    "open",
    "awaiting_citizen",
    "resolved",
    "partly_resolved",
    "not_resolved",
    "closed_unconfirmed",
    "rejected",
)
OUTCOME_DESCRIPTIONS = {
    "open": "Registered or assigned, not answered yet.",
    "awaiting_citizen": "Answered; the citizen has not yet said whether it was resolved.",
    "resolved": "Closed: the citizen confirmed the problem was resolved.",
    "partly_resolved": "Closed: the citizen said it was partly resolved.",
    "not_resolved": "Closed: the citizen said it was not resolved.",
    "closed_unconfirmed": "Closed after the answer without the citizen's verdict.",
    "rejected": "Rejected, or merged as a duplicate of another appeal.",
}


def minimum_cell() -> int:
    return max(1, int(getattr(settings, "HALYQ_OPENDATA_MIN_CELL", 5)))


def _outcome() -> Case:
    closed = Q(state=State.CLOSED)
    return Case(
        When(state__in=[State.REGISTERED, State.ASSIGNED], then=Value("open")),
        When(state=State.ANSWERED, then=Value("awaiting_citizen")),
        When(closed & Q(resolution=Resolution.YES), then=Value("resolved")),
        When(closed & Q(resolution=Resolution.PARTLY), then=Value("partly_resolved")),
        When(closed & Q(resolution=Resolution.NO), then=Value("not_resolved")),
        When(closed, then=Value("closed_unconfirmed")),
        default=Value("rejected"),
        output_field=CharField(),
    )


def _bare_phone() -> Replace:
    """The visitor's phone without spaces, dashes, dots or brackets, as operators vary."""
    phone = F("citizen_phone")
    for decoration in (" ", "-", "(", ")", "."):
        phone = Replace(phone, Value(decoration), Value(""))
    return phone


def _citizen() -> Case:
    """Who stands behind an appeal, as one comparable string (see rule 1)."""
    return Case(
        When(
            author__isnull=False,
            then=Concat(Value("account:"), Cast("author_id", CharField())),
        ),
        When(~Q(citizen_phone=""), then=Concat(Value("phone:"), _bare_phone())),
        When(~Q(citizen_email=""), then=Concat(Value("email:"), Lower("citizen_email"))),
        default=Concat(Value("appeal:"), Cast("id", CharField())),
        output_field=CharField(),
    )


@dataclass
class Cell:
    appeals: int = 0
    citizens: int = 0


@dataclass
class AggregateRow:
    region_id: int
    district_id: int | None
    category_id: int
    month: object
    total: Cell
    cells: dict[str, Cell]


def appeal_rows(public_region_ids: Collection[int]) -> list[AggregateRow]:
    """The unsuppressed counts (two grouped queries; one row per cell of the table)."""
    appeals = Appeal.objects.filter(region_id__in=list(public_region_ids)).annotate(
        month=TruncMonth("registered_on")
    )
    keys = ("region_id", "office__district_id", "category_id", "month")
    rows: dict[tuple, AggregateRow] = {}
    for found in appeals.values(*keys).annotate(
        appeal_count=Count("id"), citizen_count=Count(_citizen(), distinct=True)
    ):
        key = tuple(found[name] for name in keys)
        rows[key] = AggregateRow(
            *key,
            total=Cell(found["appeal_count"], found["citizen_count"]),
            cells={outcome: Cell() for outcome in OUTCOMES},
        )
    for found in (
        appeals.annotate(outcome=_outcome())
        .values(*keys, "outcome")
        .annotate(appeal_count=Count("id"), citizen_count=Count(_citizen(), distinct=True))
    ):
        key = tuple(found[name] for name in keys)
        rows[key].cells[found["outcome"]] = Cell(found["appeal_count"], found["citizen_count"])
    return list(rows.values())


def suppressed_counts(row: AggregateRow, minimum: int) -> tuple[dict[str, int | None], bool]:
    """The counts to publish for one row (None = suppressed) and whether any was suppressed."""
    if row.total.citizens < minimum:
        return {"appeals": None, **dict.fromkeys(OUTCOMES)}, True
    cells = row.cells
    hidden = {
        outcome
        for outcome in OUTCOMES
        if cells[outcome].appeals > 0 and cells[outcome].citizens < minimum
    }
    while hidden and (
        len(hidden) < 2 or sum(cells[outcome].citizens for outcome in hidden) < minimum
    ):
        candidates = [o for o in OUTCOMES if o not in hidden and cells[o].appeals > 0]
        if not candidates:
            break
        hidden.add(
            min(
                candidates,
                key=lambda o: (cells[o].citizens, cells[o].appeals, OUTCOMES.index(o)),
            )
        )
    counts: dict[str, int | None] = {"appeals": row.total.appeals}
    for outcome in OUTCOMES:
        counts[outcome] = None if outcome in hidden else cells[outcome].appeals
    return counts, bool(hidden)


def appeals_columns() -> list[Column]:
    return [
        Column("region", "string", "KATO code of the region."),
        Column("region_name_ru", "string", "The region's name in Russian."),
        Column("region_name_en", "string", "The region's name in English."),
        Column(
            "district", "string", "KATO code of the office's district (blank: regional office)."
        ),
        Column("district_name_ru", "string", "The district's name in Russian."),
        Column("district_name_en", "string", "The district's name in English."),
        Column("category", "string", "Category code."),
        Column("category_name_ru", "string", "The category's name in Russian."),
        Column("category_name_en", "string", "The category's name in English."),
        Column("month", "yearmonth", "Month of registration."),
        Column(
            "suppressed",
            "boolean",
            "true when some counts of the row are left empty (fewer than the minimum number "
            "of citizens, or to protect such a count; see README.md).",
        ),
        Column("appeals", "integer", "Appeals registered."),
        *(Column(outcome, "integer", text) for outcome, text in OUTCOME_DESCRIPTIONS.items()),
    ]


def _ordered(
    rows: list[AggregateRow],
) -> Iterator[tuple[AggregateRow, Region, District | None, Category]]:
    regions = Region.objects.in_bulk({row.region_id for row in rows})
    districts = District.objects.in_bulk({row.district_id for row in rows if row.district_id})
    categories = Category.objects.in_bulk({row.category_id for row in rows})
    resolved = [
        (row, regions[row.region_id], districts.get(row.district_id), categories[row.category_id])
        for row in rows
    ]
    resolved.sort(
        key=lambda item: (
            item[1].code,
            item[2].code if item[2] else "",
            item[3].order,
            item[3].code,
            item[0].month,
        )
    )
    yield from resolved


def write_appeals_by_district(target: HashedFile, public_region_ids: Collection[int]) -> int:
    minimum = minimum_cell()
    writer = csv.writer(TextSink(target), lineterminator="\r\n")
    writer.writerow([column.name for column in appeals_columns()])
    count = 0
    for row, region, district, category in _ordered(appeal_rows(public_region_ids)):
        counts, suppressed = suppressed_counts(row, minimum)
        writer.writerow(
            [
                region.code,
                region.name_ru,
                region.name_en,
                district.code if district else "",
                district.name_ru if district else "",
                district.name_en if district else "",
                category.code,
                category.name_ru,
                category.name_en,
                row.month.strftime("%Y-%m"),
                "true" if suppressed else "false",
                *("" if counts[name] is None else counts[name] for name in ("appeals", *OUTCOMES)),
            ]
        )
        count += 1
    target.rows = count
    return count
