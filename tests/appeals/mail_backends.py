"""Email backends with a misbehaving server, for the outbox tests."""

from smtplib import SMTPException, SMTPRecipientsRefused

from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPException("421 service not available")


class FlakyBackend(locmem.EmailBackend):
    """Counts its sessions; refuses mail to `refused` addresses, or everything when down."""

    sessions = 0
    refused: set[str] = set()
    down = False

    def open(self):
        if FlakyBackend.down:
            raise SMTPException("421 service not available")
        FlakyBackend.sessions += 1
        return True

    def send_messages(self, email_messages):
        for message in email_messages:
            if set(message.to) & FlakyBackend.refused:
                raise SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
        return super().send_messages(email_messages)
