"""The appeals' mail against a real SMTP server (aiosmtpd on 127.0.0.1), through Django's
SMTP backend: the sender uses one session per batch, a refused recipient holds back
only its own message, and the send right after commit reaches the server too."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller

from halyq.appeals import notifications
from halyq.appeals.models import Notification
from tests.appeals import factories as f

pytestmark = pytest.mark.django_db


class Mailbox:
    """An aiosmtpd handler that keeps what it accepts and counts the sessions."""

    def __init__(self) -> None:
        self.sessions = 0
        self.refused: set[str] = set()
        self.delivered: list[tuple[list[str], bytes]] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.delivered.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox(settings):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER = False, ""
    yield box
    controller.stop()


def test_the_sender_sends_a_batch_in_one_session_and_a_refusal_stops_only_its_message(
    world, mailbox, settings
):
    settings.HALYQ_APPEAL_MAIL_SENDING = "sender"
    mailbox.refused = {"citizen.b@example.kz"}
    appeals = [f.web_appeal(c, world.office_x) for c in (world.citizen_a, world.citizen_b)]
    appeals.append(f.web_appeal(world.citizen_a, world.office_x))
    assert mailbox.delivered == []  # the requests sent nothing
    assert notifications.deliver_due() == {"sent": 2, "retry": 1, "failed": 0, "skipped": 0}
    assert mailbox.sessions == 1
    assert [to for to, _ in mailbox.delivered] == [["citizen.a@example.kz"]] * 2
    numbers = {appeals[0].number.encode(), appeals[2].number.encode()}
    assert {n for n in numbers for _, content in mailbox.delivered if n in content} == numbers
    held = Notification.objects.get(status=Notification.Status.PENDING)
    assert (held.appeal, held.attempts, held.last_error) == (appeals[1], 1, "SMTPRecipientsRefused")


def test_the_send_right_after_commit_reaches_the_server(
    world, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = f.web_appeal(world.citizen_a, world.office_x)
    assert len(mailbox.delivered) == 1
    recipients, content = mailbox.delivered[0]
    assert recipients == ["citizen.a@example.kz"] and appeal.number.encode() in content
    assert Notification.objects.get().status == Notification.Status.SENT


def test_a_server_that_does_not_answer_leaves_the_batch_pending(world, settings):
    settings.HALYQ_APPEAL_MAIL_SENDING = "sender"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 2
    f.web_appeal(world.citizen_a, world.office_x)
    assert notifications.deliver_due() == {"sent": 0, "retry": 1, "failed": 0, "skipped": 0}
    assert Notification.objects.get().last_error == "ConnectionRefusedError"
