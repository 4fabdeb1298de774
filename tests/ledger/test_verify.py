"""`halyq verify DIR`: checking an open-data export without a database."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import halyq.ledger.verify as verify_module
from halyq.ledger.canonical import canonical_json
from halyq.ledger.chain import make_entry
from halyq.ledger.verify import (
    format_report,
    main,
    snapshot_leaves,
    snapshot_merkle_root,
    verify_export,
)

from .exports import build_entries, edit_line, lines_of, score, snapshots_for, write_export

N = 30
HEADS = (10, 20, 30)


@pytest.fixture(scope="module")
def entries():
    return build_entries(N)


@pytest.fixture
def export(tmp_path, entries):
    def make(
        lines: list[bytes] | None = None, snapshots: list[dict[str, Any]] | None = None
    ) -> Path:
        return write_export(
            tmp_path / "export",
            lines_of(entries) if lines is None else lines,
            snapshots_for(entries, HEADS) if snapshots is None else snapshots,
        )

    return make


def codes_and_messages(report):
    return [(p.code, p.message) for p in report.problems]


# --- intact exports -----------------------------------------------------------------------


def test_intact_export_verifies(export, entries):
    report = verify_export(export())
    assert report.ok, format_report(report)
    assert report.entries_checked == N
    assert report.head.seq == N and report.head.entry_hash == entries[-1].entry_hash
    assert report.snapshots_checked == 3
    assert "OK" in format_report(report)


def test_empty_export_verifies(export):
    report = verify_export(
        export(
            [],
            [
                {
                    "snapshot_id": 0,
                    "chain_head_seq": 0,
                    "chain_head_hash": "0" * 64,
                    "merkle_root": snapshot_merkle_root([]),
                    "results": [],
                }
            ],
        )
    )
    assert report.ok, report.messages


def test_snapshot_leaves_are_sorted_canonical_results():
    results = [{"person_id": 10, "b": "ә"}, {"person_id": 9, "a": 1}]
    assert snapshot_leaves(results) == [
        b'{"a":1,"person_id":9}',
        '{"b":"ә","person_id":10}'.encode(),
    ]
    strings = [{"person_id": "b"}, {"person_id": "a"}]
    assert snapshot_leaves(strings) == [b'{"person_id":"a"}', b'{"person_id":"b"}']


def test_results_order_in_file_does_not_matter(export, entries):
    snapshots = snapshots_for(entries, HEADS)
    snapshots[0]["results"].reverse()
    assert verify_export(export(snapshots=snapshots)).ok


def test_astral_member_names_take_the_exact_path(tmp_path):
    # emoji vs U+FB01 member names: UTF-16 order differs from code point order
    entry = make_entry(None, 1, "k", "2026-01-01T00:00:00Z", {"\ufb01": 1, "\U0001f600": 2})
    line = entry.to_json_line()
    assert line.index("😀".encode()) < line.index("ﬁ".encode())
    directory = write_export(tmp_path / "e", [line], [])
    assert verify_export(directory).ok
    # the same entry with members in code point order is not canonical
    bad = line.replace(
        b'{"\xf0\x9f\x98\x80":2,"\xef\xac\x81":1}', b'{"\xef\xac\x81":1,"\xf0\x9f\x98\x80":2}'
    )
    assert bad != line
    report = verify_export(write_export(tmp_path / "f", [bad], []))
    assert "not_canonical" in report.codes


# --- tampering with events.jsonl -----------------------------------------------------------


def test_changed_payload(export, entries):
    lines = lines_of(entries)
    lines[4] = edit_line(lines[4], payload_update={"points": 99})
    report = verify_export(export(lines))
    assert report.codes == ["content_hash_mismatch"]
    assert report.messages[0].startswith(
        "events.jsonl line 5 (seq 5): content_hash mismatch: recorded "
    )
    assert "payload was changed after the entry was chained" in report.messages[0]


def test_deleted_entry(export, entries):
    lines = lines_of(entries)
    del lines[4]
    report = verify_export(export(lines))
    assert codes_and_messages(report) == [
        (
            "seq_gap",
            "events.jsonl line 5 (seq 6): expected seq 5, found 6: seq 5 missing here "
            "(deleted, or moved later in the file)",
        )
    ]


def test_reordered_entries(export, entries):
    lines = lines_of(entries)
    lines[4], lines[5] = lines[5], lines[4]
    report = verify_export(export(lines))
    assert report.codes == ["seq_gap", "seq_out_of_order"]
    assert report.messages[1] == (
        "events.jsonl line 6 (seq 5): seq 5 comes after seq 6: entries are out of order "
        "(reordered, or an earlier entry repeated)"
    )


def test_inserted_entry(export, entries):
    lines = lines_of(entries)
    forged = make_entry(
        entries[3], 5, "appeal.answered", "2026-03-06T10:00:00+05:00", {"person_id": 1, "points": 4}
    )
    lines.insert(4, forged.to_json_line())
    report = verify_export(export(lines))
    assert codes_and_messages(report) == [
        (
            "seq_repeated",
            "events.jsonl line 6 (seq 5): seq 5 appears twice in a row: an entry was inserted "
            "or duplicated",
        )
    ]


def test_changed_prev_hash(export, entries):
    lines = lines_of(entries)
    lines[7] = edit_line(lines[7], prev_hash="ab" * 32)
    report = verify_export(export(lines))
    assert report.codes == ["prev_hash_mismatch", "entry_hash_mismatch"]
    assert report.messages[0].startswith(
        "events.jsonl line 8 (seq 8): prev_hash abababababababab… does not equal the "
        "entry_hash of seq 7"
    )


def test_rewritten_history_breaks_the_published_head(export, entries):
    """Rewrite seq 5 and recompute every later hash: the chain is self-consistent again,
    but the snapshot heads published earlier no longer match."""
    forged: list[Any] = list(entries[:4])
    for entry in entries[4:]:
        payload = dict(entry.payload)
        if entry.seq == 5:
            payload["points"] = 99
        forged.append(make_entry(forged[-1], entry.seq, entry.kind, entry.occurred_at, payload))
    report = verify_export(export(lines_of(forged)))
    assert report.codes == ["snapshot_head_mismatch"] * 3
    assert report.messages[0].startswith('snapshots.json: snapshot "2026-010": chain_head_hash ')
    assert "is not the entry_hash of seq 10" in report.messages[0]


def test_entries_removed_from_the_end(export, entries):
    report = verify_export(export(lines_of(entries)[:25]))
    assert codes_and_messages(report) == [
        (
            "snapshot_head_missing",
            'snapshots.json: snapshot "2026-030": chain_head_seq 30 is not in events.jsonl '
            "(the chain ends at seq 25): entries were removed from the end, or the snapshot "
            "was edited",
        )
    ]


def test_truncated_last_line(export, entries):
    lines = lines_of(entries)
    lines[-1] = lines[-1][:100]
    report = verify_export(export(lines))
    assert report.codes == ["truncated_line", "snapshot_head_missing"]
    assert report.messages[0] == (
        "events.jsonl line 30: the file ends in the middle of an entry (100 bytes without a "
        "closing newline): it was truncated"
    )


def test_missing_final_newline(export, entries):
    lines = lines_of(entries)
    lines[-1] = lines[-1][:-1]
    report = verify_export(export(lines))
    assert report.codes == ["missing_final_newline"]  # the entry itself is intact
    assert report.head.seq == N


@pytest.mark.parametrize(
    ("garbage", "code", "text"),
    [
        (b"garbage\n", "invalid_json", "line 12: not valid JSON: Expecting value at column 1"),
        (b"\n", "invalid_json", "line 12: not valid JSON (empty line)"),
        (b'{"seq": 12\n', "invalid_json", "line 12: not valid JSON"),
        (b"\xff\xfe\n", "invalid_utf8", "line 12: not valid UTF-8 at byte 0"),
        (b'{"a":1.5}\n', "not_canonical", "line 12: number 1.5 has a fraction"),
    ],
)
def test_garbage_line_replacing_an_entry(export, entries, garbage, code, text):
    lines = lines_of(entries)
    lines[11] = garbage
    report = verify_export(export(lines))
    assert report.codes == [code], report.messages
    assert text in report.messages[0]
    assert report.head.seq == N  # the chain is followed across the hole


def test_garbage_line_added(export, entries):
    lines = lines_of(entries)
    lines.insert(11, b"not json at all\n")
    report = verify_export(export(lines))
    assert report.codes == ["invalid_json"]


@pytest.mark.parametrize(
    ("transform", "text"),
    [
        (lambda line: line.replace(b'","entry_hash"', b'", "entry_hash"'), "not in canonical form"),
        (lambda line: line[:-1] + b"\r\n", "CR LF"),
        (lambda line: b" " + line, "not in canonical form"),
        (
            lambda line: line.replace(
                "Сарыарқа".encode(), b"\\u0421\\u0430\\u0440\\u044b\\u0430\\u0440\\u049b\\u0430"
            ),
            "not in canonical form",
        ),
        (lambda line: line.replace(b'"points":', b'"points":1,"points":'), "repeated member"),
        (lambda line: line.replace(b'"points":', b'"big":123456789012345678,"points":'), "outside"),
    ],
)
def test_non_canonical_lines(export, entries, transform, text):
    lines = lines_of(entries)
    lines[3] = transform(lines[3])
    assert lines[3] != lines_of(entries)[3]
    report = verify_export(export(lines))
    assert report.codes[0] == "not_canonical", report.messages
    assert report.messages[0].startswith("events.jsonl line 4")
    assert text in report.messages[0]


def test_wrong_members(export, entries):
    lines = lines_of(entries)
    entry = json.loads(lines[2])
    entry["signature"] = "x"
    lines[2] = canonical_json(entry) + b"\n"
    report = verify_export(export(lines))
    assert report.codes == ["bad_entry_fields"]
    assert "unexpected signature" in report.messages[0]


# --- tampering with snapshots.json ----------------------------------------------------------


def test_changed_published_score(export, entries):
    snapshots = snapshots_for(entries, HEADS)
    snapshots[1]["results"][2]["points"] = 999
    report = verify_export(export(snapshots=snapshots))
    assert report.codes == ["merkle_root_mismatch"]
    assert report.messages[0].startswith(
        'snapshots.json: snapshot "2026-020": merkle_root mismatch: published '
    )


def test_changed_merkle_root(export, entries):
    snapshots = snapshots_for(entries, HEADS)
    snapshots[0]["merkle_root"] = "0" * 64
    report = verify_export(export(snapshots=snapshots))
    assert report.codes == ["merkle_root_mismatch"]


def test_changed_chain_head(export, entries):
    snapshots = snapshots_for(entries, HEADS)
    snapshots[2]["chain_head_hash"] = entries[5].entry_hash
    report = verify_export(export(snapshots=snapshots))
    assert report.codes == ["snapshot_head_mismatch"]


@pytest.mark.parametrize(
    ("mutate", "code", "text"),
    [
        (lambda s: s[0].pop("merkle_root"), "bad_snapshot", "snapshot #1 lacks merkle_root"),
        (lambda s: s[0].update(chain_head_seq=-1), "bad_snapshot", "chain_head_seq -1"),
        (lambda s: s[0].update(merkle_root="XYZ"), "bad_snapshot", "merkle_root"),
        (lambda s: s[1].update(snapshot_id="2026-010"), "bad_snapshot", "earlier snapshot"),
        (lambda s: s[0]["results"][0].update(points=1.5), "bad_results", "floating-point"),
        (lambda s: s[0]["results"][0].pop("person_id"), "bad_results", "no person_id"),
        (lambda s: s[0]["results"][1].update(person_id=0), "bad_results", "more than once"),
        (lambda s: s[0]["results"][1].update(person_id="1"), "bad_results", "mix"),
    ],
)
def test_malformed_snapshots(export, entries, mutate, code, text):
    snapshots = snapshots_for(entries, HEADS)
    mutate(snapshots)
    report = verify_export(export(snapshots=snapshots))
    assert code in report.codes, report.messages
    assert any(text in m for m in report.messages), report.messages


@pytest.mark.parametrize(
    ("content", "code", "text"),
    [
        (b'[{"snapshot_id": 1', "invalid_json", "looks truncated"),
        (b"{}", "bad_snapshots", "array"),
        (b"[NaN]", "invalid_json", "NaN"),
        (b"\xff", "invalid_utf8", "UTF-8"),
    ],
)
def test_unreadable_snapshots_file(export, content, code, text):
    directory = export()
    (directory / "snapshots.json").write_bytes(content)
    report = verify_export(directory)
    assert code in report.codes
    assert any(text in m for m in report.messages), report.messages


def test_missing_files_and_directory(export, tmp_path):
    directory = export()
    (directory / "snapshots.json").unlink()
    report = verify_export(directory)
    assert report.codes == ["missing_file"]
    assert report.messages == ["snapshots.json is missing from the export directory"]
    (directory / "events.jsonl").unlink()
    assert verify_export(directory).codes == ["missing_file", "missing_file"]
    report = verify_export(tmp_path / "nowhere")
    assert report.codes == ["missing_directory"] and not report.ok


def test_events_path_is_a_directory(export):
    directory = export()
    (directory / "events.jsonl").unlink()
    (directory / "events.jsonl").mkdir()
    report = verify_export(directory)
    assert "unreadable_file" in report.codes


# --- recomputation hook ---------------------------------------------------------------------


def test_recompute_agrees(export):
    seen: list[int] = []

    def recompute(entries, snapshot):
        entries = list(entries)
        seen.append(len(entries))
        assert entries[-1]["seq"] == snapshot["chain_head_seq"]
        return score(entries)

    report = verify_export(export(), recompute)
    assert report.ok, report.messages
    assert report.recomputed_snapshots == 3 and seen == [10, 20, 30]


def test_recompute_finds_the_person_and_field(export, entries):
    """A published score edited AND the Merkle root recomputed: only recomputation sees it."""
    snapshots = snapshots_for(entries, HEADS)
    results = snapshots[1]["results"]
    results[2]["points"] = 999
    results[3]["grade"] = "B"
    snapshots[1]["merkle_root"] = snapshot_merkle_root(results)
    assert verify_export(export(snapshots=snapshots)).ok  # structurally fine
    report = verify_export(export(snapshots=snapshots), score)
    assert codes_and_messages(report) == [
        (
            "recomputed_value_differs",
            f"snapshots.json: snapshot \"2026-020\": person 2: field 'points': published 999, "
            f"recomputed {score(e.to_dict() for e in entries[:20])[2]['points']}",
        ),
        (
            "recomputed_value_differs",
            'snapshots.json: snapshot "2026-020": person 3: field \'grade\': published "B", '
            'recomputed "A"',
        ),
    ]
    assert [(d.snapshot_id, d.person_id, d.field) for d in report.differences] == [
        ("2026-020", 2, "points"),
        ("2026-020", 3, "grade"),
    ]


def test_recompute_missing_and_extra_people(export, entries):
    snapshots = snapshots_for(entries, HEADS)
    results = snapshots[0]["results"]
    results.pop(1)
    results.append({"person_id": 77, "points": 1, "events": 1, "grade": "A"})
    snapshots[0]["merkle_root"] = snapshot_merkle_root(results)
    report = verify_export(export(snapshots=snapshots), score)
    assert sorted(report.codes) == ["published_person_missing", "recomputed_person_missing"]
    assert any("person 1 is missing from the published results" in m for m in report.messages)
    assert any(
        "person 77 is published but recomputation gives no result" in m for m in report.messages
    )


def test_recompute_type_difference_is_a_difference(export, entries):
    def as_strings(entries_, snapshot):
        return [{**r, "points": str(r["points"])} for r in score(entries_)]

    report = verify_export(export(), as_strings)
    assert set(report.codes) == {"recomputed_value_differs"}
    assert (
        'published 6, recomputed "6"' in report.messages[0] or 'recomputed "' in report.messages[0]
    )


@pytest.mark.parametrize(
    ("recompute", "text"),
    [
        (lambda e, s: 1 / 0, "ZeroDivisionError"),
        (lambda e, s: {"not": "a list"}, "not a list"),
        (lambda e, s: [{"points": 1}], "no person_id"),
    ],
)
def test_recompute_failures_are_reported(export, recompute, text):
    report = verify_export(export(), recompute)
    assert "recompute_failed" in report.codes
    assert any(text in m for m in report.messages)


def test_recompute_skipped_when_chain_broken(export, entries):
    lines = lines_of(entries)
    del lines[3]
    called = []
    report = verify_export(export(lines), lambda e, s: called.append(1) or [])
    assert report.codes == ["seq_gap", "recompute_skipped"] and not called


# --- CLI ----------------------------------------------------------------------------------


def test_main_exit_codes(export, entries, capsys):
    assert main([str(export())]) == 0
    assert "OK" in capsys.readouterr().out
    lines = lines_of(entries)
    lines[2] = edit_line(lines[2], kind="appeal.deleted")
    assert main([str(export(lines))]) == 1
    out = capsys.readouterr().out
    assert "FAILED: 1 problem(s)" in out and "line 3 (seq 3): content_hash mismatch" in out


# --- parallel checking gives exactly the single-pass answer ------------------------------------


class InlineExecutor:
    """Runs the worker function in this process (exercises chunking and stitching)."""

    def __init__(self, max_workers: int | None = None, mp_context: object = None) -> None:
        pass

    def __enter__(self) -> InlineExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args))
        except Exception as error:
            future.set_exception(error)
        return future


def tamperings(entries):
    base = lines_of(entries)
    for i in range(len(base)):
        yield (
            f"payload@{i}",
            [*base[:i], edit_line(base[i], payload_update={"points": 7}), *base[i + 1 :]],
        )
        yield f"delete@{i}", [*base[:i], *base[i + 1 :]]
        yield f"garbage@{i}", [*base[:i], b"garbage\n", *base[i + 1 :]]
        yield f"prev@{i}", [*base[:i], edit_line(base[i], prev_hash="cd" * 32), *base[i + 1 :]]
        yield f"dup@{i}", [*base[: i + 1], base[i], *base[i + 1 :]]
        if i + 1 < len(base):
            yield f"swap@{i}", [*base[:i], base[i + 1], base[i], *base[i + 2 :]]
        yield f"blank@{i}", [*base[:i], b"\n", *base[i:]]
    yield "truncated", [*base[:-1], base[-1][:50]]
    yield "all garbage", [b"x\n"] * 5


def test_parallel_matches_single_pass_for_every_tampering(tmp_path, entries, monkeypatch):
    snapshots = snapshots_for(entries, HEADS)
    for name, lines in tamperings(entries):
        directory = write_export(tmp_path / "t", lines, snapshots)
        single = verify_export(directory, workers=1)
        with monkeypatch.context() as patch:
            patch.setattr(verify_module, "ProcessPoolExecutor", InlineExecutor)
            for workers in (2, 3, 8):
                parallel = verify_export(directory, workers=workers)
                assert codes_and_messages(parallel) == codes_and_messages(single), (name, workers)
                assert parallel.head == single.head, name
                assert parallel.entries_checked == single.entries_checked, name
        assert not single.ok, name


def test_parallel_with_real_processes(export, entries):
    lines = lines_of(entries)
    lines[17] = edit_line(lines[17], payload_update={"points": 3})
    directory = export(lines)
    assert codes_and_messages(verify_export(directory, workers=2)) == codes_and_messages(
        verify_export(directory, workers=1)
    )
    assert verify_export(export(), workers=2).ok


def test_worker_failure_falls_back_to_checking_here(export, entries, monkeypatch):
    class Broken(InlineExecutor):
        def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
            future: Future[Any] = Future()
            future.set_exception(RuntimeError("worker died"))
            return future

    monkeypatch.setattr(verify_module, "ProcessPoolExecutor", Broken)
    lines = lines_of(entries)
    del lines[8]
    report = verify_export(export(lines), workers=4)
    assert report.codes == ["seq_gap"] and report.entries_checked == N - 1


# --- no single-byte change to events.jsonl goes unnoticed -----------------------------------------


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_byte_change_is_detected(tmp_path_factory, entries, data):
    original = b"".join(lines_of(entries[:8]))
    position = data.draw(st.integers(min_value=0, max_value=len(original) - 1))
    new_byte = data.draw(
        st.integers(min_value=0, max_value=255).filter(lambda b: b != original[position])
    )
    changed = original[:position] + bytes([new_byte]) + original[position + 1 :]
    directory = tmp_path_factory.mktemp("flip")
    (directory / "events.jsonl").write_bytes(changed)
    (directory / "snapshots.json").write_text("[]")
    report = verify_export(directory, workers=1)
    assert not report.ok, (position, new_byte)


@pytest.mark.parametrize(
    "content", [b"x\n", b"ab\ncd\n", b"\n" * 7, b"one line without newline", b"a\n" * 100]
)
@pytest.mark.parametrize("pieces", [1, 2, 3, 8, 32])
def test_chunk_bounds_cover_the_file_at_line_starts(tmp_path, content, pieces):
    path = tmp_path / "f"
    path.write_bytes(content)
    with path.open("rb") as handle:
        chunks = verify_module._chunk_bounds(handle, len(content), pieces)
    assert chunks[0][0] == 0 and chunks[-1][1] == len(content)
    for (_, end), (start, _) in itertools.pairwise(chunks):
        assert end == start and content[start - 1 : start] == b"\n"
    assert all(start < end for start, end in chunks)
