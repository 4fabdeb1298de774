"""Benchmark `halyq verify` on a synthetic open-data export.

    .venv/bin/python bench/bench_ledger.py                 # 5,000,000 events
    .venv/bin/python bench/bench_ledger.py --events 200000 --workers 1

Generates events.jsonl (+ a snapshots.json with three snapshots) in a temporary
directory, then runs verify_export in a fresh Python process and prints the wall time,
CPU time and peak RSS of that process and of its worker processes. The generator writes
lines directly (much faster than make_entry) and checks its first 1000 lines against
make_entry byte for byte, so the benchmark measures the real format.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from halyq.ledger.canonical import encode_sorted_unchecked
from halyq.ledger.chain import GENESIS_HASH, make_entry
from halyq.ledger.verify import snapshot_merkle_root

KINDS = ("appeal.registered", "appeal.assigned", "appeal.answered", "appeal.rated")
CHANNELS = ("eotinish", "reception", "mail", "telegram")
CATEGORIES = ("Жол және көлік", "Коммунальные услуги", "Білім беру", "Здравоохранение")


def payload_for(seq: int) -> dict[str, object]:
    return {
        "appeal_id": 100000 + seq // 4,
        "person_id": seq % 450,
        "district_id": seq % 37,
        "channel": CHANNELS[seq % 4],
        "category": CATEGORIES[(seq // 4) % 4],
        "registered_on": f"2026-{1 + seq % 12:02d}-{1 + seq % 28:02d}",
        "working_days": seq % 19,
    }


def occurred_at_for(seq: int) -> str:
    return f"2026-{1 + seq % 12:02d}-{1 + seq % 28:02d}T{seq % 24:02d}:{seq % 60:02d}:00+05:00"


def generate(path: Path, events: int, snapshot_seqs: set[int]) -> dict[int, str]:
    """Write events.jsonl; return {seq: entry_hash} for the snapshot heads."""
    heads: dict[int, str] = {}
    sha256 = hashlib.sha256
    prev = GENESIS_HASH
    check_prev = None
    with path.open("wb", buffering=1 << 20) as out:
        for seq in range(1, events + 1):
            kind = KINDS[seq % 4]
            occurred_at = occurred_at_for(seq)
            payload = payload_for(seq)
            content = encode_sorted_unchecked(
                {"kind": kind, "occurred_at": occurred_at, "payload": payload, "seq": seq}
            ).encode()
            c_hash = sha256(content).hexdigest()
            e_hash = sha256(bytes.fromhex(prev) + bytes.fromhex(c_hash)).hexdigest()
            middle = content[1 : content.rfind(b',"seq":')]
            line = b'{"content_hash":"%s","entry_hash":"%s",%s,"prev_hash":"%s","seq":%d}\n' % (
                c_hash.encode(),
                e_hash.encode(),
                middle,
                prev.encode(),
                seq,
            )
            if seq <= 1000:  # the fast writer must produce exactly what make_entry does
                entry = make_entry(check_prev, seq, kind, occurred_at, payload)
                assert entry.to_json_line() == line, (seq, entry.to_json_line(), line)
                check_prev = entry
            out.write(line)
            prev = e_hash
            if seq in snapshot_seqs:
                heads[seq] = e_hash
    return heads


def write_snapshots(path: Path, heads: dict[int, str]) -> None:
    snapshots = []
    for number, (seq, head) in enumerate(sorted(heads.items()), 1):
        results = [
            {
                "person_id": pid,
                "score": f"{(pid * 7919 + number) % 10000 / 100:.2f}",
                "answered": pid,
            }
            for pid in range(450)
        ]
        snapshots.append(
            {
                "snapshot_id": f"2026-Q{number}",
                "chain_head_seq": seq,
                "chain_head_hash": head,
                "merkle_root": snapshot_merkle_root(results),
                "results": results,
            }
        )
    path.write_text(json.dumps(snapshots, ensure_ascii=False, indent=1), encoding="utf-8")


def measure(directory: str, workers: int | None) -> None:
    """Runs in a fresh process: verify and print the figures."""
    from halyq.ledger.verify import format_report, verify_export

    wall = time.perf_counter()
    cpu = time.process_time()
    report = verify_export(directory, workers=workers)
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    self_usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(format_report(report).splitlines()[-1])
    print(f"events verified:        {report.entries_checked:,}")
    print(f"wall time:              {wall:.1f} s")
    print(f"CPU (main process):     {cpu:.1f} s")
    print(f"CPU (worker processes): {children.ru_utime + children.ru_stime:.1f} s")
    print(f"peak RSS main process:  {self_usage.ru_maxrss / 1024:.0f} MiB")
    print(f"peak RSS largest worker:{children.ru_maxrss / 1024:.0f} MiB")
    sys.exit(0 if report.ok else 1)


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--workers", type=int, default=None, help="default: automatic")
    parser.add_argument(
        "--dir", type=Path, help="keep the export here (reused if it already exists)"
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.workers)
        return
    with tempfile.TemporaryDirectory(prefix="halyq-bench-") as tmp:
        directory = args.dir or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        if not (directory / "snapshots.json").exists():
            events = args.events
            snapshot_seqs = {events // 3, 2 * events // 3, events}
            started = time.perf_counter()
            heads = generate(directory / "events.jsonl", events, snapshot_seqs)
            write_snapshots(directory / "snapshots.json", heads)
            print(f"generated {events:,} events in {time.perf_counter() - started:.0f} s")
        size = (directory / "events.jsonl").stat().st_size
        print(
            f"events.jsonl: {size / 2**20:.0f} MiB; CPUs: {os.cpu_count()}; "
            f"load average before: {os.getloadavg()[0]:.2f}"
        )
        command = [sys.executable, __file__, "--measure", str(directory)]
        if args.workers is not None:
            command += ["--workers", str(args.workers)]
        completed = subprocess.run(command, check=False)
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        sys.exit(completed.returncode)


if __name__ == "__main__":
    run()
