"""Benchmark the national receptions seed step and the rating's reception selector.

    createdb -h 127.0.0.1 -U postgres halyq_bench_receptions
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/halyq_bench_receptions \\
        .venv/bin/python bench/bench_receptions_seed.py
    dropdb -h 127.0.0.1 -U postgres halyq_bench_receptions

It also runs on a scratch SQLite file (DATABASE_URL=sqlite:////tmp/bench.sqlite3).
Migrates, generates the national directory, one office per region and per district
(each deputy receiving at one of their region's offices) and 20,000 citizen accounts
(none of that timed), then times `seed_receptions` (target: ~40,000 receptions and
~300,000 bookings within ~30 s) and `rating_receptions` over the past year.
Everything is rolled back at the end, so the database can be reused.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections import defaultdict
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halyq.config.settings.local")


def main() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a scratch database (see the docstring).")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from halyq.accounts.models import User
    from halyq.appeals.models import ReceptionOffice
    from halyq.receptions.models import Booking, Reception
    from halyq.receptions.selectors import rating_receptions
    from halyq.seeding.directory import seed_directory
    from halyq.seeding.receptions import seed_receptions
    from halyq.seeding.scale import NATIONAL

    call_command("migrate", verbosity=0)
    if Reception.objects.exists() or ReceptionOffice.objects.exists():
        sys.exit("The database already holds offices or receptions: use a fresh scratch database.")
    rng = random.Random(2026)
    with transaction.atomic():
        started = time.perf_counter()
        world = seed_directory(rng, NATIONAL)
        offices = []
        for region in world.regions:
            offices.append(
                ReceptionOffice(
                    slug=f"bench-{region.code}",
                    region=region,
                    name_ru="Приёмная",
                    address_ru="ул. Абая, 1",
                    opening_hours_ru="9–18",
                )
            )
            for number, district in enumerate(world.districts[region.id], start=1):
                offices.append(
                    ReceptionOffice(
                        slug=f"bench-{region.code}-{number}",
                        region=region,
                        district=district,
                        name_ru="Приёмная",
                        address_ru="ул. Абая, 1",
                        opening_hours_ru="9–18",
                    )
                )
        ReceptionOffice.objects.bulk_create(offices)
        by_region = defaultdict(list)
        for office in ReceptionOffice.objects.order_by("id"):
            by_region[office.region_id].append(office.id)
        through = ReceptionOffice.receiving_people.through
        through.objects.bulk_create(
            [
                through(receptionoffice_id=rng.choice(by_region[p.region_id]), person_id=p.pk)
                for p in world.deputies
            ],
            batch_size=5000,
        )
        password = make_password(None)
        User.objects.bulk_create(
            [
                User(
                    email=f"bench-citizen-{n}@example.kz",
                    password=password,
                    email_confirmed_at=timezone.now(),
                )
                for n in range(20_000)
            ],
            batch_size=5000,
        )
        print(f"setup (not timed): {time.perf_counter() - started:.1f} s on {connection.vendor}")

        started = time.perf_counter()
        result = seed_receptions(rng, NATIONAL, world)
        if connection.vendor == "postgresql":
            # The foreign-key checks PostgreSQL defers to the commit (which never comes here).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seeded = time.perf_counter() - started
        assert Reception.objects.count() == result.receptions
        assert Booking.objects.count() == result.bookings
        print(
            f"seed_receptions: {result.receptions:,} receptions ({result.held:,} held, "
            f"{result.cancelled:,} cancelled), {result.bookings:,} bookings, "
            f"{result.events:,} ledger events in {seeded:.1f} s "
            f"({', '.join(f'{k} {v:.1f} s' for k, v in result.timings.items())})"
        )

        today = timezone.localdate()
        started = time.perf_counter()
        records = list(rating_receptions(since=today - timedelta(days=365), until=today))
        print(
            f"rating_receptions (past year): {len(records):,} records in {time.perf_counter() - started:.2f} s"
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
