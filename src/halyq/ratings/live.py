"""Live scores: a person's draft score, refreshed right after each event that moves it.

The ledger is the event stream: every recorded event that names a person ("person"
in its payload) schedules, after the transaction commits, a recomputation of that
person alone against the baselines of the latest staff snapshot (its group
statistics). Nobody else is recomputed, and the result equals a full computation with
the same baselines.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from halyq.directory.models import Person
from halyq.integrity.signals import event_recorded
from halyq.ratings.inputs import rating_inputs
from halyq.ratings.methodologies import NoMethodology, current_methodology
from halyq.ratings.models import LiveScore
from halyq.ratings.snapshots import latest_staff_snapshot
from halyq.scoring.engine import GroupStats, compute_person_columns
from halyq.scoring.publish import published_result


def live_refresh(*, person_public_id: str) -> LiveScore | None:
    """Recompute one person's live score; None until a first staff snapshot exists."""
    snapshot = latest_staff_snapshot()
    if snapshot is None:
        return None
    try:
        _, methodology = current_methodology()
    except NoMethodology:
        return None
    person = Person.objects.select_related("region").filter(public_id=person_public_id).first()
    if person is None:
        return None
    as_of = timezone.localdate()
    inputs = rating_inputs(
        as_of=as_of, methodology=methodology, region_ids=None, person_ids=[person.id]
    )
    stats = GroupStats.from_dict(snapshot.group_stats)
    result = compute_person_columns(*inputs.columns, stats, methodology, as_of)
    score = LiveScore(
        person=person,
        status=result.status,
        score=result.score,
        low=result.low,
        high=result.high,
        data=published_result(result),
    )
    # One INSERT ... ON CONFLICT instead of update_or_create's savepoint, locking read
    # and update: a refresh runs after every event.
    LiveScore.objects.bulk_create(
        [score],
        update_conflicts=True,
        unique_fields=["person"],
        update_fields=["status", "score", "low", "high", "data", "refreshed_at"],
    )
    return score


_paused = threading.local()


@contextmanager
def live_refresh_paused() -> Iterator[None]:
    """Record events without refreshing live scores, for bulk writers (the generator).

    Whoever pauses must leave live scores right afterwards: the generator ends with a
    staff snapshot, which writes every person's live score at once.
    """
    _paused.active = True
    try:
        yield
    finally:
        _paused.active = False


class _PendingRefresh:
    """The people whose live score one transaction changed, refreshed once after commit."""

    def __init__(self) -> None:
        self.people: set[str] = set()

    def __call__(self) -> None:
        for person in sorted(self.people):
            live_refresh(person_public_id=person)


@receiver(event_recorded)
def refresh_after_commit(sender, kind: str, payload: dict, **kwargs) -> None:
    person = payload.get("person")
    if not isinstance(person, str) or getattr(_paused, "active", False):
        return
    connection = transaction.get_connection()
    # One refresh per person per atomic block, however many events name them: reuse the
    # callback queued at this same savepoint depth (Django keeps each callback with the
    # savepoints open when it was queued, and drops it if one of them rolls back).
    here = set(connection.savepoint_ids)
    pending = next(
        (
            call
            for savepoints, call, _ in connection.run_on_commit
            if isinstance(call, _PendingRefresh) and savepoints == here
        ),
        None,
    )
    if pending is None:
        pending = _PendingRefresh()
        transaction.on_commit(pending)
    pending.people.add(person)
