"""Columnar (NumPy) form of the engine's inputs -- the fast path.

Dates are proleptic ordinals (``date.toordinal()``); missing values use the
sentinels documented on each field. ``compute`` converts records to these
columns; callers with millions of rows (the Django side, the benchmark) build
the columns directly and call ``compute_columns``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from halyq.scoring.model import AppealRecord, DeliveryRecord, PersonRecord, ReceptionRecord

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

NO_DATE: Final[int] = 0
"""Sentinel for a missing date (real ordinals start at 1)."""
NO_DAYS: Final[int] = -1
"""Sentinel for a missing ``working_days_to_answer``."""
RES_UNCONFIRMED: Final[int] = -1
RES_NO: Final[int] = 0
RES_PARTLY: Final[int] = 1
RES_YES: Final[int] = 2
NO_EVALUATION: Final[int] = 0

_RESOLUTION_CODES: Final[dict[str | None, int]] = {
    None: RES_UNCONFIRMED,
    "no": RES_NO,
    "partly": RES_PARTLY,
    "yes": RES_YES,
}


class ColumnsError(ValueError):
    """Columnar input is inconsistent (lengths, index ranges or codes)."""


def _int(values: npt.ArrayLike) -> IntArray:
    return np.ascontiguousarray(values, dtype=np.int64)


def _bool(values: npt.ArrayLike) -> BoolArray:
    return np.ascontiguousarray(values, dtype=np.bool_)


def _float(values: npt.ArrayLike) -> FloatArray:
    return np.ascontiguousarray(values, dtype=np.float64)


@dataclass(frozen=True)
class PeopleColumns:
    """People, by position: ``person_ids[i]`` belongs to comparison group ``groups[i]``."""

    person_ids: tuple[str, ...]
    groups: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.person_ids) != len(self.groups):
            raise ColumnsError("people: person_ids and groups differ in length")
        if len(set(self.person_ids)) != len(self.person_ids):
            raise ColumnsError("people: a person id is listed twice")

    @classmethod
    def from_records(cls, people: Iterable[PersonRecord]) -> PeopleColumns:
        rows = list(people)
        return cls(tuple(p.person_id for p in rows), tuple(p.group for p in rows))


@dataclass(frozen=True, eq=False)
class AppealColumns:
    """Appeals as parallel arrays (one row per appeal).

    ``person``: index into ``PeopleColumns``; ``category``: index into
    ``categories``; ``registered``/``answered``/``due``: date ordinals
    (``answered`` = ``NO_DATE`` when unanswered); ``working_days``: ``NO_DAYS``
    when unknown; ``resolution``: ``RES_UNCONFIRMED``/``RES_NO``/``RES_PARTLY``/
    ``RES_YES``; ``evaluation``: 1..5 or ``NO_EVALUATION``; ``outcome_counts``: False
    leaves the appeal's resolution out of the resolution component (an upheld dispute of
    the outcome by the person, or one still open in a public snapshot; see
    ``AppealRecord``). ``build`` makes it all True when it is not given.
    """

    categories: tuple[str, ...]
    person: IntArray
    category: IntArray
    registered: IntArray
    answered: IntArray
    due: IntArray
    working_days: IntArray
    resolution: IntArray
    transferred: BoolArray
    counts: BoolArray
    evaluation: IntArray
    outcome_counts: BoolArray

    @classmethod
    def build(
        cls,
        *,
        categories: Sequence[str],
        person: npt.ArrayLike,
        category: npt.ArrayLike,
        registered: npt.ArrayLike,
        answered: npt.ArrayLike,
        due: npt.ArrayLike,
        working_days: npt.ArrayLike,
        resolution: npt.ArrayLike,
        transferred: npt.ArrayLike,
        counts: npt.ArrayLike,
        evaluation: npt.ArrayLike,
        outcome_counts: npt.ArrayLike | None = None,
    ) -> AppealColumns:
        """Coerce array-likes to the engine's dtypes (no copy when already right)."""
        person = _int(person)
        return cls(
            categories=tuple(categories),
            person=person,
            category=_int(category),
            registered=_int(registered),
            answered=_int(answered),
            due=_int(due),
            working_days=_int(working_days),
            resolution=_int(resolution),
            transferred=_bool(transferred),
            counts=_bool(counts),
            evaluation=_int(evaluation),
            outcome_counts=(
                np.ones(person.shape[0], dtype=np.bool_)
                if outcome_counts is None
                else _bool(outcome_counts)
            ),
        )

    @classmethod
    def empty(cls) -> AppealColumns:
        z = np.zeros(0, dtype=np.int64)
        b = np.zeros(0, dtype=np.bool_)
        return cls((), z, z, z, z, z, z, z, b, b, z, b)

    def __len__(self) -> int:
        return int(self.person.shape[0])

    def validate(self, n_people: int) -> None:
        n = len(self)
        for name in (
            "person",
            "category",
            "registered",
            "answered",
            "due",
            "working_days",
            "resolution",
            "transferred",
            "counts",
            "evaluation",
            "outcome_counts",
        ):
            column = getattr(self, name)
            if column.ndim != 1 or column.shape[0] != n:
                raise ColumnsError(f"appeals: column {name!r} must be 1-D of length {n}")
        if n == 0:
            return
        _check_range("appeals.person", self.person, 0, n_people - 1)
        _check_range("appeals.category", self.category, 0, len(self.categories) - 1)
        _check_range("appeals.resolution", self.resolution, RES_UNCONFIRMED, RES_YES)
        _check_range("appeals.evaluation", self.evaluation, NO_EVALUATION, 5)
        _check_range("appeals.working_days", self.working_days, NO_DAYS, None)
        _check_range("appeals.registered", self.registered, 1, None)
        _check_range("appeals.due", self.due, 1, None)
        _check_range("appeals.answered", self.answered, NO_DATE, None)


@dataclass(frozen=True, eq=False)
class VisitMarkColumns:
    """Visitors' marks of reception visits, one row per counted evaluation of a visit.

    ``person``: index into ``PeopleColumns`` (who held the reception); ``held_on``: the
    reception's date ordinal (the window is applied to it); ``mark``: 1..5.
    """

    person: IntArray
    held_on: IntArray
    mark: IntArray

    @classmethod
    def build(
        cls, *, person: npt.ArrayLike, held_on: npt.ArrayLike, mark: npt.ArrayLike
    ) -> VisitMarkColumns:
        return cls(person=_int(person), held_on=_int(held_on), mark=_int(mark))

    @classmethod
    def empty(cls) -> VisitMarkColumns:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z)

    def __len__(self) -> int:
        return int(self.person.shape[0])

    def validate(self, n_people: int) -> None:
        n = len(self)
        for name in ("person", "held_on", "mark"):
            column = getattr(self, name)
            if column.ndim != 1 or column.shape[0] != n:
                raise ColumnsError(f"visit marks: column {name!r} must be 1-D of length {n}")
        if n == 0:
            return
        _check_range("visit_marks.person", self.person, 0, n_people - 1)
        _check_range("visit_marks.held_on", self.held_on, 1, None)
        _check_range("visit_marks.mark", self.mark, 1, 5)


@dataclass(frozen=True, eq=False)
class ReceptionColumns:
    """Receptions as parallel arrays; ``held_on`` is a date ordinal.

    ``marks`` are the visitors' marks of their visits (:class:`VisitMarkColumns`, rows
    of their own), empty unless given.
    """

    person: IntArray
    held_on: IntArray
    scheduled_slots: IntArray
    booked: IntArray
    attended: IntArray
    held: BoolArray
    marks: VisitMarkColumns = field(default_factory=VisitMarkColumns.empty)

    @classmethod
    def build(
        cls,
        *,
        person: npt.ArrayLike,
        held_on: npt.ArrayLike,
        scheduled_slots: npt.ArrayLike,
        booked: npt.ArrayLike,
        attended: npt.ArrayLike,
        held: npt.ArrayLike,
        marks: VisitMarkColumns | None = None,
    ) -> ReceptionColumns:
        return cls(
            person=_int(person),
            held_on=_int(held_on),
            scheduled_slots=_int(scheduled_slots),
            booked=_int(booked),
            attended=_int(attended),
            held=_bool(held),
            marks=VisitMarkColumns.empty() if marks is None else marks,
        )

    @classmethod
    def empty(cls) -> ReceptionColumns:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, z, z, np.zeros(0, dtype=np.bool_), VisitMarkColumns.empty())

    def __len__(self) -> int:
        return int(self.person.shape[0])

    def validate(self, n_people: int) -> None:
        n = len(self)
        for name in ("person", "held_on", "scheduled_slots", "booked", "attended", "held"):
            column = getattr(self, name)
            if column.ndim != 1 or column.shape[0] != n:
                raise ColumnsError(f"receptions: column {name!r} must be 1-D of length {n}")
        self.marks.validate(n_people)
        if n == 0:
            return
        _check_range("receptions.person", self.person, 0, n_people - 1)
        _check_range("receptions.held_on", self.held_on, 1, None)
        for name in ("scheduled_slots", "booked", "attended"):
            _check_range(f"receptions.{name}", getattr(self, name), 0, None)


@dataclass(frozen=True, eq=False)
class DeliveryColumns:
    """Programme delivery items as parallel arrays; ``due`` is a date ordinal."""

    person: IntArray
    weight: FloatArray
    due: IntArray
    on_time: BoolArray
    dispute_share: FloatArray

    @classmethod
    def build(
        cls,
        *,
        person: npt.ArrayLike,
        weight: npt.ArrayLike,
        due: npt.ArrayLike,
        on_time: npt.ArrayLike,
        dispute_share: npt.ArrayLike,
    ) -> DeliveryColumns:
        return cls(
            person=_int(person),
            weight=_float(weight),
            due=_int(due),
            on_time=_bool(on_time),
            dispute_share=_float(dispute_share),
        )

    @classmethod
    def empty(cls) -> DeliveryColumns:
        z = np.zeros(0, dtype=np.int64)
        f = np.zeros(0, dtype=np.float64)
        return cls(z, f, z, np.zeros(0, dtype=np.bool_), f)

    def __len__(self) -> int:
        return int(self.person.shape[0])

    def validate(self, n_people: int) -> None:
        n = len(self)
        for name in ("person", "weight", "due", "on_time", "dispute_share"):
            column = getattr(self, name)
            if column.ndim != 1 or column.shape[0] != n:
                raise ColumnsError(f"deliveries: column {name!r} must be 1-D of length {n}")
        if n == 0:
            return
        _check_range("deliveries.person", self.person, 0, n_people - 1)
        _check_range("deliveries.due", self.due, 1, None)
        if not (np.all(np.isfinite(self.weight)) and np.all(self.weight >= 0.0)):
            raise ColumnsError("deliveries.weight must be finite and >= 0")
        if not (np.all(self.dispute_share >= 0.0) and np.all(self.dispute_share <= 1.0)):
            raise ColumnsError("deliveries.dispute_share must be in 0..1")


def _check_range(name: str, values: IntArray, low: int, high: int | None) -> None:
    if values.shape[0] == 0:
        return
    if int(values.min()) < low or (high is not None and int(values.max()) > high):
        bound = f"{low}..{high}" if high is not None else f">= {low}"
        raise ColumnsError(f"{name}: values must be {bound}")


# ------------------------------------------------------------ records -> columns
def appeal_columns(appeals: Sequence[AppealRecord], person_index: dict[str, int]) -> AppealColumns:
    """Columns for ``appeals``; categories are indexed in sorted-name order."""
    categories = tuple(sorted({a.category for a in appeals}))
    cat_index = {c: i for i, c in enumerate(categories)}
    n = len(appeals)
    try:
        person = np.fromiter((person_index[a.person_id] for a in appeals), np.int64, n)
    except KeyError as error:
        raise ValueError(f"an appeal names unknown person {error.args[0]!r}") from None
    return AppealColumns(
        categories=categories,
        person=person,
        category=np.fromiter((cat_index[a.category] for a in appeals), np.int64, n),
        registered=np.fromiter((a.registered_on.toordinal() for a in appeals), np.int64, n),
        answered=np.fromiter(
            (NO_DATE if a.answered_on is None else a.answered_on.toordinal() for a in appeals),
            np.int64,
            n,
        ),
        due=np.fromiter((a.due_on.toordinal() for a in appeals), np.int64, n),
        working_days=np.fromiter(
            (
                NO_DAYS if a.working_days_to_answer is None else a.working_days_to_answer
                for a in appeals
            ),
            np.int64,
            n,
        ),
        resolution=np.fromiter((_RESOLUTION_CODES[a.resolution] for a in appeals), np.int64, n),
        transferred=np.fromiter((a.transferred_out_of_competence for a in appeals), np.bool_, n),
        counts=np.fromiter((a.counts for a in appeals), np.bool_, n),
        evaluation=np.fromiter(
            (NO_EVALUATION if a.evaluation is None else a.evaluation for a in appeals),
            np.int64,
            n,
        ),
        outcome_counts=np.fromiter((a.outcome_counts for a in appeals), np.bool_, n),
    )


def reception_columns(
    receptions: Sequence[ReceptionRecord], person_index: dict[str, int]
) -> ReceptionColumns:
    n = len(receptions)
    try:
        person = np.fromiter((person_index[r.person_id] for r in receptions), np.int64, n)
    except KeyError as error:
        raise ValueError(f"a reception names unknown person {error.args[0]!r}") from None
    return ReceptionColumns(
        person=person,
        held_on=np.fromiter((r.held_on.toordinal() for r in receptions), np.int64, n),
        scheduled_slots=np.fromiter((r.scheduled_slots for r in receptions), np.int64, n),
        booked=np.fromiter((r.booked for r in receptions), np.int64, n),
        attended=np.fromiter((r.attended for r in receptions), np.int64, n),
        held=np.fromiter((r.held for r in receptions), np.bool_, n),
        marks=VisitMarkColumns(
            person=np.array(
                [
                    p
                    for p, r in zip(person.tolist(), receptions, strict=True)
                    for _ in r.evaluations
                ],
                dtype=np.int64,
            ),
            held_on=np.array(
                [r.held_on.toordinal() for r in receptions for _ in r.evaluations],
                dtype=np.int64,
            ),
            mark=np.array([m for r in receptions for m in r.evaluations], dtype=np.int64),
        ),
    )


def delivery_columns(
    deliveries: Sequence[DeliveryRecord], person_index: dict[str, int]
) -> DeliveryColumns:
    n = len(deliveries)
    try:
        person = np.fromiter((person_index[d.person_id] for d in deliveries), np.int64, n)
    except KeyError as error:
        raise ValueError(f"a delivery item names unknown person {error.args[0]!r}") from None
    return DeliveryColumns(
        person=person,
        weight=np.fromiter((d.weight for d in deliveries), np.float64, n),
        due=np.fromiter((d.due_on.toordinal() for d in deliveries), np.int64, n),
        on_time=np.fromiter((d.delivered_on_time for d in deliveries), np.bool_, n),
        dispute_share=np.fromiter((d.dispute_share for d in deliveries), np.float64, n),
    )
