"""Feeding the engine: the database's record of work, as the engine's columns.

The rating engine (halyq.scoring) sees only plain arrays. This module gathers, for the
people in a scope (all regions, or the public ones), their appeals in the
methodology's window with the counted evaluations, their receptions and their
programme deliveries. Appeals held out by the checks against manipulation, and
evaluations held or excluded, do not reach the engine. The marks of reception visits and
the outcomes left out after a dispute come from ratings.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from django.db.models import F, Max, Q
from django.utils import timezone

from halyq.core.integer_rows import integer_rows
from halyq.directory.models import Person
from halyq.ratings.groups import group_keys
from halyq.ratings.models import Dispute, Evaluation
from halyq.scoring.columns import (
    NO_EVALUATION,
    AppealColumns,
    DeliveryColumns,
    PeopleColumns,
    ReceptionColumns,
    VisitMarkColumns,
)
from halyq.scoring.methodology import Methodology


@dataclass
class RatingInputs:
    people: list[Person]
    columns: tuple[PeopleColumns, AppealColumns, ReceptionColumns, DeliveryColumns]

    def person_by_public_id(self) -> dict[str, Person]:
        return {str(person.public_id): person for person in self.people}


def people_in_scope(
    *, region_ids: Collection[int] | None, person_ids: Collection[int] | None = None
) -> list[Person]:
    people = Person.objects.select_related("region").order_by("id")
    if region_ids is not None:
        people = people.filter(region_id__in=region_ids)
    if person_ids is not None:
        people = people.filter(id__in=person_ids)
    return list(people)


def counted_evaluations(
    *, until: datetime | None = None, person_ids: Collection[int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(appeal ids, marks) of the evaluations that count, sorted by appeal id.

    With `until`, only evaluations made by then whose reply period is over, and none
    with an open dispute (see ratings.snapshots).
    """
    rows = Evaluation.objects.filter(status=Evaluation.Status.ACCEPTED, appeal__isnull=False)
    if until is not None:
        rows = rows.filter(created_at__lte=until).exclude(disputes__status=Dispute.Status.OPEN)
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    pairs = integer_rows(rows.order_by("appeal_id").values_list("appeal_id", "score"))
    return pairs[:, 0], pairs[:, 1]


def _marks(appeals: np.ndarray, evaluated: np.ndarray, marks: np.ndarray) -> np.ndarray:
    """Each appeal's counted mark, NO_EVALUATION where it has none."""
    found = np.full(len(appeals), NO_EVALUATION, dtype=np.int64)
    if len(evaluated):
        at = np.minimum(np.searchsorted(evaluated, appeals), len(evaluated) - 1)
        hit = evaluated[at] == appeals
        found[hit] = marks[at[hit]]
    return found


def rating_inputs(
    *,
    as_of: date,
    methodology: Methodology,
    region_ids: Collection[int] | None,
    person_ids: Collection[int] | None = None,
    evaluations_until: datetime | None = None,
) -> RatingInputs:
    """Everything the engine needs for the people in scope, as of a day."""
    from halyq.appeals.models import Category
    from halyq.appeals.selectors import RatingAppealColumns, rating_appeal_columns
    from halyq.programmes.selectors import delivery_records
    from halyq.receptions.selectors import rating_receptions

    people = people_in_scope(region_ids=region_ids, person_ids=person_ids)
    keys = group_keys(people)
    index = {str(person.public_id): position for position, person in enumerate(people)}
    people_columns = PeopleColumns(
        tuple(str(person.public_id) for person in people),
        tuple(keys[person.id] for person in people),
    )
    since = as_of - timedelta(days=methodology.window_days)
    evaluations = counted_evaluations(until=evaluations_until, person_ids=person_ids)

    appeals = rating_appeal_columns(since=since, until=as_of, person_ids=person_ids)
    # Person ids to positions in `people` (-1: not in scope, e.g. a pilot region's).
    largest = max(max((person.id for person in people), default=0), appeals.person.max(initial=0))
    position = np.full(int(largest) + 1, -1)
    position[[person.id for person in people]] = np.arange(len(people))
    in_scope = position[appeals.person] >= 0
    appeals = RatingAppealColumns(
        **{name: values[in_scope] for name, values in vars(appeals).items()}
    )
    # Categories numbered in order of first appearance.
    present, first = np.unique(appeals.category, return_index=True)
    present = present[np.argsort(first)]
    category_index = np.zeros(int(present.max(initial=0)) + 1, dtype=np.int64)
    category_index[present] = np.arange(len(present))
    codes = dict(Category.objects.values_list("id", "code"))
    appeal_columns = AppealColumns.build(
        categories=tuple(codes[category_id] for category_id in present.tolist()),
        person=position[appeals.person],
        category=category_index[appeals.category],
        registered=appeals.registered,
        answered=appeals.answered,
        due=appeals.due,
        working_days=appeals.working_days,
        resolution=appeals.resolution,
        transferred=appeals.transferred,
        counts=appeals.counts,
        evaluation=_marks(appeals.appeal, *evaluations),
        outcome_counts=~np.isin(
            appeals.appeal,
            outcomes_left_out(
                open_too=evaluations_until is not None,
                given_after=evaluations_until,
                person_ids=person_ids,
            ),
        ),
    )

    reception_rows = [
        (
            index[r["person_id"]],
            r["held_on"].toordinal(),
            r["scheduled_slots"],
            r["booked"],
            r["attended"],
            r["held"],
        )
        for r in rating_receptions(since=since, until=as_of, person_ids=person_ids)
        if r["person_id"] in index
    ]
    receptions = np.array(reception_rows, dtype=np.int64).reshape(-1, 6)
    reception_columns = ReceptionColumns.build(
        person=receptions[:, 0],
        held_on=receptions[:, 1],
        scheduled_slots=receptions[:, 2],
        booked=receptions[:, 3],
        attended=receptions[:, 4],
        held=receptions[:, 5].astype(bool),
        marks=visit_mark_columns(
            counted_visit_marks(
                since=since, until_day=as_of, until=evaluations_until, person_ids=person_ids
            ),
            position,
        ),
    )

    deliveries = [
        d for d in delivery_records(as_of=as_of, person_ids=person_ids) if d.person_id in index
    ]
    delivery_columns = DeliveryColumns.build(
        person=np.array([index[d.person_id] for d in deliveries], dtype=np.int64),
        weight=np.array([d.weight for d in deliveries], dtype=np.float64),
        due=np.array([d.due_on.toordinal() for d in deliveries], dtype=np.int64),
        on_time=np.array([d.delivered_on_time for d in deliveries], dtype=bool),
        dispute_share=np.array([d.dispute_share for d in deliveries], dtype=np.float64),
    )
    return RatingInputs(
        people, (people_columns, appeal_columns, reception_columns, delivery_columns)
    )


def counted_visit_marks(
    *,
    since: date,
    until_day: date,
    until: datetime | None = None,
    person_ids: Collection[int] | None = None,
) -> np.ndarray:
    """Rows of (person id, reception date ordinal, mark) of the counted evaluations of
    visits to receptions dated in [since, until_day]. With `until`, only those made by
    then and not under an open dispute."""
    rows = Evaluation.objects.filter(
        status=Evaluation.Status.ACCEPTED,
        booking__isnull=False,
        booking__reception__date__gte=since,
        booking__reception__date__lte=until_day,
    )
    if until is not None:
        rows = rows.filter(created_at__lte=until).exclude(disputes__status=Dispute.Status.OPEN)
    if person_ids is not None:
        rows = rows.filter(booking__reception__person_id__in=person_ids)
    found = rows.order_by("id").values_list(
        "booking__reception__person_id", "booking__reception__date", "score"
    )
    return np.array(
        [(person, day.toordinal(), score) for person, day, score in found], dtype=np.int64
    ).reshape(-1, 3)


def visit_mark_columns(visits: np.ndarray, position: np.ndarray) -> VisitMarkColumns:
    """The marks of people in scope, by their position (`position[person id]`, -1 when out
    of scope, e.g. a pilot region's person in a public snapshot)."""
    known = visits[visits[:, 0] < len(position)]
    at = position[known[:, 0]]
    known, at = known[at >= 0], at[at >= 0]
    return VisitMarkColumns.build(person=at, held_on=known[:, 1], mark=known[:, 2])


def outcomes_left_out(
    *,
    open_too: bool,
    given_after: datetime | None = None,
    person_ids: Collection[int] | None = None,
) -> np.ndarray:
    """Sorted ids of the appeals whose current outcome is left out of resolution: upheld
    disputes; with `open_too` open ones as well; with `given_after`, every outcome given
    after that moment (still in the person's reply period, whatever the verdict, so that
    holding verdicts back favours nobody)."""
    from halyq.appeals.models import Appeal
    from halyq.appeals.selectors import rated_to
    from halyq.appeals.workflow import State
    from halyq.ratings.disputes import closing_moment

    statuses = [Dispute.Status.UPHELD, *([Dispute.Status.OPEN] if open_too else [])]
    rows = Dispute.objects.filter(
        appeal__isnull=False,
        status__in=statuses,
        appeal__state=State.CLOSED,
        appeal__reopened_count=F("outcome_round"),
    )
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    left_out = list(rows.values_list("appeal_id", flat=True))
    # Nothing stored was given after now: the staff snapshot (cutoff now) skips the look.
    if given_after is not None and given_after < timezone.now():
        # Closed on or after the cutoff's day: then the exact moment decides.
        recent = Appeal.objects.filter(
            state=State.CLOSED, closed_on__gte=timezone.localdate(given_after)
        )
        if person_ids is not None:
            recent = rated_to(recent, person_ids)
        recent = recent.annotate(
            last_closing=Max("events__occurred_at", filter=Q(events__to_state=State.CLOSED))
        ).only("id", "closed_on")
        left_out += [
            appeal.id
            for appeal in recent
            if closing_moment(appeal, appeal.last_closing) > given_after
        ]
    return np.unique(np.array(left_out, dtype=np.int64))
