"""Mail to account holders, written in the holder's own language.

Called after the transaction commits. A mail server failure is logged by user id and
error class only (an SMTP error's text can contain the address) and never undoes the
sign-up: the person can ask for a new link from their profile.
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from halyq.accounts.models import User

logger = logging.getLogger("halyq.accounts")


def send_confirmation_email(*, user_id: int, site_url: str) -> None:
    from halyq.accounts.services import confirmation_days, email_confirmation_token

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.email_confirmed_at is not None:
        return
    with translation.override(user.language):
        path = reverse("accounts:confirm_email", kwargs={"token": email_confirmation_token(user)})
        context = {
            "link": site_url.rstrip("/") + path,
            "days": confirmation_days(),
            "profile_link": site_url.rstrip("/") + reverse("accounts:profile"),
        }
        subject = " ".join(
            render_to_string("accounts/email/confirmation_subject.txt", context).split()
        )
        body = render_to_string("accounts/email/confirmation_body.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except Exception as error:  # the mail server's problem must not surface as a 500
        logger.warning(
            "confirmation email for account %s could not be sent (%s)",
            user.pk,
            type(error).__name__,
        )
        return
    logger.info("confirmation email sent to account %s", user.pk)
