"""Hypothesis strategies and helpers for the rating engine tests (no database)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from halyq.scoring import (
    AppealRecord,
    DeliveryRecord,
    Methodology,
    PersonRecord,
    RatingResult,
    ReceptionRecord,
)
from halyq.scoring.versions import methodology_dict

AS_OF = date(2025, 6, 30)
CATEGORIES = ("housing", "roads", "water")
GROUPS = ("district:71", "city:75")


def variant(version: str = "v1", **changes: Any) -> Methodology:
    """A published methodology with some parameters changed (dotted keys for sections)."""
    data = methodology_dict(version)
    for key, value in changes.items():
        section, _, name = key.partition("__")
        if name:
            data[section][name] = value
        else:
            data[section] = value
    data["version"] = f"{version}-test"
    return Methodology.from_dict(data)


METHODOLOGIES = (
    variant("v1"),
    variant("v2"),
    variant(
        "v1",
        missing_components="renormalise",
        resolution__unconfirmed="failure",
        satisfaction__include_transferred=True,
    ),
    variant("v2", resolution__case_mix="none", resolution__categories=["housing", "roads"]),
    variant("v3"),
    variant("v3", missing_components="renormalise", satisfaction__include_transferred=True),
)


@dataclass(frozen=True)
class World:
    people: tuple[PersonRecord, ...]
    appeals: tuple[AppealRecord, ...]
    receptions: tuple[ReceptionRecord, ...]
    deliveries: tuple[DeliveryRecord, ...]

    def args(self) -> tuple[Any, ...]:
        return (self.people, self.appeals, self.receptions, self.deliveries)

    def of(self, person_id: str) -> tuple[Any, ...]:
        return (
            [a for a in self.appeals if a.person_id == person_id],
            [r for r in self.receptions if r.person_id == person_id],
            [d for d in self.deliveries if d.person_id == person_id],
        )


def _day(offset: int) -> date:
    return AS_OF - timedelta(days=offset)


@st.composite
def appeals_for(draw: st.DrawFn, person_ids: list[str], index: int) -> AppealRecord:
    registered = _day(draw(st.integers(-3, 400)))
    answered = draw(st.none() | st.integers(0, 40).map(lambda d: registered + timedelta(days=d)))
    return AppealRecord(
        appeal_id=f"a{index}",
        person_id=draw(st.sampled_from(person_ids)),
        category=draw(st.sampled_from(CATEGORIES)),
        registered_on=registered,
        answered_on=answered,
        due_on=registered + timedelta(days=draw(st.integers(0, 30))),
        working_days_to_answer=None if answered is None else draw(st.none() | st.integers(0, 30)),
        resolution=draw(st.sampled_from((None, "yes", "partly", "no"))),
        transferred_out_of_competence=draw(st.booleans()),
        counts=draw(st.sampled_from((True, True, True, False))),
        evaluation=draw(st.none() | st.integers(1, 5)),
        outcome_counts=draw(st.sampled_from((True, True, True, False))),
    )


@st.composite
def worlds(draw: st.DrawFn, max_people: int = 6, max_appeals: int = 30) -> World:
    n = draw(st.integers(1, max_people))
    people = tuple(PersonRecord(f"p{i}", draw(st.sampled_from(GROUPS))) for i in range(n))
    ids = [p.person_id for p in people]
    n_appeals = draw(st.integers(0, max_appeals))
    appeals = tuple(draw(appeals_for(ids, i)) for i in range(n_appeals))
    receptions = tuple(
        ReceptionRecord(
            person_id=draw(st.sampled_from(ids)),
            held_on=_day(draw(st.integers(-3, 400))),
            scheduled_slots=draw(st.integers(0, 8)),
            booked=draw(st.integers(0, 8)),
            attended=draw(st.integers(0, 9)),
            held=draw(st.booleans()),
            evaluations=tuple(draw(st.lists(st.integers(1, 5), max_size=4))),
        )
        for _ in range(draw(st.integers(0, 10)))
    )
    deliveries = tuple(
        DeliveryRecord(
            person_id=draw(st.sampled_from(ids)),
            item_id=f"d{i}",
            weight=draw(st.sampled_from((0.0, 0.5, 1.0, 2.0, 1.3))),
            due_on=_day(draw(st.integers(-3, 400))),
            delivered_on_time=draw(st.booleans()),
            dispute_share=draw(st.sampled_from((0.0, 0.1, 0.25, 0.5, 1.0, 0.37))),
        )
        for i in range(draw(st.integers(0, 6)))
    )
    return World(people, appeals, receptions, deliveries)


def raw(result: RatingResult) -> list[dict[str, Any]]:
    """Unrounded view of a result, for numeric comparison."""
    return [
        {
            "person_id": r.person_id,
            "group": r.group,
            "status": r.status,
            "score": r.score,
            "low": r.low,
            "high": r.high,
            "rank": r.rank,
            "band": r.band,
            "workload": dict(r.workload),
            "components": {
                name: {"value": c.value, "low": c.low, "high": c.high, **dict(c.evidence)}
                for name, c in r.components.items()
            },
        }
        for r in result.results
    ]


def max_difference(x: Any, y: Any, path: str = "") -> float:
    """Largest absolute difference between two nested structures of the same shape
    (floats compared numerically, everything else must be equal)."""
    if isinstance(x, dict):
        assert isinstance(y, dict) and set(x) == set(y), f"{path}: keys {set(x) ^ set(y)}"
        return max([max_difference(x[k], y[k], f"{path}/{k}") for k in x] + [0.0])
    if isinstance(x, list):
        assert isinstance(y, list) and len(x) == len(y), f"{path}: lengths differ"
        return max(
            [
                max_difference(a, b, f"{path}[{i}]")
                for i, (a, b) in enumerate(zip(x, y, strict=True))
            ]
            + [0.0]
        )
    if isinstance(x, float) or isinstance(y, float):
        assert x is not None and y is not None, f"{path}: {x!r} vs {y!r}"
        assert math.isfinite(x) and math.isfinite(y), f"{path}: {x!r} vs {y!r}"
        return abs(x - y)
    assert x == y, f"{path}: {x!r} != {y!r}"
    return 0.0
