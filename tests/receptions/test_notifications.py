"""Mail: the confirmation after commit, the day-before reminder once, in the citizen's language."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from halyq.receptions import notifications, services
from halyq.receptions.models import Booking
from tests.receptions.factories import BookingFactory, ReceptionFactory


@pytest.fixture
def tomorrow(world):
    return ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        date=timezone.localdate() + timedelta(days=1),
    )


def test_the_confirmation_is_written_in_the_citizens_language(
    world, reception, django_capture_on_commit_callbacks
):
    world.aigerim.language = "en"
    world.aigerim.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_create(citizen=world.aigerim, reception=reception, slot_start=time(11, 0))
    message = mail.outbox[0]
    assert message.extra_headers["Content-Language"] == "en"
    assert "You are booked for a reception on" in message.subject and "11:00" in message.subject
    assert "Nurlanov Alikhan" in message.body
    assert "Astana public reception" in message.body
    assert "/receptions/my/" in message.body


def test_a_kazakh_citizen_gets_kazakh_mail(world, reception, django_capture_on_commit_callbacks):
    world.aigerim.language = "kk"
    world.aigerim.save()
    with translation.override("kk"):
        translated = translation.gettext("We will remind you the day before.")
    if translated == "We will remind you the day before.":
        pytest.skip(
            "the Kazakh catalogue is compiled by the lead from /tmp/translations/receptions.json"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_create(citizen=world.aigerim, reception=reception, slot_start=time(11, 0))
    assert mail.outbox[0].extra_headers["Content-Language"] == "kk"
    assert translated in mail.outbox[0].body


def test_a_rolled_back_booking_sends_nothing(world, reception, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.booking_create(citizen=world.aigerim, reception=reception, slot_start=time(11, 0))
        raise RuntimeError("the surrounding change failed")
    assert mail.outbox == []
    assert not Booking.objects.exists()


def test_a_mail_server_failure_never_undoes_the_booking(
    world, reception, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down for aigerim@example.kz")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(
            citizen=world.aigerim, reception=reception, slot_start=time(11, 0)
        )
    assert Booking.objects.get() == booking
    assert "aigerim@example.kz" not in caplog.text
    assert "ConnectionRefusedError" in caplog.text


def test_reminders_go_once_to_tomorrows_online_bookings(world, tomorrow, reception):
    BookingFactory(reception=tomorrow, citizen=world.aigerim, slot_start=time(10, 0))
    BookingFactory(
        reception=tomorrow, citizen=world.boris, slot_start=time(10, 30), status="cancelled"
    )
    BookingFactory(
        reception=tomorrow,
        citizen=None,
        visitor_name="Visitor",
        channel="operator",
        slot_start=time(11, 0),
    )
    BookingFactory(reception=reception, citizen=world.boris)  # next week: not yet
    call_command("receptions", "send-reminders")
    assert [m.to for m in mail.outbox] == [["aigerim@example.kz"]]
    # In Aigerim's language (Russian, the default), whatever the language of the run.
    assert mail.outbox[0].extra_headers["Content-Language"] == "ru"
    assert "завтра" in mail.outbox[0].subject
    call_command("receptions", "send-reminders")
    assert len(mail.outbox) == 1


def test_a_failed_reminder_is_retried_by_the_next_run(world, tomorrow, monkeypatch):
    booking = BookingFactory(reception=tomorrow, citizen=world.aigerim)
    original = notifications.EmailMessage.send

    def broken(self, *args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(notifications.EmailMessage, "send", broken)
    assert services.bookings_send_reminders() == {"sent": 0, "skipped": 0, "failed": 1}
    booking.refresh_from_db()
    assert booking.reminder_sent_at is None
    monkeypatch.setattr(notifications.EmailMessage, "send", original)
    assert services.bookings_send_reminders() == {"sent": 1, "skipped": 0, "failed": 0}
    booking.refresh_from_db()
    assert booking.reminder_sent_at is not None


def test_a_cancelled_reception_sends_no_reminder_and_an_inactive_account_gets_none(world, tomorrow):
    BookingFactory(reception=tomorrow, citizen=world.boris, slot_start=time(10, 30))
    world.boris.is_active = False
    world.boris.save()
    assert services.bookings_send_reminders()["skipped"] == 1
    other = ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        status="cancelled",
        cancel_reason="illness",
        date=timezone.localdate() + timedelta(days=1),
        start_time=time(14, 0),
        end_time=time(15, 0),
    )
    BookingFactory(reception=other, citizen=world.aigerim)
    assert services.bookings_send_reminders() == {"sent": 0, "skipped": 0, "failed": 0}
    assert mail.outbox == []


def test_the_command_catches_up_a_missed_day_and_refuses_a_bad_date(world, tomorrow, capsys):
    BookingFactory(reception=tomorrow, citizen=world.aigerim)
    call_command(
        "receptions",
        "send-reminders",
        "--today",
        (timezone.localdate() - timedelta(days=1)).isoformat(),
    )
    assert mail.outbox == []
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("receptions", "send-reminders", "--today", "tomorrow")
    with pytest.raises(CommandError, match="send-reminders"):
        call_command("receptions")
    call_command("receptions", "send-reminders")
    assert "1 sent" in capsys.readouterr().out
