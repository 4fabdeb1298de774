"""Benchmark the operator queue of a busy office in the national data set (target < 150 ms).

    createdb -h 127.0.0.1 -U postgres halyq_bench_appeals
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/halyq_bench_appeals \\
        .venv/bin/python bench/bench_appeals_seed.py      # the national data set, once
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/halyq_bench_appeals \\
        .venv/bin/python bench/bench_appeals_queue.py [--office-size 50000]
    dropdb -h 127.0.0.1 -U postgres halyq_bench_appeals

Picks the office whose appeal count is closest to --office-size, signs in an operator of
it and requests the real queue view (`/staff/`) through Django's test client: the first
page (open appeals, the default) and the first page of all its appeals, 25 and 100 a page.
Prints the median and 95th percentile of 20 requests after 3 warm-ups, and the number
of SQL queries for each page size (it must not grow with the page size).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halyq.config.settings.local")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("HALYQ_LOG_LEVEL", "WARNING")
os.environ.setdefault("DEBUG", "1")  # static files without a collected manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--office-size", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database bench_appeals_seed.py filled.")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from halyq.accounts.models import User
    from halyq.appeals.models import Appeal, ReceptionOffice

    counts = list(Appeal.objects.values("office_id").annotate(n=Count("id")).order_by())
    if not counts:
        sys.exit("No appeals: run bench_appeals_seed.py on this database first.")
    office_id, size = min(
        ((c["office_id"], c["n"]) for c in counts), key=lambda c: abs(c[1] - args.office_size)
    )
    office = ReceptionOffice.objects.get(pk=office_id)
    open_count = Appeal.objects.filter(office=office, state__in=["registered", "assigned"]).count()
    print(f"office {office.slug}: {size:,} appeals, {open_count:,} open")
    operator, _ = User.objects.get_or_create(
        email="bench.operator@example.kz", defaults={"display_name": "Bench operator"}
    )
    office.operators.add(operator)
    client = Client()
    client.force_login(operator)
    ok = True
    for label, query in (("open (default)", ""), ("all states", "state=all")):
        for page_size in (25, 100):
            url = f"/en/staff/?{query}&size={page_size}"
            for _ in range(3):
                assert client.get(url).status_code == 200
            timings = []
            for _ in range(args.requests):
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            median = statistics.median(timings)
            p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
            print(
                f"{label:>15}, {page_size:>3} a page: median {median:6.1f} ms, p95 {p95:6.1f} ms, "
                f"{len(queries)} queries"
            )
            if label.startswith("open") and page_size == 25:
                ok = ok and median < 150
    print("target (first page < 150 ms):", "met" if ok else "NOT met")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
