"""Appending to the tamper-evident record.

Appending never waits for another writer. The chain has one head, so chaining is
serialised by a lock on the head (a PostgreSQL advisory lock), held until the chaining
transaction commits. A writer that finds the head free and nothing queued chains its
event at once; one that finds it held, or events queued (order follows cause), queues
the event as a `PendingEvent` in its own transaction instead of waiting for the
holder's commit. After every commit the queue is chained by whoever can take the head,
so an event queued behind a holder is chained right after that holder commits (the
holder's own after-commit pass sees it). This is the queue-and-sequencer split of
transparency logs such as Trillian: an acknowledged event is durable at once and in
the chain moments later. Snapshots hold the head for their whole computation
(`head_held`) and chain the queue they can see before reading it, the export chains the
queue first, and `halyq ledger sequence` (cron) catches the rare event whose lock holder
rolled back instead of committing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists
from django.utils import timezone

from halyq.integrity.models import LedgerEntry, LedgerHead, PendingEvent
from halyq.integrity.signals import event_recorded
from halyq.ledger.chain import ChainHead, Entry, make_entry

# Queued events chained per statement batch.
_BATCH = 1000
# The PostgreSQL advisory lock that serialises chaining (any fixed 64-bit key).
_HEAD_LOCK = 0x48414C59514C4544  # "HALYQLED"


class LedgerError(ValueError):
    """The event cannot be recorded (bad kind, a float or other non-canonical value...)."""


def event_record(
    *, kind: str, payload: Mapping[str, Any], occurred_at: datetime | None = None
) -> LedgerEntry | PendingEvent:
    """Record one event, in the caller's transaction: chained now, or queued if busy.

    A payload member "region" (a KATO code) files the event under that region, which
    decides whether the open data shows it in full while the region is in pilot.

    Call it inside the atomic block of the change it records: if that change rolls
    back, so does the event, and the chain stays valid. Returns the chain entry, or
    the queued event when another transaction was chaining (it is chained, with the
    same content, after this transaction commits).
    """
    if not transaction.get_connection().in_atomic_block:
        raise LedgerError("event_record must run inside the transaction of the change it records")
    payload = dict(payload)
    region = str(payload.get("region") or "")
    when = occurred_at or timezone.now()
    _sequence_after_commit()
    head = _take_head()
    if head is None or head[1]:
        # Busy, or events are waiting: join the back of the queue (so order follows
        # cause) instead of chaining someone else's batch inside this transaction.
        # Validated now, so a bad event fails its own writer, never the sequencer.
        row = _queue(_entry_after(None, kind, when, payload), region)
    else:
        entry = _entry_after(head[0], kind, when, payload)
        row = _append(entry, region)
    event_recorded.send(sender=LedgerEntry, kind=kind, payload=row.payload)
    return row


def sequence_pending(*, wait: bool = False) -> int:
    """Chain every queued event this transaction can see; return how many were chained.

    Without `wait` it gives up when another transaction holds the head: that holder
    chains the queue after it commits. Outside a transaction it loops until the queue
    is empty (an event may be queued while it chains).
    """
    chained = 0
    while _queued():
        with transaction.atomic():
            head = _lock_head(wait=wait)
            if head is None:
                break
            previous = _chain_queue(_head_of(head))
            chained += (previous.seq if previous else 0) - head.seq
        if transaction.get_connection().in_atomic_block:
            break
    return chained


def _queued() -> bool:
    """Whether any event waits in the queue. Asked after every commit that appended, so
    a plain statement rather than an ORM query compiled each time."""
    table = transaction.get_connection().ops.quote_name(PendingEvent._meta.db_table)
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608 — our table
        return bool(cursor.fetchone()[0])


@contextmanager
def head_held() -> Iterator[None]:
    """Hold the head for a whole block: nobody else chains meanwhile (PostgreSQL).

    For a reader that must see the head and the data it covers at one instant and
    append to it (a snapshot in a REPEATABLE READ transaction): entered outside the
    transaction, the lock is taken before the transaction's view of the database is,
    so the head it reads is the latest and stays so. Writers meanwhile queue their
    events; they are chained when the block ends.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        yield
        return
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_HEAD_LOCK])
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_HEAD_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_HEAD_LOCK])
        sequence_pending()


def _sequence_after_commit() -> None:
    """Queue one `sequence_pending` for after this transaction commits (once, however many
    events it records: a callback queued at an enclosing savepoint outlives this one)."""
    connection = transaction.get_connection()
    here = set(connection.savepoint_ids)
    if not any(
        call is sequence_pending and set(savepoints) <= here
        for savepoints, call, _ in connection.run_on_commit
    ):
        transaction.on_commit(sequence_pending)


def _take_head() -> tuple[ChainHead | None, bool] | None:
    """Lock the head if it is free: (the head, whether events are queued); None if held.

    On PostgreSQL one statement, as the append's cost is mostly round trips: the advisory
    lock (a one-time filter, taken before the row is read) and the head row FOR UPDATE,
    which returns its latest committed version even when the previous holder committed
    after this statement's snapshot was taken.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        head = _lock_head(wait=False)
        return None if head is None else (_head_of(head), head.queued)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT h.seq, h.entry_hash, EXISTS (SELECT 1 FROM integrity_pendingevent) "
            "FROM integrity_ledgerhead h WHERE h.id = 1 AND pg_try_advisory_xact_lock(%s) "
            "FOR UPDATE OF h",
            [_HEAD_LOCK],
        )
        found = cursor.fetchone()
    if found is None:
        return None
    seq, entry_hash, queued = found
    return (ChainHead(seq, entry_hash) if seq else None), queued


def _queue(entry: Entry, region: str) -> PendingEvent:
    """Queue the entry's content (its seq and hashes are given when it is chained)."""
    row = PendingEvent(
        kind=entry.kind, occurred_at=entry.occurred_at, payload=entry.payload, region=region
    )
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        row.save(force_insert=True)
        return row
    with connection.cursor() as cursor:  # raw, as in _append: this is the hot path
        cursor.execute(
            "INSERT INTO integrity_pendingevent (kind, occurred_at, payload, region) "
            "VALUES (%s, %s, %s::jsonb, %s) RETURNING id",
            [row.kind, row.occurred_at, json.dumps(row.payload), row.region],
        )
        row.pk = cursor.fetchone()[0]
    row._state.adding = False
    row._state.db = connection.alias
    return row


def _append(entry: Entry, region: str) -> LedgerEntry:
    """Write the entry and move the head to it (the head is locked by this transaction)."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        row = LedgerEntry.objects.create(**_entry_fields(entry), region=region)
        _move_head(entry)
        return row
    row = LedgerEntry(**_entry_fields(entry), region=region, recorded_at=timezone.now())
    with connection.cursor() as cursor:
        # One round trip for both writes (a data-modifying CTE).
        cursor.execute(
            "WITH entry AS (INSERT INTO integrity_ledgerentry (seq, prev_hash, kind, "
            "occurred_at, payload, content_hash, entry_hash, region, recorded_at) "
            "VALUES (%s, %s, %s, %s, %s::jsonb, %s, %s, %s, %s)) "
            "UPDATE integrity_ledgerhead SET seq = %s, entry_hash = %s WHERE id = 1",
            [
                row.seq,
                row.prev_hash,
                row.kind,
                row.occurred_at,
                json.dumps(row.payload),
                row.content_hash,
                row.entry_hash,
                row.region,
                row.recorded_at,
                row.seq,
                row.entry_hash,
            ],
        )
    row._state.adding = False
    row._state.db = connection.alias
    return row


def _lock_head(*, wait: bool) -> LedgerHead | None:
    """The head, locked until the transaction ends; None if another transaction holds it.

    An advisory lock rather than the row's own, so that `head_held` can take it before
    a transaction's snapshot exists. SQLite serialises its writers with the database
    lock, so there the head is always free.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if wait:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_HEAD_LOCK])
            else:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_HEAD_LOCK])
                if not cursor.fetchone()[0]:
                    return None
    # Read after the lock is taken, so this is the latest head; `queued` says whether
    # there is a queue to chain first.
    return LedgerHead.objects.annotate(queued=Exists(PendingEvent.objects.all())).get(pk=1)


def _head_of(head: LedgerHead) -> ChainHead | None:
    return ChainHead(head.seq, head.entry_hash) if head.seq else None


def _chain_queue(previous: ChainHead | None) -> ChainHead | None:
    """Chain the queued events visible now, in queue order, behind the locked head.

    Returns the new head (None while the chain is empty).
    """
    while batch := list(PendingEvent.objects.order_by("id")[:_BATCH]):
        entries = []
        for pending in batch:
            entry = _entry_after(previous, pending.kind, pending.occurred_at, pending.payload)
            entries.append(LedgerEntry(**_entry_fields(entry), region=pending.region))
            previous = ChainHead(entry.seq, entry.entry_hash)
        LedgerEntry.objects.bulk_create(entries)
        PendingEvent.objects.filter(id__in=[pending.id for pending in batch]).delete()
        _move_head(entry)
    return previous


def _entry_after(previous: ChainHead | None, kind, occurred_at, payload) -> Entry:
    try:
        return make_entry(previous, previous.seq + 1 if previous else 1, kind, occurred_at, payload)
    except ValueError as error:
        raise LedgerError(f"cannot record {kind!r}: {error}") from error


def _entry_fields(entry: Entry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "prev_hash": entry.prev_hash,
        "kind": entry.kind,
        "occurred_at": entry.occurred_at,
        "payload": entry.payload,
        "content_hash": entry.content_hash,
        "entry_hash": entry.entry_hash,
    }


def _move_head(entry: Entry) -> None:
    LedgerHead.objects.filter(pk=1).update(seq=entry.seq, entry_hash=entry.entry_hash)
