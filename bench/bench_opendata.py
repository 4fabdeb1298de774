"""Benchmark the open-data export of the national year on PostgreSQL (target: < 2 minutes).

    createdb -h 127.0.0.1 -U postgres halyq_bench_opendata
    HALYQ_VAR_DIR=/tmp/halyq-bench-opendata \\
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/halyq_bench_opendata \\
        .venv/bin/python bench/bench_opendata.py [--events 5000000] [--pilot 2]
    dropdb -h 127.0.0.1 -U postgres halyq_bench_opendata

Builds the national year (not timed): the national directory and 2 million appeals
(halyq.seeding, by COPY), every region public except `--pilot` regions, methodology v3,
a hash-chained ledger of `--events` appeal events derived from those appeals (written
by COPY: registered / assigned / answered / closed, the payloads the appeals app
records, about 4 per appeal), then one public snapshot computed for real (its inputs
written too). Each building step is skipped when its data is already there, so a second
run (or an interrupted one) reuses the database.

Timed: `halyq export opendata DIR` in a fresh process (wall time, CPU time and the peak
memory of that process), then the export is verified with `halyq verify` (chain only,
`--no-recompute`, timed too) and the sizes of the files are printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halyq.config.settings.local")

TARGET_SECONDS = 120


def build(events: int, pilot: int, seed: int) -> None:
    """Each step runs only if its data is not there yet, so an interrupted build resumes."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from halyq.appeals.models import Appeal
    from halyq.directory.models import Region
    from halyq.integrity.models import LedgerHead
    from halyq.ratings.methodologies import methodology_publish
    from halyq.ratings.models import MethodologyVersion, PublicationMode, Snapshot
    from halyq.ratings.services import publication_mode_set
    from halyq.ratings.snapshots import snapshot_compute
    from halyq.seeding import appeals as appeals_step
    from halyq.seeding.directory import seed_directory
    from halyq.seeding.scale import NATIONAL

    call_command("migrate", verbosity=0)
    if not Appeal.objects.exists():
        rng = random.Random(seed)
        started = time.perf_counter()
        with transaction.atomic():
            world = seed_directory(rng, NATIONAL)
        print(
            f"directory: {len(world.deputies):,} deputies, {len(world.reserve):,} reserve "
            f"({time.perf_counter() - started:.0f} s)"
        )
        started = time.perf_counter()
        with transaction.atomic():
            result = appeals_step.seed_appeals(rng, NATIONAL, world)
        print(f"appeals: {result.appeal_count:,} ({time.perf_counter() - started:.0f} s)")
    if not PublicationMode.objects.exists():
        today = timezone.localdate()
        regions = list(Region.objects.order_by("code"))
        pilot_regions = regions[-pilot:] if pilot else []
        for region in regions:
            if region in pilot_regions:
                publication_mode_set(region=region, mode="pilot")
            else:
                publication_mode_set(region=region, mode="public", public_from=today.replace(day=1))
    if not MethodologyVersion.objects.exists():
        methodology_publish(version="v3")
    head = LedgerHead.objects.get(pk=1).seq
    if head < events:
        started = time.perf_counter()
        written = write_ledger(events - head)
        print(f"ledger: {written:,} events by COPY ({time.perf_counter() - started:.0f} s)")
    head = LedgerHead.objects.get(pk=1).seq
    if not Snapshot.objects.filter(is_published=True, chain_head_seq__gte=head).exists():
        started = time.perf_counter()
        snapshot = snapshot_compute()
        print(
            f"snapshot {snapshot.id}: {snapshot.people_count:,} people "
            f"({time.perf_counter() - started:.0f} s)"
        )


def _stories(appeal) -> list[tuple[str, object, str, dict]]:
    """The events the appeals app records for one appeal (docs/events.md)."""
    from halyq.appeals.ledger import appeal_pseudonym
    from halyq.integrity.pseudonyms import pseudonym

    (
        appeal_id, region, office, category, assigned, answered_by, registered_on,
        due_on, author_id, channel, state, resolution, answered_on, closed_on,
    ) = appeal  # fmt: skip
    key = appeal_pseudonym(appeal_id)
    citizen = pseudonym("citizen", author_id) if author_id else pseudonym("visitor", appeal_id)
    story = [
        ("appeal.registered", registered_on, region, {
            "appeal": key, "citizen": citizen, "region": region, "office": office,
            "category": category, "person": None, "registered_on": registered_on.isoformat(),
            "due_on": due_on.isoformat(), "channel": channel, "counts": True,
        }),
    ]  # fmt: skip
    if assigned:
        story.append(("appeal.assigned", registered_on, "", {
            "appeal": key, "person": str(assigned), "office": office,
            "assigned_on": registered_on.isoformat(),
        }))  # fmt: skip
    if answered_on and answered_by:
        story.append(("appeal.answered", answered_on, "", {
            "appeal": key, "person": str(answered_by), "answered_on": answered_on.isoformat(),
            "due_on": due_on.isoformat(), "working_days_to_answer": 7,
            "within_term": answered_on <= due_on,
        }))  # fmt: skip
    if state == "closed" and closed_on and answered_by:
        story.append(("appeal.closed", closed_on, "", {
            "appeal": key, "person": str(answered_by), "resolution": resolution or "none",
            "closed_on": closed_on.isoformat(),
            "confirmed_by_citizen": resolution in ("yes", "partly", "no"),
        }))  # fmt: skip
    return story


def write_ledger(limit: int) -> int:
    """Append up to `limit` appeal events derived from the appeals table, chained.

    Appeals are read a page at a time and each page's events go in by one COPY (a
    server-side cursor cannot be read while a COPY runs on the same connection).
    """
    from django.db import connection, transaction

    from halyq.appeals.models import Appeal
    from halyq.integrity.models import LedgerHead
    from halyq.ledger.canonical import encode_sorted_unchecked

    head = LedgerHead.objects.get(pk=1)
    seq, prev = head.seq, head.entry_hash
    sha256 = hashlib.sha256
    fields = (
        "id", "region__code", "office__slug", "category__code", "assigned_person__public_id",
        "answered_by__public_id", "registered_on", "due_on", "author_id", "channel",
        "state", "resolution", "answered_on", "closed_on",
    )  # fmt: skip
    columns = (
        "seq, prev_hash, kind, occurred_at, payload, content_hash, entry_hash, region, recorded_at"
    )
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    written, last_id = 0, 0
    while written < limit:
        page = list(
            Appeal.objects.filter(id__gt=last_id).order_by("id").values_list(*fields)[:20_000]
        )
        if not page:
            break
        last_id = page[-1][0]
        rows = []
        for appeal in page:
            for kind, day, event_region, payload in _stories(appeal):
                if written >= limit:
                    break
                seq += 1
                occurred_at = f"{day.isoformat()}T10:00:00+05:00"
                content = encode_sorted_unchecked(
                    {"kind": kind, "occurred_at": occurred_at, "payload": payload, "seq": seq}
                ).encode()
                content_hash = sha256(content).hexdigest()
                entry_hash = sha256(bytes.fromhex(prev) + bytes.fromhex(content_hash)).hexdigest()
                rows.append((
                    seq, prev, kind, occurred_at, encode_sorted_unchecked(payload),
                    content_hash, entry_hash, event_region, now,
                ))  # fmt: skip
                prev = entry_hash
                written += 1
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY integrity_ledgerentry ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            LedgerHead.objects.filter(pk=1).update(seq=seq, entry_hash=prev)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE integrity_ledgerentry")
    return written


def timed(command: list[str]) -> tuple[float, float, int, subprocess.CompletedProcess]:
    """Wall seconds, CPU seconds and peak RSS (KiB) of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss, completed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--pilot", type=int, default=2, help="regions left in pilot")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database (see the docstring).")

    import django

    django.setup()
    build(args.events, args.pilot, args.seed)
    halyq = str(Path(sys.executable).with_name("halyq"))
    with tempfile.TemporaryDirectory(prefix="halyq-bench-opendata-") as scratch:
        target = Path(scratch) / "export"
        wall, cpu, peak, completed = timed([halyq, "export", "opendata", str(target)])
        print(completed.stdout.strip() or completed.stderr.strip())
        if completed.returncode:
            sys.exit(f"export failed: {completed.stderr.strip()}")
        print(f"export: {wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS {peak / 1024:.0f} MiB")
        package = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
        for file in package["resources"]:
            if "/" not in file["path"] or file["bytes"] > 10_000_000:
                print(f"  {file['path']:<40} {file['bytes'] / 1e6:10.1f} MB")
        anchors = package["halyq"]
        print(
            f"  events: {anchors['events']['entries']:,}, withheld {anchors['events']['withheld']:,}"
        )
        verify_wall, verify_cpu, _, verified = timed(
            [halyq, "verify", str(target), "--no-recompute"]
        )
        print(
            verified.stdout.strip().splitlines()[-1] if verified.stdout.strip() else verified.stderr
        )
        print(f"halyq verify --no-recompute: {verify_wall:.1f} s wall, {verify_cpu:.1f} s CPU")
    ok = wall < TARGET_SECONDS and verified.returncode == 0
    print("OK" if ok else f"FAILED: slower than {TARGET_SECONDS} s or the export does not verify")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
