"""The generator's entry point: one seeded random generator through every step."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.db import connection, transaction

from halyq.directory.models import Organization
from halyq.ratings.live import live_refresh_paused
from halyq.seeding.accounts import seed_admin
from halyq.seeding.appeals import seed_appeals
from halyq.seeding.citizens import seed_accounts
from halyq.seeding.directory import PARTY_SLUG, seed_directory
from halyq.seeding.news import seed_news
from halyq.seeding.programmes import seed_programmes
from halyq.seeding.ratings import seed_ratings
from halyq.seeding.receptions import seed_receptions
from halyq.seeding.scale import Scale


class AlreadySeeded(Exception):
    pass


def seed(scale: Scale, *, seed: int = 2026, report: Callable[[str], None] = print) -> None:
    """Generate a whole country in one transaction; refuses to run twice on one database.

    Steps run in dependency order (offices before receptions, appeals and programmes
    before the rating), all drawing from one random generator seeded with `seed`.
    """
    if Organization.objects.filter(slug=PARTY_SLUG).exists():
        raise AlreadySeeded("The database already holds generated data.")
    rng = random.Random(seed)
    started = time.perf_counter()

    def done(step: str) -> None:
        report(f"{step} ({time.perf_counter() - started:.1f} s)")

    # Live scores are not refreshed event by event: the last step's staff snapshot
    # writes every person's live score at once.
    with transaction.atomic(), live_refresh_paused():
        world = seed_directory(rng, scale)
        seed_admin()
        done(
            f"directory: {len(world.regions)} regions, {len(world.deputies)} deputies, "
            f"{len(world.reserve)} reserve activists"
        )
        citizens = seed_accounts(rng, scale, world)
        done(f"citizens: {citizens.citizen_count}")
        seed_appeals(rng, scale, world, citizens.citizen_ids_by_region)
        done("offices and appeals")
        seed_receptions(rng, scale, world)
        done("personal receptions")
        seed_programmes(rng, scale, world)
        done("programmes, measures and mandates")
        seed_news(rng, scale, world)
        done("news")
        seed_ratings(rng, scale, world)
        done("evaluations and rating snapshots")
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # A bulk load leaves no visibility map: until autovacuum comes by, every
        # index-only scan (a live refresh reads a person's year by one) visits the table
        # as well, three times slower. VACUUM sets it; ANALYZE gives the planner the sizes.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        done("vacuum")
