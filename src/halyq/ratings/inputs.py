"""Feeding the engine: the database's record of work, as the engine's columns.

The rating engine (halyq.scoring) sees only plain arrays. This module gathers, for the
people in a scope (all regions, or the public ones), their appeals in the
methodology's window with the counted evaluations, their receptions and their
programme deliveries. Appeals held out by the checks against manipulation, and
evaluations held or excluded, do not reach the engine.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from halyq.directory.models import Person
from halyq.ratings.groups import group_keys
from halyq.ratings.models import Evaluation
from halyq.scoring.columns import (
    NO_DATE,
    NO_DAYS,
    NO_EVALUATION,
    RES_NO,
    RES_PARTLY,
    RES_UNCONFIRMED,
    RES_YES,
    AppealColumns,
    DeliveryColumns,
    PeopleColumns,
    ReceptionColumns,
)
from halyq.scoring.methodology import Methodology

_RESOLUTION = {
    None: RES_UNCONFIRMED,
    "none": RES_UNCONFIRMED,
    "no": RES_NO,
    "partly": RES_PARTLY,
    "yes": RES_YES,
}


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
) -> dict[str, int]:
    """{appeal pseudonym: mark} of the evaluations that count.

    With `until`, only evaluations made by then whose reply period is over, and none
    with an open dispute (see ratings.snapshots).
    """
    from halyq.appeals.ledger import appeal_pseudonym
    from halyq.ratings.models import Dispute

    rows = Evaluation.objects.filter(status=Evaluation.Status.ACCEPTED, appeal__isnull=False)
    if until is not None:
        rows = rows.filter(created_at__lte=until).exclude(disputes__status=Dispute.Status.OPEN)
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    return {
        appeal_pseudonym(appeal_id): score
        for appeal_id, score in rows.values_list("appeal_id", "score").iterator(chunk_size=20_000)
    }


def rating_inputs(
    *,
    as_of: date,
    methodology: Methodology,
    region_ids: Collection[int] | None,
    person_ids: Collection[int] | None = None,
    evaluations_until: datetime | None = None,
) -> RatingInputs:
    """Everything the engine needs for the people in scope, as of a day."""
    from halyq.appeals.selectors import rating_appeals
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
    marks = counted_evaluations(until=evaluations_until, person_ids=person_ids)

    categories: dict[str, int] = {}
    appeal_rows: list[tuple[int, ...]] = []
    for appeal in rating_appeals(since=since, until=as_of, person_ids=person_ids):
        position = index.get(appeal["person"])
        if position is None:
            continue
        category = categories.setdefault(appeal["category"], len(categories))
        answered = appeal["answered_on"]
        working_days = appeal["working_days_to_answer"]
        appeal_rows.append(
            (
                position,
                category,
                appeal["registered_on"].toordinal(),
                answered.toordinal() if answered else NO_DATE,
                appeal["due_on"].toordinal(),
                NO_DAYS if working_days is None else working_days,
                _RESOLUTION[appeal["resolution"]],
                appeal["transferred_out_of_competence"],
                appeal["counts"],
                marks.get(appeal["appeal"], NO_EVALUATION),
            )
        )
    appeal_array = np.array(appeal_rows, dtype=np.int64).reshape(-1, 10)
    appeal_columns = AppealColumns.build(
        categories=tuple(categories),
        person=appeal_array[:, 0],
        category=appeal_array[:, 1],
        registered=appeal_array[:, 2],
        answered=appeal_array[:, 3],
        due=appeal_array[:, 4],
        working_days=appeal_array[:, 5],
        resolution=appeal_array[:, 6],
        transferred=appeal_array[:, 7].astype(bool),
        counts=appeal_array[:, 8].astype(bool),
        evaluation=appeal_array[:, 9],
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
