"""Seed step: methodology versions, publication modes, evaluations and snapshot history.

The scenario: every region in pilot since September 2025 and public from 1 February
2026, except Abai and Ulytau, still in pilot, so the demo shows both modes. About
six in ten citizens who confirmed an outcome also give a mark that follows it, and
about half of the citizens who came to a reception with their account mark the visit
(methodology v3 counts those marks too). Monthly snapshots over the last half year
give the profiles their history.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from halyq.appeals.models import Appeal
from halyq.directory.models import Region
from halyq.integrity.services import event_record
from halyq.ratings.methodologies import methodology_publish
from halyq.ratings.models import Evaluation, PublicationMode, Snapshot
from halyq.ratings.services import _evaluation_payload
from halyq.ratings.snapshots import snapshot_compute
from halyq.receptions.models import Booking
from halyq.scoring.versions import CURRENT_VERSION
from halyq.seeding.scale import Scale

PILOT_SINCE = date(2025, 9, 1)
PUBLIC_FROM = date(2026, 2, 1)
STILL_IN_PILOT = {"10", "62"}
MARKS = {"yes": (5, 5, 5, 4, 4, 3), "partly": (4, 3, 3, 2), "no": (1, 1, 2, 2, 3)}
VISIT_MARKS = (5, 5, 5, 4, 4, 4, 3, 3, 2, 1)
COMMENTS = (
    "Спасибо, вопрос решили быстро.",
    "Ответили вовремя, но проблема осталась.",
    "Рахмет, мәселе шешілді.",
    "Внимательно выслушали на приёме.",
    "",
    "",
)


def seed_ratings(rng: random.Random, scale: Scale, world) -> None:
    methodology_publish(version=CURRENT_VERSION)
    for region in Region.objects.all():
        public = region.code not in STILL_IN_PILOT
        PublicationMode.objects.create(
            region=region,
            mode=PublicationMode.Mode.PUBLIC if public else PublicationMode.Mode.PILOT,
            public_from=PUBLIC_FROM if public else None,
        )
    _seed_evaluations(rng, ledger=scale.name == "demo")
    today = timezone.localdate()
    if scale.name == "demo":
        for months_back in range(6, 0, -1):
            as_of = (
                (today.replace(day=1) - timedelta(days=1))
                if months_back == 1
                else _month_end(today, months_back)
            )
            moment = timezone.make_aware(datetime.combine(as_of, time(23, 0)))
            snapshot_compute(scope=Snapshot.Scope.PUBLIC, as_of=as_of, now=moment)
    snapshot_compute(scope=Snapshot.Scope.PILOT)
    snapshot_compute(scope=Snapshot.Scope.PUBLIC)


def _month_end(today: date, months_back: int) -> date:
    first = today.replace(day=1)
    for _ in range(months_back - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return first - timedelta(days=1)


def _seed_evaluations(rng: random.Random, *, ledger: bool) -> None:
    rated = (
        Appeal.objects.filter(resolution__in=MARKS, author__isnull=False, closed_on__isnull=False)
        .exclude(answered_by__isnull=True, assigned_person__isnull=True)
        .values_list(
            "id", "author_id", "answered_by_id", "assigned_person_id", "resolution", "closed_on"
        )
        .order_by("id")
    )
    evaluations = []
    for appeal_id, author_id, answered_by, assigned, resolution, closed_on in rated.iterator(
        chunk_size=20_000
    ):
        if rng.random() > 0.6:
            continue
        comment = rng.choice(COMMENTS)
        evaluations.append(
            (
                Evaluation(
                    appeal_id=appeal_id,
                    person_id=answered_by or assigned,
                    author_id=author_id,
                    score=rng.choice(MARKS[resolution]),
                    comment=comment,
                    comment_status=Evaluation.CommentStatus.PUBLISHED
                    if comment
                    else Evaluation.CommentStatus.NONE,
                ),
                timezone.make_aware(datetime.combine(closed_on, time(12, 0))),
            )
        )
    visits = (
        Booking.objects.filter(status=Booking.Status.ATTENDED, citizen__isnull=False)
        .values_list("id", "citizen_id", "reception__person_id", "reception__date")
        .order_by("id")
    )
    now = timezone.now()
    for booking_id, citizen_id, person_id, day in visits.iterator(chunk_size=20_000):
        if rng.random() > 0.5:
            continue
        comment = rng.choice(COMMENTS)
        evaluations.append(
            (
                Evaluation(
                    booking_id=booking_id,
                    person_id=person_id,
                    author_id=citizen_id,
                    score=rng.choice(VISIT_MARKS),
                    comment=comment,
                    comment_status=Evaluation.CommentStatus.PUBLISHED
                    if comment
                    else Evaluation.CommentStatus.NONE,
                ),
                min(now, timezone.make_aware(datetime.combine(day, time(19, 0)))),
            )
        )
    Evaluation.objects.bulk_create([evaluation for evaluation, _ in evaluations], batch_size=5000)
    # Marks are given on the day the appeal closed or the reception was held (bulk_create
    # stamps "now").
    by_day: dict[datetime, list[int]] = {}
    for evaluation, moment in evaluations:
        by_day.setdefault(moment, []).append(evaluation.pk)
    for moment, ids in by_day.items():
        Evaluation.objects.filter(pk__in=ids).update(created_at=moment, updated_at=moment)
    if ledger:
        for evaluation in Evaluation.objects.select_related("person__region").order_by(
            "created_at", "id"
        ):
            event_record(
                kind="evaluation.accepted",
                payload=_evaluation_payload(evaluation),
                occurred_at=evaluation.created_at,
            )
