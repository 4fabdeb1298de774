"""Plain input records and output results of the rating engine.

Inputs are frozen dataclasses of plain values (ids are strings, dates are
``datetime.date``). Outputs are frozen dataclasses with a ``to_dict`` giving
JSON-ready canonical values: floats are rounded to 4 decimals so that exported
figures can be compared exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

RESOLUTIONS: Final[tuple[str, ...]] = ("no", "partly", "yes")
STATUS_RATED: Final[str] = "rated"
STATUS_INSUFFICIENT: Final[str] = "insufficient"
ROUND_DIGITS: Final[int] = 4


# ---------------------------------------------------------------------- inputs
@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A rated person and their comparison group (``"<council level>:<region code>"``)."""

    person_id: str
    group: str


@dataclass(frozen=True, slots=True)
class AppealRecord:
    """One citizen's appeal addressed to a person.

    ``resolution`` is the citizen's confirmation ("yes", "partly", "no") or None when
    the citizen has not confirmed; ``counts=False`` marks an appeal held out by the
    anti-manipulation checks (it is then ignored entirely); ``evaluation`` is the
    citizen's 1..5 mark or None; ``outcome_counts=False`` leaves the appeal's outcome
    (its resolution) out of the resolution component -- the person disputed it and the
    moderator upheld the dispute, or (in a public snapshot) the dispute is still open --
    while everything else about the appeal still counts.
    """

    appeal_id: str
    person_id: str
    category: str
    registered_on: date
    answered_on: date | None
    due_on: date
    working_days_to_answer: int | None
    resolution: str | None
    transferred_out_of_competence: bool
    counts: bool
    evaluation: int | None
    outcome_counts: bool = True

    def __post_init__(self) -> None:
        if self.resolution is not None and self.resolution not in RESOLUTIONS:
            raise ValueError(f"appeal {self.appeal_id}: unknown resolution {self.resolution!r}")
        if self.evaluation is not None and (
            isinstance(self.evaluation, bool) or self.evaluation not in (1, 2, 3, 4, 5)
        ):
            raise ValueError(f"appeal {self.appeal_id}: evaluation must be 1..5 or None")
        if self.working_days_to_answer is not None and self.working_days_to_answer < 0:
            raise ValueError(f"appeal {self.appeal_id}: negative working days to answer")


@dataclass(frozen=True, slots=True)
class ReceptionRecord:
    """A scheduled citizens' reception (``held=False`` when it did not take place).

    ``evaluations`` are the visitors' counted 1..5 marks of their visits to it (one per
    evaluated visit); methodologies with ``satisfaction.include_receptions`` count them
    in the satisfaction component.
    """

    person_id: str
    held_on: date
    scheduled_slots: int
    booked: int
    attended: int
    held: bool
    evaluations: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if min(self.scheduled_slots, self.booked, self.attended) < 0:
            raise ValueError(f"reception of {self.person_id} on {self.held_on}: negative count")
        for mark in self.evaluations:
            if isinstance(mark, bool) or mark not in (1, 2, 3, 4, 5):
                raise ValueError(
                    f"reception of {self.person_id} on {self.held_on}: marks must be 1..5"
                )


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """One programme promise with a due date (``dispute_share`` in 0..1)."""

    person_id: str
    item_id: str
    weight: float
    due_on: date
    delivered_on_time: bool
    dispute_share: float

    def __post_init__(self) -> None:
        if not self.weight >= 0.0:
            raise ValueError(f"delivery item {self.item_id}: weight must be >= 0")
        if not 0.0 <= self.dispute_share <= 1.0:
            raise ValueError(f"delivery item {self.item_id}: dispute_share must be in 0..1")


# --------------------------------------------------------------------- outputs
def _canonical(value: Any) -> Any:
    """Round floats to 4 decimals (and -0.0 to 0.0), recursively; leave the rest."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        rounded = round(value, ROUND_DIGITS)
        return 0.0 if rounded == 0 else rounded
    if isinstance(value, int):
        return value
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class ComponentResult:
    """One component on the 0-100 scale, its interval and the evidence behind it."""

    value: float
    low: float
    high: float
    evidence: Mapping[str, int | float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": _canonical(self.value),
            "low": _canonical(self.low),
            "high": _canonical(self.high),
            "evidence": _canonical(dict(self.evidence)),
        }


@dataclass(frozen=True, slots=True)
class PersonResult:
    """A person's rating. ``score``/``low``/``high`` are None when the status is
    "insufficient"; ``rank``/``band`` are None then, and in a live per-person update."""

    person_id: str
    group: str
    status: str
    score: float | None
    low: float | None
    high: float | None
    rank: int | None
    band: int | None
    components: Mapping[str, ComponentResult]
    workload: Mapping[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "group": self.group,
            "status": self.status,
            "score": _canonical(self.score),
            "low": _canonical(self.low),
            "high": _canonical(self.high),
            "rank": self.rank,
            "band": self.band,
            "components": {name: c.to_dict() for name, c in self.components.items()},
            "workload": dict(self.workload),
        }


@dataclass(frozen=True, slots=True)
class RatingResult:
    """A full rating. Results are ordered by group, then rank, then (unrated) person id."""

    methodology_version: str
    as_of: date
    results: tuple[PersonResult, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "methodology_version": self.methodology_version,
            "as_of": self.as_of.isoformat(),
            "results": [r.to_dict() for r in self.results],
        }

    def by_person(self) -> dict[str, PersonResult]:
        return {r.person_id: r for r in self.results}
