"""Numerical helpers and the simulation's metrics."""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from halyq.scoring.simulation import (
    kendall_tau,
    kendall_tau_within,
    top_decile_precision,
    top_decile_precision_within,
)
from halyq.scoring.stats import beta_interval, digamma, sigmoid, trigamma, z_value

EULER = 0.5772156649015329


def test_digamma_and_trigamma_known_values() -> None:
    x = np.array([1.0, 0.5, 2.0, 10.0, 1e-3, 1e5])
    expected_psi = [
        -EULER,
        -EULER - 2 * math.log(2),
        1 - EULER,
        sum(1 / k for k in range(1, 10)) - EULER,
        # psi(x) = -1/x - gamma + zeta(2) x - zeta(3) x^2 + ...
        -1000.0 - EULER + 1.6449340668e-3 - 1.2020569032e-6,
        math.log(1e5) - 0.5e-5 - 1 / (12 * 1e10),
    ]
    np.testing.assert_allclose(digamma(x), expected_psi, rtol=1e-9, atol=1e-9)
    expected_tri = [math.pi**2 / 6, math.pi**2 / 2, math.pi**2 / 6 - 1]
    np.testing.assert_allclose(trigamma(x[:3]), expected_tri, rtol=1e-12)
    # recurrence psi'(x) = psi'(x + 1) + 1 / x^2 on a range
    grid = np.linspace(0.01, 50, 400)
    np.testing.assert_allclose(trigamma(grid), trigamma(grid + 1) + 1 / grid**2, rtol=1e-11)
    np.testing.assert_allclose(digamma(grid + 1), digamma(grid) + 1 / grid, rtol=1e-11, atol=1e-12)


def test_beta_interval_covers_about_the_nominal_level() -> None:
    z = z_value(0.9)
    x = np.linspace(0, 1, 200_001)[1:-1]
    for a, b in [(1.0, 1.0), (2.0, 8.0), (6.0, 4.0), (30.0, 70.0), (0.8, 19.2), (150.0, 50.0)]:
        pdf = np.exp((a - 1) * np.log(x) + (b - 1) * np.log1p(-x))
        cdf = np.cumsum(pdf) / pdf.sum()
        low, high = beta_interval(np.array([a / (a + b)]), np.array([a]), np.array([b]), z)
        coverage = np.interp(high[0], x, cdf) - np.interp(low[0], x, cdf)
        assert 0.895 <= coverage <= 0.94, (a, b, coverage)


def test_sigmoid_is_stable() -> None:
    values = sigmoid(np.array([-1e6, -50.0, 0.0, 50.0, 1e6]))
    assert 0.0 <= values[0] < 1e-300 and values[2] == 0.5 and values[4] == 1.0
    assert np.all(np.isfinite(values))


def brute_tau(x: list[float], y: list[float]) -> float:
    s = tx = ty = 0
    for i, j in itertools.combinations(range(len(x)), 2):
        dx, dy = np.sign(x[i] - x[j]), np.sign(y[i] - y[j])
        s += dx * dy
        tx += dx != 0
        ty += dy != 0
    return s / math.sqrt(tx * ty) if tx and ty else 0.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=0, max_size=25))
def test_kendall_tau_b_matches_brute_force(pairs: list[tuple[int, int]]) -> None:
    x = [float(a) for a, _ in pairs]
    y = [float(b) for _, b in pairs]
    assert math.isclose(kendall_tau(x, y), brute_tau(x, y), abs_tol=1e-12)


def test_within_group_metrics() -> None:
    truth = [1, 2, 3, 4, 10, 20, 30, 40]
    estimate = [1, 2, 3, 4, 40, 30, 20, 10]
    groups = ["a"] * 4 + ["b"] * 4
    assert kendall_tau_within(truth, estimate, groups) == 0.0  # +6 and -6 pairs
    assert kendall_tau(truth, truth) == 1.0
    assert top_decile_precision(truth, truth) == 1.0
    assert top_decile_precision_within(truth, estimate, groups) == 0.5
