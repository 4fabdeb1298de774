"""The pseudonymised event log of the open data: ``events.jsonl``, withheld where needed.

Rules:
- Every entry of the chain from seq 1 to the head read at the start of the export is
  written, in order, one canonical line each (docs/ledger.md): a published entry is
  exactly ``canonical_json(entry.to_dict()) + b"\\n"``.
- An entry that belongs to a region whose rating is not public is *withheld*: its line is
  ``{"content_hash":..,"entry_hash":..,"prev_hash":..,"seq":N,"withheld":true}``. Its
  kind, time and payload stay private, but the chain still links, because anyone can
  check ``entry_hash = SHA-256(prev_hash || content_hash)``.
- An entry is withheld when its ``region`` column names a region not in public mode, or
  when any string in its payload identifies something of such a region: a person's
  public id, an appeal's pseudonym, a programme, item or mandate code. The second rule
  is needed because some kinds (an appeal answered, a resident's confirmation) name
  the appeal or item but not the region. Blank region + nothing of a pilot region =
  a country-wide event, published.
- The database's chain is checked while it is written (sequence, links, both hashes).
  A damaged record stops the export with :class:`LedgerDamaged`: the previous export
  stays published and the operators learn about it, instead of a broken file going out.
- Memory: entries are read in pages by seq (keyset), so it does not grow with the log.
  The withheld identifiers are held in a set (one string per person, appeal or item of
  the regions in pilot).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from halyq.integrity.models import LedgerEntry
from halyq.ledger.canonical import CanonicalJSONError, encode_sorted_unchecked
from halyq.ledger.chain import GENESIS_HASH, ChainHead, content_bytes
from halyq.opendata.files import HashedFile

PAGE_SIZE = 20_000

_quote = json.encoder.encode_basestring  # exactly the string form canonical JSON uses
_SEQ_MARK = b',"seq":'


class LedgerDamaged(RuntimeError):
    """The database's event chain does not verify; nothing is published."""


@dataclass(frozen=True)
class Withholding:
    """Which entries stay private: see the module docstring."""

    public_region_codes: frozenset[str]
    private_tokens: frozenset[str]

    def withholds(self, region: str, payload: Any) -> bool:
        if region and region not in self.public_region_codes:
            return True
        return bool(self.private_tokens) and _mentions(payload, self.private_tokens)


def _mentions(value: Any, tokens: Collection[str]) -> bool:
    kind = type(value)
    if kind is str:
        return value in tokens
    if kind is dict:
        return any(_mentions(item, tokens) for item in value.values())
    if kind is list:
        return any(_mentions(item, tokens) for item in value)
    return False


def withholding_for(public_region_ids: Collection[int]) -> Withholding:
    """The rule for today's public regions, with the identifiers of everything else."""
    from halyq.appeals.ledger import appeal_pseudonym
    from halyq.appeals.models import Appeal
    from halyq.directory.models import Person, Region

    public_ids = list(public_region_ids)
    codes = frozenset(Region.objects.filter(id__in=public_ids).values_list("code", flat=True))
    tokens: set[str] = set()
    tokens.update(
        str(public_id)
        for public_id in Person.objects.exclude(region_id__in=public_ids).values_list(
            "public_id", flat=True
        )
    )
    tokens.update(
        appeal_pseudonym(appeal_id)
        for appeal_id in Appeal.objects.exclude(region_id__in=public_ids)
        .values_list("id", flat=True)
        .iterator(chunk_size=20_000)
    )
    tokens.update(_programme_tokens(public_ids))
    return Withholding(codes, frozenset(tokens))


def _programme_tokens(public_ids: list[int]) -> set[str]:
    try:
        from halyq.programmes.models import Mandate, Programme, TrackedItem
    except ImportError:  # the programmes app is optional for the export
        return set()
    tokens = set(Programme.objects.exclude(region_id__in=public_ids).values_list("code", flat=True))
    tokens.update(
        f"{programme}:{item}"
        for programme, item in TrackedItem.objects.exclude(region_id__in=public_ids).values_list(
            "programme__code", "code"
        )
    )
    tokens.update(Mandate.objects.exclude(region_id__in=public_ids).values_list("code", flat=True))
    return tokens


@dataclass(frozen=True)
class EventsSummary:
    entries: int
    withheld: int
    head: ChainHead


def _content(seq: int, kind: str, occurred_at: str, payload: Mapping[str, Any]) -> bytes:
    """canonical_json({kind, occurred_at, payload, seq}) built from its parts (fast path).

    Correct whenever the payload has no member name outside the Basic Multilingual
    Plane; the caller checks the result against the stored content hash and falls back
    to the exact encoder otherwise.
    """
    return b"".join(
        (
            b'{"kind":',
            _quote(kind).encode(),
            b',"occurred_at":',
            _quote(occurred_at).encode(),
            b',"payload":',
            encode_sorted_unchecked(payload).encode(),
            b',"seq":%d}' % seq,
        )
    )


def write_events(target: HashedFile, *, head: ChainHead, withholding: Withholding) -> EventsSummary:
    """Write entries 1..head.seq to ``target``; raise LedgerDamaged if they do not verify."""
    sha256 = hashlib.sha256
    expected_seq, expected_prev = 1, GENESIS_HASH
    withheld = 0
    columns = (
        "seq",
        "prev_hash",
        "kind",
        "occurred_at",
        "payload",
        "content_hash",
        "entry_hash",
        "region",
    )
    while expected_seq <= head.seq:
        page = list(
            LedgerEntry.objects.filter(seq__gte=expected_seq, seq__lte=head.seq)
            .order_by("seq")
            .values_list(*columns)[:PAGE_SIZE]
        )
        if not page:
            break
        for seq, prev_hash, kind, occurred_at, payload, c_hash, e_hash, region in page:
            if seq != expected_seq:
                raise LedgerDamaged(
                    f"The event record has no entry {expected_seq} (the next one is {seq})."
                )
            if prev_hash != expected_prev:
                raise LedgerDamaged(f"Entry {seq} does not link to entry {seq - 1}.")
            try:
                content = _content(seq, kind, occurred_at, payload)
                if sha256(content).hexdigest() != c_hash:
                    content = content_bytes(seq, kind, occurred_at, payload)
            except (CanonicalJSONError, TypeError) as error:
                raise LedgerDamaged(
                    f"Entry {seq} holds a value that cannot be hashed: {error}"
                ) from None
            if sha256(content).hexdigest() != c_hash:
                raise LedgerDamaged(f"Entry {seq} does not match its content hash: it was changed.")
            if sha256(bytes.fromhex(prev_hash) + bytes.fromhex(c_hash)).hexdigest() != e_hash:
                raise LedgerDamaged(f"Entry {seq} does not match its entry hash: it was changed.")
            if withholding.withholds(region, payload):
                withheld += 1
                target.write(
                    b'{"content_hash":"%s","entry_hash":"%s","prev_hash":"%s","seq":%d,'
                    b'"withheld":true}\n'
                    % (c_hash.encode(), e_hash.encode(), prev_hash.encode(), seq)
                )
            else:
                middle = content[1 : content.rfind(_SEQ_MARK)]
                target.write(
                    b'{"content_hash":"%s","entry_hash":"%s",%s,"prev_hash":"%s","seq":%d}\n'
                    % (c_hash.encode(), e_hash.encode(), middle, prev_hash.encode(), seq)
                )
            expected_seq, expected_prev = seq + 1, e_hash
    if expected_seq != head.seq + 1 or (head.seq and expected_prev != head.entry_hash):
        raise LedgerDamaged(
            f"The event record ends at entry {expected_seq - 1}, not at its head {head.seq}."
        )
    target.rows = head.seq
    return EventsSummary(entries=head.seq, withheld=withheld, head=head)
