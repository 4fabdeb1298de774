"""The generator's entry point: one seeded random generator through every step."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.db import transaction

from halyq.directory.models import Organization
from halyq.seeding.accounts import seed_admin
from halyq.seeding.directory import PARTY_SLUG, seed_directory
from halyq.seeding.scale import Scale


class AlreadySeeded(Exception):
    pass


def seed(scale: Scale, *, seed: int = 2026, report: Callable[[str], None] = print) -> None:
    """Generate a whole country in one transaction; refuses to run twice on one database."""
    if Organization.objects.filter(slug=PARTY_SLUG).exists():
        raise AlreadySeeded("The database already holds generated data.")
    rng = random.Random(seed)
    started = time.perf_counter()
    with transaction.atomic():
        world = seed_directory(rng, scale)
        seed_admin()
        report(
            f"directory: {len(world.regions)} regions, {len(world.deputies)} deputies, "
            f"{len(world.reserve)} reserve activists ({time.perf_counter() - started:.1f} s)"
        )
