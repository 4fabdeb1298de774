"""A slow, obviously-correct reference implementation of the rating method.

Pure Python (no NumPy), one record and one person at a time, written straight
from ``docs/methodology.md``. It exists to hold the fast engine to the method:
the tests run both on random inputs and require agreement within 1e-9. It uses
different numerical routes on purpose (bisection instead of Newton steps,
``math.fsum`` sums, its own digamma/trigamma), so agreement is evidence rather
than an echo. Do not use it in production: it is quadratic in places.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import NormalDist

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


# ------------------------------------------------------------------ math
def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _logit(p: float) -> float:
    return math.log(p) - math.log1p(-p)


def _digamma(x: float) -> float:
    """psi(x), x > 0: recurrence up to x >= 10, then the asymptotic (Stirling) series."""
    result = 0.0
    while x < 10.0:
        result -= 1.0 / x
        x += 1.0
    x2 = 1.0 / (x * x)
    # Bernoulli-number series: ln x - 1/(2x) - sum B_2k / (2k x^2k)
    series = x2 * (
        1 / 12
        - x2 * (1 / 120 - x2 * (1 / 252 - x2 * (1 / 240 - x2 * (1 / 132 - x2 * 691 / 32760))))
    )
    return result + math.log(x) - 0.5 / x - series


def _trigamma(x: float) -> float:
    """psi'(x), x > 0: recurrence up to x >= 10, then the asymptotic series."""
    result = 0.0
    while x < 10.0:
        result += 1.0 / (x * x)
        x += 1.0
    ix = 1.0 / x
    x2 = ix * ix
    series = ix + x2 / 2 + ix * x2 * (1 / 6 - x2 * (1 / 30 - x2 * (1 / 42 - x2 * (1 / 30))))
    return result + series


def _interval(mean: float, a: float, b: float, z: float) -> tuple[float, float]:
    """Logit-normal approximation of the central Beta(a, b) interval, containing ``mean``."""
    a = max(a, 1e-12)
    b = max(b, 1e-12)
    centre = _digamma(a) - _digamma(b)
    spread = z * math.sqrt(_trigamma(a) + _trigamma(b))
    return min(_sigmoid(centre - spread), mean), max(_sigmoid(centre + spread), mean)


def _solve(cases: list[tuple[float, float]], prior: float, target: float) -> float:
    """theta with sum n*sigmoid(theta + e) + prior*sigmoid(theta) = target, by bisection."""

    def f(theta: float) -> float:
        return (
            math.fsum(n * _sigmoid(theta + e) for n, e in cases) + prior * _sigmoid(theta) - target
        )

    low, high = -1.0, 1.0
    while f(low) > 0:
        low *= 2.0
    while f(high) < 0:
        high *= 2.0
    for _ in range(2000):
        mid = (low + high) / 2.0
        if mid in (low, high):
            break
        if f(mid) < 0:
            low = mid
        else:
            high = mid
    return (low + high) / 2.0


# ------------------------------------------------------------------ per person
@dataclass
class _Person:
    record: PersonRecord
    res: dict[str, list[int]] = field(default_factory=dict)  # category -> [no, partly, yes, unc]
    res_transferred: int = 0
    stars: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])
    visit_marks: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    under_target: int = 0
    speed: float = 0.0
    days_known: int = 0
    days_total: int = 0
    scheduled: int = 0
    held: int = 0
    booked: int = 0
    attended: int = 0
    slots: int = 0
    items: int = 0
    items_on_time: int = 0
    d_weights: list[float] = field(default_factory=list)
    d_successes: list[float] = field(default_factory=list)
    appeals: int = 0
    held_out: int = 0
    open: int = 0
    transferred: int = 0


def compute_reference(
    people: Iterable[PersonRecord],
    appeals: Iterable[AppealRecord],
    receptions: Iterable[ReceptionRecord],
    deliveries: Iterable[DeliveryRecord],
    methodology: Methodology,
    as_of: date,
) -> RatingResult:
    """The rating, computed the slow and obvious way."""
    m = methodology
    start = as_of - timedelta(days=m.window_days)
    persons: dict[str, _Person] = {}
    for record in people:
        if record.person_id in persons:
            raise ValueError(f"person {record.person_id!r} listed twice")
        persons[record.person_id] = _Person(record)

    for a in appeals:
        person = persons[a.person_id]
        if not start < a.registered_on <= as_of:
            continue
        if not a.counts:
            person.held_out += 1
            continue
        person.appeals += 1
        answered = a.answered_on is not None and a.answered_on <= as_of
        if a.transferred_out_of_competence:
            person.transferred += 1
        if not answered:
            person.open += 1
        if answered and a.transferred_out_of_competence:
            person.res_transferred += 1
        if answered and not a.transferred_out_of_competence and a.outcome_counts:
            row = person.res.setdefault(m.map_category(a.category), [0, 0, 0, 0])
            if a.resolution is None:
                row[3] += 1
            else:
                row[("no", "partly", "yes").index(a.resolution)] += 1
        if (
            a.evaluation is not None
            and (answered or a.answered_on is None)
            and (m.satisfaction_include_transferred or not a.transferred_out_of_competence)
        ):
            person.stars[a.evaluation - 1] += 1
        if answered:
            assert a.answered_on is not None
            if a.answered_on <= a.due_on:
                person.on_time += 1
            else:
                person.late += 1
            days = a.working_days_to_answer
            if days is not None:
                person.days_known += 1
                person.days_total += days
                target = m.timeliness_target_working_days
                if days < target:
                    person.under_target += 1
                person.speed += max(0.0, 1.0 - days / target)
        elif a.due_on < as_of:
            person.overdue += 1

    for r in receptions:
        person = persons[r.person_id]
        if not start < r.held_on <= as_of:
            continue
        person.scheduled += 1
        person.slots += r.scheduled_slots
        if m.satisfaction_include_receptions:
            for mark in r.evaluations:
                person.stars[mark - 1] += 1
                person.visit_marks += 1
        if r.held:
            person.held += 1
            person.booked += r.booked
            person.attended += r.attended

    for item in deliveries:
        person = persons[item.person_id]
        if not start < item.due_on <= as_of:
            continue
        person.items += 1
        person.d_weights.append(item.weight)
        if item.delivered_on_time:
            person.items_on_time += 1
            person.d_successes.append(
                item.weight * (1.0 - m.delivery_dispute_discount * item.dispute_share)
            )

    ids = sorted(persons)

    # successes and trials of every component, per person
    def cases(p: _Person, category: str) -> int:
        row = p.res.get(category, [0, 0, 0, 0])
        return row[0] + row[1] + row[2] + (row[3] if m.resolution_unconfirmed == "failure" else 0)

    def observed(p: _Person) -> float:
        yes = sum(row[2] for row in p.res.values())
        partly = sum(row[1] for row in p.res.values())
        return yes + m.resolution_partly_value * partly

    def evidence(p: _Person) -> dict[str, tuple[float, float]]:
        h = m.direct_contact_held_weight
        attendance = 1.0 if p.held > 0 else 0.0  # nobody booked: nobody turned away
        if p.booked > 0:
            attendance = min(1.0, p.attended / p.booked)
        w = m.timeliness_speed_weight
        return {
            "resolution": (observed(p), float(sum(cases(p, c) for c in p.res))),
            "satisfaction": (
                sum(p.stars[e] * e / 4 for e in range(5)),
                float(sum(p.stars)),
            ),
            "timeliness": (
                (1 - w) * p.on_time + w * p.speed,
                float(p.on_time + p.late + p.overdue),
            ),
            "direct_contact": (
                h * p.held + (1 - h) * p.scheduled * attendance,
                float(p.scheduled),
            ),
            "delivery": (math.fsum(p.d_successes), math.fsum(p.d_weights)),
        }

    ev = {pid: evidence(persons[pid]) for pid in ids}

    # category list and effects
    if m.categories is None:
        categories = sorted({c for p in persons.values() for c in p.res})
    else:
        categories = sorted({*m.categories, m.other_category})
    cg = m.group_prior_strength
    global_mean: dict[str, float] = {}
    for comp in COMPONENTS:
        s = math.fsum(ev[pid][comp][0] for pid in ids)
        t = math.fsum(ev[pid][comp][1] for pid in ids)
        global_mean[comp] = (s + 0.5) / (t + 1.0)
    r_all = global_mean["resolution"]
    effect: dict[str, float] = {}
    for c in categories:
        if m.case_mix == "global":
            n_c = sum(cases(persons[pid], c) for pid in ids)
            o_c = sum(
                persons[pid].res.get(c, [0, 0, 0, 0])[2]
                + m.resolution_partly_value * persons[pid].res.get(c, [0, 0, 0, 0])[1]
                for pid in ids
            )
            k0 = m.category_prior_strength
            effect[c] = _logit((o_c + k0 * r_all) / (n_c + k0)) - _logit(r_all)
        else:
            effect[c] = 0.0

    group_mean: dict[str, dict[str, float]] = {}
    for g in sorted({persons[pid].record.group for pid in ids}):
        members = [pid for pid in ids if persons[pid].record.group == g]
        means: dict[str, float] = {}
        for comp in COMPONENTS:
            s = math.fsum(ev[pid][comp][0] for pid in members)
            t = math.fsum(ev[pid][comp][1] for pid in members)
            means[comp] = (s + cg * global_mean[comp]) / (t + cg)
        pooled = [
            (float(sum(cases(persons[pid], c) for pid in members)), effect[c]) for c in categories
        ]
        pooled_target = math.fsum(ev[pid]["resolution"][0] for pid in members) + cg * r_all
        means["resolution"] = _sigmoid(_solve(pooled, cg, pooled_target))
        group_mean[g] = means

    z = NormalDist().inv_cdf(0.5 + m.interval_level / 2)

    # per person
    rows: dict[str, dict[str, object]] = {}
    for pid in ids:
        who = persons[pid]
        gm = group_mean[who.record.group]
        comp_mean: dict[str, float] = {}
        comp_var: dict[str, float] = {}
        comp_interval: dict[str, tuple[float, float]] = {}
        for comp in COMPONENTS:
            k = m.prior_strength[comp]
            successes, trials = ev[pid][comp]
            nu = k + trials
            if comp == "resolution":
                own = [(float(cases(who, c)), effect[c]) for c in categories]
                alpha = nu * _sigmoid(_solve(own, k, successes + k * gm[comp]))
            else:
                alpha = k * gm[comp] + successes
            mu = alpha / nu
            comp_mean[comp] = mu
            comp_var[comp] = mu * (1 - mu) / (nu + 1)
            comp_interval[comp] = _interval(mu, alpha, nu - alpha, z)
        weights = {c: m.weights[c] for c in COMPONENTS}
        if m.missing_components == "renormalise":
            active = [c for c in COMPONENTS if weights[c] > 0 and ev[pid][c][1] > 0]
            total_w = math.fsum(weights[c] for c in active)
            if total_w > 0:
                weights = {c: (weights[c] / total_w if c in active else 0.0) for c in COMPONENTS}
        total = math.fsum(weights[c] * comp_mean[c] for c in COMPONENTS)
        var = math.fsum(weights[c] ** 2 * comp_var[c] for c in COMPONENTS)
        nu_t = max(total * (1 - total) / var - 1, 1e-12)
        t_low, t_high = _interval(total, nu_t * total, nu_t * (1 - total), z)
        expected = math.fsum(
            cases(who, c) * _sigmoid(_logit(gm["resolution"]) + effect[c]) for c in categories
        )
        assessed = who.on_time + who.late + who.overdue
        rated = assessed >= m.min_appeals or who.scheduled >= m.min_receptions
        resolved = [sum(row[i] for row in who.res.values()) for i in range(4)]
        evidence_out: dict[str, dict[str, int | float]] = {
            "resolution": {
                "cases": int(ev[pid]["resolution"][1]),
                "resolved": resolved[2],
                "partly": resolved[1],
                "not_resolved": resolved[0],
                "unconfirmed": resolved[3],
                "transferred": who.res_transferred,
                "observed": ev[pid]["resolution"][0],
                "expected": expected,
            },
            "satisfaction": {
                "evaluations": sum(who.stars),
                **{f"stars_{e + 1}": who.stars[e] for e in range(5)},
                **(
                    {"reception_evaluations": who.visit_marks}
                    if m.satisfaction_include_receptions
                    else {}
                ),
            },
            "timeliness": {
                "assessed": assessed,
                "on_time": who.on_time,
                "late": who.late,
                "overdue_open": who.overdue,
                "under_target": who.under_target,
                "working_days_known": who.days_known,
                "working_days_total": who.days_total,
            },
            "direct_contact": {
                "scheduled": who.scheduled,
                "held": who.held,
                "slots": who.slots,
                "booked": who.booked,
                "attended": who.attended,
            },
            "delivery": {
                "items": who.items,
                "on_time": who.items_on_time,
                "weight": ev[pid]["delivery"][1],
                "weighted_success": ev[pid]["delivery"][0],
            },
        }
        components = {
            c: ComponentResult(
                value=100 * comp_mean[c],
                low=100 * comp_interval[c][0],
                high=100 * comp_interval[c][1],
                evidence={**evidence_out[c], "group_mean": 100 * gm[c]},
            )
            for c in COMPONENTS
        }
        rows[pid] = {
            "rated": rated,
            "score": 100 * total,
            "low": 100 * t_low,
            "high": 100 * t_high,
            "components": components,
            "workload": {
                "appeals": who.appeals,
                "assessed": assessed,
                "open": who.open,
                "transferred": who.transferred,
                "held_out": who.held_out,
                "evaluations": sum(who.stars),
                "receptions": who.scheduled,
            },
        }

    # ranks and bands within each group
    results: list[PersonResult] = []
    for g in sorted(group_mean):
        members = [pid for pid in ids if persons[pid].record.group == g]
        rated_ids = [pid for pid in members if rows[pid]["rated"]]

        def score(pid: str) -> float:
            value = rows[pid]["score"]
            assert isinstance(value, float)
            return value

        def bound(pid: str, key: str) -> float:
            value = rows[pid][key]
            assert isinstance(value, float)
            return value

        rated_ids.sort(key=lambda pid: (-score(pid), pid))
        band = 0
        leader: str | None = None
        for position, pid in enumerate(rated_ids):
            rank = 1 + sum(1 for other in rated_ids if score(other) > score(pid))
            tied = position > 0 and score(rated_ids[position - 1]) == score(pid)
            if leader is None or (bound(pid, "high") < bound(leader, "low") and not tied):
                band += 1
                leader = pid
            results.append(_result(persons[pid].record, rows[pid], rank, band))
        for pid in sorted(pid for pid in members if not rows[pid]["rated"]):
            results.append(_result(persons[pid].record, rows[pid], None, None))
    return RatingResult(m.version, as_of, tuple(results))


def _result(
    record: PersonRecord, row: dict[str, object], rank: int | None, band: int | None
) -> PersonResult:
    rated = bool(row["rated"])
    components = row["components"]
    workload = row["workload"]
    assert isinstance(components, dict) and isinstance(workload, dict)
    score, low, high = row["score"], row["low"], row["high"]
    assert isinstance(score, float) and isinstance(low, float) and isinstance(high, float)
    return PersonResult(
        person_id=record.person_id,
        group=record.group,
        status=STATUS_RATED if rated else STATUS_INSUFFICIENT,
        score=score if rated else None,
        low=low if rated else None,
        high=high if rated else None,
        rank=rank,
        band=band,
        components=components,
        workload=workload,
    )
