"""A synthetic country to test the rating against a known truth, and attack it.

``simulate(seed, people=...)`` draws people with a known true quality in
comparison groups (council level x region); regions and appeal categories have
difficulties; workloads are heavy-tailed (many people have a handful of appeals,
a few have hundreds); appeals, answers, resolutions, citizens' marks and
receptions are drawn from noisy models that depend on the true quality and on
the difficulties. It then compares the methodology with the naive star average
(the mean of raw marks): Kendall's tau-b against the truth and the precision of
the top decile -- within comparison groups (how results are published) and
nationally.

Attacks: (a) a coordinated group files appeals to a few targets and gives top
marks; (b) a group gives bottom marks to a rival; (c) a person files sock-puppet
appeals to themself, answers them at once and confirms them resolved. Every
attack record carries ``suspicious``: whether the documented defence (burst
detection, which catches a share ``detection_rate`` of such records) would flag
it. With defences on, flagged records get ``counts=False`` -- exactly what the
Django side does -- and we report how far the targets move in their group,
with and without defences, next to the naive average.

Everything is drawn from ``numpy.random.default_rng(seed)``: one seed, one result.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from halyq.scoring.columns import (
    NO_DATE,
    NO_DAYS,
    RES_NO,
    RES_PARTLY,
    RES_UNCONFIRMED,
    RES_YES,
    AppealColumns,
    DeliveryColumns,
    PeopleColumns,
    ReceptionColumns,
)
from halyq.scoring.engine import compute_columns
from halyq.scoring.methodology import Methodology
from halyq.scoring.model import STATUS_RATED, RatingResult
from halyq.scoring.versions import DEFAULT_METHODOLOGY

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

LEVELS = ("oblast", "city", "district")
LEVEL_SHARE = (0.1, 0.3, 0.6)


# ------------------------------------------------------------------ metrics
def _tie_pairs(values: npt.NDArray[np.float64] | IntArray) -> int:
    _, counts = np.unique(values, return_counts=True)
    return int(np.sum(counts * (counts - 1) // 2))


def _inversions(sequence: IntArray) -> int:
    """Pairs i < j with sequence[i] > sequence[j] (a Fenwick tree over dense ranks)."""
    _, ranks = np.unique(sequence, return_inverse=True)
    size = int(ranks.max()) + 1 if ranks.size else 0
    tree = [0] * (size + 1)
    inversions = 0
    for seen, r in enumerate(ranks.tolist()):
        # count earlier elements with rank <= r
        i = r + 1
        not_greater = 0
        while i > 0:
            not_greater += tree[i]
            i -= i & -i
        inversions += seen - not_greater
        i = r + 1
        while i <= size:
            tree[i] += 1
            i += i & -i
    return inversions


def _kendall_parts(x: FloatArray, y: FloatArray) -> tuple[int, int, int]:
    """(concordant - discordant, pairs not tied in x, pairs not tied in y)."""
    n = x.shape[0]
    if n < 2:
        return 0, 0, 0
    order = np.lexsort((y, x))
    xs, ys = x[order], y[order]
    n0 = n * (n - 1) // 2
    n1 = _tie_pairs(xs)
    n2 = _tie_pairs(ys)
    pairs = np.stack([xs, ys], axis=1)
    _, joint = np.unique(pairs, axis=0, return_counts=True)
    n3 = int(np.sum(joint * (joint - 1) // 2))
    _, y_codes = np.unique(ys, return_inverse=True)
    discordant = _inversions(y_codes.astype(np.int64))
    return n0 - n1 - n2 + n3 - 2 * discordant, n0 - n1, n0 - n2


def kendall_tau(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Kendall's tau-b of two equally long sequences, O(n log n); 0 when undefined."""
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.shape != ya.shape:
        raise ValueError("kendall_tau: sequences differ in length")
    s, a, b = _kendall_parts(xa, ya)
    return s / math.sqrt(a * b) if a and b else 0.0


def kendall_tau_within(x: npt.ArrayLike, y: npt.ArrayLike, groups: npt.ArrayLike) -> float:
    """Kendall's tau-b over the pairs inside each group only (pooled over groups)."""
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    ga = np.asarray(groups)
    s_total = a_total = b_total = 0
    for g in np.unique(ga):
        members = ga == g
        s, a, b = _kendall_parts(xa[members], ya[members])
        s_total += s
        a_total += a
        b_total += b
    return s_total / math.sqrt(a_total * b_total) if a_total and b_total else 0.0


def _top(values: FloatArray, k: int) -> set[int]:
    order = np.lexsort((np.arange(values.shape[0]), -values))
    return set(order[:k].tolist())


def top_decile_precision(truth: npt.ArrayLike, estimate: npt.ArrayLike) -> float:
    """Share of the true top 10% (at least one person) that the estimate also puts there."""
    t = np.asarray(truth, dtype=np.float64)
    e = np.asarray(estimate, dtype=np.float64)
    k = max(1, math.ceil(0.1 * int(t.shape[0])))
    hits: int = len(_top(t, k) & _top(e, k))
    return hits / k


def top_decile_precision_within(
    truth: npt.ArrayLike, estimate: npt.ArrayLike, groups: npt.ArrayLike
) -> float:
    """Top-decile precision with each group's own top 10%, pooled over groups."""
    t = np.asarray(truth, dtype=np.float64)
    e = np.asarray(estimate, dtype=np.float64)
    ga = np.asarray(groups)
    hits = total = 0
    for g in np.unique(ga):
        idx = np.flatnonzero(ga == g)
        k = max(1, math.ceil(0.1 * idx.shape[0]))
        hits += len(_top(t[idx], k) & _top(e[idx], k))
        total += k
    return hits / total if total else 0.0


# ------------------------------------------------------------------ report
@dataclass(frozen=True)
class MethodFigures:
    """Agreement of one method's ordering with the true quality (rated people only)."""

    kendall_tau_within: float
    kendall_tau_global: float
    top_decile_within: float
    top_decile_global: float


@dataclass(frozen=True)
class AttackFigures:
    """Mean movement of the targets in their group, in percentile points.

    Positive = in the attacker's favour (up for boosts, down for a smear).
    """

    name: str
    description: str
    targets: int
    fake_appeals: int
    caught_share: float
    rating_defences_off: float
    rating_defences_on: float
    naive_defences_off: float
    naive_defences_on: float

    @property
    def defence_ratio(self) -> float:
        """Movement with defences on / off (the smaller, the better the defence)."""
        if self.rating_defences_off <= 0:
            return 0.0
        return self.rating_defences_on / self.rating_defences_off


@dataclass(frozen=True)
class SimulationReport:
    seed: int
    people: int
    groups: int
    categories: int
    methodology_version: str
    appeals: int
    evaluations: int
    receptions: int
    rated: int
    workload_median: float
    workload_p90: float
    workload_max: int
    share_under_5: float
    detection_rate: float
    rating: MethodFigures
    naive: MethodFigures
    attacks: tuple[AttackFigures, ...] = field(default_factory=tuple)
    seconds: float = 0.0

    def format_report(self) -> str:
        def figures(label: str, f: MethodFigures) -> str:
            return (
                f"  {label:<22}{f.kendall_tau_within:>9.3f}{f.kendall_tau_global:>9.3f}"
                f"{f.top_decile_within:>10.3f}{f.top_decile_global:>10.3f}"
            )

        lines = [
            f"Halyq rating simulation: seed {self.seed}, methodology {self.methodology_version}",
            f"  {self.people:,} people in {self.groups} comparison groups, "
            f"{self.categories} appeal categories",
            f"  {self.appeals:,} appeals, {self.evaluations:,} evaluations, "
            f"{self.receptions:,} receptions",
            f"  workload (appeals per person): median {self.workload_median:g}, "
            f"90th percentile {self.workload_p90:g}, max {self.workload_max:,}; "
            f"{self.share_under_5:.0%} have fewer than 5",
            f"  rated: {self.rated:,} ({self.rated / max(self.people, 1):.0%}); "
            "the others have too little evidence",
            "",
            "Agreement with the true quality (rated people; within = inside comparison groups)",
            f"  {'method':<22}{'tau-b':>9}{'tau-b':>9}{'top 10%':>10}{'top 10%':>10}",
            f"  {'':<22}{'within':>9}{'national':>9}{'within':>10}{'national':>10}",
            figures("methodology", self.rating),
            figures("naive star average", self.naive),
        ]
        if self.attacks:
            lines += [
                "",
                f"Attacks (defence: burst detection flags {self.detection_rate:.0%} of fake records;",
                "flagged records are held out). Mean movement of the targets in their group,",
                "in percentile points, positive = in the attacker's favour:",
                f"  {'attack':<16}{'targets':>8}{'fakes':>7}{'caught':>8}"
                f"{'rating':>9}{'rating':>9}{'naive':>9}{'naive':>9}{'on/off':>8}",
                f"  {'':<16}{'':>8}{'':>7}{'':>8}"
                f"{'def.off':>9}{'def.on':>9}{'def.off':>9}{'def.on':>9}{'':>8}",
            ]
            for a in self.attacks:
                lines.append(
                    f"  {a.name:<16}{a.targets:>8}{a.fake_appeals:>7}{a.caught_share:>8.0%}"
                    f"{a.rating_defences_off:>9.1f}{a.rating_defences_on:>9.1f}"
                    f"{a.naive_defences_off:>9.1f}{a.naive_defences_on:>9.1f}"
                    f"{a.defence_ratio:>8.2f}"
                )
            lines += [""] + [f"  {a.name}: {a.description}" for a in self.attacks]
        lines += ["", f"({self.seconds:.1f} s)"]
        return "\n".join(lines)


# ------------------------------------------------------------------ the world
@dataclass(frozen=True, eq=False)
class _World:
    people: PeopleColumns
    groups: npt.NDArray[np.str_]
    region: IntArray
    quality: FloatArray
    region_difficulty: FloatArray
    category_difficulty: FloatArray
    mix: FloatArray
    appeals: AppealColumns
    receptions: ReceptionColumns
    deliveries: DeliveryColumns


def _sigmoid(x: FloatArray) -> FloatArray:
    out: FloatArray = 1.0 / (1.0 + np.exp(-x))
    return out


def _draw_categories(rng: np.random.Generator, mix: FloatArray, person: IntArray) -> IntArray:
    cumulative = np.cumsum(mix, axis=1)
    u: FloatArray = np.asarray(rng.random(size=(person.shape[0],)))
    category = np.zeros(person.shape[0], dtype=np.int64)
    for start in range(0, person.shape[0], 200_000):  # bounded memory
        chunk = slice(start, start + 200_000)
        category[chunk] = (u[chunk, None] > cumulative[person[chunk]]).sum(axis=1)
    result: IntArray = np.minimum(category, mix.shape[1] - 1)
    return result


def _outcomes(
    rng: np.random.Generator,
    quality: FloatArray,
    difficulty: FloatArray,
    answered: BoolArray,
    transferred: BoolArray,
) -> tuple[IntArray, IntArray]:
    """Resolutions (confirmed or not) and 1..5 marks (0 = none) for some appeals."""
    n = quality.shape[0]
    eta = 0.3 + 1.0 * quality - difficulty
    u = rng.random(n)
    outcome = np.where(
        u < _sigmoid(eta - 0.6), RES_YES, np.where(u < _sigmoid(eta + 0.6), RES_PARTLY, RES_NO)
    )
    confirmed = rng.random(n) < 0.7
    resolution = np.where(answered & ~transferred & confirmed, outcome, RES_UNCONFIRMED)
    # marks: noisy, driven by the outcome, the quality and the difficulty
    latent = (
        0.5 * quality
        + 1.0 * (outcome == RES_YES)
        + 0.5 * (outcome == RES_PARTLY)
        - 0.5 * difficulty
        + rng.logistic(0.0, 0.9, n)
    )
    stars = 1 + np.searchsorted(np.array([-1.2, -0.3, 0.5, 1.3]), latent)
    extremist = rng.random(n) < 0.1
    stars = np.where(extremist, np.where(rng.random(n) < 0.5, 1, 5), stars)
    gives_mark = rng.random(n) < np.where(answered, 0.55, 0.25)
    evaluation = np.where(gives_mark, stars, 0).astype(np.int64)
    return resolution.astype(np.int64), evaluation


def _build_world(
    rng: np.random.Generator,
    n_people: int,
    regions: int,
    n_categories: int,
    as_of: int,
    window_days: int,
) -> _World:
    level = rng.choice(len(LEVELS), size=n_people, p=np.array(LEVEL_SHARE))
    region = rng.integers(0, regions, n_people)
    group_names = np.array(
        [
            f"{LEVELS[lv]}:{10 + r:02d}"
            for lv, r in zip(level.tolist(), region.tolist(), strict=True)
        ]
    )
    quality = rng.normal(0.0, 1.0, n_people)
    region_difficulty = rng.normal(0.0, 0.5, regions)
    category_difficulty = rng.normal(0.0, 0.8, n_categories)
    popularity = rng.dirichlet(np.full(n_categories, 2.0))
    mix = rng.dirichlet(popularity * n_categories * 0.7, size=n_people)

    # heavy-tailed workload: median ~9 appeals, a long tail into the hundreds
    workload = 1 + np.floor(rng.lognormal(np.log(8.0), 1.3, n_people)).astype(np.int64)
    person = np.repeat(np.arange(n_people, dtype=np.int64), workload)
    n = person.shape[0]
    category = _draw_categories(rng, mix, person)
    registered = as_of - rng.integers(0, window_days + 60, n)  # some fall before the window
    due = registered + 21  # ~15 working days
    q = quality[person]
    d_region = region_difficulty[region[person]]
    d_category = category_difficulty[category]
    difficulty = d_region + d_category
    on_time = rng.random(n) < _sigmoid(1.0 + 0.9 * q - 0.5 * d_region - 0.3 * d_category)
    late = ~on_time & (rng.random(n) < 0.7)
    days = np.where(
        on_time,
        1 + rng.binomial(14, _sigmoid(-0.8 * q)),
        16 + rng.geometric(0.15, n),
    )
    answered_on = registered + np.ceil(days * 7 / 5).astype(np.int64)
    has_answer = on_time | late
    answered = np.where(has_answer, answered_on, NO_DATE)
    working_days = np.where(has_answer, days, NO_DAYS)
    transferred = rng.random(n) < 0.03 + 0.05 * (category % 4 == 0)
    answered_by_now = has_answer & (answered_on <= as_of)
    resolution, evaluation = _outcomes(rng, q, difficulty, answered_by_now, transferred)
    appeals = AppealColumns.build(
        categories=[f"category-{c:02d}" for c in range(n_categories)],
        person=person,
        category=category,
        registered=registered,
        answered=answered,
        due=due,
        working_days=working_days,
        resolution=resolution,
        transferred=transferred,
        counts=np.ones(n, dtype=np.bool_),
        evaluation=evaluation,
    )

    # receptions: a fifth hold none; the others ~4 a year
    per_person = np.where(rng.random(n_people) < 0.2, 0, rng.poisson(4.0, n_people))
    r_person = np.repeat(np.arange(n_people, dtype=np.int64), per_person)
    m = r_person.shape[0]
    slots = np.full(m, 6, dtype=np.int64)
    booked = rng.binomial(slots, _sigmoid(0.2 - 0.3 * region_difficulty[region[r_person]]))
    receptions = ReceptionColumns.build(
        person=r_person,
        held_on=as_of - rng.integers(0, window_days, m),
        scheduled_slots=slots,
        booked=booked,
        attended=rng.binomial(booked, _sigmoid(1.5 + 0.6 * quality[r_person])),
        held=rng.random(m) < _sigmoid(1.8 + 0.8 * quality[r_person]),
    )

    # programme delivery items (weighed only by methodologies that weigh delivery)
    items = rng.poisson(1.5, n_people)
    d_person = np.repeat(np.arange(n_people, dtype=np.int64), items)
    k = d_person.shape[0]
    deliveries = DeliveryColumns.build(
        person=d_person,
        weight=rng.integers(1, 3, k).astype(np.float64),
        due=as_of - rng.integers(0, window_days, k),
        on_time=rng.random(k) < _sigmoid(0.3 + 0.8 * quality[d_person]),
        dispute_share=rng.beta(1.0, 8.0, k),
    )
    ids = tuple(f"p{i:06d}" for i in range(n_people))
    return _World(
        people=PeopleColumns(ids, tuple(group_names.tolist())),
        groups=group_names,
        region=region,
        quality=quality,
        region_difficulty=region_difficulty,
        category_difficulty=category_difficulty,
        mix=mix,
        appeals=appeals,
        receptions=receptions,
        deliveries=deliveries,
    )


def _scores(result: RatingResult, n_people: int) -> tuple[FloatArray, BoolArray]:
    """Score per person index (NaN when not rated) and the rated mask."""
    score = np.full(n_people, np.nan)
    for r in result.results:
        if r.status == STATUS_RATED and r.score is not None:
            score[int(r.person_id[1:])] = r.score
    rated: BoolArray = ~np.isnan(score)
    return score, rated


def _naive(appeals: AppealColumns, n_people: int, as_of: int, window_days: int) -> FloatArray:
    """Mean of the raw marks of counted appeals in the window; NaN without marks."""
    in_window = (appeals.registered > as_of - window_days) & (appeals.registered <= as_of)
    use = in_window & appeals.counts & (appeals.evaluation > 0)
    total = np.bincount(appeals.person[use], weights=appeals.evaluation[use], minlength=n_people)
    count = np.bincount(appeals.person[use], minlength=n_people)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = total / count
    return out


def _fill(values: FloatArray) -> FloatArray:
    """Naive averages of people without marks: the overall mean (a neutral value)."""
    out: FloatArray = np.where(np.isnan(values), np.nanmean(values), values)
    return out


def _positions(values: FloatArray, groups: npt.NDArray[np.str_], who: IntArray) -> FloatArray:
    """Share of each person's group (among ``who``) with a strictly higher value, 0..1."""
    position = np.zeros(values.shape[0])
    for g in np.unique(groups[who]):
        members = who[groups[who] == g]
        v = values[members]
        higher = (v[None, :] > v[:, None]).sum(axis=1)
        position[members] = higher / max(members.shape[0] - 1, 1)
    return position


def _append(base: AppealColumns, extra: dict[str, IntArray | BoolArray]) -> AppealColumns:
    return AppealColumns.build(
        categories=base.categories,
        **{
            name: np.concatenate([getattr(base, name), extra[name]])
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
            )
        },
    )


def _attack_rows(
    rng: np.random.Generator,
    kind: str,
    targets: IntArray,
    size: int,
    n_categories: int,
    as_of: int,
) -> dict[str, IntArray | BoolArray]:
    n = targets.shape[0] * size
    person = np.repeat(targets, size)
    burst_start = np.repeat(as_of - rng.integers(30, 200, targets.shape[0]), size)
    registered = burst_start + rng.integers(0, 3, n)  # a burst: within three days
    if kind == "smear":
        delay = rng.integers(2, 10, n)  # answered normally
        resolution = np.full(n, RES_NO)
        evaluation = np.full(n, 1)
    elif kind == "boost":
        delay = np.ones(n, dtype=np.int64)
        resolution = np.full(n, RES_YES)
        evaluation = np.full(n, 5)
    else:  # sock puppets: answered the same day, confirmed, marked 5 half the time
        delay = np.zeros(n, dtype=np.int64)
        resolution = np.full(n, RES_YES)
        evaluation = np.where(rng.random(n) < 0.5, 5, 0)
    return {
        "person": person,
        "category": rng.integers(0, n_categories, n),
        "registered": registered,
        "answered": registered + delay,
        "due": registered + 21,
        "working_days": (delay * 5) // 7,
        "resolution": resolution.astype(np.int64),
        "transferred": np.zeros(n, dtype=np.bool_),
        "counts": np.ones(n, dtype=np.bool_),
        "evaluation": evaluation.astype(np.int64),
    }


_ATTACKS = (
    ("boost", "a coordinated group files appeals to each target and marks them 5, resolved"),
    ("smear", "a group files appeals to a rival and marks them 1, not resolved"),
    (
        "sock_puppets",
        "the target files appeals to themself from fake accounts, answers the same "
        "day, confirms them resolved and marks half of them 5",
    ),
)


def simulate(
    seed: int,
    people: int = 13_500,
    *,
    regions: int = 20,
    categories: int = 12,
    methodology: Methodology = DEFAULT_METHODOLOGY,
    as_of: date = date(2025, 6, 30),
    detection_rate: float = 0.8,
    targets: int | None = None,
    attack_size: int = 10,
    attacks: bool = True,
) -> SimulationReport:
    """Simulate a country of ``people`` and report how well each method finds the truth.

    ``detection_rate`` is the share of attack records the burst detector flags;
    ``targets`` (default: 1% of people, 10..60) people are attacked in each
    scenario with ``attack_size`` fake appeals each.
    """
    if not 0.0 <= detection_rate <= 1.0:
        raise ValueError("detection_rate must be in 0..1")
    clock = time.perf_counter()
    rng = np.random.default_rng(seed)
    day = as_of.toordinal()
    window = methodology.window_days
    world = _build_world(rng, people, regions, categories, day, window)

    base = compute_columns(
        world.people, world.appeals, world.receptions, world.deliveries, methodology, as_of
    )
    score, rated = _scores(base, people)
    naive = _fill(_naive(world.appeals, people, day, window))
    who = np.flatnonzero(rated)
    truth = world.quality[who]
    groups = world.groups[who]

    def figures(estimate: FloatArray) -> MethodFigures:
        return MethodFigures(
            kendall_tau_within=kendall_tau_within(truth, estimate, groups),
            kendall_tau_global=kendall_tau(truth, estimate),
            top_decile_within=top_decile_precision_within(truth, estimate, groups),
            top_decile_global=top_decile_precision(truth, estimate),
        )

    attack_figures: list[AttackFigures] = []
    if attacks and who.shape[0] > 0:
        base_pos = _positions(score, world.groups, who)
        naive_pos = _positions(naive, world.groups, who)
        group_size = {
            g: int(c) for g, c in zip(*np.unique(groups, return_counts=True), strict=True)
        }
        eligible = who[
            (base_pos[who] >= 0.25)
            & (base_pos[who] <= 0.75)
            & np.array([group_size[g] >= 10 for g in groups], dtype=np.bool_)
        ]
        n_targets = targets if targets is not None else min(60, max(10, people // 100))
        n_targets = min(n_targets, eligible.shape[0])
        for kind, description in _ATTACKS:
            chosen = np.sort(rng.choice(eligible, size=n_targets, replace=False))
            rows = _attack_rows(rng, kind, chosen, attack_size, categories, day)
            draws: FloatArray = np.asarray(rng.random(size=(rows["person"].shape[0],)))
            suspicious: BoolArray = draws < detection_rate
            direction = -1.0 if kind == "smear" else 1.0
            moves: dict[str, float] = {}
            for defences in (False, True):
                extra = dict(rows)
                extra["counts"] = ~suspicious if defences else np.ones_like(suspicious)
                attacked = _append(world.appeals, extra)
                result = compute_columns(
                    world.people,
                    attacked,
                    world.receptions,
                    world.deliveries,
                    methodology,
                    as_of,
                )
                new_score, _ = _scores(result, people)
                new_pos = _positions(new_score, world.groups, who)
                new_naive = _fill(_naive(attacked, people, day, window))
                new_naive_pos = _positions(new_naive, world.groups, who)
                key = "on" if defences else "off"
                moves[f"rating_{key}"] = float(
                    100 * direction * np.mean(base_pos[chosen] - new_pos[chosen])
                )
                moves[f"naive_{key}"] = float(
                    100 * direction * np.mean(naive_pos[chosen] - new_naive_pos[chosen])
                )
            attack_figures.append(
                AttackFigures(
                    name=kind,
                    description=description,
                    targets=int(chosen.shape[0]),
                    fake_appeals=int(rows["person"].shape[0]),
                    caught_share=float(suspicious.mean()) if suspicious.size else 0.0,
                    rating_defences_off=moves["rating_off"],
                    rating_defences_on=moves["rating_on"],
                    naive_defences_off=moves["naive_off"],
                    naive_defences_on=moves["naive_on"],
                )
            )

    in_window = (world.appeals.registered > day - window) & (world.appeals.registered <= day)
    workload = np.bincount(world.appeals.person[in_window], minlength=people)
    return SimulationReport(
        seed=seed,
        people=people,
        groups=int(np.unique(world.groups).shape[0]),
        categories=categories,
        methodology_version=methodology.version,
        appeals=int(in_window.sum()),
        evaluations=int((in_window & (world.appeals.evaluation > 0)).sum()),
        receptions=len(world.receptions),
        rated=int(rated.sum()),
        workload_median=float(np.median(workload)),
        workload_p90=float(np.percentile(workload, 90)),
        workload_max=int(workload.max()) if people else 0,
        share_under_5=float(np.mean(workload < 5)) if people else 0.0,
        detection_rate=detection_rate,
        rating=figures(score[who]),
        naive=figures(naive[who]),
        attacks=tuple(attack_figures),
        seconds=time.perf_counter() - clock,
    )
