"""Appending to the tamper-evident record."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from halyq.integrity.models import LedgerEntry, LedgerHead
from halyq.integrity.signals import event_recorded
from halyq.ledger.chain import ChainHead, make_entry


class LedgerError(ValueError):
    """The event cannot be recorded (bad kind, a float or other non-canonical value...)."""


def event_record(
    *, kind: str, payload: Mapping[str, Any], occurred_at: datetime | None = None
) -> LedgerEntry:
    """Append one event to the chain, in the caller's transaction.

    A payload member "region" (a KATO code) files the event under that region, which
    decides whether the open data shows it in full while the region is in pilot.

    Call it inside the atomic block of the change it records: if that change rolls
    back, so does the entry, and the chain stays valid. The head row is locked for
    the rest of the transaction, which serialises concurrent writers.
    """
    if not transaction.get_connection().in_atomic_block:
        raise LedgerError("event_record must run inside the transaction of the change it records")
    head = LedgerHead.objects.select_for_update().get(pk=1)
    previous = ChainHead(head.seq, head.entry_hash) if head.seq else None
    try:
        entry = make_entry(
            previous, head.seq + 1, kind, occurred_at or timezone.now(), dict(payload)
        )
    except ValueError as error:
        raise LedgerError(f"cannot record {kind!r}: {error}") from error
    row = LedgerEntry.objects.create(
        seq=entry.seq,
        prev_hash=entry.prev_hash,
        kind=entry.kind,
        occurred_at=entry.occurred_at,
        payload=entry.payload,
        content_hash=entry.content_hash,
        entry_hash=entry.entry_hash,
        region=str(payload.get("region") or ""),
    )
    LedgerHead.objects.filter(pk=1).update(seq=entry.seq, entry_hash=entry.entry_hash)
    event_recorded.send(sender=LedgerEntry, kind=kind, payload=row.payload)
    return row
