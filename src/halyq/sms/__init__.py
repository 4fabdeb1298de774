"""Text messages (SMS), for citizens who gave a phone number and no email.

Shaped like Django's email framework: `SmsMessage(to, text).send()` goes through the
backend named by `HALYQ_SMS_BACKEND` (see `backends`). Production sets a gateway
(`backends.Mobizon`); without one (`backends.Disabled`, the default) `available()` is
False and callers keep to email. Numbers are Kazakhstan's, in E.164 form
(`accounts.phone`). A backend raises `SmsError` when a message did not leave; the
caller (the appeals' outbox) retries it later. Nothing here logs a number or a text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The message did not leave (gateway down, refused, misconfigured); retry later."""


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164, "+77012345678"
    text: str

    def send(self, fail_silently: bool = False) -> None:
        """Hand the message to the backend (the same call as Django's EmailMessage)."""
        try:
            backend().send(self)
        except SmsError:
            if not fail_silently:
                raise


def available() -> bool:
    """Whether text messages can be sent at all (a gateway is configured)."""
    return backend().available


def backend():
    """The configured backend (a new one each time, as Django's `get_connection`)."""
    return import_string(settings.HALYQ_SMS_BACKEND)()
