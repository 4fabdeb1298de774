"""Seed step: citizens' accounts — the demo citizen people sign in as, and many generated ones.

Rules of this step:
- Every generated address is obviously fake (citizen{n}@example.kz); the demo citizen
  is citizen@demo.halyq.kz with the demo password, so `halyq demo-accounts` lists it.
- All accounts are confirmed and have consented to version 1 of the consent text.
- Citizens spread over regions by population, and city dwellers sign up twice as
  readily as others, so the three cities are the biggest.
- Everyone joined before CITIZENS_JOINED_BEFORE (the start of the convocation), so the
  appeals generator may date their appeals any time after it. The fictional site
  launched at SITE_LAUNCHED_AT, and consent text version 1 is dated then.
- Fast at national scale: one password hash computed once and shared; rows go in by
  COPY on PostgreSQL and bulk_create elsewhere.
  Generated citizens have no phone and no IIN.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection

from halyq.accounts.models import Consent, ConsentText, User
from halyq.seeding.accounts import DEMO_DOMAIN, DEMO_PASSWORD
from halyq.seeding.directory import DirectoryWorld
from halyq.seeding.names import random_name
from halyq.seeding.scale import Scale

DEMO_CITIZEN_EMAIL = f"citizen@{DEMO_DOMAIN}"
GENERATED_CITIZENS = {"demo": 2_000, "national": 200_000}
SITE_LAUNCHED_AT = datetime(2022, 9, 1, 4, 0, tzinfo=UTC)
CITIZENS_JOINED_BEFORE = datetime(2023, 3, 29, 0, 0, tzinfo=UTC)
CITY_SIGN_UP_FACTOR = 2.0
# Population by KATO code, thousands (2024 estimates, rounded).
POPULATION = {
    "10": 610, "11": 790, "15": 930, "19": 1530, "23": 700, "27": 690, "31": 1220,
    "33": 690, "35": 1130, "39": 830, "43": 840, "47": 790, "55": 750, "59": 530,
    "61": 2100, "62": 220, "63": 730, "71": 1450, "75": 2300, "79": 1200,
}  # fmt: skip
LANGUAGES = (("kk", 0.50), ("ru", 0.47), ("en", 0.03))
BATCH_SIZE = 5_000


@dataclass
class CitizenWorld:
    """What later seed steps (appeals) need: who the citizens are and where they live."""

    demo_citizen_id: int
    citizen_ids_by_region: dict[int, list[int]] = field(default_factory=dict)
    joined_before: datetime = CITIZENS_JOINED_BEFORE

    @property
    def citizen_count(self) -> int:
        return sum(len(ids) for ids in self.citizen_ids_by_region.values())


def seed_accounts(rng: random.Random, scale: Scale, world: DirectoryWorld) -> CitizenWorld:
    consent_text = ConsentText.objects.get(version=1)
    if consent_text.published_at > SITE_LAUNCHED_AT:
        # The generated history starts before the migration ran; date the text with it.
        ConsentText.objects.filter(pk=consent_text.pk).update(published_at=SITE_LAUNCHED_AT)
    password_hash = make_password(DEMO_PASSWORD)  # once: hashing is slow on purpose
    regions = sorted(world.regions, key=lambda region: region.code)
    astana = next(region for region in regions if region.code == "71")

    demo_joined = datetime(2023, 2, 1, 9, 30, tzinfo=UTC)
    users = [
        {
            "email": DEMO_CITIZEN_EMAIL,
            "password": password_hash,
            "display_name": "Demo citizen",
            "language": "ru",
            "region_id": astana.pk,
            "date_joined": demo_joined,
            "email_confirmed_at": demo_joined + timedelta(minutes=4),
        }
    ]
    weights = [
        POPULATION.get(region.code, 500) * (CITY_SIGN_UP_FACTOR if region.is_city else 1.0)
        for region in regions
    ]
    count = GENERATED_CITIZENS[scale.name]
    homes = rng.choices(regions, weights=weights, k=count)
    languages, language_weights = zip(*LANGUAGES, strict=True)
    span = int((CITIZENS_JOINED_BEFORE - SITE_LAUNCHED_AT).total_seconds())
    for number, region in enumerate(homes, start=1):
        joined = SITE_LAUNCHED_AT + timedelta(seconds=rng.randrange(span))
        language = rng.choices(languages, weights=language_weights)[0]
        districts = world.districts.get(region.id) or []
        district = rng.choice(districts) if districts and rng.random() < 0.6 else None
        users.append(
            {
                "email": f"citizen{number}@example.kz",
                "password": password_hash,
                "display_name": _display_name(rng, language) if rng.random() < 0.7 else "",
                "language": language,
                "region_id": region.pk,
                "district_id": district.pk if district else None,
                "date_joined": joined,
                "email_confirmed_at": joined + timedelta(minutes=rng.randint(1, 600)),
            }
        )
    user_ids = _insert(User, users)
    _insert(
        Consent,
        [
            {
                "user_id": user_id,
                "consent_text_id": consent_text.pk,
                "given_at": user["date_joined"],
                "channel": Consent.Channel.SEED.value,
                "language": user["language"],
            }
            for user_id, user in zip(user_ids, users, strict=True)
        ],
    )
    citizens = CitizenWorld(demo_citizen_id=user_ids[0])
    for user_id, user in zip(user_ids, users, strict=True):
        citizens.citizen_ids_by_region.setdefault(user["region_id"], []).append(user_id)
    return citizens


def _insert(model, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows (attribute name → value, the rest defaulted); their ids, in order.

    PostgreSQL gets them by COPY with ids drawn from the table's sequence (several times
    faster than bulk_create at national scale); other databases by bulk_create.
    """
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH_SIZE)
        return [instance.pk for instance in created]
    table = model._meta.db_table
    fields = model._meta.concrete_fields
    defaults = {field.attname: field.get_default() for field in fields}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(quote(field.column) for field in fields)
        with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for row_id, row in zip(ids, rows, strict=True):
                values = {**defaults, **row, "id": row_id}
                copy.write_row([values[field.attname] for field in fields])
    return ids


def _display_name(rng: random.Random, language: str) -> str:
    name = random_name(rng)
    given = getattr(name, f"given_name_{language}") or name.given_name_ru
    family = getattr(name, f"family_name_{language}") or name.family_name_ru
    return f"{given} {family[:1]}."
