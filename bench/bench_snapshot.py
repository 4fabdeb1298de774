"""Benchmark a full rating snapshot from the database (issue 4: < 30 s on PostgreSQL).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/halyq_nat \\
        .venv/bin/python bench/bench_snapshot.py

Needs a database seeded with `halyq seed --scale national`. Computes the staff snapshot
(every region) and the public one, reading included, each in its own transaction as
`halyq rating snapshot` does, and prints the time of each. It adds two snapshots to the
database.
"""

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halyq.config.settings.local")

import django

django.setup()

from halyq.ratings.models import Snapshot  # noqa: E402
from halyq.ratings.snapshots import snapshot_compute  # noqa: E402

for scope in (Snapshot.Scope.PILOT, Snapshot.Scope.PUBLIC):
    started = time.perf_counter()
    snapshot = snapshot_compute(scope=scope)
    seconds = time.perf_counter() - started
    print(f"{scope} snapshot: {snapshot.people_count} people in {seconds:.1f} s")
