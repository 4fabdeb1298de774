import random

import pytest
from django.db import transaction

from halyq.directory.models import Membership, Organization, Person
from halyq.seeding.directory import seed_directory
from halyq.seeding.run import AlreadySeeded, seed
from halyq.seeding.scale import DEMO

pytestmark = pytest.mark.django_db


def test_demo_builds_a_populated_country_once():
    # The whole demo is seeded once here (each step's own tests check its output and its
    # determinism in detail); a second run is refused and changes nothing.
    steps = []
    seed(DEMO, report=steps.append)
    assert len(steps) == 7 and steps[-1].startswith("evaluations and rating snapshots")
    assert Person.objects.filter(kind="deputy").count() == 300
    assert Person.objects.filter(kind="reserve").count() == 150
    assert Organization.objects.filter(classification="branch").count() == 20
    # a faction in every regional maslikhat and one in the Mazhilis
    assert Organization.objects.filter(classification="faction").count() == 21
    every_region = set(Person.objects.values_list("region__code", flat=True))
    assert len(every_region) == 20
    # everybody holds a current post, and some have history
    assert not Person.objects.exclude(memberships__end_date__isnull=True).exists()
    assert Membership.objects.filter(end_date__isnull=False).exists()
    assert all(p.search_text for p in Person.objects.all()[:50])
    # The rating counts the marks of reception visits (methodology v3) in the demo.
    from halyq.ratings.models import Evaluation, Snapshot

    assert Evaluation.objects.filter(booking__isnull=False).exists()
    public = Snapshot.objects.filter(scope="public", is_published=True).latest("published_at")
    assert public.methodology.version == "v3"
    assert any(
        result.data["components"]["satisfaction"]["evidence"]["reception_evaluations"] > 0
        for result in public.results.all()
    )
    count = Person.objects.count()
    with pytest.raises(AlreadySeeded):
        seed(DEMO, report=lambda line: None)
    assert Person.objects.count() == count


def test_the_directory_is_deterministic_for_a_seed():
    def generated():
        with transaction.atomic():
            seed_directory(random.Random(7), DEMO)
            people = list(
                Person.objects.order_by("public_id").values_list(
                    "public_id", "family_name_ru", "region__code"
                )
            )
            transaction.set_rollback(True)
        return people

    first = generated()
    assert len(first) == 450
    assert generated() == first
