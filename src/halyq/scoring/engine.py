"""The rating engine (vectorised NumPy; the method is in ``docs/methodology.md``).

Flow: columns -> per-person aggregates (integer counts, so the result does not
depend on input order) -> group statistics (:class:`GroupStats`: category effects,
group and global means) -> per-person Bayesian components and total
(:func:`_score`, the same kernel for a whole country and for one person) ->
ranks and bands within each comparison group.

``compute`` (records), ``compute_columns`` (arrays) and the live pair
``group_stats`` + ``compute_person`` all go through these same functions, so a
live per-person update equals the full computation bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from halyq.scoring.columns import (
    NO_DATE,
    RES_UNCONFIRMED,
    AppealColumns,
    DeliveryColumns,
    PeopleColumns,
    ReceptionColumns,
    appeal_columns,
    delivery_columns,
    reception_columns,
)
from halyq.scoring.methodology import COMPONENTS, Methodology
from halyq.scoring.model import (
    STATUS_INSUFFICIENT,
    STATUS_RATED,
    AppealRecord,
    ComponentResult,
    DeliveryRecord,
    PersonRecord,
    PersonResult,
    RatingResult,
    ReceptionRecord,
)
from halyq.scoring.stats import (
    TINY,
    beta_interval,
    logit,
    row_sum,
    sigmoid,
    solve_standardised,
    z_value,
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

RES_CLASSES = 4  # table columns: no, partly, yes, unconfirmed
_COL_NO, _COL_PARTLY, _COL_YES, _COL_UNCONFIRMED = 0, 1, 2, 3
_RESOLUTION = COMPONENTS.index("resolution")


# ------------------------------------------------------------------ statistics
@dataclass(frozen=True)
class GroupStats:
    """What a person's score depends on besides their own records.

    ``category_effects[c]`` is the log-odds difficulty shift of category
    ``categories[c]`` (0 without case mix); ``group_means[group][component]`` and
    ``global_means[component]`` are the shrinkage targets on the 0..1 scale. Cache
    it (``to_dict``/``from_dict``) to update one person live with
    :func:`compute_person`.
    """

    methodology_version: str
    as_of: date
    categories: tuple[str, ...]
    category_effects: tuple[float, ...]
    global_means: Mapping[str, float]
    group_means: Mapping[str, Mapping[str, float]]

    def means_for(self, group: str) -> dict[str, float]:
        """The group's means, or the global ones for a group without data."""
        means = self.group_means.get(group, self.global_means)
        return {c: means[c] for c in COMPONENTS}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, at full precision (not rounded: it is an input, not a figure)."""
        return {
            "methodology_version": self.methodology_version,
            "as_of": self.as_of.isoformat(),
            "categories": list(self.categories),
            "category_effects": list(self.category_effects),
            "global_means": {c: self.global_means[c] for c in COMPONENTS},
            "group_means": {
                g: {c: m[c] for c in COMPONENTS} for g, m in sorted(self.group_means.items())
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GroupStats:
        return cls(
            methodology_version=str(data["methodology_version"]),
            as_of=date.fromisoformat(str(data["as_of"])),
            categories=tuple(str(c) for c in data["categories"]),
            category_effects=tuple(float(x) for x in data["category_effects"]),
            global_means={c: float(data["global_means"][c]) for c in COMPONENTS},
            group_means={
                str(g): {c: float(m[c]) for c in COMPONENTS} for g, m in data["group_means"].items()
            },
        )


# ------------------------------------------------------------------ aggregates
@dataclass(frozen=True, eq=False)
class _Aggregates:
    """Per-person sums over the window (rows = people)."""

    res_table: IntArray  # (N, C, 4): no / partly / yes / unconfirmed, per category
    res_transferred: IntArray
    sat_counts: IntArray  # (N, 5): evaluations 1..5 (of appeals, and of visits if counted)
    sat_visits: IntArray  # of which marks of reception visits
    t_on_time: IntArray
    t_late: IntArray
    t_overdue: IntArray
    t_fast: IntArray
    t_fast_days: IntArray
    t_days_n: IntArray
    t_days_sum: IntArray
    r_scheduled: IntArray
    r_held: IntArray
    r_booked: IntArray
    r_attended: IntArray
    r_slots: IntArray
    d_items: IntArray
    d_on_time: IntArray
    d_weight: FloatArray
    d_success: FloatArray
    w_appeals: IntArray
    w_held_out: IntArray
    w_open: IntArray
    w_transferred: IntArray

    def take(self, order: IntArray) -> _Aggregates:
        return _Aggregates(**{k: v[order] for k, v in vars(self).items()})


def _count(index: IntArray, n: int) -> IntArray:
    return np.bincount(index, minlength=n).astype(np.int64)


def _int_sum(index: IntArray, values: IntArray, n: int) -> IntArray:
    # Exact: the float sums of integers stay far below 2**53.
    return np.rint(np.bincount(index, weights=values, minlength=n)).astype(np.int64)


def _canonical_categories(
    names: Sequence[str], methodology: Methodology
) -> tuple[tuple[str, ...], IntArray]:
    """Canonical (sorted, mapped) category list and the map raw index -> canonical."""
    mapped = [methodology.map_category(c) for c in names]
    if methodology.categories is None:
        canonical = tuple(sorted(set(mapped)))
    else:
        canonical = tuple(sorted({*methodology.categories, methodology.other_category}))
    position = {c: i for i, c in enumerate(canonical)}
    return canonical, np.array([position[c] for c in mapped], dtype=np.int64)


def _aggregate(
    n: int,
    appeals: AppealColumns,
    cat_map: IntArray,
    n_categories: int,
    receptions: ReceptionColumns,
    deliveries: DeliveryColumns,
    methodology: Methodology,
    as_of: int,
) -> _Aggregates:
    start = as_of - methodology.window_days  # window is (start, as_of]

    # --- appeals: one pass to pick the counted rows of the window, then a few
    # bincounts over small per-row codes (integer counts: order-independent).
    reg = appeals.registered
    in_window = (reg > start) & (reg <= as_of)
    held_out_count = _count(appeals.person[in_window & ~appeals.counts], n)
    rows = np.flatnonzero(in_window & appeals.counts)
    person = appeals.person[rows]
    ans = appeals.answered[rows]
    due = appeals.due[rows]
    transferred = appeals.transferred[rows]
    answered = (ans != NO_DATE) & (ans <= as_of)
    answered_later = (ans != NO_DATE) & (ans > as_of)

    # timeliness state: 1 on time, 2 late, 3 open and overdue (0: open, not yet due)
    u8 = np.uint8
    state = answered.astype(u8) + (answered & (ans > due)).astype(u8)
    state += (~answered & (due < as_of)).astype(u8) * u8(3)
    states = np.bincount(person * 4 + state, minlength=n * 4).astype(np.int64).reshape(n, 4)
    # transfers: 1 transferred and open, 3 transferred and answered
    moved = transferred.astype(u8) + (transferred & answered).astype(u8) * u8(2)
    moves = np.bincount(person * 4 + moved, minlength=n * 4).astype(np.int64).reshape(n, 4)
    # working days: 1 known, 2 known and under the target
    days = appeals.working_days[rows]
    known = answered & (days >= 0)
    under = known & (days < methodology.timeliness_target_working_days)
    speed = known.astype(u8) + under.astype(u8)
    speed_key = person * 3 + speed
    speed_n = np.bincount(speed_key, minlength=n * 3).astype(np.int64).reshape(n, 3)
    speed_days = np.rint(np.bincount(speed_key, weights=days, minlength=n * 3)).astype(np.int64)
    speed_days = speed_days.reshape(n, 3)

    # An outcome set aside (an upheld dispute, or one open in a public snapshot) is no case.
    closed_own = answered & ~transferred & appeals.outcome_counts[rows]
    code = appeals.resolution[rows[closed_own]]
    column = np.where(code == RES_UNCONFIRMED, _COL_UNCONFIRMED, code)
    category = cat_map[appeals.category[rows[closed_own]]]
    key = (person[closed_own] * n_categories + category) * RES_CLASSES + column
    res_table = np.bincount(key, minlength=n * n_categories * RES_CLASSES)
    res_table = res_table.astype(np.int64).reshape(n, n_categories, RES_CLASSES)

    ev = appeals.evaluation[rows]
    sat = (ev > 0) & ~answered_later
    if not methodology.satisfaction_include_transferred:
        sat &= ~transferred
    sat_counts = np.bincount(person[sat] * 5 + (ev[sat] - 1), minlength=n * 5)
    sat_counts = sat_counts.astype(np.int64).reshape(n, 5)
    sat_visits = np.zeros(n, dtype=np.int64)
    if methodology.satisfaction_include_receptions:
        marks = receptions.marks
        counted = (marks.held_on > start) & (marks.held_on <= as_of)
        mp = marks.person[counted]
        visit_counts = np.bincount(mp * 5 + (marks.mark[counted] - 1), minlength=n * 5)
        sat_counts = sat_counts + visit_counts.astype(np.int64).reshape(n, 5)
        sat_visits = _count(mp, n)
    appeal_count = states.sum(axis=1)

    # --- receptions
    held_on = receptions.held_on
    r_window = (held_on > start) & (held_on <= as_of)
    r_held = r_window & receptions.held
    rp = receptions.person

    # --- deliveries, summed in a canonical row order (floats)
    d_window = (deliveries.due > start) & (deliveries.due <= as_of)
    d_rows = np.flatnonzero(d_window)
    order = np.lexsort(
        (
            deliveries.dispute_share[d_rows],
            deliveries.weight[d_rows],
            deliveries.on_time[d_rows],
            deliveries.person[d_rows],
        )
    )
    d_rows = d_rows[order]
    dp = deliveries.person[d_rows]
    weight = deliveries.weight[d_rows]
    on_time_items = deliveries.on_time[d_rows]
    success = np.where(
        on_time_items,
        weight * (1.0 - methodology.delivery_dispute_discount * deliveries.dispute_share[d_rows]),
        0.0,
    )

    return _Aggregates(
        res_table=res_table,
        res_transferred=moves[:, 3].copy(),
        sat_counts=sat_counts,
        sat_visits=sat_visits,
        t_on_time=states[:, 1].copy(),
        t_late=states[:, 2].copy(),
        t_overdue=states[:, 3].copy(),
        t_fast=speed_n[:, 2].copy(),
        t_fast_days=speed_days[:, 2].copy(),
        t_days_n=speed_n[:, 1] + speed_n[:, 2],
        t_days_sum=speed_days[:, 1] + speed_days[:, 2],
        r_scheduled=_count(rp[r_window], n),
        r_held=_count(rp[r_held], n),
        r_booked=_int_sum(rp[r_held], receptions.booked[r_held], n),
        r_attended=_int_sum(rp[r_held], receptions.attended[r_held], n),
        r_slots=_int_sum(rp[r_window], receptions.scheduled_slots[r_window], n),
        d_items=_count(dp, n),
        d_on_time=_count(dp[on_time_items], n),
        d_weight=np.bincount(dp, weights=weight, minlength=n).astype(np.float64),
        d_success=np.bincount(dp, weights=success, minlength=n).astype(np.float64),
        w_appeals=appeal_count,
        w_held_out=held_out_count,
        w_open=appeal_count - states[:, 1] - states[:, 2],
        w_transferred=moves[:, 1] + moves[:, 3],
    )


@dataclass(frozen=True, eq=False)
class _Evidence:
    """Per-person (successes, trials) of every component, plus resolution's table."""

    successes: FloatArray  # (N, 5)
    trials: FloatArray  # (N, 5)
    res_counts: FloatArray  # (N, C) resolution cases per category


def _evidence(agg: _Aggregates, methodology: Methodology) -> _Evidence:
    table = agg.res_table
    res_counts = (table[:, :, _COL_NO] + table[:, :, _COL_PARTLY] + table[:, :, _COL_YES]).astype(
        np.float64
    )
    if methodology.resolution_unconfirmed == "failure":
        res_counts = res_counts + table[:, :, _COL_UNCONFIRMED]
    yes = table[:, :, _COL_YES].sum(axis=1).astype(np.float64)
    partly = table[:, :, _COL_PARTLY].sum(axis=1).astype(np.float64)
    res_s = yes + methodology.resolution_partly_value * partly
    res_n = res_counts.sum(axis=1)

    stars = agg.sat_counts
    sat_n = stars.sum(axis=1).astype(np.float64)
    sat_s = (stars[:, 1] + 2 * stars[:, 2] + 3 * stars[:, 3] + 4 * stars[:, 4]) / 4.0

    target = float(methodology.timeliness_target_working_days)
    speed = (target * agg.t_fast - agg.t_fast_days) / target
    w = methodology.timeliness_speed_weight
    tim_n = (agg.t_on_time + agg.t_late + agg.t_overdue).astype(np.float64)
    tim_s = (1.0 - w) * agg.t_on_time + w * speed

    sched = agg.r_scheduled.astype(np.float64)
    booked = agg.r_booked.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        attendance = np.where(
            booked > 0.0,
            np.minimum(1.0, agg.r_attended / booked),
            np.where(agg.r_held > 0, 1.0, 0.0),
        )
    h = methodology.direct_contact_held_weight
    con_s = h * agg.r_held + (1.0 - h) * sched * attendance

    successes = np.stack([res_s, sat_s, tim_s, con_s, agg.d_success], axis=1)
    trials = np.stack([res_n, sat_n, tim_n, sched, agg.d_weight], axis=1)
    return _Evidence(successes.astype(np.float64), trials.astype(np.float64), res_counts)


# ------------------------------------------------------------------ group stats
def _group_stats(
    groups: tuple[str, ...],
    categories: tuple[str, ...],
    agg: _Aggregates,
    ev: _Evidence,
    methodology: Methodology,
    as_of: date,
) -> GroupStats:
    group_names = tuple(sorted(set(groups)))
    position = {g: i for i, g in enumerate(group_names)}
    gidx = np.array([position[g] for g in groups], dtype=np.int64)
    n_groups = len(group_names)
    cg = methodology.group_prior_strength

    global_means = np.zeros(len(COMPONENTS))
    group_means = np.zeros((n_groups, len(COMPONENTS)))
    for c in range(len(COMPONENTS)):
        s = ev.successes[:, c]
        t = ev.trials[:, c]
        s_g = np.bincount(gidx, weights=s, minlength=n_groups)
        t_g = np.bincount(gidx, weights=t, minlength=n_groups)
        m0 = (float(np.sum(s)) + 0.5) / (float(np.sum(t)) + 1.0)
        global_means[c] = m0
        group_means[:, c] = (s_g + cg * m0) / (t_g + cg)

    # Resolution: category effects and the case-mix-standardised group means.
    table = agg.res_table
    n_c = ev.res_counts.sum(axis=0)
    o_c = (
        table[:, :, _COL_YES].sum(axis=0)
        + methodology.resolution_partly_value * table[:, :, _COL_PARTLY].sum(axis=0)
    ).astype(np.float64)
    r_all = global_means[_RESOLUTION]
    if methodology.case_mix == "global" and len(categories):
        k0 = methodology.category_prior_strength
        rate_c = (o_c + k0 * r_all) / (n_c + k0)
        effects = logit(rate_c) - (math.log(r_all) - math.log1p(-r_all))
    else:
        effects = np.zeros(len(categories))
    n_gc = np.zeros((n_groups, len(categories)))
    np.add.at(n_gc, gidx, ev.res_counts)
    o_g = np.bincount(gidx, weights=ev.successes[:, _RESOLUTION], minlength=n_groups)
    prior = np.full(n_groups, cg)
    theta = solve_standardised(n_gc, effects.astype(np.float64), prior, o_g + cg * r_all)
    group_means[:, _RESOLUTION] = sigmoid(theta)

    return GroupStats(
        methodology_version=methodology.version,
        as_of=as_of,
        categories=categories,
        category_effects=tuple(float(x) for x in effects),
        global_means={c: float(global_means[i]) for i, c in enumerate(COMPONENTS)},
        group_means={
            g: {c: float(group_means[j, i]) for i, c in enumerate(COMPONENTS)}
            for j, g in enumerate(group_names)
        },
    )


# ------------------------------------------------------------------ scoring
@dataclass(frozen=True, eq=False)
class _Scored:
    mean: FloatArray  # (N, 5) posterior means, 0..1
    low: FloatArray
    high: FloatArray
    expected: FloatArray  # (N,) resolution: expected resolved count at the group mean
    total: FloatArray
    total_low: FloatArray
    total_high: FloatArray
    rated: npt.NDArray[np.bool_]


def _score(
    agg: _Aggregates,
    ev: _Evidence,
    means: FloatArray,
    effects: FloatArray,
    methodology: Methodology,
) -> _Scored:
    """Posterior of every component and of the total, for each row independently."""
    n = means.shape[0]
    z = z_value(methodology.interval_level)
    k = np.array([methodology.prior_strength[c] for c in COMPONENTS])
    mean = np.zeros((n, len(COMPONENTS)))
    low = np.zeros_like(mean)
    high = np.zeros_like(mean)
    variance = np.zeros_like(mean)
    for c in range(len(COMPONENTS)):
        m = means[:, c]
        trials = ev.trials[:, c]
        nu = k[c] + trials
        if c == _RESOLUTION:
            theta = solve_standardised(
                ev.res_counts, effects, np.full(n, k[c]), ev.successes[:, c] + k[c] * m
            )
            a = nu * sigmoid(theta)
        else:
            a = k[c] * m + ev.successes[:, c]
        mu = a / nu
        b = nu - a
        mean[:, c] = mu
        variance[:, c] = mu * (1.0 - mu) / (nu + 1.0)
        low[:, c], high[:, c] = beta_interval(mu, a, b, z)

    expected = row_sum(
        ev.res_counts * sigmoid(logit(means[:, _RESOLUTION])[:, None] + effects[None, :])
    )

    weights = np.array([methodology.weights[c] for c in COMPONENTS])
    w = np.broadcast_to(weights, mean.shape)
    if methodology.missing_components == "renormalise":
        active = (weights[None, :] > 0.0) & (ev.trials > 0.0)
        active_weight = row_sum(np.where(active, w, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(
                (active_weight > 0.0)[:, None],
                np.where(active, w, 0.0) / active_weight[:, None],
                w,
            )
    total = row_sum(w * mean)
    total_var = row_sum(w * w * variance)
    with np.errstate(divide="ignore", invalid="ignore"):
        nu_t = np.maximum(total * (1.0 - total) / total_var - 1.0, TINY)
    a_t = nu_t * total
    total_low, total_high = beta_interval(total, a_t, nu_t - a_t, z)

    assessed = agg.t_on_time + agg.t_late + agg.t_overdue
    rated = (assessed >= methodology.min_appeals) | (agg.r_scheduled >= methodology.min_receptions)
    return _Scored(mean, low, high, expected, total, total_low, total_high, rated)


# ------------------------------------------------------------------ ranking
def _rank(
    ids: Sequence[str],
    groups: Sequence[str],
    scores: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    rated: Sequence[bool],
) -> tuple[list[int], dict[int, tuple[int, int]]]:
    """Order of rows for output, and (rank, band) of each rated row.

    Within a group, rated people are sorted by score (descending), then person id.
    Rank is the competition rank (1 + number of people with a strictly higher
    score). Bands: the first person opens band 1 and leads it; walking down, a
    person opens a new band (and leads it) when their upper bound is below the
    lower bound of the current band's leader -- unless they tie with the person
    just above, who is always in the same band.
    """
    by_group: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    order: list[int] = []
    placed: dict[int, tuple[int, int]] = {}
    for g in sorted(by_group):
        members = by_group[g]
        ranked = sorted((i for i in members if rated[i]), key=lambda i: (-scores[i], ids[i]))
        band = 0
        leader = -1
        for position, i in enumerate(ranked):
            previous = ranked[position - 1] if position else -1
            if position and scores[i] == scores[previous]:
                rank = placed[previous][0]
            else:
                rank = position + 1
            tied = position > 0 and scores[i] == scores[previous]
            if leader < 0 or (highs[i] < lows[leader] and not tied):
                band += 1
                leader = i
            placed[i] = (rank, band)
        order.extend(ranked)
        order.extend(sorted((i for i in members if not rated[i]), key=lambda i: ids[i]))
    return order, placed


# ------------------------------------------------------------------ results
_WORKLOAD_KEYS = (
    "appeals",
    "assessed",
    "open",
    "transferred",
    "held_out",
    "evaluations",
    "receptions",
)


def _results(
    ids: Sequence[str],
    groups: Sequence[str],
    agg: _Aggregates,
    ev: _Evidence,
    means: FloatArray,
    scored: _Scored,
    rows: Sequence[int],
    placed: Mapping[int, tuple[int, int]] | None,
    methodology: Methodology,
) -> list[PersonResult]:
    """Build the result objects for ``rows`` (column by column, for speed)."""
    pct = 100.0
    take = np.asarray(rows, dtype=np.int64)

    def f(values: FloatArray) -> list[float]:
        out: list[float] = values[take].tolist()
        return out

    def i(values: npt.NDArray[Any]) -> list[int]:
        out: list[int] = np.rint(values[take]).astype(np.int64).tolist()
        return out

    table = agg.res_table.sum(axis=1)
    gm = [f(means[:, c] * pct) for c in range(len(COMPONENTS))]
    # Explicit dict displays: about three times faster than dict(zip(keys, row)).
    evidence: dict[str, list[dict[str, int | float]]] = {
        "resolution": [
            {
                "cases": n,
                "resolved": yes,
                "partly": partly,
                "not_resolved": no,
                "unconfirmed": unconfirmed,
                "transferred": moved,
                "observed": observed,
                "expected": expected,
                "group_mean": mean,
            }
            for n, yes, partly, no, unconfirmed, moved, observed, expected, mean in zip(
                i(ev.trials[:, 0]),
                i(table[:, _COL_YES]),
                i(table[:, _COL_PARTLY]),
                i(table[:, _COL_NO]),
                i(table[:, _COL_UNCONFIRMED]),
                i(agg.res_transferred),
                f(ev.successes[:, 0]),
                f(scored.expected),
                gm[0],
                strict=True,
            )
        ],
        "satisfaction": [
            {
                "evaluations": n,
                "stars_1": s1,
                "stars_2": s2,
                "stars_3": s3,
                "stars_4": s4,
                "stars_5": s5,
                "group_mean": mean,
            }
            for n, s1, s2, s3, s4, s5, mean in zip(
                i(ev.trials[:, 1]), *(i(agg.sat_counts[:, s]) for s in range(5)), gm[1], strict=True
            )
        ],
        "timeliness": [
            {
                "assessed": n,
                "on_time": on_time,
                "late": late,
                "overdue_open": overdue,
                "under_target": fast,
                "working_days_known": days_n,
                "working_days_total": days_sum,
                "group_mean": mean,
            }
            for n, on_time, late, overdue, fast, days_n, days_sum, mean in zip(
                i(ev.trials[:, 2]),
                i(agg.t_on_time),
                i(agg.t_late),
                i(agg.t_overdue),
                i(agg.t_fast),
                i(agg.t_days_n),
                i(agg.t_days_sum),
                gm[2],
                strict=True,
            )
        ],
        "direct_contact": [
            {
                "scheduled": n,
                "held": held,
                "slots": slots,
                "booked": booked,
                "attended": attended,
                "group_mean": mean,
            }
            for n, held, slots, booked, attended, mean in zip(
                i(agg.r_scheduled),
                i(agg.r_held),
                i(agg.r_slots),
                i(agg.r_booked),
                i(agg.r_attended),
                gm[3],
                strict=True,
            )
        ],
        "delivery": [
            {
                "items": items,
                "on_time": on_time,
                "weight": weight,
                "weighted_success": success,
                "group_mean": mean,
            }
            for items, on_time, weight, success, mean in zip(
                i(agg.d_items),
                i(agg.d_on_time),
                f(ev.trials[:, 4]),
                f(ev.successes[:, 4]),
                gm[4],
                strict=True,
            )
        ],
    }
    if methodology.satisfaction_include_receptions:
        # Only versions that count them say so: earlier versions' results stay as published.
        for entry, visits in zip(evidence["satisfaction"], i(agg.sat_visits), strict=True):
            entry["reception_evaluations"] = visits
    per_component: list[list[ComponentResult]] = [
        list(
            map(
                ComponentResult,
                f(scored.mean[:, c] * pct),
                f(scored.low[:, c] * pct),
                f(scored.high[:, c] * pct),
                evidence[name],
            )
        )
        for c, name in enumerate(COMPONENTS)
    ]
    components = [
        dict(zip(COMPONENTS, parts, strict=True)) for parts in zip(*per_component, strict=True)
    ]
    workload = [
        dict(zip(_WORKLOAD_KEYS, values, strict=True))
        for values in zip(
            i(agg.w_appeals),
            i(ev.trials[:, 2]),
            i(agg.w_open),
            i(agg.w_transferred),
            i(agg.w_held_out),
            i(ev.trials[:, 1]),
            i(agg.r_scheduled),
            strict=True,
        )
    ]
    rated = scored.rated[take].tolist()
    total = f(scored.total * pct)
    total_low = f(scored.total_low * pct)
    total_high = f(scored.total_high * pct)

    out: list[PersonResult] = []
    for j, row in enumerate(rows):
        is_rated = rated[j]
        rank_band = placed.get(row) if placed is not None else None
        out.append(
            PersonResult(
                person_id=ids[row],
                group=groups[row],
                status=STATUS_RATED if is_rated else STATUS_INSUFFICIENT,
                score=total[j] if is_rated else None,
                low=total_low[j] if is_rated else None,
                high=total_high[j] if is_rated else None,
                rank=rank_band[0] if rank_band else None,
                band=rank_band[1] if rank_band else None,
                components=components[j],
                workload=workload[j],
            )
        )
    return out


# ------------------------------------------------------------------ public API
@dataclass(frozen=True, eq=False)
class _Prepared:
    ids: tuple[str, ...]
    groups: tuple[str, ...]
    categories: tuple[str, ...]
    agg: _Aggregates
    ev: _Evidence


def _prepare(
    people: PeopleColumns,
    appeals: AppealColumns,
    receptions: ReceptionColumns,
    deliveries: DeliveryColumns,
    methodology: Methodology,
    as_of: date,
) -> _Prepared:
    n = len(people.person_ids)
    appeals.validate(n)
    receptions.validate(n)
    deliveries.validate(n)
    categories, cat_map = _canonical_categories(appeals.categories, methodology)
    agg = _aggregate(
        n, appeals, cat_map, len(categories), receptions, deliveries, methodology, as_of.toordinal()
    )
    order = np.array(sorted(range(n), key=people.person_ids.__getitem__), dtype=np.int64)
    agg = agg.take(order)
    ids = tuple(people.person_ids[i] for i in order)
    groups = tuple(people.groups[i] for i in order)
    return _Prepared(ids, groups, categories, agg, _evidence(agg, methodology))


def group_stats_columns(
    people: PeopleColumns,
    appeals: AppealColumns,
    receptions: ReceptionColumns,
    deliveries: DeliveryColumns,
    methodology: Methodology,
    as_of: date,
) -> GroupStats:
    """Group statistics from columnar input (see :class:`GroupStats`)."""
    prep = _prepare(people, appeals, receptions, deliveries, methodology, as_of)
    return _group_stats(prep.groups, prep.categories, prep.agg, prep.ev, methodology, as_of)


def compute_columns(
    people: PeopleColumns,
    appeals: AppealColumns,
    receptions: ReceptionColumns,
    deliveries: DeliveryColumns,
    methodology: Methodology,
    as_of: date,
) -> RatingResult:
    """The full rating from columnar input (the fast path)."""
    prep = _prepare(people, appeals, receptions, deliveries, methodology, as_of)
    stats = _group_stats(prep.groups, prep.categories, prep.agg, prep.ev, methodology, as_of)
    names = sorted(stats.group_means)
    table = np.array([[stats.group_means[g][c] for c in COMPONENTS] for g in names])
    position = {g: i for i, g in enumerate(names)}
    means = table[np.array([position[g] for g in prep.groups], dtype=np.int64)]
    if means.ndim != 2:
        means = np.zeros((0, len(COMPONENTS)))
    effects = np.array(stats.category_effects, dtype=np.float64)
    scored = _score(prep.agg, prep.ev, means, effects, methodology)
    order, placed = _rank(
        prep.ids,
        prep.groups,
        scored.total.tolist(),
        scored.total_low.tolist(),
        scored.total_high.tolist(),
        scored.rated.tolist(),
    )
    results = _results(
        prep.ids, prep.groups, prep.agg, prep.ev, means, scored, order, placed, methodology
    )
    return RatingResult(methodology.version, as_of, tuple(results))


def _records_to_columns(
    people: Iterable[PersonRecord],
    appeals: Iterable[AppealRecord],
    receptions: Iterable[ReceptionRecord],
    deliveries: Iterable[DeliveryRecord],
) -> tuple[PeopleColumns, AppealColumns, ReceptionColumns, DeliveryColumns]:
    people_cols = PeopleColumns.from_records(people)
    index = {p: i for i, p in enumerate(people_cols.person_ids)}
    return (
        people_cols,
        appeal_columns(list(appeals), index),
        reception_columns(list(receptions), index),
        delivery_columns(list(deliveries), index),
    )


def compute(
    people: Iterable[PersonRecord],
    appeals: Iterable[AppealRecord],
    receptions: Iterable[ReceptionRecord],
    deliveries: Iterable[DeliveryRecord],
    methodology: Methodology,
    as_of: date,
) -> RatingResult:
    """The full rating from records (converted to columns; see ``compute_columns``)."""
    columns = _records_to_columns(people, appeals, receptions, deliveries)
    return compute_columns(*columns, methodology, as_of)


def group_stats(
    people: Iterable[PersonRecord],
    appeals: Iterable[AppealRecord],
    receptions: Iterable[ReceptionRecord],
    deliveries: Iterable[DeliveryRecord],
    methodology: Methodology,
    as_of: date,
) -> GroupStats:
    """The statistics a live update needs (what ``compute`` uses internally)."""
    columns = _records_to_columns(people, appeals, receptions, deliveries)
    return group_stats_columns(*columns, methodology, as_of)


def compute_person(
    person: PersonRecord,
    appeals: Iterable[AppealRecord],
    receptions: Iterable[ReceptionRecord],
    deliveries: Iterable[DeliveryRecord],
    stats: GroupStats,
    methodology: Methodology,
    as_of: date,
) -> PersonResult:
    """One person's rating from their own records and cached :class:`GroupStats`.

    With ``stats = group_stats(<all records>)`` this equals the person's entry in
    ``compute(<all records>)`` exactly, except ``rank`` and ``band`` (None here:
    they depend on everyone else).
    """
    return compute_person_columns(
        *_records_to_columns([person], appeals, receptions, deliveries),
        stats,
        methodology,
        as_of,
    )


def compute_person_columns(
    people_cols: PeopleColumns,
    appeal_cols: AppealColumns,
    reception_cols: ReceptionColumns,
    delivery_cols: DeliveryColumns,
    stats: GroupStats,
    methodology: Methodology,
    as_of: date,
) -> PersonResult:
    """:func:`compute_person` on columns that hold exactly one person (position 0).

    The live refresh's path: a busy person's thousands of appeals never become records.
    """
    if stats.methodology_version != methodology.version:
        raise ValueError(
            f"group statistics are for methodology {stats.methodology_version!r}, "
            f"not {methodology.version!r}"
        )
    if len(people_cols.person_ids) != 1:
        raise ValueError(f"expected columns of one person, not {len(people_cols.person_ids)}")
    # Index the person's categories in the statistics' order (unknown ones at the
    # end, with no difficulty effect) so the arithmetic matches the full run.
    extra = sorted(
        {methodology.map_category(c) for c in appeal_cols.categories} - set(stats.categories)
    )
    categories = stats.categories + tuple(extra)
    position = {c: i for i, c in enumerate(categories)}
    cat_map = np.array(
        [position[methodology.map_category(c)] for c in appeal_cols.categories], dtype=np.int64
    )
    appeal_cols.validate(1)
    reception_cols.validate(1)
    delivery_cols.validate(1)
    agg = _aggregate(
        1,
        appeal_cols,
        cat_map,
        len(categories),
        reception_cols,
        delivery_cols,
        methodology,
        as_of.toordinal(),
    )
    ev = _evidence(agg, methodology)
    group_means = stats.means_for(people_cols.groups[0])
    means = np.array([[group_means[c] for c in COMPONENTS]], dtype=np.float64)
    effects = np.array(stats.category_effects + (0.0,) * len(extra), dtype=np.float64)
    scored = _score(agg, ev, means, effects, methodology)
    (result,) = _results(
        people_cols.person_ids, people_cols.groups, agg, ev, means, scored, [0], None, methodology
    )
    return result
