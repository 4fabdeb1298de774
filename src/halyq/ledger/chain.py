"""Hash-chained, append-only event log.

Entry format
============

An entry is a JSON object with exactly these seven members::

    seq           integer, 1 for the first entry, then +1 per entry (no gaps)
    prev_hash     entry_hash of the entry with seq - 1; for seq 1, 64 "0" characters
    kind          non-empty string naming the event type, e.g. "appeal.answered"
    occurred_at   ISO 8601 date-time string with a UTC offset, e.g.
                  "2026-03-02T09:15:00+05:00" or "2026-03-02T04:15:00Z"
    payload       JSON object with the event data (canonical-JSON values only)
    content_hash  see below
    entry_hash    see below

All hashes are SHA-256 and are written as 64 lowercase hexadecimal characters.

* ``content_hash = hex(SHA256(canonical_json({"seq": seq, "kind": kind,
  "occurred_at": occurred_at, "payload": payload})))`` where ``canonical_json`` is
  defined in :mod:`halyq.ledger.canonical` (so the hashed bytes are
  ``{"kind":...,"occurred_at":...,"payload":{...},"seq":N}``).
* ``entry_hash = hex(SHA256(raw(prev_hash) || raw(content_hash)))`` where ``raw(h)``
  is the 32 bytes whose hexadecimal form is ``h`` and ``||`` is concatenation: the
  input is exactly 64 bytes. In Python::

      hashlib.sha256(bytes.fromhex(prev_hash) + bytes.fromhex(content_hash)).hexdigest()

Because ``seq`` is inside the content hash and each entry commits to the previous
entry's hash, changing, deleting, inserting or reordering any entry changes every
later ``entry_hash``; publishing the latest ``entry_hash`` (the *chain head*) therefore
commits to the whole history.

In the open-data export (``events.jsonl``) each entry is one line: the canonical JSON of
the seven-member object followed by a single ``\\n`` (0x0A).

What a chain alone cannot show: entries removed from the *end* (the shortened chain is
still consistent). That is caught by comparing with a previously published head (the
snapshots in ``snapshots.json``, or a head someone wrote down earlier).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Protocol

from halyq.ledger.canonical import CanonicalJSONError, canonical_json

__all__ = [
    "ENTRY_KEYS",
    "GENESIS_HASH",
    "ChainHead",
    "ChainReport",
    "ChainVerifier",
    "Entry",
    "EntryHashes",
    "Problem",
    "VerifierState",
    "content_bytes",
    "content_hash",
    "entry_hash",
    "is_valid_timestamp",
    "make_entry",
    "verify_chain",
]

GENESIS_HASH: Final = "0" * 64
"""``prev_hash`` of the first entry (seq 1)."""

FIRST_SEQ: Final = 1

ENTRY_KEYS: Final = frozenset(
    {"seq", "prev_hash", "kind", "occurred_at", "payload", "content_hash", "entry_hash"}
)
WITHHELD_KEYS: Final = frozenset({"seq", "prev_hash", "content_hash", "entry_hash", "withheld"})
"""A *withheld* entry (an event of a region whose rating is still in pilot) is published
as ``{"content_hash","entry_hash","prev_hash","seq","withheld":true}``: its content is
not shown, but it still links the chain, because ``entry_hash`` is checked against
``prev_hash`` and the given ``content_hash``."""

_HEX64: Final = re.compile(r"[0-9a-f]{64}")


# ---------------------------------------------------------------------------------------
# Hashing rules
# ---------------------------------------------------------------------------------------


def content_bytes(seq: int, kind: str, occurred_at: str, payload: Mapping[str, Any]) -> bytes:
    """The exact bytes hashed into ``content_hash``."""
    return canonical_json(
        {"seq": seq, "kind": kind, "occurred_at": occurred_at, "payload": payload}
    )


def content_hash(seq: int, kind: str, occurred_at: str, payload: Mapping[str, Any]) -> str:
    """``hex(SHA256(canonical_json({seq, kind, occurred_at, payload})))``."""
    return hashlib.sha256(content_bytes(seq, kind, occurred_at, payload)).hexdigest()


def entry_hash(prev_hash: str, content_hash: str) -> str:
    """``hex(SHA256(raw(prev_hash) || raw(content_hash)))`` — 64 bytes hashed."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + bytes.fromhex(content_hash)).hexdigest()


def _is_hex64(value: object) -> bool:
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


def is_valid_timestamp(value: str) -> bool:
    """True if ``value`` is an ISO 8601 date-time with a UTC offset (``Z`` or ``±hh:mm``)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return False
    return parsed.tzinfo is not None and "T" in value


# ---------------------------------------------------------------------------------------
# Building entries
# ---------------------------------------------------------------------------------------


class EntryHashes(Protocol):
    """Anything that knows its ``seq`` and ``entry_hash`` (an Entry, a database row...)."""

    @property
    def seq(self) -> int: ...

    @property
    def entry_hash(self) -> str: ...


@dataclass(frozen=True, slots=True)
class ChainHead:
    """A chain position: the last entry's seq and entry_hash (seq 0 = empty chain)."""

    seq: int
    entry_hash: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One chained event. Do not mutate ``payload``: the hashes are computed over it."""

    seq: int
    prev_hash: str
    kind: str
    occurred_at: str
    payload: Mapping[str, Any]
    content_hash: str
    entry_hash: str

    def to_dict(self) -> dict[str, Any]:
        """The seven-member object published in ``events.jsonl``."""
        return {
            "seq": self.seq,
            "prev_hash": self.prev_hash,
            "kind": self.kind,
            "occurred_at": self.occurred_at,
            "payload": self.payload,
            "content_hash": self.content_hash,
            "entry_hash": self.entry_hash,
        }

    def to_json_line(self) -> bytes:
        """Canonical JSON of :meth:`to_dict` followed by ``\\n``: one ``events.jsonl`` line."""
        return canonical_json(self.to_dict()) + b"\n"


def _format_timestamp(occurred_at: str | datetime) -> str:
    if isinstance(occurred_at, datetime):
        if occurred_at.tzinfo is None or occurred_at.utcoffset() is None:
            raise ValueError("occurred_at must be timezone-aware")
        return occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if not isinstance(occurred_at, str) or not is_valid_timestamp(occurred_at):
        raise ValueError(
            f"occurred_at {occurred_at!r} is not an ISO 8601 date-time with a UTC offset"
        )
    return occurred_at


def make_entry(
    prev: EntryHashes | None,
    seq: int,
    kind: str,
    occurred_at: str | datetime,
    payload: Mapping[str, Any],
) -> Entry:
    """Build the entry that follows ``prev`` (``None`` for the first entry, seq 1).

    ``occurred_at`` may be an aware ``datetime`` (stored as UTC, ``...Z``) or an ISO 8601
    string with an offset (stored verbatim). Raises ``ValueError`` (including
    :class:`CanonicalJSONError` for a payload with floats etc.) on invalid input.
    """
    if type(seq) is not int:
        raise ValueError(f"seq must be an int, not {type(seq).__name__}")
    expected = FIRST_SEQ if prev is None else prev.seq + 1
    if seq != expected:
        raise ValueError(f"seq {seq} does not follow the previous entry: expected {expected}")
    prev_hash = GENESIS_HASH if prev is None else prev.entry_hash
    if not _is_hex64(prev_hash):
        raise ValueError(f"previous entry_hash {prev_hash!r} is not 64 lowercase hex digits")
    if not isinstance(kind, str) or not kind:
        raise ValueError("kind must be a non-empty string")
    if not isinstance(payload, Mapping):
        raise ValueError(f"payload must be a JSON object, not {type(payload).__name__}")
    timestamp = _format_timestamp(occurred_at)
    c_hash = hashlib.sha256(content_bytes(seq, kind, timestamp, payload)).hexdigest()
    return Entry(
        seq=seq,
        prev_hash=prev_hash,
        kind=kind,
        occurred_at=timestamp,
        payload=payload,
        content_hash=c_hash,
        entry_hash=entry_hash(prev_hash, c_hash),
    )


# ---------------------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One verification failure.

    ``code`` is stable and machine-readable (e.g. ``"content_hash_mismatch"``);
    ``detail`` says what is wrong; ``file``/``line``/``seq`` locate it when known
    (``line`` is the 1-based line in ``file``, or the 1-based position of the entry in
    the iterable given to :func:`verify_chain` when there is no file). ``message`` is the
    full sentence for people, location first.
    """

    code: str
    detail: str
    line: int | None = None
    seq: int | None = None
    file: str | None = None

    @property
    def message(self) -> str:
        if self.line is not None:
            where = f"{self.file} line {self.line}" if self.file else f"entry {self.line}"
        else:
            where = self.file or ""
        if self.seq is not None:
            where = f"{where} (seq {self.seq})" if where else f"seq {self.seq}"
        return f"{where}: {self.detail}" if where else self.detail

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class ChainReport:
    """Result of verifying a chain. ``ok`` is True only if no problem was found."""

    ok: bool
    entries_checked: int
    head: ChainHead
    problems: tuple[Problem, ...]
    problems_omitted: int = 0

    @property
    def codes(self) -> list[str]:
        return [problem.code for problem in self.problems]


def _short(h: object) -> str:
    return f"{h[:16]}…" if isinstance(h, str) and len(h) > 16 else repr(h)


@dataclass(frozen=True, slots=True)
class VerifierState:
    """Where a :class:`ChainVerifier` stands between two entries (for stitching)."""

    expected_seq: int
    prev_hashes: tuple[str, ...]
    head_seq: int
    head_hash: str
    after_unreadable: bool


@dataclass(slots=True)
class ChainVerifier:
    """Streaming chain checker: feed entries in order, then call :meth:`finish`.

    Memory use is constant. After a problem the verifier resynchronises on the entry it
    just read (its recorded ``seq`` and ``entry_hash``), so each tampering is reported
    once, at the entry where it happened, instead of cascading. ``file`` names the file
    the entries come from, for messages.
    """

    max_problems: int = 1000
    file: str | None = None
    entries_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    problems_omitted: int = 0
    _expected_seq: int = FIRST_SEQ
    _prev_hashes: tuple[str, ...] = (GENESIS_HASH,)
    _head_seq: int = 0
    _head_hash: str = GENESIS_HASH
    _after_unreadable: bool = False
    withheld_entries: int = 0

    # -- problems and state ---------------------------------------------------------

    def add_problem(
        self, code: str, detail: str, line: int | None = None, seq: int | None = None
    ) -> None:
        if len(self.problems) < self.max_problems:
            self.problems.append(Problem(code, detail, line, seq, self.file))
        else:
            self.problems_omitted += 1

    def mark_unreadable(self) -> None:
        """A line that should have held an entry could not be read (already reported).

        The next entry may then skip exactly one seq without a second report.
        """
        self._after_unreadable = True

    @property
    def head(self) -> ChainHead:
        return ChainHead(self._head_seq, self._head_hash)

    @property
    def state(self) -> VerifierState:
        return VerifierState(
            self._expected_seq,
            self._prev_hashes,
            self._head_seq,
            self._head_hash,
            self._after_unreadable,
        )

    def restore(self, state: VerifierState) -> None:
        self._expected_seq = state.expected_seq
        self._prev_hashes = state.prev_hashes
        self._head_seq = state.head_seq
        self._head_hash = state.head_hash
        self._after_unreadable = state.after_unreadable

    # -- entries --------------------------------------------------------------------

    def feed(
        self,
        entry: Mapping[str, Any],
        line: int | None = None,
        content: bytes | None = None,
    ) -> str | None:
        """Check one entry. Returns its recorded entry_hash if it had a usable one.

        ``line`` locates the entry for messages (default: its position). ``content`` may
        pass precomputed content bytes, only when the caller has already established
        that they equal :func:`content_bytes` of this entry.
        """
        if type(entry) is dict and entry.keys() == WITHHELD_KEYS:
            return self._feed_withheld(entry, line)
        # Fast path: an intact entry that is exactly the next one. Everything is checked;
        # formats (hex digits etc.) need no separate test because the values are equal
        # to freshly computed hashes. Anything unusual goes to the diagnosing path.
        if type(entry) is dict and not self._after_unreadable and entry.keys() == ENTRY_KEYS:
            seq = entry["seq"]
            kind = entry["kind"]
            occurred_at = entry["occurred_at"]
            payload = entry["payload"]
            prev_hash = entry["prev_hash"]
            if (
                seq == self._expected_seq
                and type(seq) is int
                and type(kind) is str
                and kind
                and type(occurred_at) is str
                and type(payload) is dict
                and prev_hash in self._prev_hashes
            ):
                try:
                    data = (
                        content
                        if content is not None
                        else content_bytes(seq, kind, occurred_at, payload)
                    )
                except CanonicalJSONError:
                    data = None
                if data is not None:
                    c_hash = hashlib.sha256(data).hexdigest()
                    if c_hash == entry["content_hash"]:
                        e_hash = hashlib.sha256(
                            bytes.fromhex(prev_hash) + bytes.fromhex(c_hash)
                        ).hexdigest()
                        if e_hash == entry["entry_hash"] and is_valid_timestamp(occurred_at):
                            self.entries_checked += 1
                            self._expected_seq = seq + 1
                            self._prev_hashes = (e_hash,)
                            self._head_seq = seq
                            self._head_hash = e_hash
                            return e_hash
        return self._feed_slow(entry, line, content)

    def _feed_withheld(self, entry: Mapping[str, Any], line: int | None) -> str | None:
        self.entries_checked += 1
        self.withheld_entries += 1
        if line is None:
            line = self.entries_checked
        seq, prev_hash = entry["seq"], entry["prev_hash"]
        c_hash, e_hash = entry["content_hash"], entry["entry_hash"]
        after_unreadable, self._after_unreadable = self._after_unreadable, False
        if entry["withheld"] is not True or type(seq) is not int:
            self.add_problem(
                "bad_withheld_entry",
                "a withheld entry needs an integer seq and withheld: true",
                line,
            )
            return None
        if not all(_is_hex64(value) for value in (prev_hash, c_hash, e_hash)):
            self.add_problem(
                "bad_withheld_entry", "a hash is not 64 lowercase hex digits", line, seq
            )
            return None
        expected = self._expected_seq
        if seq != expected and not (after_unreadable and seq == expected + 1):
            code = "seq_repeated" if seq < expected else "seq_gap"
            self.add_problem(code, f"seq {seq} where {expected} was expected", line, seq)
        elif prev_hash not in self._prev_hashes:
            self.add_problem(
                "prev_hash_mismatch", "prev_hash is not the previous entry's entry_hash", line, seq
            )
        if entry_hash(prev_hash, c_hash) != e_hash:
            self.add_problem(
                "entry_hash_mismatch",
                "entry_hash is not SHA-256(prev_hash || content_hash)",
                line,
                seq,
            )
        self._expected_seq = seq + 1
        self._prev_hashes = (e_hash,)
        self._head_seq, self._head_hash = seq, e_hash
        return str(e_hash)

    def _feed_slow(
        self,
        entry: Mapping[str, Any],
        line: int | None,
        content: bytes | None,
    ) -> str | None:
        self.entries_checked += 1
        if line is None:
            line = self.entries_checked
        after_unreadable = self._after_unreadable
        self._after_unreadable = False
        add = self.add_problem

        if not isinstance(entry, Mapping):
            add("not_an_object", f"the entry is a {type(entry).__name__}, not an object", line)
            self._after_unreadable = True
            return None
        keys = set(entry)
        if keys != ENTRY_KEYS:
            parts = []
            if missing := sorted(ENTRY_KEYS - keys):
                parts.append("missing " + ", ".join(missing))
            if extra := sorted(str(k) for k in keys - ENTRY_KEYS):
                parts.append("unexpected " + ", ".join(extra))
            seq_guess = entry.get("seq")
            add(
                "bad_entry_fields",
                f"wrong members ({'; '.join(parts)})",
                line,
                seq_guess if type(seq_guess) is int else None,
            )
            self._after_unreadable = True
            return None

        seq = entry["seq"]
        kind = entry["kind"]
        occurred_at = entry["occurred_at"]
        payload = entry["payload"]
        prev_hash = entry["prev_hash"]
        rec_content = entry["content_hash"]
        rec_entry = entry["entry_hash"]

        if type(seq) is not int or seq < FIRST_SEQ:
            add("bad_seq", f"seq {seq!r} is not a positive integer", line)
            self._after_unreadable = True
            return None
        bad_types = []
        if not isinstance(kind, str) or not kind:
            bad_types.append("kind is not a non-empty string")
        if not isinstance(occurred_at, str) or not is_valid_timestamp(occurred_at):
            bad_types.append(
                f"occurred_at {occurred_at!r} is not an ISO 8601 date-time with a UTC offset"
            )
        if not isinstance(payload, Mapping):
            bad_types.append(f"payload is a {type(payload).__name__}, not an object")
        for name, value in (
            ("prev_hash", prev_hash),
            ("content_hash", rec_content),
            ("entry_hash", rec_entry),
        ):
            if not _is_hex64(value):
                bad_types.append(f"{name} {_short(value)} is not 64 lowercase hex digits")
        if bad_types:
            add("bad_entry_value", "; ".join(bad_types), line, seq)

        # 1. position in the chain
        expected = self._expected_seq
        skipped_unreadable = after_unreadable and seq == expected + 1
        position = "next"  # "next" | "gap" | "repeat" | "behind"
        if seq != expected and not skipped_unreadable:
            if seq > expected:
                position = "gap"
                missing_from = expected + (1 if after_unreadable else 0)
                span = (
                    f"seq {missing_from}"
                    if seq - 1 == missing_from
                    else f"seqs {missing_from}..{seq - 1}"
                )
                add(
                    "seq_gap",
                    f"expected seq {expected}, found {seq}: {span} missing here "
                    "(deleted, or moved later in the file)",
                    line,
                    seq,
                )
            elif seq == expected - 1:
                position = "repeat"
                add(
                    "seq_repeated",
                    f"seq {seq} appears twice in a row: an entry was inserted or duplicated",
                    line,
                    seq,
                )
            else:
                position = "behind"
                add(
                    "seq_out_of_order",
                    f"seq {seq} comes after seq {expected - 1}: entries are out of order "
                    "(reordered, or an earlier entry repeated)",
                    line,
                    seq,
                )

        # 2. content hash
        computed_content: str | None = None
        if not bad_types:
            try:
                data = (
                    content
                    if content is not None
                    else content_bytes(seq, kind, occurred_at, payload)
                )
            except CanonicalJSONError as error:
                add("payload_not_canonical", f"content cannot be canonicalised: {error}", line, seq)
            else:
                computed_content = hashlib.sha256(data).hexdigest()
                if computed_content != rec_content:
                    add(
                        "content_hash_mismatch",
                        f"content_hash mismatch: recorded {_short(rec_content)}, recomputed "
                        f"{_short(computed_content)}: seq, kind, occurred_at or payload was "
                        "changed after the entry was chained",
                        line,
                        seq,
                    )

        # 3. link to the previous entry (only meaningful when this entry is the next one)
        if position == "next" and not skipped_unreadable and prev_hash not in self._prev_hashes:
            previous = f"seq {seq - 1}" if seq > FIRST_SEQ else "the genesis value (64 zeros)"
            add(
                "prev_hash_mismatch",
                f"prev_hash {_short(prev_hash)} does not equal the entry_hash of {previous} "
                f"({_short(self._prev_hashes[-1])}): the link was edited or the entry before "
                "it was replaced",
                line,
                seq,
            )

        # 4. entry hash
        usable_hash: str | None = rec_entry if _is_hex64(rec_entry) else None
        if computed_content is not None and usable_hash is not None:
            computed_entry = entry_hash(prev_hash, rec_content)
            if computed_entry != rec_entry:
                add(
                    "entry_hash_mismatch",
                    f"entry_hash mismatch: recorded {_short(rec_entry)}, recomputed "
                    f"SHA256(prev_hash || content_hash) = {_short(computed_entry)}",
                    line,
                    seq,
                )

        # 5. resynchronise so that one tampering is reported once
        if position == "behind":
            return usable_hash  # keep following the entries that were in order
        if usable_hash is None:
            self._expected_seq = seq + 1
            self._after_unreadable = True
            return None
        if position == "repeat":
            # Either copy of the repeated seq may be the genuine one: accept both links.
            self._prev_hashes = (*self._prev_hashes[-2:], usable_hash)
        else:
            self._prev_hashes = (usable_hash,)
        self._expected_seq = seq + 1
        self._head_seq = seq
        self._head_hash = usable_hash
        return usable_hash

    def finish(self) -> ChainReport:
        ok = not self.problems and not self.problems_omitted
        return ChainReport(
            ok=ok,
            entries_checked=self.entries_checked,
            head=self.head,
            problems=tuple(self.problems),
            problems_omitted=self.problems_omitted,
        )


def verify_chain(entries: Iterable[Mapping[str, Any]], max_problems: int = 1000) -> ChainReport:
    """Verify entries (seven-member mappings, in order) in one streaming pass.

    Detects changed content (``content_hash_mismatch``), deleted entries (``seq_gap``),
    reordered entries (``seq_gap`` + ``seq_out_of_order``), inserted or repeated entries
    (``seq_repeated``/``seq_out_of_order``), edited links (``prev_hash_mismatch``) and
    edited hashes (``entry_hash_mismatch``); each problem names the seq and the entry's
    position. Never raises for bad data: problems are returned in the report.
    """
    verifier = ChainVerifier(max_problems=max_problems)
    for position, entry in enumerate(entries, 1):
        verifier.feed(entry, position)
    return verifier.finish()
