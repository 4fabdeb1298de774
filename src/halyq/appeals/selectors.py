"""Reads of appeals and offices shared by pages, exports, commands and the rating.

Every read of appeals for a user goes through `appeal_list` / `appeal_get`, which apply
`rules.visible_appeals_q`: what a user may not see does not exist for them (404).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    Func,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.http import Http404

from halyq.appeals import deadlines
from halyq.appeals.models import Appeal, AppealEvent, ReceptionOffice, rated_person
from halyq.appeals.rules import visible_appeals_q
from halyq.appeals.workflow import OPEN_STATES, VOID_STATES, Resolution, State
from halyq.core.integer_rows import integer_rows
from halyq.directory.models import Person
from halyq.scoring.columns import NO_DATE, NO_DAYS, RES_NO, RES_PARTLY, RES_UNCONFIRMED, RES_YES


@dataclass(frozen=True)
class AppealFilters:
    state: str = ""  # a State value, "open" or ""
    due: str = ""  # "overdue", "soon" or ""
    category: int | None = None
    office: int | None = None
    person: int | None = None
    region: int | None = None


def _visible(user, *, staff_only: bool) -> QuerySet[Appeal]:
    reach = visible_appeals_q(user, staff_only=staff_only)
    appeals = Appeal.objects.all()
    return appeals if reach is None else appeals.filter(reach)


def appeal_list(
    *,
    user,
    filters: AppealFilters | None = None,
    staff_only: bool = True,
    today: date | None = None,
) -> QuerySet[Appeal]:
    """Appeals the user may see, filtered, soonest deadline first.

    `staff_only=False` is the citizen's own list (only appeals they wrote).
    """
    filters = filters or AppealFilters()
    today = today or deadlines.local_date()
    if staff_only:
        appeals = _visible(user, staff_only=True)
    else:
        appeals = (
            Appeal.objects.filter(author_id=user.id)
            if user.is_authenticated
            else Appeal.objects.none()
        )
    if filters.state == "open":
        appeals = appeals.filter(state__in=OPEN_STATES)
    elif filters.state:
        appeals = appeals.filter(state=filters.state)
    if filters.due == "overdue":
        appeals = appeals.filter(state__in=OPEN_STATES, due_on__lt=today)
    elif filters.due == "soon":
        appeals = appeals.filter(
            state__in=OPEN_STATES, due_on__gte=today, due_on__lte=deadlines.due_soon_limit(today)
        )
    if filters.category:
        appeals = appeals.filter(category_id=filters.category)
    if filters.office:
        appeals = appeals.filter(office_id=filters.office)
    if filters.person:
        appeals = appeals.filter(assigned_person_id=filters.person)
    if filters.region:
        appeals = appeals.filter(region_id=filters.region)
    return appeals.select_related("office", "category", "assigned_person", "region").order_by(
        "due_on", "id"
    )


def appeal_get(*, user, number: str, staff_only: bool = False) -> Appeal:
    """One appeal the user may see, with what its page shows; Http404 otherwise."""
    appeals = _visible(user, staff_only=staff_only)
    try:
        return appeals.select_related(
            "office",
            "office__region",
            "category",
            "region",
            "assigned_person",
            "addressed_person",
            "answered_by",
            "author",
            "duplicate_of",
        ).get(number=number)
    except Appeal.DoesNotExist:
        raise Http404 from None


def appeal_history(appeal: Appeal) -> list[AppealEvent]:
    return list(appeal.events.select_related("actor").order_by("occurred_at", "id"))


def office_list(*, region=None) -> QuerySet[ReceptionOffice]:
    """Open offices with the public directory people who receive there."""
    offices = ReceptionOffice.objects.filter(is_active=True).select_related("region", "district")
    if region is not None:
        offices = offices.filter(region=region)
    return offices.prefetch_related(
        Prefetch(
            "receiving_people",
            queryset=Person.objects.order_by("family_name_ru", "given_name_ru"),
        )
    ).order_by("region__code", "district__code", "name_ru")


def offices_for_registration(user) -> QuerySet[ReceptionOffice]:
    """The offices an operator (or a moderator, an administrator) may register for."""
    from halyq.accounts import roles
    from halyq.appeals.rules import operated_office_ids

    offices = ReceptionOffice.objects.filter(is_active=True).select_related("region")
    if roles.is_administrator(user):
        return offices
    return offices.filter(
        Q(id__in=operated_office_ids(user)) | Q(region_id__in=roles.moderated_region_ids(user))
    )


def overdue_overview(*, user, today: date | None = None) -> dict[str, list[dict]]:
    """Overdue open appeals per office and per person, within the user's reach."""
    today = today or deadlines.local_date()
    overdue = _visible(user, staff_only=True).filter(state__in=OPEN_STATES, due_on__lt=today)
    open_appeals = _visible(user, staff_only=True).filter(state__in=OPEN_STATES)
    open_by_office = dict(
        open_appeals.values("office_id").annotate(n=Count("id")).values_list("office_id", "n")
    )
    by_office = list(
        overdue.values("office_id", "office__name_ru", "office__name_kk", "office__name_en")
        .annotate(overdue=Count("id"))
        .order_by("-overdue", "office_id")
    )
    for row in by_office:
        row["open"] = open_by_office.get(row["office_id"], 0)
    by_person = list(
        overdue.filter(assigned_person__isnull=False)
        .values("assigned_person_id")
        .annotate(overdue=Count("id"))
        .order_by("-overdue", "assigned_person_id")[:200]
    )
    people = Person.objects.in_bulk([row["assigned_person_id"] for row in by_person])
    for row in by_person:
        row["person"] = people.get(row["assigned_person_id"])
    return {"offices": by_office, "people": by_person}


# ------------------------------------------------------------------------ rating feed


def counts_q() -> Q:
    """Appeals a real, confirmed citizen stands behind, and that were not voided.

    `citizen_confirmed_at` says it: a web appeal gets it when filed from a confirmed
    account or when its author confirms the email later (`appeals_author_confirmed`);
    one an operator registered, when the visitor confirms it themselves. One column,
    so the rating reads the appeals table alone.
    """
    return ~Q(state__in=VOID_STATES) & Q(citizen_confirmed_at__isnull=False)


class DateOrdinal(Func):
    """A date as its proleptic Gregorian ordinal (`date.toordinal()`), computed by the database."""

    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="(%(expressions)s - DATE '0001-01-01' + 1)"
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) - julianday('0001-01-01') + 1 AS INTEGER)",
        )


@dataclass(frozen=True)
class RatingAppealColumns:
    """The appeals the rating reads, one array element per appeal (see rating_appeal_columns).

    Ids, not public ids or codes, and dates as ordinals: the rating reads millions of
    appeals, and building a Python object per value cost more than the query.
    """

    appeal: np.ndarray  # Appeal.id
    person: np.ndarray  # Person.id of who answered, else is assigned, else was addressed; 0: none
    region: np.ndarray  # Region.id
    category: np.ndarray  # Category.id
    registered: np.ndarray  # date ordinals
    due: np.ndarray
    answered: np.ndarray  # NO_DATE while unanswered
    working_days: (
        np.ndarray
    )  # working days from the start of the running term to the answer; NO_DAYS
    resolution: np.ndarray  # RES_* of halyq.scoring.columns
    transferred: np.ndarray  # bool: transferred as outside the person's competence
    counts: np.ndarray  # bool: a real citizen stands behind it (counts_q)

    def __len__(self) -> int:
        return len(self.appeal)


_RATING_COLUMNS = (
    "id",
    "r_person",
    "region_id",
    "category_id",
    "r_registered",
    "r_due",
    "r_answered",
    "r_term_started",
    "r_resolution",
    "r_transferred",
    "r_counts",
)


def rated_to(appeals: QuerySet, person_ids: Collection[int]) -> QuerySet:
    """The appeals whose work is these people's (`models.rated_person`); the index on the
    same expression (appeal_rated_person) serves it."""
    return appeals.alias(rated_person=rated_person()).filter(rated_person__in=person_ids)


def rating_appeal_columns(
    *,
    since: date,
    until: date,
    include_not_counting: bool = False,
    person_ids: Collection[int] | None = None,
) -> RatingAppealColumns:
    """The appeals registered in [since, until], as columns; only counting ones unless asked.

    Only those of `person_ids` when given (a live refresh reads one person's appeals,
    not the country's). The database computes every column as an integer, and the rows
    stream straight into arrays (`core.integer_rows`): a Python object per value cost
    more than the query for a million appeals.
    """
    appeals = Appeal.objects.filter(registered_on__gte=since, registered_on__lte=until)
    counting = counts_q()
    if not include_not_counting:
        appeals = appeals.filter(counting)
    if person_ids is not None:
        appeals = rated_to(appeals, person_ids)
    rows = (
        appeals.order_by()
        .annotate(
            r_person=Coalesce(rated_person(), 0),
            r_registered=DateOrdinal("registered_on"),
            r_due=DateOrdinal("due_on"),
            r_answered=Coalesce(DateOrdinal("answered_on"), NO_DATE),
            r_term_started=DateOrdinal("term_started_on"),
            r_resolution=Case(
                *(When(resolution=code, then=value) for code, value in _RESOLUTION_CODES.items()),
                default=RES_UNCONFIRMED,
            ),
            r_transferred=Cast("transferred_out_of_competence", IntegerField()),
            r_counts=Cast(ExpressionWrapper(counting, output_field=BooleanField()), IntegerField()),
        )
        .values_list(*_RATING_COLUMNS)
    )
    table = integer_rows(rows)
    (appeal, person, region, category, registered, due, answered, term_started) = table[:, :8].T
    answered_mask = answered != NO_DATE
    working_days = np.full(len(table), NO_DAYS, dtype=np.int64)
    working_days[answered_mask] = _working_days(
        term_started[answered_mask], answered[answered_mask]
    )
    return RatingAppealColumns(
        appeal=appeal,
        person=person,
        region=region,
        category=category,
        registered=registered,
        due=due,
        answered=answered,
        working_days=working_days,
        resolution=table[:, 8],
        transferred=table[:, 9].astype(bool),
        counts=table[:, 10].astype(bool),
    )


_RESOLUTION_CODES = {
    Resolution.YES: RES_YES,
    Resolution.PARTLY: RES_PARTLY,
    Resolution.NO: RES_NO,
    Resolution.NONE: RES_UNCONFIRMED,
}


def _working_days(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """max(0, working days d with start < d <= end) on the calendar in force, per pair.

    One lookup table over the days spanned (the calendar's prefix counts) instead of a
    call per appeal.
    """
    if not len(starts):
        return np.empty(0, dtype=np.int64)
    from halyq.appeals.calendar import current_calendar

    calendar = current_calendar()
    first = int(min(starts.min(), ends.min()))
    origin = date.fromordinal(first)
    span = int(max(starts.max(), ends.max())) - first + 1
    passed = np.array(
        [calendar.working_days_between(origin, date.fromordinal(first + k)) for k in range(span)],
        dtype=np.int64,
    )
    return np.maximum(0, passed[ends - first] - passed[starts - first])


def staff_queue_counts(*, user, today: date | None = None) -> dict[str, int]:
    """The small numbers at the top of a queue: open, due soon, overdue."""
    today = today or deadlines.local_date()
    visible = _visible(user, staff_only=True).filter(state__in=OPEN_STATES)
    return visible.aggregate(
        open=Count("id"),
        soon=Count("id", filter=Q(due_on__gte=today, due_on__lte=deadlines.due_soon_limit(today))),
        overdue=Count("id", filter=Q(due_on__lt=today)),
        unassigned=Count("id", filter=Q(state=State.REGISTERED)),
    )
