"""Residents confirm a reported delivery: once each, from the territory; bursts from
new accounts are held; a "no" majority goes to the moderator, whose decision is logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from halyq.integrity.models import LedgerEntry
from halyq.programmes import services
from halyq.programmes.models import Confirmation, DisputeReview, Status
from tests.programmes import factories as make
from tests.programmes.conftest import residents

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(tracker):
    """A Yesil measure monitored by Bolat, reported done."""
    item = make.item(tracker["yesil_programme"], "Y1", monitors=[tracker["people"]["bolat"]])
    services.item_report(
        actor=tracker["users"]["bolat"], item=item, status=Status.DONE, evidence=[make.link()]
    )
    item.refresh_from_db()
    return item


def test_a_resident_confirms_once(tracker, delivered):
    erlan = tracker["users"]["erlan"]
    confirmation = services.confirmation_submit(user=erlan, item=delivered, answer="yes")
    assert confirmation.state == Confirmation.State.COUNTED
    delivered.refresh_from_db()
    assert (delivered.confirmations_yes, delivered.confirmation_percent) == (1, 100)
    with pytest.raises(ValidationError, match="already answered"):
        services.confirmation_submit(user=erlan, item=delivered, answer="no")
    delivered.refresh_from_db()
    assert (delivered.confirmations_yes, delivered.confirmations_no) == (1, 0)
    entry = LedgerEntry.objects.get(kind="programme.confirmation.counted")
    assert entry.payload["answer"] == "yes"
    assert len(entry.payload["citizen"]) == 32  # a keyed pseudonym, not the account
    assert "erlan" not in str(entry.payload)


def test_partly_counts_half_in_the_confirmation_rate(tracker, delivered):
    services.confirmation_submit(user=tracker["users"]["erlan"], item=delivered, answer="yes")
    services.confirmation_submit(user=tracker["users"]["saule"], item=delivered, answer="partly")
    delivered.refresh_from_db()
    assert delivered.confirmation_rate == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("almaty_resident", "Only residents"),
        ("citizen", "Only residents"),  # no region of residence given
        ("unconfirmed", "Confirm your email"),
        ("bolat", "responsible for an item"),
    ],
)
def test_outsiders_unconfirmed_accounts_and_monitors_are_refused(tracker, delivered, who, message):
    user = tracker["users"][who]
    if who == "bolat":  # a deputy living in Yesil is still refused: he monitors the item
        user.region, user.district = tracker["astana"], tracker["yesil"]
        user.save()
    with pytest.raises(ValidationError, match=message):
        services.confirmation_submit(user=user, item=delivered, answer="no")
    assert not Confirmation.objects.exists()


def test_a_resident_of_another_district_of_the_region_is_refused(tracker, delivered):
    neighbour = residents(1, region=tracker["astana"], district=tracker["saryarka"])[0]
    with pytest.raises(ValidationError, match="Only residents"):
        services.confirmation_submit(user=neighbour, item=delivered, answer="no")


def test_an_item_not_reported_delivered_cannot_be_confirmed(tracker):
    item = make.item(tracker["yesil_programme"], "Y2")
    with pytest.raises(ValidationError, match="reported as done"):
        services.confirmation_submit(user=tracker["users"]["erlan"], item=item, answer="yes")


def test_a_no_majority_from_enough_residents_flags_the_item(tracker, delivered, settings):
    settings.HALYQ_PROGRAMMES_DISPUTE_MIN_CONFIRMATIONS = 4
    people = residents(4, region=tracker["astana"], district=tracker["yesil"])
    for user, answer in zip(people[:3], ["no", "no", "yes"], strict=True):
        services.confirmation_submit(user=user, item=delivered, answer=answer)
    assert not DisputeReview.objects.exists(), "3 answers are fewer than the minimum"
    services.confirmation_submit(user=people[3], item=delivered, answer="partly")
    assert not DisputeReview.objects.exists(), "2 'no' of 4 is not a majority"
    services.confirmation_submit(user=tracker["users"]["erlan"], item=delivered, answer="no")
    review = DisputeReview.objects.get()
    assert (review.yes_at_opening, review.partly_at_opening, review.no_at_opening) == (1, 1, 3)
    delivered.refresh_from_db()
    assert delivered.dispute_state == "open"


def test_the_moderator_overturns_a_disputed_delivery_and_it_is_logged(tracker, delivered, settings):
    settings.HALYQ_PROGRAMMES_DISPUTE_MIN_CONFIRMATIONS = 1
    services.confirmation_submit(user=tracker["users"]["erlan"], item=delivered, answer="no")
    review = DisputeReview.objects.get()
    with pytest.raises(PermissionDenied):
        services.review_decide(
            actor=tracker["users"]["almaty_moderator"], review=review, upheld=True, reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.review_decide(
            actor=tracker["users"]["bolat"], review=review, upheld=True, reason="x"
        )
    with pytest.raises(ValidationError, match="goes back to"):
        services.review_decide(
            actor=tracker["users"]["moderator"], review=review, upheld=False, reason="x"
        )
    services.review_decide(
        actor=tracker["users"]["moderator"],
        review=review,
        upheld=False,
        reason="The site visit found the road unfinished",
        status_after=Status.IN_PROGRESS,
    )
    delivered.refresh_from_db()
    assert delivered.status == Status.IN_PROGRESS and delivered.progress == 99
    assert delivered.dispute_state == "overturned" and delivered.completed_on is None
    change = delivered.changes.last()
    assert change.kind == "reviewed" and change.note == "The site visit found the road unfinished"
    assert change.actor_role == "moderator"
    decided = LedgerEntry.objects.get(kind="programme.review.decided")
    assert decided.payload["decision"] == "overturned" and decided.payload["no"] == 1
    with pytest.raises(ValidationError, match="already been decided"):
        services.review_decide(
            actor=tracker["users"]["moderator"], review=review, upheld=True, reason="x"
        )


def test_an_upheld_delivery_stays_done(tracker, delivered, settings):
    settings.HALYQ_PROGRAMMES_DISPUTE_MIN_CONFIRMATIONS = 1
    services.confirmation_submit(user=tracker["users"]["erlan"], item=delivered, answer="no")
    services.review_decide(
        actor=tracker["users"]["admin"],
        review=DisputeReview.objects.get(),
        upheld=True,
        reason="Acts checked",
    )
    delivered.refresh_from_db()
    assert delivered.status == Status.DONE and delivered.dispute_state == "upheld"
    # A later "no" does not reopen the decided dispute of this round.
    services.confirmation_submit(user=tracker["users"]["saule"], item=delivered, answer="no")
    assert DisputeReview.objects.count() == 1


def test_a_burst_of_confirmations_from_new_accounts_is_held(tracker, delivered, settings):
    settings.HALYQ_PROGRAMMES_BURST_COUNT = 3
    settings.HALYQ_PROGRAMMES_NEW_ACCOUNT_DAYS = 14
    settings.HALYQ_PROGRAMMES_DISPUTE_MIN_CONFIRMATIONS = 2
    fresh = residents(3, region=tracker["astana"], district=tracker["yesil"], joined_days_ago=2)
    first = services.confirmation_submit(user=fresh[0], item=delivered, answer="no")
    second = services.confirmation_submit(user=fresh[1], item=delivered, answer="no")
    assert first.state == second.state == Confirmation.State.COUNTED
    assert DisputeReview.objects.count() == 1  # two counted "no": flagged
    DisputeReview.objects.all().delete()
    delivered.dispute_state = "none"
    delivered.save(update_fields=["dispute_state"])
    third = services.confirmation_submit(user=fresh[2], item=delivered, answer="no")
    assert third.state == Confirmation.State.HELD
    states = set(Confirmation.objects.values_list("state", flat=True))
    assert states == {Confirmation.State.HELD}, "the whole burst is held, not only the last"
    delivered.refresh_from_db()
    assert (delivered.confirmations_no, delivered.confirmations_held) == (0, 3)
    assert not DisputeReview.objects.exists(), "held answers do not count towards a dispute"
    # An old account is not part of a burst and counts at once.
    services.confirmation_submit(user=tracker["users"]["erlan"], item=delivered, answer="yes")
    delivered.refresh_from_db()
    assert delivered.confirmations_yes == 1
    assert LedgerEntry.objects.filter(kind="programme.confirmation.held").count() == 3


def test_old_confirmations_outside_the_burst_window_do_not_count_towards_a_burst(
    tracker, delivered, settings
):
    settings.HALYQ_PROGRAMMES_BURST_COUNT = 2
    settings.HALYQ_PROGRAMMES_BURST_HOURS = 24
    fresh = residents(2, region=tracker["astana"], district=tracker["yesil"], joined_days_ago=2)
    early = services.confirmation_submit(user=fresh[0], item=delivered, answer="yes")
    Confirmation.objects.filter(pk=early.pk).update(created_at=timezone.now() - timedelta(hours=30))
    later = services.confirmation_submit(user=fresh[1], item=delivered, answer="yes")
    assert later.state == Confirmation.State.COUNTED


def test_the_moderator_restores_or_excludes_held_confirmations(tracker, delivered, settings):
    settings.HALYQ_PROGRAMMES_BURST_COUNT = 2
    fresh = residents(2, region=tracker["astana"], district=tracker["yesil"], joined_days_ago=1)
    for user in fresh:
        services.confirmation_submit(user=user, item=delivered, answer="yes")
    held = list(Confirmation.objects.order_by("pk"))
    with pytest.raises(PermissionDenied):
        services.confirmation_decide(
            actor=tracker["users"]["almaty_moderator"], confirmation=held[0], count=True
        )
    services.confirmation_decide(
        actor=tracker["users"]["moderator"], confirmation=held[0], count=True
    )
    services.confirmation_decide(
        actor=tracker["users"]["moderator"], confirmation=held[1], count=False
    )
    delivered.refresh_from_db()
    assert (delivered.confirmations_yes, delivered.confirmations_held) == (1, 0)
    assert LedgerEntry.objects.filter(kind="programme.confirmation.restored").count() == 1
    assert LedgerEntry.objects.filter(kind="programme.confirmation.excluded").count() == 1
    with pytest.raises(ValidationError, match="not held"):
        services.confirmation_decide(
            actor=tracker["users"]["moderator"], confirmation=held[0], count=False
        )


def test_resident_photos_are_stripped_of_location(tracker, delivered):
    confirmation = services.confirmation_submit(
        user=tracker["users"]["erlan"], item=delivered, answer="no", photo=make.jpeg_with_gps()
    )
    from PIL import Image

    with confirmation.photo.open("rb") as stored, Image.open(stored) as image:
        assert not image.getexif()
    assert confirmation.photo.name.startswith("programmes/confirmations/")


def test_a_new_report_starts_a_new_round_of_confirmations(tracker, delivered):
    erlan = tracker["users"]["erlan"]
    services.confirmation_submit(user=erlan, item=delivered, answer="no")
    services.item_report(actor=None, item=delivered, status=Status.IN_PROGRESS, progress=90)
    services.item_report(actor=None, item=delivered, status=Status.DONE, evidence=[make.link()])
    delivered.refresh_from_db()
    assert delivered.confirmations_no == 0
    services.confirmation_submit(user=erlan, item=delivered, answer="yes")
    assert Confirmation.objects.filter(user=erlan).count() == 2
