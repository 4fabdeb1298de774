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
    assert notifications.deliver_due() == {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
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


# ------------------------------------------------------------------ the sender process
FLAKY = "tests.appeals.mail_backends.FlakyBackend"


@pytest.fixture
def sender(settings):
    """Mail is sent by the sender, over the flaky backend, which starts healthy."""
    from tests.appeals.mail_backends import FlakyBackend

    settings.HALYQ_APPEAL_MAIL_SENDING = "sender"
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.sessions, FlakyBackend.refused, FlakyBackend.down = 0, set(), False
    return FlakyBackend


def test_with_a_sender_the_request_only_queues_and_the_sender_sends_at_once(
    world, sender, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = f.visitor_appeal(world.operator_x, world.office_x)
    assert mail.outbox == []  # the request sent nothing
    queued = Notification.objects.filter(appeal=appeal)
    assert queued.count() == 2  # registered, and the one-time code to confirm it
    assert all(n.next_attempt_at <= timezone.now() for n in queued)
    assert notifications.deliver_due() == {"sent": 2, "retry": 0, "failed": 0, "skipped": 0}
    assert {(n.status, n.attempts, str(n.context)) for n in queued.all()} == {("sent", 1, "{}")}
    assert [m.to for m in mail.outbox] == [["visitor@example.kz"]] * 2
    assert notifications.deliver_due()["sent"] == 0  # sent once only


def test_a_batch_shares_one_mail_session_and_one_refusal_stops_nobody_else(world, sender):
    sender.refused = {"citizen.b@example.kz"}
    for citizen in (world.citizen_a, world.citizen_b, world.citizen_a):
        f.web_appeal(citizen, world.office_x)
    assert notifications.deliver_due() == {"sent": 2, "retry": 1, "failed": 0, "skipped": 0}
    assert sender.sessions == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["citizen.a@example.kz"] * 2
    refused = Notification.objects.get(status=Notification.Status.PENDING)
    assert refused.appeal.author == world.citizen_b
    assert (refused.attempts, refused.last_error) == (1, "SMTPRecipientsRefused")
    assert refused.next_attempt_at > timezone.now()  # backs off instead of looping


def test_a_server_down_leaves_the_whole_batch_for_later(world, sender):
    sender.down = True
    f.web_appeal(world.citizen_a, world.office_x)
    f.web_appeal(world.citizen_b, world.office_x)
    assert notifications.deliver_due() == {"sent": 0, "retry": 2, "failed": 0, "skipped": 0}
    assert mail.outbox == []
    assert set(Notification.objects.values_list("status", "attempts")) == {("pending", 1)}
    sender.down = False
    Notification.objects.update(next_attempt_at=timezone.now())
    call_command("appeals", "retry-mail", stdout=io.StringIO())
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 2


def test_the_mail_sending_setting_accepts_only_the_two_ways(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from halyq.config.environment import env_choice

    monkeypatch.setenv("HALYQ_APPEAL_MAIL_SENDING", "smoke signals")
    with pytest.raises(ImproperlyConfigured, match="after_commit, sender"):
        env_choice("HALYQ_APPEAL_MAIL_SENDING", choices=("after_commit", "sender"), default="x")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_send_command_sends_what_is_due_and_stops_on_sigterm(world, sender):
    import os
    import signal
    import threading

    f.web_appeal(world.citizen_a, world.office_x)
    handler = signal.getsignal(signal.SIGTERM)
    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM)).start()
    out = io.StringIO()
    call_command("appeals", "send", "--poll", "0.05", stdout=out)
    assert "stopped: sent 1, retry 0, failed 0, skipped 0" in out.getvalue()
    assert Notification.objects.get().status == Notification.Status.SENT
    assert signal.getsignal(signal.SIGTERM) is handler  # the process's handler is back
