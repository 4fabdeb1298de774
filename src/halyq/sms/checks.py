"""`check --deploy` refuses a gateway that is chosen but cannot send (registered by the
appeals app, the user of text messages)."""

from __future__ import annotations

from django.core.checks import Error, register

from halyq import sms
from halyq.sms.backends import Disabled


@register(deploy=True)
def sms_gateway_check(app_configs=None, **kwargs) -> list[Error]:
    gateway = sms.backend()
    if gateway.available or isinstance(gateway, Disabled):  # sends, or none chosen
        return []
    return [
        Error(
            f"{type(gateway).__name__} is the SMS gateway but cannot send: its key is not set.",
            hint="Set HALYQ_SMS_MOBIZON_API_KEY, or HALYQ_SMS_BACKEND=halyq.sms.backends."
            "Disabled: visitors who give only a phone number get their code by SMS.",
            id="sms.E001",
        )
    ]
