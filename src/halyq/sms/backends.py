"""Where text messages go: nowhere, memory (tests), the console (development), or a
gateway (production: Mobizon, a Kazakhstan SMS provider with an HTTP API)."""

from __future__ import annotations

import sys

import requests
from django.conf import settings

from halyq.sms import SmsError, SmsMessage


class Disabled:
    """No gateway: nothing can be sent, and callers know it (`available` is False)."""

    available = False

    def send(self, message: SmsMessage) -> None:
        raise SmsError("no SMS gateway is configured (HALYQ_SMS_BACKEND)")


class Locmem:
    """Keeps messages in `Locmem.outbox`, for tests (like Django's locmem mail)."""

    available = True
    outbox: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> None:
        Locmem.outbox.append(message)


class Console:
    """Prints messages, for development (`make run`), as Django's console mail does."""

    available = True

    def send(self, message: SmsMessage) -> None:
        sys.stdout.write(f"SMS to {message.to}:\n{message.text}\n{'-' * 40}\n")
        sys.stdout.flush()


class Mobizon:
    """Mobizon's HTTP API (https://help.mobizon.com/help/api-docs/sms-api): a POST to
    <server>/service/message/sendsmsmessage with the key in the query and the recipient
    (international digits, no plus), text and optional sender name in the form body. It
    answers JSON whose "code" is 0 (sent) or 100 (accepted, sent in the background);
    anything else is a refusal, with a "message"."""

    def __init__(self) -> None:
        self.url = settings.HALYQ_SMS_MOBIZON_URL.rstrip("/") + "/service/message/sendsmsmessage"
        self.key = settings.HALYQ_SMS_MOBIZON_API_KEY
        self.sender = settings.HALYQ_SMS_SENDER
        self.timeout = settings.HALYQ_SMS_TIMEOUT
        self.available = bool(self.key)  # without a key nothing is tried

    def send(self, message: SmsMessage) -> None:
        if not self.available:
            raise SmsError("HALYQ_SMS_MOBIZON_API_KEY is not set")
        form = {"recipient": message.to.removeprefix("+"), "text": message.text}
        if self.sender:
            form["from"] = self.sender
        try:
            response = requests.post(
                self.url,
                params={"api": "v1", "apiKey": self.key, "output": "json"},
                data=form,
                timeout=self.timeout,
            )
            response.raise_for_status()
            answer = response.json()
        except (requests.RequestException, ValueError) as error:
            # The exception's text may hold the URL, and with it the key: name it only.
            raise SmsError(f"the gateway did not answer ({type(error).__name__})") from None
        code = answer.get("code") if isinstance(answer, dict) else None
        if code not in (0, 100):
            raise SmsError(f"the gateway refused the message (code {code!r})")
