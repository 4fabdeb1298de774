"""An email backend whose server is down, for the outbox tests."""

from smtplib import SMTPException

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPException("421 service not available")
