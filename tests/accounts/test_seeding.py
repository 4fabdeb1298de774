"""The citizens' seed step."""

import random

import pytest
from django.db import transaction
from django.test import Client

from halyq.accounts.models import Consent, ConsentText, User
from halyq.accounts.selectors import is_confirmed_citizen
from halyq.seeding.accounts import DEMO_PASSWORD
from halyq.seeding.citizens import DEMO_CITIZEN_EMAIL, SITE_LAUNCHED_AT, seed_accounts
from halyq.seeding.directory import seed_directory
from halyq.seeding.scale import DEMO

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory_world():
    return seed_directory(random.Random(1), DEMO)


def test_demo_citizens(directory_world):
    world = seed_accounts(random.Random(2026), DEMO, directory_world)
    assert User.objects.count() == 2_001 and world.citizen_count == 2_001
    demo = User.objects.get(email=DEMO_CITIZEN_EMAIL)
    assert world.demo_citizen_id == demo.pk
    assert (demo.display_name, demo.region.code) == ("Demo citizen", "71")
    assert is_confirmed_citizen(demo)
    assert Client().login(email=DEMO_CITIZEN_EMAIL, password=DEMO_PASSWORD)
    # everyone confirmed, consented to version 1 once, with an obviously fake address
    assert not User.objects.filter(email_confirmed_at__isnull=True).exists()
    assert (
        Consent.objects.filter(consent_text__version=1, withdrawn_at__isnull=True).count() == 2_001
    )
    generated = User.objects.exclude(pk=demo.pk)
    assert not generated.exclude(email__regex=r"^citizen[0-9]+@example\.kz$").exists()
    assert not generated.exclude(iin_ciphertext="").exists()
    # the ids per region are exactly the citizens living there
    for region_id, ids in world.citizen_ids_by_region.items():
        assert set(ids) == set(
            User.objects.filter(region_id=region_id).values_list("pk", flat=True)
        )
    # districts, when given, are in the citizen's region
    with_district = generated.filter(district__isnull=False).select_related("district")
    assert with_district.exists() and all(
        u.district.region_id == u.region_id for u in with_district
    )


def test_cities_are_the_biggest(directory_world):
    world = seed_accounts(random.Random(2026), DEMO, directory_world)
    sizes = {
        region.code: len(world.citizen_ids_by_region.get(region.id, []))
        for region in directory_world.regions
    }
    ranking = sorted(sizes, key=sizes.get, reverse=True)
    assert set(ranking[:2]) == {"71", "75"} and "79" in ranking[:4]  # Turkistan is populous too
    assert sizes["75"] > 4 * sizes["62"]  # Almaty city against Ulytau
    assert all(size > 0 for size in sizes.values())


def test_consent_and_join_dates_are_consistent(directory_world):
    world = seed_accounts(random.Random(2026), DEMO, directory_world)
    text = ConsentText.objects.get(version=1)
    assert text.published_at == SITE_LAUNCHED_AT
    users = User.objects.all()
    assert all(SITE_LAUNCHED_AT <= u.date_joined < world.joined_before for u in users)
    assert all(u.email_confirmed_at > u.date_joined for u in users)


def test_the_same_seed_gives_the_same_citizens(directory_world):
    def generated(seed):
        with transaction.atomic():
            seed_accounts(random.Random(seed), DEMO, directory_world)
            rows = list(
                User.objects.order_by("email").values_list(
                    "email", "display_name", "region__code", "language", "date_joined"
                )
            )
            transaction.set_rollback(True)
        return rows

    first = generated(5)
    assert generated(5) == first
    assert generated(6) != first
