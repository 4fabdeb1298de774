"""The synthetic country: the method against the truth, and under attack."""

from __future__ import annotations

import dataclasses

import pytest

from halyq.scoring.simulation import SimulationReport, simulate
from halyq.scoring.versions import METHODOLOGY_V2


@pytest.fixture(scope="module")
def report() -> SimulationReport:
    return simulate(2, people=3000)


def test_methodology_beats_the_naive_star_average(report: SimulationReport) -> None:
    assert report.rating.kendall_tau_within > report.naive.kendall_tau_within + 0.1
    assert report.rating.kendall_tau_global > report.naive.kendall_tau_global
    assert report.rating.top_decile_within > report.naive.top_decile_within
    assert report.rating.top_decile_global > report.naive.top_decile_global
    assert 0 < report.rated < report.people  # some have too little evidence
    assert report.share_under_5 > 0.2 and report.workload_max > 20 * report.workload_median


def test_defences_at_least_halve_the_attackers_gain(report: SimulationReport) -> None:
    assert [a.name for a in report.attacks] == ["boost", "smear", "sock_puppets"]
    for attack in report.attacks:
        assert attack.targets >= 10 and attack.fake_appeals == 10 * attack.targets
        assert 0.7 <= attack.caught_share <= 0.9
        assert attack.rating_defences_off > 10  # the attack works without defences
        assert attack.rating_defences_on <= 0.5 * attack.rating_defences_off, attack


def test_report_text(report: SimulationReport) -> None:
    text = report.format_report()
    assert "naive star average" in text and "sock_puppets" in text
    assert f"{report.people:,} people" in text


def test_deterministic_per_seed() -> None:
    first = dataclasses.replace(simulate(5, people=400, attacks=False), seconds=0.0)
    again = dataclasses.replace(simulate(5, people=400, attacks=False), seconds=0.0)
    other = dataclasses.replace(simulate(6, people=400, attacks=False), seconds=0.0)
    assert first == again
    assert first != other


def test_other_methodology_and_parameters() -> None:
    result = simulate(3, people=300, methodology=METHODOLOGY_V2, detection_rate=1.0, targets=3)
    assert result.methodology_version == "v2"
    for attack in result.attacks:
        assert attack.caught_share == 1.0
        assert attack.rating_defences_on == 0.0  # every fake record held out
    with pytest.raises(ValueError, match="detection_rate"):
        simulate(1, people=10, detection_rate=1.5)
