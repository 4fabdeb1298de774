"""Benchmark of the rating engine's columnar path at national scale.

Builds synthetic columns -- 13,500 people, 2,000,000 appeals (1,200,000 of them
evaluated), ~81,000 receptions, ~27,000 delivery items -- times
``compute_columns`` and prints the wall time and the process's peak RSS.

    .venv/bin/python bench/bench_scoring.py [--people N] [--appeals N] [--evaluations N]

Target (see docs/methodology.md): under 2 s and under 1 GiB for the engine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date

import numpy as np

from halyq.scoring import (
    DEFAULT_METHODOLOGY,
    METHODOLOGY_V2,
    AppealColumns,
    DeliveryColumns,
    PeopleColumns,
    ReceptionColumns,
    compute_columns,
)


def _rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024.0 if sys.platform != "darwin" else peak / 1024.0 / 1024.0


def build(
    people: int, appeals: int, evaluations: int, seed: int = 0
) -> tuple[PeopleColumns, AppealColumns, ReceptionColumns, DeliveryColumns, date]:
    rng = np.random.default_rng(seed)
    as_of = date(2025, 6, 30)
    end = as_of.toordinal()
    levels, regions = 3, 20
    group_of = rng.integers(0, levels * regions, people)
    person_ids = tuple(f"person-{i:06d}" for i in range(people))
    groups = tuple(f"{g // regions}:{g % regions:02d}" for g in group_of.tolist())
    # heavy-tailed workload: lognormal weights
    load = rng.lognormal(0.0, 1.3, people)
    person = rng.choice(people, size=appeals, p=load / load.sum()).astype(np.int64)
    categories = tuple(f"category-{c:02d}" for c in range(20))
    category = rng.integers(0, len(categories), appeals)
    registered = end - rng.integers(0, 400, appeals)
    due = registered + 21
    answered_mask = rng.random(appeals) < 0.9
    latency = rng.integers(0, 35, appeals)
    answered = np.where(answered_mask, registered + latency, 0)
    working_days = np.where(answered_mask, (latency * 5) // 7, -1)
    resolution = rng.integers(-1, 3, appeals)
    transferred = rng.random(appeals) < 0.05
    counts = rng.random(appeals) < 0.99
    evaluation = np.zeros(appeals, dtype=np.int64)
    evaluated = rng.choice(appeals, size=evaluations, replace=False)
    evaluation[evaluated] = rng.integers(1, 6, evaluations)
    appeal_cols = AppealColumns.build(
        categories=categories,
        person=person,
        category=category,
        registered=registered,
        answered=answered,
        due=due,
        working_days=working_days,
        resolution=resolution,
        transferred=transferred,
        counts=counts,
        evaluation=evaluation,
    )
    n_rec = people * 6
    booked = rng.integers(0, 8, n_rec)
    reception_cols = ReceptionColumns.build(
        person=rng.integers(0, people, n_rec),
        held_on=end - rng.integers(0, 400, n_rec),
        scheduled_slots=np.full(n_rec, 8),
        booked=booked,
        attended=rng.binomial(booked, 0.8),
        held=rng.random(n_rec) < 0.9,
    )
    n_del = people * 2
    delivery_cols = DeliveryColumns.build(
        person=rng.integers(0, people, n_del),
        weight=rng.uniform(0.5, 2.0, n_del),
        due=end - rng.integers(0, 400, n_del),
        on_time=rng.random(n_del) < 0.6,
        dispute_share=rng.beta(1.0, 6.0, n_del),
    )
    return PeopleColumns(person_ids, groups), appeal_cols, reception_cols, delivery_cols, as_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=13_500)
    parser.add_argument("--appeals", type=int, default=2_000_000)
    parser.add_argument("--evaluations", type=int, default=1_200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t0 = time.perf_counter()
    people, appeals, receptions, deliveries, as_of = build(
        args.people, args.appeals, args.evaluations
    )
    built = time.perf_counter() - t0
    rss_inputs = _rss_mib()
    input_mib = (
        sum(getattr(appeals, f).nbytes for f in vars(appeals) if f != "categories")
        + sum(v.nbytes for v in vars(receptions).values())
        + sum(v.nbytes for v in vars(deliveries).values())
    ) / 2**20
    print(
        f"inputs: {args.people:,} people, {len(appeals):,} appeals "
        f"({int((appeals.evaluation > 0).sum()):,} evaluated), {len(receptions):,} receptions, "
        f"{len(deliveries):,} delivery items; {input_mib:.0f} MiB of columns, built in {built:.1f} s"
    )
    print(f"peak RSS after building the inputs: {rss_inputs:.0f} MiB")
    for methodology in (DEFAULT_METHODOLOGY, METHODOLOGY_V2):
        times = []
        cpu = []
        result = None
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            result = compute_columns(people, appeals, receptions, deliveries, methodology, as_of)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        assert result is not None
        rated = sum(1 for r in result.results if r.status == "rated")
        print(
            f"compute_columns ({methodology.version}): wall best {min(times):.3f} s, "
            f"worst {max(times):.3f} s; CPU best {min(cpu):.3f} s over {args.repeat} runs; "
            f"{rated:,} rated"
        )
    print(f"peak RSS of the whole process: {_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
