"""Inputs of the engine added with methodology v3, gathered for ratings.inputs.

Kept apart from ratings.inputs so that module stays the one place of the heavy
appeal columns:

- the counted marks of reception visits (Evaluation.booking), under the same rules as
  appeals' marks: accepted only, and in a public snapshot only once their reply period
  is over and while no dispute of them is open;
- the appeals whose outcome is left out of the resolution component: the person's
  dispute of that outcome was upheld or, in a snapshot (which cuts evaluations off at a
  moment and leaves out disputed ones), is still open (see ratings.disputes). An outcome is the one of the appeal's current closing: a dispute of
  an earlier one (before the citizen reopened the appeal) no longer covers it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

import numpy as np
from django.db.models import F

from halyq.ratings.models import Dispute, Evaluation
from halyq.scoring.columns import VisitMarkColumns


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


def outcomes_left_out(*, open_too: bool, person_ids: Collection[int] | None = None) -> np.ndarray:
    """Sorted ids of the appeals whose current outcome is left out of resolution: upheld
    disputes, and with `open_too` open ones as well."""
    from halyq.appeals.workflow import State

    statuses = [Dispute.Status.UPHELD, *([Dispute.Status.OPEN] if open_too else [])]
    rows = Dispute.objects.filter(
        appeal__isnull=False,
        status__in=statuses,
        appeal__state=State.CLOSED,
        appeal__reopened_count=F("outcome_round"),
    )
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    return np.unique(np.array(list(rows.values_list("appeal_id", flat=True)), dtype=np.int64))
