"""Hand-computed cases of the rating engine (no database, no Django)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import numpy as np
import pytest

from halyq.scoring import (
    DEFAULT_METHODOLOGY,
    METHODOLOGY_V2,
    AppealColumns,
    AppealRecord,
    ColumnsError,
    DeliveryColumns,
    DeliveryRecord,
    GroupStats,
    PeopleColumns,
    PersonRecord,
    ReceptionColumns,
    ReceptionRecord,
    compute,
    compute_columns,
    compute_person,
    compute_person_columns,
    group_stats,
)
from halyq.scoring.columns import appeal_columns, delivery_columns, reception_columns
from halyq.scoring.engine import _rank
from halyq.scoring.reference import compute_reference
from halyq.scoring.stats import solve_standardised, z_value

from .strategies import AS_OF, variant

NO_CASE_MIX = variant("v1", resolution__case_mix="none")


def appeal(
    appeal_id: str,
    person_id: str,
    *,
    category: str = "roads",
    days_ago: int = 30,
    answered_after: int | None = 5,
    term: int = 21,
    working_days: int | None = 5,
    resolution: str | None = None,
    transferred: bool = False,
    counts: bool = True,
    evaluation: int | None = None,
) -> AppealRecord:
    registered = AS_OF - timedelta(days=days_ago)
    return AppealRecord(
        appeal_id=appeal_id,
        person_id=person_id,
        category=category,
        registered_on=registered,
        answered_on=None if answered_after is None else registered + timedelta(days=answered_after),
        due_on=registered + timedelta(days=term),
        working_days_to_answer=None if answered_after is None else working_days,
        resolution=resolution,
        transferred_out_of_competence=transferred,
        counts=counts,
        evaluation=evaluation,
    )


def beta_mean(k: float, m: float, s: float, n: float) -> float:
    return (k * m + s) / (k + n)


# ---------------------------------------------------------------- hand cases
def small_world() -> tuple[list[PersonRecord], list[AppealRecord]]:
    """A and an evidence-free B in one group. A: five appeals, one transferred."""
    people = [PersonRecord("A", "district:71"), PersonRecord("B", "district:71")]
    appeals = [
        appeal("1", "A", resolution="yes", evaluation=5),
        appeal("2", "A", resolution="yes", evaluation=4),
        appeal("3", "A", resolution="partly"),
        appeal("4", "A", resolution="no", evaluation=1),
        appeal("5", "A", transferred=True, working_days=2),
    ]
    return people, appeals


def test_hand_computed_person_and_person_without_evidence() -> None:
    people, appeals = small_world()
    result = compute(people, appeals, [], [], NO_CASE_MIX, AS_OF)
    a, b = result.by_person()["A"], result.by_person()["B"]

    # resolution: 2 yes + 0.5 partly of 4 own cases (the transfer is excluded)
    r_all = (2.5 + 0.5) / (4 + 1)
    m_res = (2.5 + 20 * r_all) / (4 + 20)
    # satisfaction: marks 5, 4, 1 -> 1, 0.75, 0 (the transfer has no mark)
    s_all = (1.75 + 0.5) / (3 + 1)
    m_sat = (1.75 + 20 * s_all) / (3 + 20)
    # timeliness: all 5 on time; speed 1 - 5/15 (x4) and 1 - 2/15
    t_s = 0.75 * 5 + 0.25 * (4 * (1 - 5 / 15) + (1 - 2 / 15))
    t_all = (t_s + 0.5) / (5 + 1)
    m_tim = (t_s + 20 * t_all) / (5 + 20)

    assert a.components["resolution"].value == pytest.approx(100 * beta_mean(10, m_res, 2.5, 4))
    assert a.components["satisfaction"].value == pytest.approx(100 * beta_mean(10, m_sat, 1.75, 3))
    assert a.components["timeliness"].value == pytest.approx(100 * beta_mean(10, m_tim, t_s, 5))
    # no receptions and no delivery items anywhere: global mean (0 + 0.5) / (0 + 1)
    assert a.components["direct_contact"].value == pytest.approx(50.0)
    assert a.components["delivery"].value == pytest.approx(50.0)

    expected_total = (
        0.40 * beta_mean(10, m_res, 2.5, 4)
        + 0.20 * beta_mean(10, m_sat, 1.75, 3)
        + 0.25 * beta_mean(10, m_tim, t_s, 5)
        + 0.15 * 0.5
    )
    assert a.status == "rated" and a.score == pytest.approx(100 * expected_total)
    assert a.rank == 1 and a.band == 1
    assert a.low is not None and a.high is not None and a.low < a.score < a.high

    # B has no evidence at all: every component is the group's mean, not rated
    assert b.status == "insufficient" and b.score is None and b.rank is None
    assert b.components["resolution"].value == pytest.approx(100 * m_res)
    assert b.components["satisfaction"].value == pytest.approx(100 * m_sat)
    assert b.components["timeliness"].value == pytest.approx(100 * m_tim)
    for c in b.components.values():
        assert c.evidence["group_mean"] == pytest.approx(c.value)
        assert c.low < c.value < c.high

    ev = a.components["resolution"].evidence
    assert (ev["cases"], ev["resolved"], ev["partly"], ev["not_resolved"]) == (4, 2, 1, 1)
    assert ev["transferred"] == 1 and ev["observed"] == 2.5
    assert dict(a.workload) == {
        "appeals": 5,
        "assessed": 5,
        "open": 0,
        "transferred": 1,
        "held_out": 0,
        "evaluations": 3,
        "receptions": 0,
    }


def test_interval_of_a_component_is_the_logit_normal_beta_interval() -> None:
    people, appeals = small_world()
    a = compute(people, appeals, [], [], NO_CASE_MIX, AS_OF).by_person()["A"]
    r_all = 3 / 5
    m = (2.5 + 20 * r_all) / 24
    alpha, beta = 10 * m + 2.5, 10 * (1 - m) + 1.5
    c = a.components["resolution"]
    assert z_value(0.9) == pytest.approx(1.6448536269514722)
    # the exact 90% interval of Beta(alpha, beta), by numerical integration
    x = np.linspace(0, 1, 200_001)[1:-1]
    pdf = np.exp((alpha - 1) * np.log(x) + (beta - 1) * np.log1p(-x))
    cdf = np.cumsum(pdf)
    cdf /= cdf[-1]
    exact_low = 100 * x[np.searchsorted(cdf, 0.05)]
    exact_high = 100 * x[np.searchsorted(cdf, 0.95)]
    assert c.low == pytest.approx(exact_low, abs=0.6)
    assert c.high == pytest.approx(exact_high, abs=0.6)


def test_ties_share_rank_and_band() -> None:
    people = [PersonRecord(p, "city:75") for p in ("x", "y", "z")]
    appeals = []
    for person in ("x", "y"):  # identical records
        appeals += [
            appeal(f"{person}{i}", person, resolution="yes", evaluation=5) for i in range(6)
        ]
    appeals += [appeal(f"z{i}", "z", resolution="no", evaluation=1) for i in range(6)]
    result = compute(people, appeals, [], [], DEFAULT_METHODOLOGY, AS_OF)
    x, y, z = (result.by_person()[p] for p in "xyz")
    assert x.score == y.score
    assert (x.rank, y.rank, z.rank) == (1, 1, 3)
    assert x.band == y.band == 1
    assert [r.person_id for r in result.results] == ["x", "y", "z"]  # tie broken by id


def test_band_rule() -> None:
    ids = ["a", "b", "c", "d", "e", "f"]
    scores = [90.0, 88.0, 70.0, 69.0, 69.0, 20.0]
    lows = [85.0, 80.0, 60.0, 50.0, 40.0, 10.0]
    highs = [95.0, 92.0, 84.0, 75.0, 58.0, 30.0]
    order, placed = _rank(ids, ["g"] * 6, scores, lows, highs, [True] * 6)
    assert order == [0, 1, 2, 3, 4, 5]
    # b overlaps leader a; c's high (84) < a's low (85): new band led by c; d overlaps c;
    # e (high 58 < c's low 60) ties with d, so stays in d's band; f opens band 3.
    assert [placed[i] for i in order] == [(1, 1), (2, 1), (3, 2), (4, 2), (4, 2), (6, 3)]


def test_everything_transferred() -> None:
    people = [PersonRecord("t", "district:71"), PersonRecord("u", "district:71")]
    appeals = [appeal(f"t{i}", "t", transferred=True, resolution="yes") for i in range(6)]
    appeals += [appeal(f"u{i}", "u", resolution="yes" if i % 2 else "no") for i in range(6)]
    result = compute(people, appeals, [], [], DEFAULT_METHODOLOGY, AS_OF)
    t = result.by_person()["t"]
    res = t.components["resolution"]
    assert res.evidence["cases"] == 0 and res.evidence["transferred"] == 6
    assert res.value == pytest.approx(res.evidence["group_mean"])  # only the prior
    assert t.components["timeliness"].evidence["assessed"] == 6  # still answered, on time
    assert t.status == "rated"


def test_one_group_only_and_window_and_held_out() -> None:
    people = [PersonRecord("w", "oblast:10")]
    window = DEFAULT_METHODOLOGY.window_days
    appeals = [
        appeal("in-first-day", "w", days_ago=window - 1, resolution="yes"),
        appeal("too-old", "w", days_ago=window, resolution="no"),
        appeal("today", "w", days_ago=0, answered_after=None),
        appeal("future", "w", days_ago=-1, resolution="no"),
        appeal("held-out", "w", resolution="no", counts=False, evaluation=1),
    ]
    w = compute(people, appeals, [], [], DEFAULT_METHODOLOGY, AS_OF).results[0]
    assert w.workload["appeals"] == 2 and w.workload["held_out"] == 1
    assert w.workload["open"] == 1  # "today": open, not yet due -> not assessed
    assert w.components["resolution"].evidence["cases"] == 1
    assert w.components["satisfaction"].evidence["evaluations"] == 0
    assert w.status == "insufficient"  # one assessed appeal, no receptions


def test_answers_after_as_of_are_not_yet_answers() -> None:
    people = [PersonRecord("h", "g")]
    late_answer = appeal("x", "h", days_ago=40, answered_after=45, resolution="yes", evaluation=5)
    h = compute(people, [late_answer], [], [], DEFAULT_METHODOLOGY, AS_OF).results[0]
    assert h.components["resolution"].evidence["cases"] == 0
    assert h.components["satisfaction"].evidence["evaluations"] == 0
    assert h.components["timeliness"].evidence["overdue_open"] == 1  # due 19 days ago
    later = compute(people, [late_answer], [], [], DEFAULT_METHODOLOGY, AS_OF + timedelta(days=10))
    h = later.results[0]
    assert h.components["resolution"].evidence["cases"] == 1
    assert h.components["satisfaction"].evidence["evaluations"] == 1
    assert h.components["timeliness"].evidence["late"] == 1


def test_receptions_component_and_rating_on_receptions_alone() -> None:
    people = [PersonRecord("r", "city:75")]
    day = AS_OF - timedelta(days=10)
    receptions = [
        ReceptionRecord("r", day, scheduled_slots=6, booked=4, attended=3, held=True),
        ReceptionRecord("r", day, scheduled_slots=6, booked=2, attended=2, held=True),
        ReceptionRecord("r", day, scheduled_slots=6, booked=5, attended=0, held=False),
    ]
    r = compute(people, [], receptions, [], DEFAULT_METHODOLOGY, AS_OF).results[0]
    # held 2 of 3; attendance over held receptions 5 / 6; blend 0.5 / 0.5
    s = 0.5 * 2 + 0.5 * 3 * (5 / 6)
    m0 = (s + 0.5) / (3 + 1)
    m = (s + 20 * m0) / (3 + 20)
    assert r.components["direct_contact"].value == pytest.approx(100 * beta_mean(4, m, s, 3))
    assert r.status == "rated"  # three receptions meet the minimum evidence alone
    ev = r.components["direct_contact"].evidence
    assert (ev["scheduled"], ev["held"], ev["booked"], ev["attended"], ev["slots"]) == (
        3,
        2,
        6,
        5,
        18,
    )


def test_delivery_component_and_its_weight() -> None:
    people = [PersonRecord("d", "g"), PersonRecord("e", "g")]
    appeals = [appeal(f"{p}{i}", p, resolution="yes") for p in "de" for i in range(5)]
    due = AS_OF - timedelta(days=50)
    deliveries = [
        DeliveryRecord("d", "i1", 2.0, due, delivered_on_time=True, dispute_share=0.25),
        DeliveryRecord("d", "i2", 1.0, due, delivered_on_time=False, dispute_share=0.0),
        DeliveryRecord("e", "i3", 1.0, due, delivered_on_time=False, dispute_share=0.0),
    ]
    v1 = compute(people, appeals, [], deliveries, DEFAULT_METHODOLOGY, AS_OF).by_person()
    v2 = compute(people, appeals, [], deliveries, METHODOLOGY_V2, AS_OF).by_person()
    s_d, n_d = 2.0 * 0.75, 3.0
    m0 = (s_d + 0.5) / (4 + 1)
    m = (s_d + 20 * m0) / (4 + 20)
    assert v1["d"].components["delivery"].value == pytest.approx(100 * beta_mean(3, m, s_d, n_d))
    assert v2["d"].components["delivery"].value == v1["d"].components["delivery"].value
    # v1 gives delivery no weight: d and e (same appeals) tie; v2 separates them
    assert v1["d"].score == v1["e"].score
    assert v2["d"].score is not None and v2["e"].score is not None
    assert v2["d"].score > v2["e"].score


def test_missing_components_prior_versus_renormalise() -> None:
    people, appeals = small_world()
    renorm = variant("v1", resolution__case_mix="none", missing_components="renormalise")
    prior = compute(people, appeals, [], [], NO_CASE_MIX, AS_OF).by_person()["A"]
    again = compute(people, appeals, [], [], renorm, AS_OF).by_person()["A"]
    values = {k: c.value for k, c in prior.components.items()}
    # A has no receptions: renormalised over resolution, satisfaction, timeliness
    expected = (
        0.40 * values["resolution"] + 0.20 * values["satisfaction"] + 0.25 * values["timeliness"]
    ) / 0.85
    assert again.score == pytest.approx(expected)
    assert prior.score == pytest.approx(
        0.40 * values["resolution"]
        + 0.20 * values["satisfaction"]
        + 0.25 * values["timeliness"]
        + 0.15 * values["direct_contact"]
    )


def test_unconfirmed_appeals_excluded_or_failures() -> None:
    people = [PersonRecord("q", "g")]
    appeals = [appeal(f"q{i}", "q", resolution="yes" if i < 3 else None) for i in range(6)]
    excluded = compute(people, appeals, [], [], DEFAULT_METHODOLOGY, AS_OF).results[0]
    failure = variant("v1", resolution__unconfirmed="failure")
    counted = compute(people, appeals, [], [], failure, AS_OF).results[0]
    assert excluded.components["resolution"].evidence["cases"] == 3
    assert counted.components["resolution"].evidence["cases"] == 6
    assert counted.components["resolution"].value < excluded.components["resolution"].value


def test_case_mix_credits_hard_categories() -> None:
    """Half resolved where peers resolve a fifth beats 60% where peers resolve 90%."""
    people = [PersonRecord(p, "g") for p in ("hard", "easy", "h-peer", "e-peer")]
    appeals = []
    for i in range(40):  # peers set the category base rates
        appeals.append(
            appeal(f"hp{i}", "h-peer", category="housing", resolution="yes" if i % 5 == 0 else "no")
        )
        appeals.append(
            appeal(
                f"ep{i}", "e-peer", category="lighting", resolution="no" if i % 10 == 0 else "yes"
            )
        )
    for i in range(10):
        appeals.append(
            appeal(f"h{i}", "hard", category="housing", resolution="yes" if i % 2 else "no")
        )
        appeals.append(
            appeal(f"e{i}", "easy", category="lighting", resolution="yes" if i < 6 else "no")
        )
    with_mix = compute(people, appeals, [], [], DEFAULT_METHODOLOGY, AS_OF).by_person()
    without = compute(people, appeals, [], [], NO_CASE_MIX, AS_OF).by_person()
    res = "resolution"
    assert with_mix["hard"].components[res].value > with_mix["easy"].components[res].value
    assert without["hard"].components[res].value < without["easy"].components[res].value
    # observed vs expected, as reported
    hard = with_mix["hard"].components[res].evidence
    easy = with_mix["easy"].components[res].evidence
    assert hard["observed"] > hard["expected"] and easy["observed"] < easy["expected"]


def test_case_mix_solver_satisfies_its_equation() -> None:
    rng = np.random.default_rng(7)
    counts = rng.integers(0, 30, (50, 6)).astype(np.float64)
    effects = rng.normal(0, 1.5, 6)
    prior = np.full(50, 10.0)
    share = rng.random(50)
    target = share * counts.sum(axis=1) + prior * 0.6
    theta = solve_standardised(counts, effects, prior, target)
    lhs = (counts / (1 + np.exp(-(theta[:, None] + effects)))).sum(axis=1) + prior / (
        1 + np.exp(-theta)
    )
    np.testing.assert_allclose(lhs, target, rtol=1e-12, atol=1e-10)
    # without case mix the solution is the Beta-binomial posterior mean
    plain = solve_standardised(counts, np.zeros(6), prior, target)
    np.testing.assert_allclose(
        1 / (1 + np.exp(-plain)), target / (counts.sum(axis=1) + prior), rtol=1e-12
    )


def test_stats_round_trip_and_live_update() -> None:
    people, appeals = small_world()
    stats = group_stats(people, appeals, [], [], DEFAULT_METHODOLOGY, AS_OF)
    again = GroupStats.from_dict(json.loads(json.dumps(stats.to_dict())))
    assert again == stats
    full = compute(people, appeals, [], [], DEFAULT_METHODOLOGY, AS_OF).by_person()["A"]
    live = compute_person(people[0], appeals, [], [], again, DEFAULT_METHODOLOGY, AS_OF)
    assert live.components == full.components and live.score == full.score
    # a new appeal in a category unknown to the cached statistics is still scored
    extra = appeal("9", "A", category="new-category", resolution="yes")
    grown = compute_person(people[0], [*appeals, extra], [], [], again, DEFAULT_METHODOLOGY, AS_OF)
    assert grown.components["resolution"].evidence["cases"] == 5
    with pytest.raises(ValueError, match="methodology"):
        compute_person(people[0], appeals, [], [], stats, METHODOLOGY_V2, AS_OF)
    with pytest.raises(ValueError, match="unknown person"):
        compute_person(people[1], appeals, [], [], stats, DEFAULT_METHODOLOGY, AS_OF)


def test_the_columnar_live_path_equals_the_records_path_and_takes_one_person_only() -> None:
    people, appeals = small_world()
    stats = group_stats(people, appeals, [], [], DEFAULT_METHODOLOGY, AS_OF)
    own = [a for a in appeals if a.person_id == "A"]
    index = {"A": 0}
    columns = (
        PeopleColumns.from_records(people[:1]),
        appeal_columns(own, index),
        reception_columns([], index),
        delivery_columns([], index),
    )
    live = compute_person_columns(*columns, stats, DEFAULT_METHODOLOGY, AS_OF)
    assert live == compute_person(people[0], own, [], [], stats, DEFAULT_METHODOLOGY, AS_OF)
    everyone = PeopleColumns.from_records(people)
    with pytest.raises(ValueError, match="one person"):
        compute_person_columns(everyone, *columns[1:], stats, DEFAULT_METHODOLOGY, AS_OF)


def test_to_dict_is_canonical() -> None:
    people, appeals = small_world()
    data = compute(people, appeals, [], [], DEFAULT_METHODOLOGY, AS_OF).to_dict()
    assert data["methodology_version"] == "v1" and data["as_of"] == "2025-06-30"
    first = data["results"][0]
    assert first["score"] == round(first["score"], 4)
    for component in first["components"].values():
        for key in ("value", "low", "high"):
            assert component[key] == round(component[key], 4)
    assert json.loads(json.dumps(data)) == data


def test_reference_agrees_on_the_hand_cases() -> None:
    people, appeals = small_world()
    for methodology in (DEFAULT_METHODOLOGY, METHODOLOGY_V2, NO_CASE_MIX):
        fast = compute(people, appeals, [], [], methodology, AS_OF).to_dict()
        slow = compute_reference(people, appeals, [], [], methodology, AS_OF).to_dict()
        assert fast == slow


def test_invalid_inputs_are_refused() -> None:
    people = [PersonRecord("a", "g")]
    with pytest.raises(ValueError, match="unknown person"):
        compute(people, [appeal("1", "nobody")], [], [], DEFAULT_METHODOLOGY, AS_OF)
    with pytest.raises(ValueError, match="listed twice"):
        compute(people * 2, [], [], [], DEFAULT_METHODOLOGY, AS_OF)
    with pytest.raises(ValueError, match="resolution"):
        appeal("1", "a", resolution="maybe")
    with pytest.raises(ValueError, match="evaluation"):
        appeal("1", "a", evaluation=6)
    bad = AppealColumns.build(
        categories=["x"],
        person=[1],
        category=[0],
        registered=[AS_OF.toordinal()],
        answered=[0],
        due=[AS_OF.toordinal()],
        working_days=[-1],
        resolution=[-1],
        transferred=[False],
        counts=[True],
        evaluation=[0],
    )
    with pytest.raises(ColumnsError, match=r"appeals\.person"):
        compute_columns(
            PeopleColumns(("a",), ("g",)),
            bad,
            ReceptionColumns.empty(),
            DeliveryColumns.empty(),
            DEFAULT_METHODOLOGY,
            AS_OF,
        )


def test_columnar_and_record_paths_agree() -> None:
    people, appeals = small_world()
    index = {"A": 0, "B": 1}
    day = AS_OF.toordinal()
    cols = AppealColumns.build(
        categories=["roads"],
        person=[index[a.person_id] for a in appeals],
        category=[0] * len(appeals),
        registered=[a.registered_on.toordinal() for a in appeals],
        answered=[a.answered_on.toordinal() if a.answered_on else 0 for a in appeals],
        due=[a.due_on.toordinal() for a in appeals],
        working_days=[a.working_days_to_answer or 0 for a in appeals],
        resolution=[{"no": 0, "partly": 1, "yes": 2, None: -1}[a.resolution] for a in appeals],
        transferred=[a.transferred_out_of_competence for a in appeals],
        counts=[a.counts for a in appeals],
        evaluation=[a.evaluation or 0 for a in appeals],
    )
    assert day > 0
    fast = compute_columns(
        PeopleColumns(("A", "B"), ("district:71", "district:71")),
        cols,
        ReceptionColumns.empty(),
        DeliveryColumns.empty(),
        DEFAULT_METHODOLOGY,
        AS_OF,
    )
    assert fast.to_dict() == compute(people, appeals, [], [], DEFAULT_METHODOLOGY, AS_OF).to_dict()


def test_result_of_nobody() -> None:
    result = compute([], [], [], [], DEFAULT_METHODOLOGY, date(2025, 1, 1))
    assert result.results == () and result.to_dict()["results"] == []


def test_published_results_carry_decimal_strings_and_hash_canonically():
    from halyq.ledger.canonical import canonical_json
    from halyq.scoring.publish import published

    data = published({"score": 71.25, "low": -0.0, "n": 3, "ok": True, "parts": [1 / 3, None]})
    assert data == {
        "score": "71.2500",
        "low": "0.0000",
        "n": 3,
        "ok": True,
        "parts": ["0.3333", None],
    }
    assert (
        canonical_json(data)
        == b'{"low":"0.0000","n":3,"ok":true,"parts":["0.3333",null],"score":"71.2500"}'
    )


def test_inputs_written_and_read_back_recompute_the_same_result(tmp_path):
    import pytest as _pytest

    from halyq.scoring.inputs_io import InputsError, read_inputs, write_inputs
    from halyq.scoring.simulation import _build_world  # a realistic world, small

    as_of = date(2026, 6, 1)
    world = _build_world(np.random.default_rng(3), 60, 3, 4, as_of.toordinal(), 365)
    columns = (world.people, world.appeals, world.receptions, world.deliveries)
    digest = write_inputs(tmp_path, columns, METHODOLOGY_V2)
    (read_columns, methodology) = read_inputs(tmp_path, expected_hash=digest)
    original = compute_columns(*columns, METHODOLOGY_V2, as_of)
    again = compute_columns(*read_columns, methodology, as_of)
    assert again.to_dict() == original.to_dict()
    appeals = tmp_path / "appeals.csv"
    appeals.write_text(appeals.read_text().replace(",5\n", ",1\n", 1))
    with _pytest.raises(InputsError, match=r"appeals\.csv does not match"):
        read_inputs(tmp_path, expected_hash=digest)


# ---------------------------------------------------------------- v3: visit marks, outcomes
def test_v3_counts_the_marks_of_reception_visits_in_satisfaction() -> None:
    from halyq.scoring import METHODOLOGY_V3

    people = [PersonRecord("r", "city:75")]
    day = AS_OF - timedelta(days=10)
    appeals = [appeal("1", "r", resolution="yes", evaluation=5)]
    receptions = [
        ReceptionRecord("r", day, 6, 4, 3, True, evaluations=(5, 4, 1)),
        # a reception out of the window: its marks are out of it too
        ReceptionRecord("r", AS_OF - timedelta(days=400), 6, 2, 2, True, evaluations=(1, 1)),
    ]
    v2 = compute(people, appeals, receptions, [], METHODOLOGY_V2, AS_OF).results[0]
    v3 = compute(people, appeals, receptions, [], METHODOLOGY_V3, AS_OF).results[0]
    assert v2.components["satisfaction"].evidence == {
        "evaluations": 1,
        "stars_1": 0,
        "stars_2": 0,
        "stars_3": 0,
        "stars_4": 0,
        "stars_5": 1,
        "group_mean": v2.components["satisfaction"].evidence["group_mean"],
    }
    evidence = v3.components["satisfaction"].evidence
    assert (evidence["evaluations"], evidence["reception_evaluations"]) == (4, 3)
    assert [evidence[f"stars_{s}"] for s in range(1, 6)] == [1, 0, 0, 1, 2]
    # (5 -> 1) + (5 -> 1) + (4 -> 0.75) + (1 -> 0) over 4 marks, alone in the country
    s, n = 2.75, 4
    m0 = (s + 0.5) / (n + 1)
    m = (s + 20 * m0) / (n + 20)
    assert v3.components["satisfaction"].value == pytest.approx(100 * beta_mean(10, m, s, n))
    assert v3.workload["evaluations"] == 4 and v2.workload["evaluations"] == 1
    slow = compute_reference(people, appeals, receptions, [], METHODOLOGY_V3, AS_OF)
    assert slow.results[0].components["satisfaction"].evidence == evidence


def test_an_outcome_left_out_is_no_resolution_case_and_nothing_else_changes() -> None:
    people = [PersonRecord("A", "g")]
    appeals = [appeal(str(i), "A", resolution="yes") for i in range(4)]
    kept = [*appeals, appeal("x", "A", resolution="no", evaluation=2)]
    left_out = [*appeals, dataclasses.replace(kept[-1], outcome_counts=False)]
    counted = compute(people, kept, [], [], NO_CASE_MIX, AS_OF).results[0]
    set_aside = compute(people, left_out, [], [], NO_CASE_MIX, AS_OF).results[0]
    assert counted.components["resolution"].evidence["not_resolved"] == 1
    assert set_aside.components["resolution"].evidence["cases"] == 4
    assert set_aside.components["resolution"].evidence["not_resolved"] == 0
    assert set_aside.components["resolution"].evidence["unconfirmed"] == 0
    # alone in the country, 4 of 4 resolved: m0 = 4.5 / 5
    m0 = 4.5 / 5
    m = (4 + 20 * m0) / (4 + 20)
    assert set_aside.components["resolution"].value == pytest.approx(100 * beta_mean(10, m, 4, 4))
    assert set_aside.components["satisfaction"] == counted.components["satisfaction"]
    assert set_aside.components["timeliness"] == counted.components["timeliness"]
    assert set_aside.workload == counted.workload


def test_inputs_carry_visit_marks_and_left_out_outcomes(tmp_path) -> None:
    from halyq.scoring import METHODOLOGY_V3
    from halyq.scoring.inputs_io import InputsError, read_inputs, write_inputs

    people = [PersonRecord("A", "g"), PersonRecord("B", "g")]
    day = AS_OF - timedelta(days=3)
    appeals = [appeal(f"A{i}", "A", resolution="no") for i in range(5)]
    appeals[2] = dataclasses.replace(appeals[2], outcome_counts=False)
    receptions = [
        ReceptionRecord("B", day, 6, 3, 3, True, evaluations=(5, 2)),
        ReceptionRecord("B", day, 6, 3, 3, True, evaluations=(4,)),
    ]
    index = {"A": 0, "B": 1}
    columns = (
        PeopleColumns.from_records(people),
        appeal_columns(appeals, index),
        reception_columns(receptions, index),
        delivery_columns([], index),
    )
    digest = write_inputs(tmp_path, columns, METHODOLOGY_V3)
    assert (tmp_path / "visit_marks.csv").read_text().splitlines() == [
        "person,held_on,mark",
        f"1,{day.toordinal()},5",
        f"1,{day.toordinal()},2",
        f"1,{day.toordinal()},4",
    ]
    assert (tmp_path / "outcomes_left_out.csv").read_text().splitlines() == ["appeal", "2"]
    read_columns, methodology = read_inputs(tmp_path, expected_hash=digest)
    assert methodology == METHODOLOGY_V3
    assert read_columns[1].outcome_counts.tolist() == [True, True, False, True, True]
    original = compute_columns(*columns, METHODOLOGY_V3, AS_OF).to_dict()
    assert compute_columns(*read_columns, methodology, AS_OF).to_dict() == original
    assert original == compute(people, appeals, receptions, [], METHODOLOGY_V3, AS_OF).to_dict()
    marks = tmp_path / "visit_marks.csv"
    marks.write_text(marks.read_text().replace(",2\n", ",5\n"))
    with pytest.raises(InputsError, match=r"visit_marks\.csv does not match"):
        read_inputs(tmp_path, expected_hash=digest)
    # A manifest naming no such files (inputs published before them) reads as none of
    # them; one naming a file it should not is refused.
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    for name in ("visit_marks.csv", "outcomes_left_out.csv"):
        del manifest[name]
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    old, _ = read_inputs(tmp_path)
    assert len(old[2].marks) == 0 and bool(old[1].outcome_counts.all())
    manifest["extra.csv"] = "0" * 64
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(InputsError, match=r"unknown files: extra\.csv"):
        read_inputs(tmp_path)


def test_visit_marks_out_of_range_are_refused() -> None:
    from halyq.scoring import METHODOLOGY_V3, VisitMarkColumns

    people = PeopleColumns(("a",), ("g",))
    receptions = ReceptionColumns.build(
        person=[0],
        held_on=[AS_OF.toordinal()],
        scheduled_slots=[1],
        booked=[1],
        attended=[1],
        held=[True],
        marks=VisitMarkColumns.build(person=[0], held_on=[AS_OF.toordinal()], mark=[6]),
    )
    with pytest.raises(ColumnsError, match=r"visit_marks\.mark"):
        compute_columns(
            people,
            AppealColumns.empty(),
            receptions,
            DeliveryColumns.empty(),
            METHODOLOGY_V3,
            AS_OF,
        )
    with pytest.raises(ValueError, match=r"marks must be 1\.\.5"):
        ReceptionRecord("a", AS_OF, 1, 1, 1, True, evaluations=(0,))
