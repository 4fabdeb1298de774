"""Computing, storing and publishing rating snapshots, and the live scores between them.

Rules:
- A snapshot is computed in one transaction that reads a consistent view of the
  database (REPEATABLE READ on PostgreSQL; SQLite's write lock serialises) together
  with the ledger's head at that moment, which the snapshot stores.
- The public snapshot covers the regions in public mode only; a staff ("pilot")
  snapshot covers every region. Only a public snapshot is published.
- An evaluation (of an appeal or of a reception visit) reaches a published snapshot
  once its reply period (HALYQ_RATING_REPLY_DAYS) has passed and no dispute about it is
  open: the rated person has that time to see it in their draft and dispute it. An
  appeal's outcome under an open dispute (or set aside by an upheld one) is left out of
  the resolution component (ratings.inputs).
- Each published snapshot stores the Merkle root of its per-person results (in their
  published, decimal-string form) and appends "snapshot.published" to the record.
- A failure anywhere leaves the previous snapshot published and nothing half written.
"""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from halyq.integrity.selectors import chain_head
from halyq.integrity.services import event_record, head_held, sequence_pending
from halyq.ledger.verify import snapshot_merkle_root
from halyq.ratings.inputs import rating_inputs
from halyq.ratings.methodologies import current_methodology
from halyq.ratings.models import LiveScore, Snapshot, SnapshotResult
from halyq.ratings.visibility import public_region_ids
from halyq.scoring.engine import compute_columns, group_stats_columns
from halyq.scoring.inputs_io import write_inputs
from halyq.scoring.publish import published_result


def reply_period() -> timedelta:
    return timedelta(days=getattr(settings, "HALYQ_RATING_REPLY_DAYS", 5))


def snapshot_compute(
    *, scope: str = Snapshot.Scope.PUBLIC, as_of: date | None = None, now: datetime | None = None
) -> Snapshot:
    """Compute (and, for the public scope, publish) a snapshot as of a day."""
    now = now or timezone.now()
    as_of = as_of or timezone.localdate(now)
    # One consistent view of the record for the whole computation. Inside a caller's
    # transaction the isolation level is the caller's (PostgreSQL only lets the first
    # statement of a transaction set it).
    # The head is held throughout, so the head read here is the one the data read here
    # covers and `snapshot.published` follows it; meanwhile writers queue their events.
    outermost = not connection.in_atomic_block
    with head_held(), transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        sequence_pending()
        head = chain_head()
        version, methodology = current_methodology()
        public = scope == Snapshot.Scope.PUBLIC
        cutoff = now - reply_period() if public else now
        inputs = rating_inputs(
            as_of=as_of,
            methodology=methodology,
            region_ids=public_region_ids(as_of) if public else None,
            evaluations_until=cutoff,
        )
        result = compute_columns(*inputs.columns, methodology, as_of)
        stats = group_stats_columns(*inputs.columns, methodology, as_of)
        published = [published_result(person_result) for person_result in result.results]
        inputs_hash = ""
        staging = _inputs_staging()
        if public:
            inputs_hash = write_inputs(staging, inputs.columns, methodology)
        snapshot = Snapshot.objects.create(
            inputs_hash=inputs_hash,
            methodology=version,
            scope=scope,
            as_of=as_of,
            chain_head_seq=head.seq,
            chain_head_hash=head.entry_hash,
            merkle_root=snapshot_merkle_root(published),
            people_count=len(result.results),
            evidence_cutoff=cutoff,
            group_stats=stats.to_dict(),
            is_published=public,
            published_at=now if public else None,
        )
        people = inputs.person_by_public_id()
        SnapshotResult.objects.bulk_create(
            (
                SnapshotResult(
                    snapshot=snapshot,
                    person=people[person_result.person_id],
                    status=person_result.status,
                    score=person_result.score,
                    low=person_result.low,
                    high=person_result.high,
                    rank=person_result.rank,
                    band=person_result.band,
                    appeals=int(person_result.workload.get("appeals", 0)),
                    data=record,
                )
                for person_result, record in zip(result.results, published, strict=True)
            ),
            batch_size=2000,
        )
        if public:
            event_record(
                kind="snapshot.published",
                payload={
                    "snapshot": snapshot.id,
                    "as_of": as_of.isoformat(),
                    "methodology": version.version,
                    "chain_head_seq": head.seq,
                    "chain_head_hash": head.entry_hash,
                    "merkle_root": snapshot.merkle_root,
                    "people": snapshot.people_count,
                    "evidence_cutoff": cutoff.isoformat(),
                    "inputs_hash": inputs_hash,
                },
                occurred_at=now,
            )
        else:
            _reset_live_scores(snapshot, result.results, people)
        if public:
            transaction.on_commit(lambda: _move_into_place(staging, inputs_directory(snapshot.id)))
    transaction.on_commit(_rating_changed)
    return snapshot


def inputs_directory(snapshot_id: int) -> Path:
    """Where a published snapshot's inputs live (published with the open data)."""
    return Path(settings.HALYQ_SNAPSHOT_INPUTS_DIR) / str(snapshot_id)


def _move_into_place(staging: Path, target: Path) -> None:
    # A directory already there can only be left by a rolled-back world that reused the
    # id (tests); a committed snapshot id is never reused.
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)


def _inputs_staging() -> Path:
    # One staging directory per snapshot, renamed into place on commit, so a failed
    # snapshot leaves no inputs under a published id, and several snapshots in one
    # transaction (the generator's history) never share one.
    return Path(settings.HALYQ_SNAPSHOT_INPUTS_DIR) / f".staging-{os.getpid()}-{uuid.uuid4().hex}"


def _reset_live_scores(snapshot: Snapshot, results, people) -> None:
    """After a full staff snapshot, every live score equals its snapshot result."""
    LiveScore.objects.filter(person__in=people.values()).delete()
    LiveScore.objects.bulk_create(
        (
            LiveScore(
                person=people[r.person_id],
                status=r.status,
                score=r.score,
                low=r.low,
                high=r.high,
                data=published_result(r),
            )
            for r in results
        ),
        batch_size=2000,
    )


def _rating_changed() -> None:
    from django.core.cache import cache

    cache.delete_many(["ratings:latest-public-snapshot"])
    try:
        cache.incr("ratings:version")
    except ValueError:
        cache.set("ratings:version", 1, None)


def latest_public_snapshot() -> Snapshot | None:
    return (
        Snapshot.objects.filter(scope=Snapshot.Scope.PUBLIC, is_published=True)
        .order_by("-published_at", "-id")
        .first()
    )


def latest_staff_snapshot() -> Snapshot | None:
    return (
        Snapshot.objects.filter(scope=Snapshot.Scope.PILOT).order_by("-computed_at", "-id").first()
    )
