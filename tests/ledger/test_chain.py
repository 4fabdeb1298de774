"""The hash chain: exact hashing rules, round trip and tamper detection."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from halyq.ledger.canonical import CanonicalJSONError
from halyq.ledger.chain import (
    GENESIS_HASH,
    ChainHead,
    content_bytes,
    make_entry,
    verify_chain,
)

from .exports import build_entries


def test_genesis_entry_hashes_computed_by_hand():
    entry = make_entry(
        None, 1, "appeal.registered", "2026-03-02T09:15:00+05:00", {"b": 2, "a": "ә"}
    )
    content = '{"kind":"appeal.registered","occurred_at":"2026-03-02T09:15:00+05:00","payload":{"a":"ә","b":2},"seq":1}'
    assert content_bytes(
        1, "appeal.registered", "2026-03-02T09:15:00+05:00", {"b": 2, "a": "ә"}
    ) == (content.encode("utf-8"))
    c_hash = hashlib.sha256(content.encode("utf-8")).hexdigest()
    assert entry.prev_hash == GENESIS_HASH == "0" * 64
    assert entry.content_hash == c_hash
    assert entry.entry_hash == hashlib.sha256(bytes(32) + bytes.fromhex(c_hash)).hexdigest()
    # pinned values: a change here breaks every published chain
    assert entry.content_hash == "2bd6a170ad2594ff37457b7b6af1e4b1be4efc671c4eaf3cb90b20074c436e3b"
    assert entry.entry_hash == "d54d95fcc4f5faaab0a59c8ec3ede852cfd47d735fda963b2023e836421ea996"
    second = make_entry(entry, 2, "appeal.answered", "2026-03-03T10:00:00+05:00", {})
    assert second.prev_hash == entry.entry_hash
    assert (
        second.entry_hash
        == hashlib.sha256(
            bytes.fromhex(entry.entry_hash) + bytes.fromhex(second.content_hash)
        ).hexdigest()
    )


def test_json_line_is_canonical_entry():
    entry = make_entry(None, 1, "k", "2026-01-01T00:00:00Z", {"x": 1})
    line = entry.to_json_line()
    assert line.endswith(b"}\n") and line.count(b"\n") == 1
    assert line.startswith(b'{"content_hash":"' + entry.content_hash.encode() + b'","entry_hash":"')
    assert line.endswith(b'"prev_hash":"' + GENESIS_HASH.encode() + b'","seq":1}\n')


def test_aware_datetime_stored_as_utc():
    almaty = timezone(timedelta(hours=5))
    entry = make_entry(None, 1, "k", datetime(2026, 3, 2, 9, 15, tzinfo=almaty), {})
    assert entry.occurred_at == "2026-03-02T04:15:00Z"
    entry = make_entry(None, 1, "k", datetime(2026, 3, 2, 9, 15, 0, 500, tzinfo=UTC), {})
    assert entry.occurred_at == "2026-03-02T09:15:00.000500Z"


@pytest.mark.parametrize(
    ("prev_seq", "seq", "kind", "occurred_at", "payload", "error"),
    [
        (None, 2, "k", "2026-01-01T00:00:00Z", {}, "expected 1"),
        (None, 0, "k", "2026-01-01T00:00:00Z", {}, "expected 1"),
        (None, 1, "", "2026-01-01T00:00:00Z", {}, "kind"),
        (None, 1, "k", "2026-01-01T00:00:00", {}, "offset"),
        (None, 1, "k", "2026-01-01", {}, "offset"),
        (None, 1, "k", "yesterday", {}, "offset"),
        (None, 1, "k", datetime(2026, 1, 1), {}, "timezone-aware"),
        (None, 1, "k", "2026-01-01T00:00:00Z", {"score": 1.5}, "floating-point"),
        (None, 1, "k", "2026-01-01T00:00:00Z", [1], "JSON object"),
        (1, 3, "k", "2026-01-01T00:00:00Z", {}, "expected 2"),
    ],
)
def test_make_entry_refuses(prev_seq, seq, kind, occurred_at, payload, error):
    prev = ChainHead(prev_seq, "ab" * 32) if prev_seq is not None else None
    with pytest.raises(ValueError, match=error):
        make_entry(prev, seq, kind, occurred_at, payload)


def test_float_payload_error_is_canonical_error():
    with pytest.raises(CanonicalJSONError, match=r"\$\.payload\.score"):
        make_entry(None, 1, "k", "2026-01-01T00:00:00Z", {"score": 1.5})


def dicts(entries):
    return [entry.to_dict() for entry in entries]


def test_round_trip_verifies():
    entries = build_entries(50)
    report = verify_chain(dicts(entries))
    assert report.ok, report.problems
    assert report.entries_checked == 50
    assert report.head == ChainHead(50, entries[-1].entry_hash)


def test_empty_chain_verifies():
    report = verify_chain([])
    assert report.ok and report.head == ChainHead(0, GENESIS_HASH)


def test_changed_payload():
    chain = dicts(build_entries(10))
    chain[4] = {**chain[4], "payload": {**chain[4]["payload"], "points": 99}}
    report = verify_chain(chain)
    assert report.codes == ["content_hash_mismatch"]
    assert report.problems[0].message.startswith("entry 5 (seq 5): content_hash mismatch")


@pytest.mark.parametrize("member", ["kind", "occurred_at", "seq"])
def test_changed_other_content(member):
    chain = dicts(build_entries(10))
    new = {"kind": "appeal.deleted", "occurred_at": "2020-01-01T00:00:00Z", "seq": 50}[member]
    chain[4] = {**chain[4], member: new}
    report = verify_chain(chain)
    assert "content_hash_mismatch" in report.codes


def test_deleted_entry():
    chain = dicts(build_entries(10))
    del chain[4]
    report = verify_chain(chain)
    assert report.codes == ["seq_gap"]
    assert report.problems[0].message == (
        "entry 5 (seq 6): expected seq 5, found 6: seq 5 missing here "
        "(deleted, or moved later in the file)"
    )


def test_deleted_run_of_entries():
    chain = dicts(build_entries(10))
    del chain[3:6]
    report = verify_chain(chain)
    assert report.codes == ["seq_gap"]
    assert "seqs 4..6 missing" in report.problems[0].message


def test_reordered_entries():
    chain = dicts(build_entries(10))
    chain[4], chain[5] = chain[5], chain[4]
    report = verify_chain(chain)
    assert report.codes == ["seq_gap", "seq_out_of_order"]
    assert report.problems[1].message == (
        "entry 6 (seq 5): seq 5 comes after seq 6: entries are out of order "
        "(reordered, or an earlier entry repeated)"
    )


def test_inserted_forged_entry():
    entries = build_entries(10)
    forged = make_entry(entries[3], 5, "appeal.answered", "2026-03-05T10:00:00+05:00", {"x": 1})
    chain = dicts(entries)
    chain.insert(4, forged.to_dict())
    report = verify_chain(chain)
    assert report.codes == ["seq_repeated"]
    assert report.problems[0].seq == 5 and report.problems[0].line == 6


def test_duplicated_entry():
    chain = dicts(build_entries(10))
    chain.insert(7, chain[2])
    report = verify_chain(chain)
    assert report.codes == ["seq_out_of_order"]
    assert "seq 3 comes after seq 7" in report.problems[0].message


def test_changed_prev_hash():
    chain = dicts(build_entries(10))
    chain[6] = {**chain[6], "prev_hash": "f" * 64}
    report = verify_chain(chain)
    assert report.codes == ["prev_hash_mismatch", "entry_hash_mismatch"]
    assert report.problems[0].message.startswith(
        "entry 7 (seq 7): prev_hash ffffffffffffffff… does not equal the entry_hash of seq 6"
    )


def test_rewritten_entry_with_recomputed_hashes_breaks_next_link():
    entries = build_entries(10)
    chain = dicts(entries)
    forged = make_entry(entries[5], 7, chain[6]["kind"], chain[6]["occurred_at"], {"points": 99})
    chain[6] = forged.to_dict()
    report = verify_chain(chain)
    assert report.codes == ["prev_hash_mismatch"]
    assert report.problems[0].seq == 8
    assert "does not equal the entry_hash of seq 7" in report.problems[0].message


def test_changed_entry_hash():
    chain = dicts(build_entries(10))
    chain[2] = {**chain[2], "entry_hash": "0" * 64}
    report = verify_chain(chain)
    # reported at seq 3, and the link from seq 4 to the recorded value breaks
    assert report.codes == ["entry_hash_mismatch", "prev_hash_mismatch"]
    assert [p.seq for p in report.problems] == [3, 4]


def test_first_entry_must_link_to_genesis():
    entries = build_entries(3)
    chain = dicts(entries)[1:]
    report = verify_chain(chain)
    assert report.codes == ["seq_gap"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"content_hash": "ABC"}, "bad_entry_value"),
        ({"seq": "5"}, "bad_seq"),
        ({"seq": True}, "bad_seq"),
        ({"payload": [1, 2]}, "bad_entry_value"),
        ({"occurred_at": "not a date"}, "bad_entry_value"),
        ({"extra": 1}, "bad_entry_fields"),
        ({"payload": {"score": 1.5}}, "payload_not_canonical"),
    ],
)
def test_malformed_entries(change, code):
    chain = dicts(build_entries(6))
    chain[2] = {**chain[2], **change}
    report = verify_chain(chain)
    assert not report.ok
    assert report.codes[0] == code


def test_not_a_mapping():
    chain: list[object] = dicts(build_entries(4))
    chain[1] = ["not", "an", "object"]
    report = verify_chain(chain)  # type: ignore[arg-type]
    assert report.codes == ["not_an_object"]  # seq 3 is then accepted after the hole


def test_problem_cap():
    chain = [{**e, "payload": {"changed": True}} for e in dicts(build_entries(30))]
    report = verify_chain(chain, max_problems=5)
    assert len(report.problems) == 5 and report.problems_omitted == 25 and not report.ok


def _withhold(entry_dict):
    return {
        "seq": entry_dict["seq"],
        "prev_hash": entry_dict["prev_hash"],
        "content_hash": entry_dict["content_hash"],
        "entry_hash": entry_dict["entry_hash"],
        "withheld": True,
    }


def test_withheld_entries_keep_the_chain_verifiable_without_their_content():
    from halyq.ledger.chain import make_entry, verify_chain

    entries, previous = [], None
    for seq in range(1, 6):
        previous = make_entry(
            previous, seq, "appeal.registered", "2026-03-02T04:15:00Z", {"n": seq}
        )
        entries.append(previous.to_dict())
    published = [_withhold(e) if e["seq"] in (2, 3) else e for e in entries]
    report = verify_chain(published)
    assert report.ok, report.problems


def test_a_forged_withheld_entry_is_detected():
    from halyq.ledger.chain import make_entry, verify_chain

    entries, previous = [], None
    for seq in range(1, 4):
        previous = make_entry(
            previous, seq, "appeal.registered", "2026-03-02T04:15:00Z", {"n": seq}
        )
        entries.append(previous.to_dict())
    forged = _withhold(entries[1])
    forged["content_hash"] = "0" * 64
    report = verify_chain([entries[0], forged, entries[2]])
    assert not report.ok
    assert {p.code for p in report.problems} & {"entry_hash_mismatch", "prev_hash_mismatch"}
