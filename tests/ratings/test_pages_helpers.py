"""Helpers and fixtures for the rating's page and selector tests (imported by them).

Synthetic snapshots are written directly (as the engine would have stored them, in its
order: comparison group, rank, then the unrated) so the leaderboard's filters, bands and
sorting can be checked on exact, small data; the end-to-end tests use the real
`snapshot_compute`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from halyq.integrity.selectors import chain_head
from halyq.ratings import selectors
from halyq.ratings.models import Snapshot, SnapshotResult
from halyq.ratings.services import publication_mode_set


def refresh() -> None:
    """What the on-commit hooks do after a change (tests roll back, so they never run)."""
    cache.clear()
    selectors.forget_cached_leaderboards()


@pytest.fixture(autouse=True)
def english():
    """The services' messages are checked in English (the msgids), where imported."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_cache():
    refresh()
    yield
    refresh()


def make_public(*regions, days_ago: int = 30) -> None:
    for region in regions:
        publication_mode_set(
            region=region,
            mode="public",
            public_from=timezone.localdate() - timedelta(days=days_ago),
        )
    refresh()


def make_pilot(region) -> None:
    publication_mode_set(region=region, mode="pilot")
    refresh()


def result_data(
    person, group: str, *, status: str, score, low, high, rank, band, appeals: int
) -> dict:
    """A published result in the engine's shape, with evidence counts."""

    def figure(value):
        return None if value is None else f"{value:.4f}"

    assessed = max(appeals - 1, 0)
    return {
        "person_id": str(person.public_id),
        "group": group,
        "status": status,
        "score": figure(score),
        "low": figure(low),
        "high": figure(high),
        "rank": rank,
        "band": band,
        "components": {
            "resolution": {
                "value": "61.0000",
                "low": "50.0000",
                "high": "72.0000",
                "evidence": {
                    "cases": assessed,
                    "resolved": assessed // 2,
                    "partly": 1 if assessed else 0,
                    "not_resolved": max(assessed - assessed // 2 - 1, 0),
                    "unconfirmed": 0,
                    "transferred": 0,
                    "observed": figure(assessed // 2 + 0.5),
                    "expected": figure(assessed * 0.55),
                    "group_mean": "58.0000",
                },
            },
            "satisfaction": {
                "value": "70.0000",
                "low": "55.0000",
                "high": "82.0000",
                "evidence": {
                    "evaluations": 3,
                    "stars_1": 0,
                    "stars_2": 0,
                    "stars_3": 1,
                    "stars_4": 1,
                    "stars_5": 1,
                    "group_mean": "66.0000",
                },
            },
            "timeliness": {
                "value": "80.0000",
                "low": "70.0000",
                "high": "88.0000",
                "evidence": {
                    "assessed": assessed,
                    "on_time": assessed,
                    "late": 0,
                    "overdue_open": 0,
                    "under_target": assessed,
                    "working_days_known": assessed,
                    "working_days_total": assessed * 6,
                    "group_mean": "77.0000",
                },
            },
            "direct_contact": {
                "value": "75.0000",
                "low": "60.0000",
                "high": "86.0000",
                "evidence": {
                    "scheduled": 2,
                    "held": 2,
                    "slots": 8,
                    "booked": 5,
                    "attended": 4,
                    "group_mean": "70.0000",
                },
            },
            "delivery": {
                "value": "50.0000",
                "low": "20.0000",
                "high": "80.0000",
                "evidence": {
                    "items": 0,
                    "on_time": 0,
                    "weight": "0.0000",
                    "weighted_success": "0.0000",
                    "group_mean": "50.0000",
                },
            },
        },
        "workload": {
            "appeals": appeals,
            "assessed": assessed,
            "open": 1 if appeals else 0,
            "transferred": 0,
            "held_out": 0,
            "evaluations": 3,
            "receptions": 2,
        },
    }


def make_snapshot(methodology, rows, *, as_of=None, published_at=None) -> Snapshot:
    """A published public snapshot holding `rows`, stored in the engine's order.

    Each row: (person, group, score or None, low, high, rank, band, appeals).
    """
    now = published_at or timezone.now()
    head = chain_head()
    snapshot = Snapshot.objects.create(
        methodology=methodology,
        scope=Snapshot.Scope.PUBLIC,
        as_of=as_of or timezone.localdate(now),
        chain_head_seq=head.seq,
        chain_head_hash=head.entry_hash,
        merkle_root="ab" * 32,
        people_count=len(rows),
        evidence_cutoff=now - timedelta(days=5),
        is_published=True,
        published_at=now,
    )

    def engine_order(row):
        person, group, score, _low, _high, rank, _band, _appeals = row
        return (group, score is None, rank or 0, str(person.public_id))

    SnapshotResult.objects.bulk_create(
        SnapshotResult(
            snapshot=snapshot,
            person=person,
            status="rated" if score is not None else "insufficient",
            score=score,
            low=low,
            high=high,
            rank=rank,
            band=band,
            appeals=appeals,
            data=result_data(
                person,
                group,
                status="rated" if score is not None else "insufficient",
                score=score,
                low=low,
                high=high,
                rank=rank,
                band=band,
                appeals=appeals,
            ),
        )
        for row in sorted(rows, key=engine_order)
        for person, group, score, low, high, rank, band, appeals in [row]
    )
    refresh()
    return snapshot
