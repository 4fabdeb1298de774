"""`halyq verify DIR`: check an open-data export without a database.

1. The hash chain of `events.jsonl`, end to end (withheld entries included).
2. Each snapshot's chain head and the Merkle root of its published results
   (`snapshots.json`).
3. Each snapshot against its "snapshot.published" event in the chain: the same Merkle
   root, chain head and inputs hash, so a snapshot cannot be swapped afterwards.
4. The rating itself: the engine recomputes every snapshot from its published inputs
   (`snapshot_inputs/<id>/`, checked against the inputs hash the chain recorded) with
   the published methodology, and every person's every figure must be identical.

Pure Python + NumPy: no Django, no database.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from halyq.ledger import verify as ledger_verify
from halyq.scoring.engine import compute_columns
from halyq.scoring.inputs_io import read_inputs
from halyq.scoring.publish import published_result

INPUTS_DIR = "snapshot_inputs"


def recompute_from_inputs(
    directory: Path,
) -> Callable[[Iterable[dict[str, Any]], dict[str, Any]], list[dict[str, Any]]]:
    """The recompute hook for `verify_export`: snapshot → its results, recomputed."""

    def recompute(
        entries: Iterable[dict[str, Any]], snapshot: dict[str, Any]
    ) -> list[dict[str, Any]]:
        for _ in entries:  # the chain up to the head is checked by the ledger verifier
            pass
        inputs = directory / INPUTS_DIR / str(snapshot["snapshot_id"])
        columns, methodology = read_inputs(inputs, expected_hash=snapshot.get("inputs_hash"))
        result = compute_columns(*columns, methodology, date.fromisoformat(snapshot["as_of"]))
        return [published_result(person) for person in result.results]

    return recompute


def published_events(events: Path) -> dict[str, dict[str, Any]]:
    """{snapshot id: payload} of the "snapshot.published" events in the log."""
    found: dict[str, dict[str, Any]] = {}
    with events.open("rb") as handle:
        for raw in handle:
            if b'"snapshot.published"' not in raw:
                continue
            try:
                entry = json.loads(raw)
            except ValueError:
                continue  # the chain check reports unreadable lines
            if entry.get("kind") == "snapshot.published":
                found[str(entry["payload"].get("snapshot"))] = entry["payload"]
    return found


def check_announcements(directory: Path) -> list[str]:
    """Problems where snapshots.json disagrees with what the chain announced."""
    try:
        snapshots = json.loads(
            (directory / ledger_verify.SNAPSHOTS_FILE).read_text(encoding="utf-8")
        )
        announced = published_events(directory / "events.jsonl")
    except (OSError, ValueError):
        return []  # the ledger verifier reports missing or unreadable files
    problems = []
    for snapshot in snapshots if isinstance(snapshots, list) else []:
        if not isinstance(snapshot, dict):
            continue
        key = str(snapshot.get("snapshot_id"))
        event = announced.get(key)
        if event is None:
            problems.append(
                f"snapshot {key}: no snapshot.published event in the chain announces it"
            )
            continue
        for field in ("merkle_root", "chain_head_seq", "chain_head_hash", "inputs_hash"):
            if event.get(field) != snapshot.get(field):
                problems.append(
                    f"snapshot {key}: {field} {snapshot.get(field)!r} differs from the chain's {event.get(field)!r}"
                )
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="halyq verify",
        description="Verify a Halyq open-data export (chain, snapshots, rating) without a database.",
    )
    parser.add_argument("directory", type=Path)
    parser.add_argument(
        "--workers", type=int, default=None, help="processes (default: one per CPU)"
    )
    parser.add_argument("--no-recompute", action="store_true", help="skip recomputing the rating")
    args = parser.parse_args(argv)
    recompute = None if args.no_recompute else recompute_from_inputs(args.directory)
    report = ledger_verify.verify_export(args.directory, recompute=recompute, workers=args.workers)
    print(ledger_verify.format_report(report))
    problems = check_announcements(args.directory) if args.directory.is_dir() else []
    for problem in problems:
        print(f"  - {problem}")
    if report.ok and not problems:
        print("The rating recomputed from the published inputs is identical." if recompute else "")
        return 0
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
