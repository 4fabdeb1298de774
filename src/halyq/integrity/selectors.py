"""Reads of the record for pages, exports and verification."""

from __future__ import annotations

from collections.abc import Iterator

from halyq.integrity.models import LedgerEntry, LedgerHead
from halyq.ledger.chain import ChainHead


def chain_head() -> ChainHead:
    head = LedgerHead.objects.get(pk=1)
    return ChainHead(head.seq, head.entry_hash)


def entries_up_to(seq: int, *, chunk_size: int = 5000) -> Iterator[dict]:
    """Every entry from the first to `seq`, in order, as published dicts (streamed)."""
    for entry in (
        LedgerEntry.objects.filter(seq__lte=seq).order_by("seq").iterator(chunk_size=chunk_size)
    ):
        yield entry.to_dict()
