"""Benchmark of the promise tracker at national scale.

Seeds the national data set (directory + programmes: 217 programmes, ~2,700 measures,
~60,000 mandates) into the database DATABASE_URL names, unless it is already there,
then measures in this process, with Django's test client (server time: URL resolution,
views, queries and templates; no network, no gunicorn):

- the territory tracker (a region, a district, a filtered and a searched region page),
  the programme page and the deputy tracker (the deputy with the most items):
  p50/p99 over --requests requests each, and the number of queries per page at page
  sizes 10 and 50 (the same number shows the count does not grow with the page);
- the roll-up of all 217 roadmaps after an update (one query for the whole forest,
  computed in Python, changed rows written back), and one deputy's report through the
  service (which rolls up its programme).

    DATABASE_URL=sqlite:////tmp/halyq-bench-programmes.sqlite3 \\
        .venv/bin/python bench/bench_programmes.py [--requests 100]
    createdb -h 127.0.0.1 -U postgres halyq_bench_programmes
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/halyq_bench_programmes \\
        .venv/bin/python bench/bench_programmes.py

Targets (issue): tracker pages under 100 ms server time; roll-up under 1 s. "cpu p50" is
this process's CPU time per request: on a busy machine wall time also counts waiting for
a core (the database's own time is in wall time only for PostgreSQL, which runs apart).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault(
        "HALYQ_VAR_DIR", str(Path(tempfile.gettempdir()) / "halyq-bench-programmes-var")
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halyq.config.settings.local")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()


def seed_if_needed() -> None:
    from django.core.management import call_command
    from django.db import transaction

    from halyq.directory.models import Organization
    from halyq.programmes.models import Programme
    from halyq.seeding.directory import PARTY_SLUG, seed_directory
    from halyq.seeding.programmes import seed_programmes
    from halyq.seeding.scale import NATIONAL

    call_command("migrate", verbosity=0)
    if Programme.objects.exists():
        print("data set already seeded")
        analyze()
        return
    if Organization.objects.filter(slug=PARTY_SLUG).exists():
        raise SystemExit("The database has a directory but no programmes: use a fresh database.")
    rng = random.Random(2026)
    with transaction.atomic():
        started = time.perf_counter()
        world = seed_directory(rng, NATIONAL)
        middle = time.perf_counter()
        result = seed_programmes(rng, NATIONAL, world)
        done = time.perf_counter()
    print(
        f"seeded: directory {middle - started:.1f} s; programmes step {done - middle:.1f} s "
        f"({len(result.programmes)} programmes, {result.measures} measures, "
        f"{result.mandates} mandates, {result.mandate_items} tracked on their own)"
    )
    analyze()


def analyze() -> None:
    """Planner statistics, as a live database has them after bulk loading (autovacuum)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def measure_pages(requests: int) -> None:
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from halyq.directory.models import District, Person
    from halyq.programmes.models import Programme

    # No setup_test_environment(): its template instrumentation would be measured too.
    client = Client()
    busiest = Person.objects.annotate(n=Count("monitored_items")).order_by("-n", "pk").first()
    district = District.objects.filter(programmes__isnull=False).order_by("code").first()
    region_code = district.region.code
    regional = Programme.objects.get(region__code=region_code, district__isnull=True)
    pages = {
        "region tracker": f"/en/programmes/{region_code}/",
        "region, overdue filter": f"/en/programmes/{region_code}/?status=overdue",
        "region, search": f"/en/programmes/{region_code}/?q=road",
        "region, page 5": f"/en/programmes/{region_code}/?page=5",
        "district tracker": f"/en/programmes/{region_code}/{district.code}/",
        "programme (roadmap)": f"/en/programmes/programme/{regional.code}/",
        f"deputy tracker ({busiest.n} items)": f"/en/programmes/deputies/{busiest.public_id}/",
        "index (all regions)": "/en/programmes/",
    }
    print(
        f"\n{'page':36} {'p50 ms':>8} {'p99 ms':>8} {'cpu p50':>8} {'queries@10':>11} "
        f"{'queries@50':>11}"
    )
    for name, url in pages.items():
        for _ in range(3):  # warm caches and the calendar
            assert client.get(url).status_code == 200, url
        counts = []
        for size in (10, 50):
            with (
                override_settings(HALYQ_PAGE_SIZE=size),
                CaptureQueriesContext(connection) as queries,
            ):
                client.get(url)
            counts.append(len(queries))
        timings, cpu = [], []
        for _ in range(requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
        print(
            f"{name:36} {statistics.median(timings):8.1f} {percentile(timings, 0.99):8.1f} "
            f"{statistics.median(cpu):8.1f} {counts[0]:11d} {counts[1]:11d}"
        )


def measure_rollup() -> None:
    from django.db import transaction

    from halyq.programmes import services
    from halyq.programmes.models import Status, TrackedItem

    print()
    leaf = (
        TrackedItem.objects.filter(kind="measure", parent__isnull=False, status=Status.IN_PROGRESS)
        .order_by("pk")
        .first()
    )
    timings = []
    for attempt in range(5):
        with transaction.atomic():
            # An update somewhere in every programme, then the roll-up of all 217 roadmaps.
            touched = list(
                TrackedItem.objects.filter(kind="measure", status=Status.IN_PROGRESS)
                .order_by("programme_id", "pk")
                .distinct()
                .values_list("pk", flat=True)[::7]
            )
            TrackedItem.objects.filter(pk__in=touched).update(progress=10 + attempt * 10)
            started = time.perf_counter()
            changed = services.rollup_refresh()
            timings.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    print(
        f"roll-up of all roadmaps after an update: median {statistics.median(timings) * 1000:.0f} ms, "
        f"max {max(timings) * 1000:.0f} ms ({changed} rows rewritten, "
        f"{TrackedItem.objects.filter(kind='measure').count()} measures read)"
    )
    timings = []
    for attempt in range(5):
        with transaction.atomic():
            started = time.perf_counter()
            services.item_report(
                actor=None, item=leaf, status=Status.IN_PROGRESS, progress=20 + attempt
            )
            timings.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    print(
        f"one report through the service (its programme rolled up): median {statistics.median(timings) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100)
    arguments = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or "sqlite:////tmp/halyq-bench-programmes.sqlite3"
    print(f"database: {database_url.split('@')[-1]}")
    setup(database_url)
    from django.test.utils import override_settings

    seed_if_needed()
    # Plain static file storage: the benchmark measures views, not a collectstatic run.
    with override_settings(
        ALLOWED_HOSTS=["testserver"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        measure_pages(arguments.requests)
    measure_rollup()


if __name__ == "__main__":
    main()
