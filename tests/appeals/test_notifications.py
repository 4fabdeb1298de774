"""The outbox, the scheduled commands and the deadlines they act on."""

from __future__ import annotations

import io
import logging
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from halyq.appeals import deadlines, notifications, services
from halyq.appeals.models import Appeal, Notification
from halyq.appeals.workflow import State
from halyq.integrity.models import LedgerEntry
from tests.appeals import factories as f

pytestmark = pytest.mark.django_db
FAILING = "tests.appeals.mail_backends.FailingBackend"


def test_a_failing_mail_server_loses_nothing_and_the_mail_is_retried(
    world, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        appeal = f.web_appeal(world.citizen_a, world.office_x)
    assert Appeal.objects.filter(pk=appeal.pk).exists()
    assert LedgerEntry.objects.filter(kind="appeal.registered").count() == 1
    outbox = Notification.objects.get(appeal=appeal)
    assert outbox.status == Notification.Status.PENDING and outbox.attempts == 1
    assert outbox.last_error == "SMTPException"
    assert outbox.next_attempt_at > timezone.now()
    # Not due yet: the command leaves it alone.
    assert notifications.deliver_due() == {
        "sent": 0,
        "retry": 0,
        "failed": 0,
        "skipped": 0,
        "busy": 0,
    }
    # The server is back and the backoff has passed: the command sends it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Notification.objects.filter(pk=outbox.pk).update(next_attempt_at=timezone.now())
    call_command("appeals", "retry-mail", stdout=io.StringIO())
    outbox.refresh_from_db()
    assert outbox.status == Notification.Status.SENT and outbox.attempts == 2
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["citizen.a@example.kz"]
    logged = caplog.text
    assert "citizen.a@example.kz" not in logged and appeal.text not in logged


def test_backoff_grows_and_gives_up_after_the_limit(world, settings):
    settings.EMAIL_BACKEND = FAILING
    settings.HALYQ_APPEAL_MAIL_MAX_ATTEMPTS = 3
    appeal = f.web_appeal(world.citizen_a, world.office_x)
    delays = []
    for _ in range(3):
        Notification.objects.update(next_attempt_at=timezone.now())
        before = timezone.now()
        notifications.deliver_due()
        delays.append((Notification.objects.get().next_attempt_at - before).total_seconds())
    row = Notification.objects.get()
    assert row.status == Notification.Status.FAILED and row.attempts == 3
    assert delays[0] < delays[1]
    assert Appeal.objects.filter(pk=appeal.pk).exists()


def test_a_crash_before_the_send_after_commit_is_recovered_by_the_command(world):
    # No on-commit callbacks run here (as if the process died right after commit).
    appeal = f.web_appeal(world.citizen_a, world.office_x)
    assert Notification.objects.get(appeal=appeal).status == Notification.Status.PENDING
    assert mail.outbox == []
    # Within the first-send lease the command leaves it to the sender after commit...
    assert notifications.deliver_due()["sent"] == 0
    # ...after it, the command sends it.
    Notification.objects.update(next_attempt_at=timezone.now())
    assert notifications.deliver_due()["sent"] == 1
    assert len(mail.outbox) == 1


def test_mail_is_in_the_recipients_language(world, django_capture_on_commit_callbacks):
    world.citizen_a.language = "en"
    world.citizen_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        appeal = f.web_appeal(world.citizen_a, world.office_x)
    message = mail.outbox[0]
    assert f"Your appeal {appeal.number} is registered" == message.subject
    assert f"https://halyq.test/en/appeals/{appeal.number}/" in message.body or (
        f"https://halyq.test/appeals/{appeal.number}/" in message.body
    )


def test_a_rolled_back_change_sends_nothing(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        f.web_appeal(world.citizen_a, world.office_x)
        transaction.set_rollback(True)
    assert mail.outbox == [] and Appeal.objects.count() == 0 and Notification.objects.count() == 0


def test_the_person_is_told_on_assignment_and_reminded_before_the_deadline(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = f.assign(
            f.web_appeal(world.citizen_a, world.office_x), world.operator_x, world.deputy_person
        )
    assert any(m.to == ["deputy@example.kz"] for m in mail.outbox)
    today = deadlines.local_date()
    reminder_day = deadlines.reminder_day(today)
    Appeal.objects.filter(pk=appeal.pk).update(due_on=reminder_day)
    assert services.appeals_send_reminders(today=today) == 1
    assert services.appeals_send_reminders(today=today) == 0  # once per deadline
    assert (
        Notification.objects.filter(kind="deadline_reminder", person=world.deputy_person).count()
        == 1
    )
    # Further away: no reminder yet.
    Appeal.objects.filter(pk=appeal.pk).update(due_on=reminder_day + timedelta(days=10))
    assert services.appeals_send_reminders(today=today) == 0


def test_unconfirmed_answers_close_after_ten_working_days(world):
    appeal = f.assign(
        f.web_appeal(world.citizen_a, world.office_x), world.operator_x, world.deputy_person
    )
    appeal = services.appeal_transition(
        appeal_id=appeal.pk,
        action="answer",
        user=world.deputy,
        version=appeal.version,
        data=services.TransitionInput(answer="The boiler was repaired on Friday."),
    )
    answered_on = date(2026, 2, 2)  # Monday; ten working days later is Monday 16 February
    Appeal.objects.filter(pk=appeal.pk).update(
        answered_on=answered_on,
        registered_on=answered_on - timedelta(days=7),
        term_started_on=answered_on - timedelta(days=7),
    )
    assert services.appeals_close_unconfirmed(today=date(2026, 2, 13)) == 0
    assert services.appeals_close_unconfirmed(today=date(2026, 2, 16)) == 1
    closed = Appeal.objects.get(pk=appeal.pk)
    assert (closed.state, closed.resolution) == (State.CLOSED, "none")
    entry = LedgerEntry.objects.filter(kind="appeal.closed").get()
    assert entry.payload["resolution"] == "none" and entry.payload["confirmed_by_citizen"] is False


def test_tick_runs_every_step(world):
    out = []

    class Out:
        def write(self, text):
            out.append(text)

        def flush(self):
            pass

    call_command("appeals", "tick", stdout=Out())
    text = "".join(out)
    assert "reminders queued" in text and "closed as answered" in text and "mail:" in text


def test_confirmation_cutoff_matches_working_days():
    today = date(2026, 2, 16)
    cutoff = deadlines.confirmation_cutoff(today)
    assert deadlines.confirmation_window_over(cutoff, today)
    assert not deadlines.confirmation_window_over(cutoff + timedelta(days=1), today)


def test_logs_name_ids_only(world, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.INFO)
    with django_capture_on_commit_callbacks(execute=True):
        appeal = f.web_appeal(
            world.citizen_a, world.office_x, text="Секретный текст обращения про дом 7."
        )
    assert f"appeal {appeal.pk}" in caplog.text
    assert "Секретный" not in caplog.text and "citizen.a@example.kz" not in caplog.text
