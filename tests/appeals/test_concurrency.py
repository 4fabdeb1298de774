"""Concurrent requests: a retried submission stores one appeal; numbers never collide."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from halyq.appeals.models import Appeal, AppealEvent
from halyq.integrity.models import LedgerEntry
from tests.appeals import factories as f

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _run_together(count, work):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def runner(index):
        try:
            barrier.wait()
            results.append(work(index))
        except Exception as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def test_concurrent_retries_of_one_submission_store_one_appeal(world):
    key = uuid.uuid4()
    results, errors = _run_together(
        4, lambda _: f.web_appeal(world.citizen_a, world.office_x, idempotency_key=key).pk
    )
    assert errors == []
    assert len(set(results)) == 1
    assert Appeal.objects.count() == 1
    assert AppealEvent.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="appeal.registered").count() == 1


def test_concurrent_registrations_get_distinct_consecutive_numbers(world):
    results, errors = _run_together(
        6, lambda _: f.web_appeal(world.citizen_a, world.office_x).number
    )
    assert errors == []
    assert sorted(results) == [f"AST-{results[0][4:8]}-{n:06d}" for n in range(1, 7)]


def test_concurrent_senders_send_every_notification_exactly_once(world, settings):
    from django.core import mail

    from halyq.appeals import notifications
    from halyq.appeals.models import Notification

    settings.HALYQ_APPEAL_MAIL_SENDING = "sender"
    for number in range(12):
        f.web_appeal((world.citizen_a, world.citizen_b)[number % 2], world.office_x)

    def send(_):
        sent = 0
        while batch := notifications.deliver_due(limit=2)["sent"]:
            sent += batch
        return sent

    results, errors = _run_together(4, send)
    assert errors == []
    assert sum(results) == 12 == len(mail.outbox)
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}
