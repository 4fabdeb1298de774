"""Verify a Halyq open-data export without a database: ``halyq verify DIR``.

The export directory holds two files:

``events.jsonl``
    The whole event chain, one entry per line, oldest first. Each line is the canonical
    JSON (:mod:`halyq.ledger.canonical`) of a seven-member entry object followed by one
    LF byte; the members and hashing rules are in :mod:`halyq.ledger.chain`.

``snapshots.json``
    A JSON array of published rating snapshots, each an object with at least::

        snapshot_id      string or integer, unique in the file
        chain_head_seq   seq of the last chain entry the snapshot was computed from
                         (0 = computed from an empty chain)
        chain_head_hash  entry_hash of that entry (64 zeros for seq 0)
        merkle_root      RFC 6962 Merkle root (hex) of the results, see below
        results          array of per-person result objects, each with a "person_id"

    ``merkle_root = MTH([canonical_json(r) for r in results sorted by person_id])``
    (:mod:`halyq.ledger.merkle`). ``person_id`` values in one snapshot must be all
    integers (sorted numerically) or all strings (sorted like object member names: by
    UTF-16 code units, i.e. by code point for ordinary text), and unique. Result values
    must be canonical-JSON values: no floats, so publish ``"71.25"`` or ``7125``.
    This file need not itself be in canonical form.

What is checked: every line of ``events.jsonl`` is canonical JSON of a well-formed
entry; the chain is intact end to end (content hashes, links, entry hashes, seq
1, 2, 3... without gaps); each snapshot's ``chain_head_hash`` is the ``entry_hash`` of
the entry at ``chain_head_seq``; each snapshot's ``merkle_root`` matches its results;
and, when a ``recompute`` function is supplied, that recomputing every snapshot from
the events up to its head reproduces the published results field by field.

The events are read as a stream (memory does not grow with the number of events); a
large file is split at line boundaries and checked by several processes, and the pieces
are joined exactly as a single pass would (see :func:`_scan_parallel`). Cost: about
13-16 microseconds of CPU per event (most of it the standard library's JSON parser and
encoder proving each line canonical), about 25 MB of memory per process; 5 million
events are about 65-80 CPU-seconds, divided among the CPUs.
``snapshots.json`` is read whole. Problems never raise: they are collected in the
returned :class:`VerificationReport`, each with a stable ``code`` and a message.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import IO, Any, Final

from halyq.ledger.canonical import (
    LENIENT_INT_DECODER,
    CanonicalJSONError,
    canonical_json,
    encode_sorted_unchecked,
    utf16_key,
)
from halyq.ledger.chain import (
    ENTRY_KEYS,
    GENESIS_HASH,
    ChainHead,
    ChainVerifier,
    Problem,
    VerifierState,
    is_valid_timestamp,
)
from halyq.ledger.merkle import leaf_hash, merkle_root_from_hashes

__all__ = [
    "EVENTS_FILE",
    "SNAPSHOTS_FILE",
    "Difference",
    "Recompute",
    "VerificationReport",
    "format_report",
    "main",
    "snapshot_leaves",
    "snapshot_merkle_root",
    "verify_export",
]

EVENTS_FILE: Final = "events.jsonl"
SNAPSHOTS_FILE: Final = "snapshots.json"

Recompute = Callable[[Iterable[dict[str, Any]], dict[str, Any]], list[dict[str, Any]]]
"""``recompute(entries up to the snapshot head, snapshot) -> results``."""

PARALLEL_MIN_BYTES: Final = 64 * 1024 * 1024
"""events.jsonl files at least this big are checked by several processes (if workers>1)."""

_SNAPSHOT_KEYS: Final = (
    "snapshot_id",
    "chain_head_seq",
    "chain_head_hash",
    "merkle_root",
    "results",
)

# Fast path parser: the C scanner itself (no Python wrapper); refuses floats and NaN.
# Integers are range-checked by the digit-run test in _check_lines instead of a per-integer
# Python hook.
_SCAN: Final[Callable[[str, int], tuple[Any, int]]] = getattr(LENIENT_INT_DECODER, "scan_once")  # noqa: B009
# byte classes: "0" digit, "!" lead byte of a 4-byte UTF-8 sequence, "." anything else
_CLASSES: Final = bytes(
    ord("0") if 0x30 <= b <= 0x39 else ord("!") if 0xF0 <= b <= 0xF4 else ord(".")
    for b in range(256)
)
_DIGIT_RUN: Final = b"0" * 16
# In a canonical entry line the members are in this order:
#   {"content_hash":"<64>","entry_hash":"<64>","kind":...,"occurred_at":...,
#    "payload":{...},"prev_hash":"<64>","seq":N}
# so the canonical content object {"kind":..,"occurred_at":..,"payload":..,"seq":N} is a
# slice of the line. Used only after the line has been proven canonical.
_LINE_START: Final = b'{"content_hash":"'
_KIND_AT: Final = len(_LINE_START) + 64 + len('","entry_hash":"') + 64 + len('",')
_PREV_MARK: Final = b',"prev_hash":"'
_SEQ_AT_FROM_MARK: Final = len(_PREV_MARK) + 64 + len('"')


# ---------------------------------------------------------------------------------------
# report types
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Difference:
    """A published value that recomputation did not reproduce.

    ``field`` is ``None`` when the whole person is missing on one side; then the
    missing side's value is ``None``.
    """

    snapshot_id: object
    person_id: object
    field: str | None
    published: object
    recomputed: object


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """Outcome of :func:`verify_export`. ``ok`` is True only if nothing was wrong."""

    ok: bool
    directory: str
    entries_checked: int
    head: ChainHead
    snapshots_checked: int
    problems: tuple[Problem, ...]
    differences: tuple[Difference, ...] = ()
    problems_omitted: int = 0
    recomputed_snapshots: int = 0

    @property
    def codes(self) -> list[str]:
        return [problem.code for problem in self.problems]

    @property
    def messages(self) -> list[str]:
        return [problem.message for problem in self.problems]


@dataclass(slots=True)
class _Snapshot:
    raw: dict[str, Any]
    snapshot_id: object
    head_seq: int
    head_hash: str
    merkle_root: str
    results: list[Any]
    head_ok: bool = False

    @property
    def label(self) -> str:
        return f"snapshot {_show(self.snapshot_id)}"


@dataclass(slots=True)
class _Collector:
    max_problems: int
    problems: list[Problem] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    omitted: int = 0

    def add(
        self,
        code: str,
        detail: str,
        *,
        seq: int | None = None,
        file: str | None = SNAPSHOTS_FILE,
    ) -> None:
        if len(self.problems) < self.max_problems:
            self.problems.append(Problem(code, detail, None, seq, file))
        else:
            self.omitted += 1


def _is_hex64(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )


def _show(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


# ---------------------------------------------------------------------------------------
# snapshots.json
# ---------------------------------------------------------------------------------------


def _ordered_results(results: Sequence[Any]) -> list[Mapping[str, Any]]:
    """Results sorted by person_id; raises ValueError naming the problem."""
    ids: list[int | str] = []
    for position, result in enumerate(results):
        if not isinstance(result, Mapping):
            raise ValueError(f"results[{position}] is a {type(result).__name__}, not an object")
        if "person_id" not in result:
            raise ValueError(f"results[{position}] has no person_id")
        person_id = result["person_id"]
        if type(person_id) not in (int, str):
            raise ValueError(
                f"results[{position}].person_id {_show(person_id)} is not an integer or string"
            )
        ids.append(person_id)
    if len({type(person_id) for person_id in ids}) > 1:
        raise ValueError("person_id values mix integers and strings")
    seen: set[int | str] = set()
    for person_id in ids:
        if person_id in seen:
            raise ValueError(f"person_id {_show(person_id)} occurs more than once")
        seen.add(person_id)

    def key(result: Mapping[str, Any]) -> Any:
        person_id = result["person_id"]
        return utf16_key(person_id) if isinstance(person_id, str) else person_id

    return sorted(results, key=key)


def snapshot_leaves(results: Sequence[Mapping[str, Any]]) -> list[bytes]:
    """Merkle leaf data of a snapshot: canonical JSON of each result, by person_id.

    Raises ``ValueError`` (``CanonicalJSONError`` for disallowed values) on bad results.
    """
    leaves = []
    for result in _ordered_results(results):
        try:
            leaves.append(canonical_json(result))
        except CanonicalJSONError as error:
            raise CanonicalJSONError(
                error.reason, f"result for person_id {_show(result['person_id'])} at {error.path}"
            ) from None
    return leaves


def snapshot_merkle_root(results: Sequence[Mapping[str, Any]]) -> str:
    """The ``merkle_root`` to publish for these results (what the verifier expects)."""
    return merkle_root_from_hashes(leaf_hash(leaf) for leaf in snapshot_leaves(results))


def _refuse_constant(token: str) -> object:
    raise ValueError(f"{token} is not allowed in JSON")


def _load_snapshots(path: Path, out: _Collector) -> list[_Snapshot]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        out.add("missing_file", f"{SNAPSHOTS_FILE} is missing from the export directory", file=None)
        return []
    except OSError as error:
        out.add("unreadable_file", f"cannot be read: {error.strerror or error}")
        return []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        out.add("invalid_utf8", f"not valid UTF-8 at byte {error.start}")
        return []
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        hint = " (the file looks truncated)" if error.pos >= len(text.rstrip()) else ""
        out.add(
            "invalid_json",
            f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}{hint}",
        )
        return []
    except (ValueError, RecursionError) as error:
        out.add("invalid_json", f"not valid JSON: {error}")
        return []
    if not isinstance(document, list):
        out.add("bad_snapshots", "the top level must be an array of snapshots")
        return []

    snapshots: list[_Snapshot] = []
    seen_ids: set[str] = set()
    for index, raw in enumerate(document):
        if not isinstance(raw, dict):
            out.add("bad_snapshot", f"snapshot #{index + 1} is not an object")
            continue
        if missing := [key for key in _SNAPSHOT_KEYS if key not in raw]:
            out.add("bad_snapshot", f"snapshot #{index + 1} lacks {', '.join(missing)}")
            continue
        snapshot_id = raw["snapshot_id"]
        if type(snapshot_id) not in (int, str):
            out.add(
                "bad_snapshot", f"snapshot #{index + 1}: snapshot_id must be a string or integer"
            )
            continue
        problems = []
        head_seq = raw["chain_head_seq"]
        if type(head_seq) is not int or head_seq < 0:
            problems.append(f"chain_head_seq {_show(head_seq)} is not an integer >= 0")
        for key in ("chain_head_hash", "merkle_root"):
            if not _is_hex64(raw[key]):
                problems.append(f"{key} {_show(raw[key])} is not 64 lowercase hex digits")
        if not isinstance(raw["results"], list):
            problems.append("results is not an array")
        if _show(snapshot_id) in seen_ids:
            problems.append("snapshot_id is used by an earlier snapshot too")
        seen_ids.add(_show(snapshot_id))
        if problems:
            out.add("bad_snapshot", f"snapshot {_show(snapshot_id)}: " + "; ".join(problems))
            continue
        snapshots.append(
            _Snapshot(
                raw=raw,
                snapshot_id=snapshot_id,
                head_seq=head_seq,
                head_hash=raw["chain_head_hash"],
                merkle_root=raw["merkle_root"],
                results=raw["results"],
            )
        )
    return snapshots


def _check_merkle(snapshot: _Snapshot, out: _Collector) -> None:
    try:
        root = snapshot_merkle_root(snapshot.results)
    except ValueError as error:
        out.add("bad_results", f"{snapshot.label}: results: {error}")
        return
    if root != snapshot.merkle_root:
        out.add(
            "merkle_root_mismatch",
            f"{snapshot.label}: merkle_root mismatch: published {snapshot.merkle_root}, "
            f"recomputed {root} from its {len(snapshot.results)} results: a published result "
            "or the root itself was changed",
        )


# ---------------------------------------------------------------------------------------
# events.jsonl: reading lines
# ---------------------------------------------------------------------------------------

_UNREADABLE: Final = object()


def _diagnose_line(
    body: bytes, line: int, last_line: bool, raw_len: int, verifier: ChainVerifier
) -> Any:
    """Exact (slow) path for a line that is not an obviously canonical entry.

    Reports what is wrong with the line as JSON text and returns the parsed value, or
    ``_UNREADABLE``.
    """
    add = verifier.add_problem
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        if last_line:
            add("truncated_line", _truncated(raw_len), line)
        else:
            add("invalid_utf8", f"not valid UTF-8 at byte {error.start}", line)
        return _UNREADABLE
    try:
        obj = LENIENT_INT_DECODER.decode(text)
    except CanonicalJSONError as error:
        add("not_canonical", error.reason, line)
        return _UNREADABLE
    except (ValueError, RecursionError) as error:
        if last_line:
            add("truncated_line", _truncated(raw_len), line)
        else:
            reason = (
                f"{error.msg} at column {error.colno}"
                if isinstance(error, json.JSONDecodeError)
                else str(error)
            )
            empty = " (empty line)" if not body.strip() else ""
            add("invalid_json", f"not valid JSON{empty}: {reason}", line)
        return _UNREADABLE
    if last_line:
        add(
            "missing_final_newline",
            "the last line has no closing newline (the file may be truncated)",
            line,
        )
    try:
        canonical = canonical_json(obj)
    except CanonicalJSONError as error:
        add("not_canonical", str(error), line)
    else:
        if canonical != body:
            crlf = " (it ends with CR LF; use LF only)" if body.endswith(b"\r") else ""
            add(
                "not_canonical",
                "valid JSON but not in canonical form (whitespace, member order, escaping "
                f"or a repeated member name){crlf}",
                line,
            )
    return obj


def _truncated(raw_len: int) -> str:
    return (
        f"the file ends in the middle of an entry ({raw_len} bytes without a closing "
        "newline): it was truncated"
    )


def _record_head(
    obj: Any, recorded: str | None, wanted: AbstractSet[int], heads: dict[int, str]
) -> None:
    if recorded is not None and wanted:
        seq = obj.get("seq")
        if seq in wanted and seq not in heads:
            heads[seq] = recorded


_CONTENT_KEYS: Final = frozenset({"kind", "occurred_at", "payload", "seq"})
_ENTRY_HASH_AT: Final = len(_LINE_START) + 64 + len('","entry_hash":"')


@dataclass(slots=True)
class _Lines:
    """Result of :func:`_check_lines`."""

    lines: int = 0
    first: tuple[int, Any] | None = None  # floating mode: the unchecked first entry


def _check_lines(
    handle: IO[bytes],
    limit: int | None,
    line_offset: int,
    verifier: ChainVerifier,
    wanted: AbstractSet[int],
    heads: dict[int, str],
    *,
    floating: bool = False,
) -> _Lines:
    """Check the lines of events.jsonl from the handle's position (``limit`` bytes).

    The common case, an intact canonical entry that is the next one in the chain, is
    handled inline: the line must have the canonical entry layout

        {"content_hash":"H1","entry_hash":"H2",<inner>,"prev_hash":"H3","seq":N}

    where ``{<inner>,"seq":N}`` is the content object. That content text is parsed and
    re-encoded (proving it canonical), H1 must equal SHA-256 of it, H3 the previous
    entry_hash and H2 SHA-256(raw(H3) || raw(H1)); members are then exactly the seven
    required ones in canonical order, so the whole line is canonical. Anything else is
    handed to the exact, diagnosing path (:func:`_diagnose_line` + ``verifier.feed``),
    which finds the same verdict with a precise message.

    ``floating``: (parallel workers) the first readable entry is not checked but
    returned, and the chain state is set as if it had been accepted.
    """
    scan = _SCAN
    encode = encode_sorted_unchecked
    sha256 = hashlib.sha256
    classes_table = _CLASSES
    digit_run = _DIGIT_RUN
    prev_mark = _PREV_MARK
    line_start = _LINE_START
    kind_at = _KIND_AT
    entry_hash_at = _ENTRY_HASH_AT
    tail_from_mark = _SEQ_AT_FROM_MARK
    content_keys = _CONTENT_KEYS
    valid_timestamp = is_valid_timestamp

    result = _Lines()
    consumed = 0
    line = line_offset
    fast_entries = 0
    # chain state, mirrored from the verifier (synchronised around slow-path calls)
    state = verifier.state
    expected = state.expected_seq
    single = len(state.prev_hashes) == 1 and not state.after_unreadable
    prev_hex = state.prev_hashes[-1].encode("ascii")
    prev_digest = bytes.fromhex(state.prev_hashes[-1])
    head_seq, head_hex = state.head_seq, state.head_hash.encode("ascii")
    for raw in handle:
        line += 1
        if limit is not None:
            consumed += len(raw)
        if single and raw[-1:] == b"\n":
            mark = raw.rfind(prev_mark)
            if (
                mark > kind_at
                and raw.startswith(line_start)
                and raw.startswith(b'","entry_hash":"', 81)
                and raw.startswith(b'","kind":', kind_at - 2)
                and raw[mark + 78 : mark + 79] == b'"'
                and raw[mark + 14 : mark + 78] == prev_hex
            ):
                content = b"{" + raw[kind_at:mark] + raw[mark + tail_from_mark : -1]
                classes = content.translate(classes_table)
                if classes.find(b"!") < 0 and classes.find(digit_run) < 0:
                    try:
                        text = content.decode("utf-8")
                        obj, end = scan(text, 0)
                        canonical = (
                            end == len(text)
                            and type(obj) is dict
                            and obj.keys() == content_keys
                            and encode(obj) == text
                        )
                    except (ValueError, StopIteration, RecursionError):
                        canonical = False
                    if canonical:
                        seq = obj["seq"]
                        kind = obj["kind"]
                        occurred_at = obj["occurred_at"]
                        if (
                            seq == expected
                            and type(seq) is int
                            and type(kind) is str
                            and kind
                            and type(occurred_at) is str
                            and type(obj["payload"]) is dict
                        ):
                            c_digest = sha256(content).digest()
                            if raw[17:81] == c_digest.hex().encode():
                                e_digest = sha256(prev_digest + c_digest).digest()
                                e_hex = e_digest.hex().encode()
                                if raw[entry_hash_at : entry_hash_at + 64] == e_hex and (
                                    valid_timestamp(occurred_at)
                                ):
                                    if floating and result.first is None:
                                        pass  # the first entry takes the general path
                                    else:
                                        fast_entries += 1
                                        expected = seq + 1
                                        prev_hex, prev_digest = e_hex, e_digest
                                        head_seq, head_hex = seq, e_hex
                                        if wanted and seq in wanted and seq not in heads:
                                            heads[seq] = e_hex.decode()
                                        if limit is not None and consumed >= limit:
                                            break
                                        continue

        # general, diagnosing path
        verifier.restore(
            VerifierState(
                expected,
                state.prev_hashes if not single else (prev_hex.decode(),),
                head_seq,
                head_hex.decode(),
                state.after_unreadable if not single else False,
            )
        )
        last_line = raw[-1:] != b"\n"
        body = raw if last_line else raw[:-1]
        obj = _diagnose_line(body, line, last_line, len(raw), verifier)
        if obj is _UNREADABLE:
            verifier.mark_unreadable()
        elif floating and result.first is None:
            result.first = (line, obj)
            assumed = _assumed_state(obj)
            if assumed is None:
                break  # the parent must check this chunk itself
            verifier.restore(assumed)
        else:
            recorded = verifier.feed(obj, line)
            if recorded is not None and wanted:
                _record_head(obj, recorded, wanted, heads)
        state = verifier.state
        expected = state.expected_seq
        single = len(state.prev_hashes) == 1 and not state.after_unreadable
        prev_hex = state.prev_hashes[-1].encode("ascii")
        prev_digest = bytes.fromhex(state.prev_hashes[-1])
        head_seq, head_hex = state.head_seq, state.head_hash.encode("ascii")
        if limit is not None and consumed >= limit:
            break

    verifier.restore(
        VerifierState(
            expected,
            state.prev_hashes if not single else (prev_hex.decode(),),
            head_seq,
            head_hex.decode(),
            state.after_unreadable if not single else False,
        )
    )
    verifier.entries_checked += fast_entries
    result.lines = line - line_offset
    return result


def _scan_sequential(
    handle: IO[bytes],
    limit: int | None,
    line_offset: int,
    verifier: ChainVerifier,
    wanted: AbstractSet[int],
    heads: dict[int, str],
) -> int:
    return _check_lines(handle, limit, line_offset, verifier, wanted, heads).lines


# ---------------------------------------------------------------------------------------
# events.jsonl: parallel checking
# ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _ChunkResult:
    lines: int
    leading: list[Problem]
    leading_unreadable: bool
    first: tuple[int, Any] | None = None
    assumed: VerifierState | None = None
    problems: list[Problem] = field(default_factory=list)
    omitted: int = 0
    entries_checked: int = 0
    end_state: VerifierState | None = None
    heads: dict[int, str] = field(default_factory=dict)
    rescan: bool = False


def _assumed_state(entry: Any) -> VerifierState | None:
    """The verifier state after ``entry`` if it were accepted as the next entry."""
    if type(entry) is not dict or entry.keys() != ENTRY_KEYS:
        return None
    seq, entry_hash = entry["seq"], entry["entry_hash"]
    if type(seq) is not int or seq < 1 or not _is_hex64(entry_hash):
        return None
    return VerifierState(seq + 1, (entry_hash,), seq, entry_hash, False)


def _check_chunk(
    path: str, start: int, end: int, wanted: frozenset[int], max_problems: int
) -> _ChunkResult:
    """Worker: check lines in bytes [start, end), assuming its first entry is the next one.

    Line numbers in the result are relative to the chunk (the parent adds the offset).
    """
    verifier = ChainVerifier(max_problems=max_problems, file=EVENTS_FILE)
    heads: dict[int, str] = {}
    with open(path, "rb") as handle:
        handle.seek(start)
        lines = _check_lines(handle, end - start, 0, verifier, wanted, heads, floating=True)
    result = _ChunkResult(lines=lines.lines, leading=[], leading_unreadable=False)
    if lines.first is None:
        # no readable entry at all: only unreadable lines
        result.leading = verifier.problems
        result.leading_unreadable = lines.lines > 0
        return result
    first_line = lines.first[0]
    result.leading = [p for p in verifier.problems if p.line is not None and p.line <= first_line]
    result.problems = [p for p in verifier.problems if p.line is None or p.line > first_line]
    result.first = lines.first
    result.assumed = _assumed_state(lines.first[1])
    if result.assumed is None:
        result.rescan = True
        return result
    # every line before the first readable entry was unreadable
    result.leading_unreadable = first_line > 1
    result.omitted = verifier.problems_omitted
    result.entries_checked = verifier.entries_checked
    result.end_state = verifier.state
    result.heads = heads
    return result


def _chunk_bounds(handle: IO[bytes], size: int, pieces: int) -> list[tuple[int, int]]:
    bounds = [0]
    for k in range(1, pieces):
        cut = k * size // pieces
        if cut <= bounds[-1]:
            continue
        handle.seek(cut - 1)
        handle.readline()  # finish the line the cut falls in
        position = handle.tell()
        if bounds[-1] < position < size:
            bounds.append(position)
    bounds.append(size)
    return list(pairwise(bounds))


def _add_shifted(verifier: ChainVerifier, problems: list[Problem], offset: int) -> None:
    for problem in problems:
        if len(verifier.problems) < verifier.max_problems:
            line = None if problem.line is None else problem.line + offset
            verifier.problems.append(replace(problem, line=line))
        else:
            verifier.problems_omitted += 1


def _merge_chunk(
    result: _ChunkResult,
    offset: int,
    verifier: ChainVerifier,
    wanted: AbstractSet[int],
    heads: dict[int, str],
) -> bool:
    """Join a worker's result onto ``verifier``; False if the chunk must be rescanned."""
    if result.rescan:
        return False
    _add_shifted(verifier, result.leading, offset)
    if result.leading_unreadable:
        verifier.mark_unreadable()
    if result.first is None:
        return True
    line, obj = result.first
    recorded = verifier.feed(obj, line + offset)
    if verifier.state != result.assumed or result.end_state is None:
        return False
    if recorded is not None and wanted:
        _record_head(obj, recorded, wanted, heads)
    _add_shifted(verifier, result.problems, offset)
    verifier.problems_omitted += result.omitted
    verifier.entries_checked += result.entries_checked
    verifier.restore(result.end_state)
    for seq, entry_hash in result.heads.items():
        heads.setdefault(seq, entry_hash)
    return True


def _scan_parallel(
    path: Path,
    size: int,
    workers: int,
    verifier: ChainVerifier,
    wanted: AbstractSet[int],
    heads: dict[int, str],
) -> None:
    """Check the file in chunks in ``workers`` processes, joined exactly.

    Each worker checks its chunk assuming the chunk's first entry is the correct next
    entry. The parent then checks that first entry against the real chain state; if the
    state after it is what the worker assumed, the worker's findings are exactly what a
    single pass would have found. Otherwise (a tampering right at a chunk boundary, or a
    worker failure) the parent rescans that chunk itself.
    """
    with path.open("rb") as handle:
        chunks = _chunk_bounds(handle, size, workers * 4)
    frozen_wanted = frozenset(wanted)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures: list[Future[_ChunkResult]] = [
            pool.submit(_check_chunk, str(path), start, end, frozen_wanted, verifier.max_problems)
            for start, end in chunks
        ]
        offset = 0
        with path.open("rb") as handle:
            for (start, end), future in zip(chunks, futures, strict=True):
                saved = (
                    verifier.state,
                    len(verifier.problems),
                    verifier.problems_omitted,
                    verifier.entries_checked,
                )
                try:
                    result: _ChunkResult | None = future.result()
                except Exception:
                    result = None
                if result is not None and _merge_chunk(result, offset, verifier, wanted, heads):
                    offset += result.lines
                    continue
                # undo any partial merge, then check this chunk here
                verifier.restore(saved[0])
                del verifier.problems[saved[1] :]
                verifier.problems_omitted = saved[2]
                verifier.entries_checked = saved[3]
                handle.seek(start)
                offset += _scan_sequential(handle, end - start, offset, verifier, wanted, heads)


def _scan_events(
    path: Path,
    verifier: ChainVerifier,
    wanted: AbstractSet[int],
    heads: dict[int, str],
    workers: int | None,
) -> bool:
    """Check events.jsonl through ``verifier``; False if the file could not be read."""
    try:
        size = path.stat().st_size
        if workers is None:
            workers = min(os.cpu_count() or 1, 8) if size >= PARALLEL_MIN_BYTES else 1
        if workers > 1 and size > 0:
            try:
                _scan_parallel(path, size, workers, verifier, wanted, heads)
                return True
            except Exception:  # no process support here, or a read error: one pass
                verifier.problems.clear()
                verifier.problems_omitted = 0
                verifier.entries_checked = 0
                verifier.restore(ChainVerifier().state)
                heads.clear()
        with path.open("rb") as handle:
            _scan_sequential(handle, None, 0, verifier, wanted, heads)
    except FileNotFoundError:
        verifier.add_problem("missing_file", f"{EVENTS_FILE} is missing from the export directory")
        return False
    except OSError as error:
        verifier.add_problem("unreadable_file", f"cannot be read: {error.strerror or error}")
        return False
    return True


def _entries_up_to(path: Path, head_seq: int) -> Generator[dict[str, Any], None, None]:
    """Entries with seq 1..head_seq, parsed (used only after the chain verified)."""
    if head_seq <= 0:
        return
    with path.open("rb") as handle:
        for raw in handle:
            entry = LENIENT_INT_DECODER.decode(raw.decode("utf-8"))
            yield entry
            if entry["seq"] >= head_seq:
                return


# ---------------------------------------------------------------------------------------
# recomputation
# ---------------------------------------------------------------------------------------


def _encoded(value: object) -> bytes | None:
    try:
        return canonical_json(value)
    except CanonicalJSONError:
        return None


def _compare_results(snapshot: _Snapshot, recomputed: object, out: _Collector) -> None:
    label = snapshot.label
    if not isinstance(recomputed, list | tuple):
        out.add(
            "recompute_failed",
            f"{label}: the recompute function returned a {type(recomputed).__name__}, not a list",
        )
        return
    try:
        mine = _ordered_results(recomputed)
    except ValueError as error:
        out.add("recompute_failed", f"{label}: recomputed results are malformed: {error}")
        return
    try:
        published = _ordered_results(snapshot.results)
    except ValueError:
        return  # already reported by the Merkle check
    by_id_published = {_show(r["person_id"]): r for r in published}
    by_id_mine = {_show(r["person_id"]): r for r in mine}
    absent = object()
    order = {key: i for i, key in enumerate(by_id_published)}
    keys = sorted(
        set(by_id_published) | set(by_id_mine), key=lambda k: (order.get(k, len(order)), k)
    )
    for key in keys:
        pub = by_id_published.get(key)
        rec = by_id_mine.get(key)
        if rec is None and pub is not None:
            out.differences.append(
                Difference(snapshot.snapshot_id, pub["person_id"], None, dict(pub), None)
            )
            out.add(
                "recomputed_person_missing",
                f"{label}: person {key} is published but recomputation gives no result for them",
            )
            continue
        if pub is None and rec is not None:
            out.differences.append(
                Difference(snapshot.snapshot_id, rec["person_id"], None, None, dict(rec))
            )
            out.add(
                "published_person_missing",
                f"{label}: person {key} is missing from the published results; recomputation "
                f"gives {_show(dict(rec))}",
            )
            continue
        assert pub is not None and rec is not None
        for name in sorted(set(pub) | set(rec), key=utf16_key):
            p_value = pub.get(name, absent)
            r_value = rec.get(name, absent)
            if p_value is not absent and r_value is not absent:
                p_enc = _encoded(p_value)
                if p_enc is not None and p_enc == _encoded(r_value):
                    continue
            out.differences.append(
                Difference(
                    snapshot.snapshot_id,
                    pub["person_id"],
                    name,
                    None if p_value is absent else p_value,
                    None if r_value is absent else r_value,
                )
            )
            shown_p = "(absent)" if p_value is absent else _show(p_value)
            shown_r = "(absent)" if r_value is absent else _show(r_value)
            out.add(
                "recomputed_value_differs",
                f"{label}: person {key}: field {name!r}: published {shown_p}, recomputed {shown_r}",
            )


def _recompute_all(
    events: Path, snapshots: list[_Snapshot], recompute: Recompute, out: _Collector
) -> int:
    done = 0
    for snapshot in snapshots:
        if not snapshot.head_ok:
            continue
        entries = _entries_up_to(events, snapshot.head_seq)
        try:
            with closing(entries):
                results = recompute(entries, dict(snapshot.raw))
        except Exception as error:
            out.add(
                "recompute_failed",
                f"{snapshot.label}: the recompute function failed: {type(error).__name__}: {error}",
            )
            continue
        done += 1
        _compare_results(snapshot, results, out)
    return done


# ---------------------------------------------------------------------------------------
# entry point
# ---------------------------------------------------------------------------------------


def _check_heads(
    snapshots: list[_Snapshot], heads: dict[int, str], last: ChainHead, out: _Collector
) -> None:
    for snapshot in snapshots:
        found = GENESIS_HASH if snapshot.head_seq == 0 else heads.get(snapshot.head_seq)
        if found is None:
            out.add(
                "snapshot_head_missing",
                f"{snapshot.label}: chain_head_seq {snapshot.head_seq} is not in {EVENTS_FILE} "
                f"(the chain ends at seq {last.seq}): entries were removed from the end, or "
                "the snapshot was edited",
            )
        elif found != snapshot.head_hash:
            out.add(
                "snapshot_head_mismatch",
                f"{snapshot.label}: chain_head_hash {snapshot.head_hash} is not the entry_hash "
                f"of seq {snapshot.head_seq} ({found}): the snapshot or the history before it "
                "was changed",
            )
        else:
            snapshot.head_ok = True


def verify_export(
    directory: Path | str,
    recompute: Recompute | None = None,
    *,
    max_problems: int = 1000,
    workers: int | None = None,
) -> VerificationReport:
    """Verify the export in ``directory`` (see the module docstring). Never raises.

    ``recompute(entries, snapshot)``, if given, is called once per snapshot whose head
    checked out, with an iterable of the parsed entries seq 1..chain_head_seq (read from
    disk as a stream) and the snapshot object; it must return that snapshot's results.
    Every person and field where they differ from the published results is reported
    (``report.differences`` and a ``recomputed_value_differs`` problem each).
    Recomputation is skipped when the chain itself is broken.

    ``workers``: processes used for a large events.jsonl (default: one per CPU, up to 8,
    when the file is at least 64 MiB; 1 = single pass in this process).
    """
    directory = Path(directory)
    out = _Collector(max_problems)
    verifier = ChainVerifier(max_problems=max_problems, file=EVENTS_FILE)
    snapshots: list[_Snapshot] = []
    recomputed = 0
    try:
        if not directory.is_dir():
            out.add("missing_directory", f"{directory} is not a directory", file=None)
        else:
            snapshots = _load_snapshots(directory / SNAPSHOTS_FILE, out)
            wanted = {s.head_seq for s in snapshots if s.head_seq > 0}
            heads: dict[int, str] = {}
            events = directory / EVENTS_FILE
            events_ok = _scan_events(events, verifier, wanted, heads, workers)
            chain_ok = events_ok and not verifier.problems and not verifier.problems_omitted
            for snapshot in snapshots:
                _check_merkle(snapshot, out)
            if events_ok:
                _check_heads(snapshots, heads, verifier.head, out)
            if recompute is not None:
                if chain_ok:
                    recomputed = _recompute_all(events, snapshots, recompute, out)
                else:
                    out.add(
                        "recompute_skipped",
                        "recomputation skipped: the event chain did not verify, so recomputed "
                        "results would not mean anything",
                        file=None,
                    )
    except Exception as error:  # a bug in the verifier must still give an answer
        out.add(
            "verifier_error",
            f"internal verifier error: {type(error).__name__}: {error}",
            file=None,
        )

    chain_report = verifier.finish()
    problems = (*chain_report.problems, *out.problems)
    omitted = chain_report.problems_omitted + out.omitted
    return VerificationReport(
        ok=not problems and not omitted,
        directory=str(directory),
        entries_checked=chain_report.entries_checked,
        head=chain_report.head,
        snapshots_checked=len(snapshots),
        problems=problems,
        differences=tuple(out.differences),
        problems_omitted=omitted,
        recomputed_snapshots=recomputed,
    )


def format_report(report: VerificationReport) -> str:
    """Human-readable summary, one problem per line."""
    lines = [
        f"Export: {report.directory}",
        f"Events checked: {report.entries_checked}; chain head: seq {report.head.seq}, "
        f"entry_hash {report.head.entry_hash}",
        f"Snapshots checked: {report.snapshots_checked}"
        + (f"; recomputed: {report.recomputed_snapshots}" if report.recomputed_snapshots else ""),
    ]
    if report.ok:
        lines.append("OK: the chain, the snapshot heads and the Merkle roots all verify.")
    else:
        count = len(report.problems) + report.problems_omitted
        lines.append(f"FAILED: {count} problem(s):")
        lines.extend(f"  - {problem.message}" for problem in report.problems)
        if report.problems_omitted:
            lines.append(f"  ... and {report.problems_omitted} more")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m halyq.ledger.verify DIR``: exit 0 if the export verifies, else 1."""
    parser = argparse.ArgumentParser(
        prog="halyq verify", description="Verify a Halyq open-data export without a database."
    )
    parser.add_argument(
        "directory", type=Path, help="directory with events.jsonl and snapshots.json"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="processes to use (default: one per CPU)"
    )
    args = parser.parse_args(argv)
    # Use the importable module (not __main__) so worker processes can find _check_chunk.
    from halyq.ledger import verify

    report = verify.verify_export(args.directory, workers=args.workers)
    print(format_report(report))
    return 0 if report.ok else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
