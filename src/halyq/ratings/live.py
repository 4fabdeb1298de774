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
from halyq.scoring.engine import GroupStats, compute_person
from halyq.scoring.model import AppealRecord, DeliveryRecord, PersonRecord, ReceptionRecord
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
    people, appeals, receptions, deliveries = inputs.columns
    stats = GroupStats.from_dict(snapshot.group_stats)
    record = PersonRecord(people.person_ids[0], people.groups[0])
    result = compute_person(
        record,
        _appeal_records(appeals, record.person_id),
        _reception_records(receptions, record.person_id),
        _delivery_records(deliveries, record.person_id),
        stats,
        methodology,
        as_of,
    )
    score, _ = LiveScore.objects.update_or_create(
        person=person,
        defaults={
            "status": result.status,
            "score": result.score,
            "low": result.low,
            "high": result.high,
            "data": published_result(result),
        },
    )
    return score


def _appeal_records(columns, person_id: str) -> list[AppealRecord]:
    from datetime import date

    from halyq.scoring.columns import NO_DATE, NO_DAYS, NO_EVALUATION

    resolutions = {-1: None, 0: "no", 1: "partly", 2: "yes"}
    return [
        AppealRecord(
            appeal_id=str(index),
            person_id=person_id,
            category=columns.categories[int(columns.category[index])],
            registered_on=date.fromordinal(int(columns.registered[index])),
            answered_on=None
            if columns.answered[index] == NO_DATE
            else date.fromordinal(int(columns.answered[index])),
            due_on=date.fromordinal(int(columns.due[index])),
            working_days_to_answer=None
            if columns.working_days[index] == NO_DAYS
            else int(columns.working_days[index]),
            resolution=resolutions[int(columns.resolution[index])],
            transferred_out_of_competence=bool(columns.transferred[index]),
            counts=bool(columns.counts[index]),
            evaluation=None
            if columns.evaluation[index] == NO_EVALUATION
            else int(columns.evaluation[index]),
        )
        for index in range(len(columns))
    ]


def _reception_records(columns, person_id: str) -> list[ReceptionRecord]:
    from datetime import date

    return [
        ReceptionRecord(
            person_id=person_id,
            held_on=date.fromordinal(int(columns.held_on[index])),
            scheduled_slots=int(columns.scheduled_slots[index]),
            booked=int(columns.booked[index]),
            attended=int(columns.attended[index]),
            held=bool(columns.held[index]),
        )
        for index in range(int(columns.person.shape[0]))
    ]


def _delivery_records(columns, person_id: str) -> list[DeliveryRecord]:
    from datetime import date

    return [
        DeliveryRecord(
            person_id=person_id,
            item_id=str(index),
            weight=float(columns.weight[index]),
            due_on=date.fromordinal(int(columns.due[index])),
            delivered_on_time=bool(columns.on_time[index]),
            dispute_share=float(columns.dispute_share[index]),
        )
        for index in range(int(columns.person.shape[0]))
    ]


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
