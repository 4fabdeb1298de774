"""Benchmark the national appeals generator on PostgreSQL (target: 2 million appeals < 5 min).

    createdb -h 127.0.0.1 -U postgres halyq_bench_appeals
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/halyq_bench_appeals \\
        .venv/bin/python bench/bench_appeals_seed.py [--appeals 2000000]
    dropdb -h 127.0.0.1 -U postgres halyq_bench_appeals

Migrates the scratch database, generates the national directory (not timed), then times
`seed_appeals` (offices, staff, its own 250,000 citizens and the appeals, by COPY) and
checks the counts: every generated appeal stored once, numbers unique, confirmations.
Refuses to run on a database that already holds data. The data stays until you drop
the database: bench_appeals_queue.py runs on it.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halyq.config.settings.local")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appeals", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database (see the docstring).")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count

    from halyq.appeals.models import Appeal
    from halyq.directory.models import Person
    from halyq.seeding import appeals as appeals_step
    from halyq.seeding.directory import seed_directory
    from halyq.seeding.scale import NATIONAL

    call_command("migrate", verbosity=0)
    if Person.objects.exists() or Appeal.objects.exists():
        sys.exit("The database already holds data: use a fresh scratch database.")
    rng = random.Random(args.seed)
    started = time.perf_counter()
    with transaction.atomic():
        world = seed_directory(rng, NATIONAL)
    print(
        f"directory (not timed): {time.perf_counter() - started:.1f} s, {len(world.deputies)} deputies"
    )

    appeals_step.APPEALS["national"] = args.appeals
    started = time.perf_counter()
    cpu_started = time.process_time()
    with transaction.atomic():
        result = appeals_step.seed_appeals(rng, NATIONAL, world)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    stored = Appeal.objects.count()
    numbers = Appeal.objects.values("number").distinct().count()
    confirmations = Appeal.objects.filter(resolution__in=["yes", "partly", "no"]).count()
    print(
        f"seed_appeals: {elapsed:.1f} s for {result.appeal_count:,} appeals "
        f"({result.appeal_count / elapsed:,.0f} per second)"
    )
    print(f"CPU time of the generator process: {cpu:.1f} s (the database's own work comes on top)")
    print("phases:", {name: round(seconds, 1) for name, seconds in result.timings.items()})
    print(
        f"stored {stored:,} appeals, {numbers:,} distinct numbers, "
        f"{confirmations:,} resolution confirmations"
    )
    print(
        "states:",
        dict(Appeal.objects.values_list("state").annotate(n=Count("id")).order_by("state")),
    )
    busiest = Appeal.objects.values("office_id").annotate(n=Count("id")).order_by("-n").first()
    print(f"busiest office: {busiest['n']:,} appeals")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('appeals_appeal'))")
        print("appeals table with indexes:", cursor.fetchone()[0])
    ok = stored == result.appeal_count == numbers and elapsed < 300
    print("OK" if ok else "FAILED: counts differ or slower than 5 minutes")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
