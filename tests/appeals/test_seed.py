"""The appeals seed step: offices, staff, appeals in every state, history and ledger."""

from __future__ import annotations

import random
import uuid
from datetime import date

import pytest
from django.db import transaction

from halyq.accounts.models import RoleAssignment, User
from halyq.appeals import services
from halyq.appeals.models import Appeal, AppealEvent, ReceptionOffice
from halyq.appeals.selectors import rating_appeal_columns
from halyq.directory.models import Region
from halyq.integrity.models import LedgerEntry
from halyq.scoring.columns import NO_DATE, NO_DAYS
from halyq.seeding import appeals as step
from halyq.seeding.directory import seed_directory
from halyq.seeding.scale import DEMO
from tests.appeals import factories as f

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setitem(step.APPEALS, "demo", 400)
    monkeypatch.setitem(step.OWN_CITIZENS, "demo", 60)


def _seed(seed=7):
    rng = random.Random(seed)
    world = seed_directory(rng, DEMO)
    return world, step.seed_appeals(rng, DEMO, world, today=TODAY)


def test_demo_step_builds_offices_staff_and_appeals_in_every_state(small):
    world, result = _seed()
    regions = Region.objects.count()
    assert ReceptionOffice.objects.filter(district__isnull=True).count() == regions
    assert ReceptionOffice.objects.count() == regions + sum(
        len(d) for d in world.districts.values()
    )
    assert not ReceptionOffice.objects.filter(receiving_people__isnull=True).exists()
    operator = User.objects.get(email="operator.astana@demo.halyq.kz")
    main = operator.operated_offices.get()
    deputy = User.objects.get(email="deputy@demo.halyq.kz")
    assert main.region.code == "71" and main.receiving_people.filter(pk=deputy.person_id).exists()
    assert RoleAssignment.objects.filter(
        user__email="moderator.astana@demo.halyq.kz", role="moderator", region__code="71"
    ).exists()
    assert Appeal.objects.count() == 400 == result.appeal_count
    states = set(Appeal.objects.values_list("state", flat=True))
    assert (
        states >= {"registered", "assigned", "answered", "closed", "rejected", "duplicate"}
        or len(states) >= 5
    )
    resolutions = set(Appeal.objects.values_list("resolution", flat=True))
    assert {"yes", "partly", "no", "none"} <= resolutions
    assert Appeal.objects.filter(extended_at__isnull=False).exists()
    assert Appeal.objects.filter(transferred_out_of_competence=True).exists()
    assert Appeal.objects.exclude(channel="web").filter(visitor_confirmed_at__isnull=True).exists()
    assert Appeal.objects.filter(
        state__in=["registered", "assigned"], due_on__lt=TODAY
    ).exists()  # overdue
    # Every appeal has its history and its registration in the ledger.
    assert AppealEvent.objects.filter(action="register").count() == 400
    assert LedgerEntry.objects.filter(kind="appeal.registered").count() == 400
    closed = Appeal.objects.filter(state="closed").count()
    reopened = Appeal.objects.filter(reopened_count=1).count()
    assert reopened and LedgerEntry.objects.filter(kind="appeal.reopened").count() == reopened
    assert LedgerEntry.objects.filter(kind="appeal.closed").count() == closed + reopened
    # Numbers are unique and the counters continue after the generated ones.
    assert Appeal.objects.values("number").distinct().count() == 400
    office = (
        ReceptionOffice.objects.get(slug="astana-main")
        if ReceptionOffice.objects.filter(slug="astana-main").exists()
        else main
    )
    new = services.appeal_register(
        author=f.UserFactory(),
        office=office,
        category=f.category(),
        text="Проверка нумерации после генерации данных.",
        idempotency_key=uuid.uuid4(),
    )
    assert (
        new.just_created
        and not Appeal.objects.filter(number=new.number).exclude(pk=new.pk).exists()
    )


def test_demo_step_is_deterministic(small):
    def generated():
        with transaction.atomic():
            _seed(seed=11)
            rows = list(
                Appeal.objects.order_by("number").values_list(
                    "number", "state", "resolution", "due_on"
                )
            )
            transaction.set_rollback(True)
        return rows

    first = generated()
    assert len(first) == 400
    assert generated() == first


def test_rating_feed_reads_the_generated_year(small):
    _seed()
    counting = rating_appeal_columns(since=date(2025, 1, 1), until=TODAY)
    assert len(counting) and counting.counts.all()
    everything = rating_appeal_columns(
        since=date(2025, 1, 1), until=TODAY, include_not_counting=True
    )
    assert len(everything) == 400 > len(counting)
    answered = counting.answered != NO_DATE
    assert answered.any() and (counting.working_days[answered] >= 0).all()
    assert (counting.working_days[~answered] == NO_DAYS).all()
