"""The seed step: programmes for every region, items in every status, consistent rules."""

from __future__ import annotations

import random

import pytest
from django.db.models import Count, Q

from halyq.accounts.models import RoleAssignment, User
from halyq.directory.models import Region
from halyq.programmes import rules as programme_rules  # noqa: F401 — registers the rules
from halyq.programmes.models import (
    DELIVERED_STATUSES,
    OVERDUE,
    Confirmation,
    DisputeReview,
    Evidence,
    Mandate,
    Programme,
    Status,
    TrackedItem,
)
from halyq.programmes.rollup import Node, roll_up
from halyq.programmes.selectors import status_counts
from halyq.programmes.services import deputy_territories, monitor_territory_problem
from halyq.seeding.directory import seed_directory
from halyq.seeding.programmes import MODERATOR_EMAIL, seed_programmes
from halyq.seeding.scale import DEMO

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    rng = random.Random(2026)
    world = seed_directory(rng, DEMO)
    return seed_programmes(rng, DEMO, world)


def test_demo_has_programmes_for_every_region_and_items_in_every_status(seeded):
    assert Programme.objects.filter(district__isnull=True).count() == 20
    assert Programme.objects.filter(district__isnull=False).count() == 20
    measures = TrackedItem.objects.filter(kind="measure")
    assert 300 <= measures.count() <= 500
    assert 300 <= Mandate.objects.count() <= 500
    counts = status_counts(TrackedItem.objects.all())
    for status in [*Status.values, OVERDUE]:
        assert counts[status] > 0, status
    assert set(Mandate.objects.values_list("state", flat=True)) == {
        "registered",
        "accepted",
        "declined",
    }
    assert Mandate.objects.filter(item__kind="measure").exists()
    assert Mandate.objects.filter(item__kind="mandate").exists()
    assert Confirmation.objects.filter(state="held").exists()
    assert DisputeReview.objects.exists()


def test_demo_data_follows_the_services_rules(seeded):
    delivered = TrackedItem.objects.filter(status__in=list(DELIVERED_STATUSES))
    assert not delivered.filter(completed_on__isnull=True).exists()
    assert not delivered.annotate(n=Count("evidence")).filter(n=0).exists(), (
        "delivered needs evidence"
    )
    assert not TrackedItem.objects.filter(status="cancelled", cancellation_reason="").exists()
    assert not TrackedItem.objects.filter(Q(progress__lt=0) | Q(progress__gt=100)).exists()
    # parents are done only when their live parts are
    for parent in TrackedItem.objects.filter(status="done", children__isnull=False).distinct():
        assert not parent.children.exclude(status__in=["done", "cancelled"]).exists()
    # monitors belong to the item's territory
    items = list(TrackedItem.objects.prefetch_related("monitors")[:300])
    territories = deputy_territories({p.pk for item in items for p in item.monitors.all()})
    for item in items:
        for person in item.monitors.all():
            assert (
                monitor_territory_problem(
                    person, territories[person.pk], item.region_id, item.district_id
                )
                is None
            )
    # the stored roll-up is the services' roll-up
    rows = TrackedItem.objects.filter(kind="measure").values_list(
        "pk", "parent_id", "programme_id", "weight", "status", "progress", "rolled_up_progress"
    )
    result = roll_up(Node(r[0], r[1], r[2], float(r[3]), r[4], r[5]) for r in rows)
    for pk, *_rest, stored in rows:
        assert stored == pytest.approx(round(result.progress.get(pk, 0.0), 2))
    # residents answer from their own territory, once per round
    for confirmation in Confirmation.objects.select_related("user", "item")[:200]:
        assert confirmation.user.region_id == confirmation.item.region_id
    assert Evidence.objects.filter(kind="link").exists()


def test_the_astana_moderator_exists_once(seeded):
    moderator = User.objects.get(email=MODERATOR_EMAIL)
    assert moderator.display_name == "Moderator (Astana)"
    assert moderator.check_password("halyq-demo-2026")
    role = RoleAssignment.objects.get(user=moderator)
    assert (role.role, role.region) == ("moderator", Region.objects.get(code="71"))


def test_the_moderator_is_reused_when_another_step_created_it(db):
    existing = User.objects.create_user(MODERATOR_EMAIL, "x", display_name="Moderator (Astana)")
    rng = random.Random(1)
    world = seed_directory(rng, DEMO)
    seeded = seed_programmes(rng, DEMO, world)
    assert seeded.moderator.pk == existing.pk
    assert RoleAssignment.objects.filter(user=existing).count() == 1


def test_the_step_is_deterministic(db):
    from django.db import transaction

    def generated():
        with transaction.atomic():
            rng = random.Random(7)
            seed_programmes(rng, DEMO, seed_directory(rng, DEMO))
            data = list(
                TrackedItem.objects.order_by("programme__code", "code").values_list(
                    "programme__code",
                    "code",
                    "status",
                    "progress",
                    "planned_end_date",
                    "rolled_up_progress",
                )
            )
            transaction.set_rollback(True)
        return data

    assert generated() == generated()
