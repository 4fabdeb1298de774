"""Vectorised numerical helpers (NumPy only, no SciPy).

Every function works element by element with a fixed sequence of operations, so a
value computed for one person alone is bit-for-bit the value computed for the same
person inside a batch of thousands -- the live update relies on this.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import Final

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

SHIFT: Final[int] = 8
"""Recurrence shift before the asymptotic series of digamma/trigamma (error < 1e-12)."""
NEWTON_ITERATIONS: Final[int] = 200
"""Cap on the safeguarded Newton/bisection steps of the case-mix solver."""
CONVERGED: Final[float] = 1e-13
"""A row stops (for good) once its Newton step is below this, relative to 1 + |theta|."""
TINY: Final[float] = 1e-12
"""Floor for Beta shape parameters inside the interval approximation."""


def z_value(level: float) -> float:
    """Two-sided standard normal quantile for an interval of ``level`` coverage."""
    return NormalDist().inv_cdf(0.5 + level / 2.0)


def sigmoid(x: FloatArray) -> FloatArray:
    """Logistic function 1 / (1 + exp(-x)) (argument clipped to +-700 against overflow)."""
    out: FloatArray = 1.0 / (1.0 + np.exp(-np.clip(x, -700.0, 700.0)))
    return out


def logit(p: FloatArray) -> FloatArray:
    out: FloatArray = np.log(p) - np.log1p(-p)
    return out


def digamma(x: FloatArray) -> FloatArray:
    """psi(x) for x > 0: psi(x) = psi(x + 8) - sum 1/(x + j), then the Stirling series."""
    acc = np.zeros_like(x)
    y = x.copy()
    for _ in range(SHIFT):
        acc = acc + 1.0 / y
        y = y + 1.0
    inv = 1.0 / y
    inv2 = inv * inv
    series = inv2 * (
        1.0 / 12.0
        - inv2 * (1.0 / 120.0 - inv2 * (1.0 / 252.0 - inv2 * (1.0 / 240.0 - inv2 / 132.0)))
    )
    out: FloatArray = np.log(y) - 0.5 * inv - series - acc
    return out


def trigamma(x: FloatArray) -> FloatArray:
    """psi'(x) for x > 0, by the same shift and the asymptotic series."""
    acc = np.zeros_like(x)
    y = x.copy()
    for _ in range(SHIFT):
        acc = acc + 1.0 / (y * y)
        y = y + 1.0
    inv = 1.0 / y
    inv2 = inv * inv
    series = (
        inv
        + 0.5 * inv2
        + inv
        * inv2
        * (
            1.0 / 6.0
            - inv2 * (1.0 / 30.0 - inv2 * (1.0 / 42.0 - inv2 * (1.0 / 30.0 - inv2 * 5.0 / 66.0)))
        )
    )
    out: FloatArray = series + acc
    return out


def beta_interval(
    mean: FloatArray, a: FloatArray, b: FloatArray, z: float
) -> tuple[FloatArray, FloatArray]:
    """Central interval of Beta(a, b), by the logit-normal approximation.

    logit(X) for X ~ Beta(a, b) has mean psi(a) - psi(b) and variance
    psi'(a) + psi'(b) exactly; the interval is the logistic image of
    mean +- z * sd. It is widened, if ever needed, to contain ``mean``.
    """
    a = np.maximum(a, TINY)
    b = np.maximum(b, TINY)
    centre = digamma(a) - digamma(b)
    spread = z * np.sqrt(trigamma(a) + trigamma(b))
    low = np.minimum(sigmoid(centre - spread), mean)
    high = np.maximum(sigmoid(centre + spread), mean)
    return low, high


def row_sum(matrix: FloatArray) -> FloatArray:
    """Sum of each row, column after column (a fixed order whatever the row count)."""
    acc = np.zeros(matrix.shape[0], dtype=np.float64)
    for j in range(matrix.shape[1]):
        acc = acc + matrix[:, j]
    return acc


def solve_standardised(
    counts: FloatArray, effects: FloatArray, prior: FloatArray, target: FloatArray
) -> FloatArray:
    """Solve, for each row i, the case-mix equation for theta_i:

        sum_c counts[i, c] * sigmoid(theta + effects[c]) + prior[i] * sigmoid(theta) = target[i]

    with ``0 < target[i] < counts[i].sum() + prior[i]`` (``prior > 0``). The left side
    increases strictly in theta, so the root is unique; it is bracketed by
    logit(t) - max(0, max effect) and logit(t) - min(0, min effect), where
    t = target / (n + prior), and found by Newton steps that fall back to bisection
    whenever a step leaves the bracket or fails to halve |f| (tiny steps, at
    convergence, are always accepted). Each row stops on its own once its step
    is below ``CONVERGED``; as every row follows its own fixed sequence of
    operations, its root does not depend on which other rows are solved with it.
    Returns theta.
    """
    total = row_sum(counts) + prior
    centre = logit(target / total)
    present = counts > 0.0
    e_hi = np.max(np.where(present, effects[None, :], 0.0), axis=1, initial=0.0)
    e_lo = np.min(np.where(present, effects[None, :], 0.0), axis=1, initial=0.0)
    low = centre - e_hi
    high = centre - e_lo
    theta = centre.copy()
    last = np.full_like(theta, np.inf)
    active = np.arange(theta.shape[0])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for _ in range(NEWTON_ITERATIONS):
            if active.shape[0] == 0:
                break
            th = theta[active]
            lo = low[active]
            hi = high[active]
            c = counts[active]
            s = sigmoid(th[:, None] + effects[None, :])
            sp = sigmoid(th)
            f = row_sum(c * s) + prior[active] * sp - target[active]
            slope = row_sum(c * (s * (1.0 - s))) + prior[active] * (sp * (1.0 - sp))
            lo = np.where(f < 0.0, th, lo)
            hi = np.where(f > 0.0, th, hi)
            delta = f / slope
            step = th - delta
            tiny = np.abs(delta) <= CONVERGED * (1.0 + np.abs(th))
            progress = (np.abs(f) <= 0.5 * last[active]) | tiny
            newton_ok = (step > lo) & (step < hi) & progress
            moved = np.where(newton_ok, step, 0.5 * (lo + hi))
            theta[active] = np.where(f == 0.0, th, moved)
            low[active] = lo
            high[active] = hi
            last[active] = np.abs(f)
            done = (f == 0.0) | (newton_ok & tiny)
            active = active[~done]
    return theta
