"""Benchmark of the public rating leaderboard (/rating/) with a national-size snapshot.

    .venv/bin/python bench/bench_leaderboard.py                      # scratch SQLite
    createdb -h 127.0.0.1 -U postgres halyq_bench_ratings
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/halyq_bench_ratings \\
        .venv/bin/python bench/bench_leaderboard.py [--rounds 3]

Prepares the database once (later runs reuse it): migrates, generates the national
directory (`seeding.directory`, about 13,500 people), publishes methodology v3, makes 18
of the 20 regions public (Astana and Almaty stay in pilot) and writes two published
public snapshots whose results are synthetic: scores, intervals, ranks, bands and the
engine's full published record per person, built with `bulk_create` directly (the
engine's run is benchmarked in bench_scoring.py; this measures the page).

Then it requests the leaderboard through Django's test client (in process: the figure
is server time, no network) for every combination of the filters: region (none, one),
council level (none, each), kind (none, each), faction (none, one), name search (none,
a common surname fragment), the four sorts and the first and a later page, plus the CSV.
Each combination is timed cold (the rating caches emptied) and warm (the same URL
again). Reports p50/p99/max server time for each.

Target (issue): under 100 ms server time for any filter combination.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

DEFAULT_VAR = Path("/tmp/halyq-bench-ratings")


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("HALYQ_VAR_DIR", str(DEFAULT_VAR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halyq.config.settings.local")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("HALYQ_LOG_LEVEL", "WARNING")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    from django.conf import settings

    # The WSGI module as the server loads it (Django set up, views imported, gc frozen):
    # without the freeze, full collections add 40-60 ms to a request now and then.
    import halyq.config.wsgi  # noqa: F401

    # No collectstatic for an in-process benchmark: plain static URLs, as in the tests.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def synthetic_record(rng: random.Random, public_id: str, group: str) -> tuple[dict, int, bool]:
    """One person's published result in the engine's shape (scores filled in later)."""
    appeals = int(rng.lognormvariate(2.0, 1.1))
    assessed = max(0, appeals - rng.randint(0, 2))
    receptions = rng.randint(0, 8)
    rated = assessed >= 5 or receptions >= 3
    evaluations = rng.randint(0, assessed)
    stars = [0, 0, 0, 0, 0]
    for _ in range(evaluations):
        stars[min(4, max(0, int(rng.gauss(3.2, 1.2))))] += 1
    resolved = rng.randint(0, assessed)
    partly = rng.randint(0, assessed - resolved)

    def figure(value: float) -> str:
        return f"{value:.4f}"

    def component(value: float, spread: float, evidence: dict) -> dict:
        return {
            "value": figure(value),
            "low": figure(max(0.0, value - spread)),
            "high": figure(min(100.0, value + spread)),
            "evidence": evidence,
        }

    components = {
        "resolution": component(
            rng.uniform(30, 90),
            12,
            {
                "cases": resolved + partly,
                "resolved": resolved,
                "partly": partly,
                "not_resolved": max(0, assessed - resolved - partly),
                "unconfirmed": 0,
                "transferred": 0,
                "observed": figure(resolved + partly / 2),
                "expected": figure((resolved + partly) * 0.6),
                "group_mean": figure(60.0),
            },
        ),
        "satisfaction": component(
            rng.uniform(30, 90),
            15,
            {
                "evaluations": evaluations,
                **{f"stars_{i + 1}": stars[i] for i in range(5)},
                "group_mean": figure(62.0),
            },
        ),
        "timeliness": component(
            rng.uniform(40, 95),
            10,
            {
                "assessed": assessed,
                "on_time": assessed,
                "late": 0,
                "overdue_open": 0,
                "under_target": assessed,
                "working_days_known": assessed,
                "working_days_total": assessed * 7,
                "group_mean": figure(80.0),
            },
        ),
        "direct_contact": component(
            rng.uniform(40, 95),
            18,
            {
                "scheduled": receptions,
                "held": receptions,
                "slots": receptions * 8,
                "booked": receptions * 5,
                "attended": receptions * 4,
                "group_mean": figure(75.0),
            },
        ),
        "delivery": component(
            50.0,
            30,
            {
                "items": 0,
                "on_time": 0,
                "weight": figure(0),
                "weighted_success": figure(0),
                "group_mean": figure(50.0),
            },
        ),
    }
    data = {
        "person_id": public_id,
        "group": group,
        "status": "rated" if rated else "insufficient",
        "score": None,
        "low": None,
        "high": None,
        "rank": None,
        "band": None,
        "components": components,
        "workload": {
            "appeals": appeals,
            "assessed": assessed,
            "open": appeals - assessed,
            "transferred": 0,
            "held_out": 0,
            "evaluations": evaluations,
            "receptions": receptions,
        },
    }
    return data, appeals, rated


def write_snapshot(rng: random.Random, people, groups, version, as_of, now) -> None:
    """A published public snapshot of synthetic results, in the engine's order."""
    from halyq.integrity.selectors import chain_head
    from halyq.ratings.models import Snapshot, SnapshotResult

    head = chain_head()
    by_group: dict[str, list] = {}
    for person in people:
        public_id = str(person.public_id)
        data, appeals, rated = synthetic_record(rng, public_id, groups[person.id])
        if rated:
            score = rng.uniform(25, 92)
            spread = max(3.0, 30 / (1 + appeals) ** 0.5)
            low, high = max(0.0, score - spread), min(100.0, score + spread)
        else:
            score = low = high = None
        by_group.setdefault(groups[person.id], []).append((person, data, appeals, score, low, high))
    snapshot = Snapshot.objects.create(
        methodology=version,
        scope=Snapshot.Scope.PUBLIC,
        as_of=as_of,
        chain_head_seq=head.seq,
        chain_head_hash=head.entry_hash,
        merkle_root="0" * 64,
        people_count=len(people),
        evidence_cutoff=now - timedelta(days=5),
        is_published=True,
        published_at=now,
    )
    rows = []
    for group in sorted(by_group):
        members = by_group[group]
        rated = sorted(
            (m for m in members if m[3] is not None), key=lambda m: (-m[3], str(m[0].public_id))
        )
        band, leader_low, previous = 0, None, None
        for rank, (person, data, appeals, score, low, high) in enumerate(rated, start=1):
            if leader_low is None or (high < leader_low and score != previous):
                band += 1
                leader_low = low
            previous = score
            data.update(
                status="rated",
                score=f"{score:.4f}",
                low=f"{low:.4f}",
                high=f"{high:.4f}",
                rank=rank,
                band=band,
            )
            rows.append(
                SnapshotResult(
                    snapshot=snapshot,
                    person=person,
                    status="rated",
                    score=round(score, 4),
                    low=round(low, 4),
                    high=round(high, 4),
                    rank=rank,
                    band=band,
                    appeals=appeals,
                    data=data,
                )
            )
        for person, data, appeals, *_ in sorted(
            (m for m in members if m[3] is None), key=lambda m: str(m[0].public_id)
        ):
            rows.append(
                SnapshotResult(
                    snapshot=snapshot,
                    person=person,
                    status="insufficient",
                    appeals=appeals,
                    data=data,
                )
            )
    SnapshotResult.objects.bulk_create(rows, batch_size=2000)


def prepare() -> None:
    """Generate the directory and two public snapshots unless the database has them."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from halyq.directory.models import Person, Region
    from halyq.ratings.groups import group_keys
    from halyq.ratings.methodologies import methodology_publish
    from halyq.ratings.models import Snapshot
    from halyq.ratings.services import publication_mode_set
    from halyq.seeding.directory import seed_directory
    from halyq.seeding.scale import NATIONAL

    call_command("migrate", verbosity=0)
    if Snapshot.objects.filter(scope=Snapshot.Scope.PUBLIC, is_published=True).exists():
        return
    started = time.perf_counter()
    rng = random.Random(2026)
    with transaction.atomic():
        if not Person.objects.exists():
            seed_directory(rng, NATIONAL)
        version = methodology_publish(version="v3")
        today = timezone.localdate()
        for region in Region.objects.exclude(code__in=["71", "75"]):
            publication_mode_set(
                region=region, mode="public", public_from=today - timedelta(days=30)
            )
        public = list(
            Person.objects.select_related("region")
            .exclude(region__code__in=["71", "75"])
            .order_by("id")
        )
        groups = group_keys(public)
        now = timezone.now()
        write_snapshot(
            rng, public, groups, version, today - timedelta(days=7), now - timedelta(days=7)
        )
        write_snapshot(rng, public, groups, version, today, now)
    print(
        f"prepared {len(public):,} public people, 2 snapshots in {time.perf_counter() - started:.1f} s"
    )


def combinations() -> list[str]:
    from halyq.directory.models import Organization, Person

    faction = (
        Organization.objects.filter(
            classification=Organization.Classification.FACTION, region__code="55"
        )
        .values_list("slug", flat=True)
        .first()
    )
    common = (
        Person.objects.exclude(region__code__in=["71", "75"])
        .values_list("family_name_ru", flat=True)
        .first()
    )
    urls = []
    options = itertools.product(
        ["", "region=55"],
        ["", "level=parliament", "level=regional", "level=district"],
        ["", "kind=deputy", "kind=reserve"],
        ["", f"faction={faction}"],
        ["", f"q={common[:4]}"],
        ["sort=rank", "sort=score", "sort=name", "sort=appeals"],
        ["", "page=2"],
    )
    for parts in options:
        query = "&".join(part for part in parts if part)
        urls.append(f"/en/rating/?{query}")
    return urls


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(client, url: str) -> tuple[float, float, int]:
    """(wall ms, CPU ms of this process, status) of one request, the body read."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return (
        (time.perf_counter() - started) * 1000,
        (time.process_time() - cpu) * 1000,
        response.status_code,
    )


def report(name: str, values: list[float]) -> None:
    print(
        f"  {name:22} p50 {percentile(values, 0.5):6.1f}  p99 {percentile(values, 0.99):6.1f}  "
        f"max {max(values):6.1f}  mean {statistics.fmean(values):6.1f} ms"
    )


def measure(urls: list[str], rounds: int) -> None:
    import logging

    from django.core.cache import cache
    from django.test import Client

    from halyq.ratings import selectors

    logging.getLogger("django.request").setLevel(logging.ERROR)  # a page past the end is a 404
    client = Client()
    client.get("/en/rating/")  # imports, templates, the connection

    # Once per published snapshot (per process): the snapshot's sort index is read.
    first = []
    for _ in range(3):
        cache.clear()
        selectors.forget_cached_leaderboards(snapshot_index=True)
        first.append(timed(client, "/en/rating/")[0])

    cold_wall, cold_cpu, warm_wall, warm_cpu = [], [], [], []
    statuses: dict[int, int] = {}
    slowest: tuple[float, str] = (0.0, "")
    for _ in range(rounds):
        for url in urls:
            # Cold: nothing of this query cached (the per-snapshot index stays in the process).
            cache.clear()
            selectors.forget_cached_leaderboards(snapshot_index=False)
            wall, cpu, status = timed(client, url)
            cold_wall.append(wall)
            cold_cpu.append(cpu)
            slowest = max(slowest, (wall, url))
            statuses[status] = statuses.get(status, 0) + 1
            wall, cpu, _status = timed(client, url)
            warm_wall.append(wall)
            warm_cpu.append(cpu)
    csv_wall = []
    for url in ["/en/rating/export.csv", "/en/rating/export.csv?region=55&level=district"]:
        for _ in range(rounds):
            cache.clear()
            selectors.forget_cached_leaderboards(snapshot_index=False)
            csv_wall.append(timed(client, url)[0])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{len(urls)} filter combinations x {rounds} rounds; statuses {statuses}; load {load:.1f}"
    )
    report("first after snapshot", first)
    report("cold wall", cold_wall)
    report("cold CPU", cold_cpu)
    report("warm wall", warm_wall)
    report("warm CPU", warm_cpu)
    report("CSV (all rows) wall", csv_wall)
    print(f"  slowest cold: {slowest[0]:.1f} ms {slowest[1]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_VAR / 'bench.sqlite3'}"
    DEFAULT_VAR.mkdir(parents=True, exist_ok=True)
    setup(database_url)
    prepare()
    from django.db import connection

    print(f"database: {connection.vendor}")
    measure(combinations(), args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
