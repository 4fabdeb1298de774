"""Benchmark the national citizens' seed step (200,000 accounts with consent) on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres halyq_bench_accounts
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/halyq_bench_accounts \\
        .venv/bin/python bench/bench_accounts_seed.py
    dropdb -h 127.0.0.1 -U postgres halyq_bench_accounts

Migrates the scratch database, generates the national directory (not timed), then times
`seed_accounts` and checks the counts. Refuses to run on a database that already holds
accounts. Everything is rolled back at the end, so the database can be reused.
"""

from __future__ import annotations

import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halyq.config.settings.local")


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database (see the docstring).")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from halyq.accounts.models import Consent, User
    from halyq.seeding.citizens import GENERATED_CITIZENS, seed_accounts
    from halyq.seeding.directory import seed_directory
    from halyq.seeding.scale import NATIONAL

    call_command("migrate", verbosity=0)
    if User.objects.exists():
        sys.exit("The database already holds accounts: use a fresh scratch database.")
    with transaction.atomic():
        started = time.perf_counter()
        world = seed_directory(random.Random(2026), NATIONAL)
        print(f"directory (not timed): {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        citizens = seed_accounts(random.Random(2026), NATIONAL, world)
        elapsed = time.perf_counter() - started
        expected = GENERATED_CITIZENS["national"] + 1
        assert User.objects.count() == expected == citizens.citizen_count
        assert Consent.objects.count() == expected
        print(
            f"seed_accounts national: {expected:,} accounts + consents in {elapsed:.1f} s "
            f"({expected / elapsed:,.0f} accounts/s)"
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
