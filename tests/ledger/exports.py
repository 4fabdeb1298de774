"""Build small open-data exports for the ledger tests (no database)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from halyq.ledger.chain import Entry, make_entry
from halyq.ledger.verify import snapshot_merkle_root

DISTRICTS = ("Сарыарқа", "Есіл", "Алматы ауданы", "Байқоңыр")


def build_entries(count: int = 30) -> list[Entry]:
    entries: list[Entry] = []
    prev = None
    for seq in range(1, count + 1):
        entry = make_entry(
            prev,
            seq,
            "appeal.answered" if seq % 2 else "appeal.registered",
            f"2026-03-{1 + seq % 28:02d}T10:{seq % 60:02d}:00+05:00",
            {
                "person_id": seq % 4,
                "points": seq % 5,
                "district": DISTRICTS[seq % 4],
                "note": 'quote " backslash \\ tab \t',
            },
        )
        entries.append(entry)
        prev = entry
    return entries


def score(
    entries: Iterable[dict[str, Any]], snapshot: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """A toy rating: points and number of events per person (stands in for the engine)."""
    points: dict[int, int] = {}
    events: dict[int, int] = {}
    for entry in entries:
        person = entry["payload"]["person_id"]
        points[person] = points.get(person, 0) + entry["payload"]["points"]
        events[person] = events.get(person, 0) + 1
    return [
        {"person_id": person, "points": points[person], "events": events[person], "grade": "A"}
        for person in sorted(points)
    ]


def lines_of(entries: Sequence[Entry]) -> list[bytes]:
    return [entry.to_json_line() for entry in entries]


def snapshots_for(entries: Sequence[Entry], heads: Sequence[int]) -> list[dict[str, Any]]:
    snapshots = []
    for head in heads:
        results = score(entry.to_dict() for entry in entries[:head])
        snapshots.append(
            {
                "snapshot_id": f"2026-{head:03d}",
                "chain_head_seq": head,
                "chain_head_hash": entries[head - 1].entry_hash,
                "merkle_root": snapshot_merkle_root(results),
                "results": results,
                "published_at": "2026-04-01",
            }
        )
    return snapshots


def write_export(
    directory: Path,
    lines: Sequence[bytes],
    snapshots: list[dict[str, Any]],
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "events.jsonl").write_bytes(b"".join(lines))
    (directory / "snapshots.json").write_text(
        json.dumps(snapshots, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return directory


def edit_line(line: bytes, **changes: Any) -> bytes:
    """Re-serialise a line canonically with some members changed (no rehashing)."""
    from halyq.ledger.canonical import canonical_json

    entry = json.loads(line)
    for key, value in changes.items():
        if key == "payload_update":
            entry["payload"].update(value)
        else:
            entry[key] = value
    return canonical_json(entry) + b"\n"
