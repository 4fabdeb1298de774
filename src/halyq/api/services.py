"""Creating, using and revoking API tokens (see `models.ApiToken` for the rules).

A token reads `halyq_<43 characters>`: the `halyq_` marker lets secret scanners and
people recognise it; the first 8 characters after it are the stored prefix.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from halyq.api.models import ApiToken

MARKER = "halyq_"
PREFIX_LENGTH = 8
NAME_MAX_LENGTH = 100
MAX_ACTIVE_TOKENS = 20
# `last_used_at` is written at most this often, so reads do not turn into writes.
TOUCH_INTERVAL = timedelta(minutes=1)


class TokenRefused(Exception):
    """The presented token cannot be used; `message` is translated, `code` machine-readable."""

    def __init__(self, message, *, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the secret (shown once, never stored)."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Name the token (for example, the script using it).")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": _("Keep the name under %(limit)s characters.") % {"limit": NAME_MAX_LENGTH}}
        )
    if not user.is_authenticated or not user.is_active:
        raise ValidationError(_("This account cannot have tokens."))
    with transaction.atomic():
        active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
        if active >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                _("You have %(count)s active tokens; revoke one you no longer use first.")
                % {"count": active}
            )
        secret = MARKER + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[len(MARKER) : len(MARKER) + PREFIX_LENGTH],
            digest=_digest(secret),
        )
    return token, secret


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token for good. Revoking a revoked token changes nothing."""
    if token.revoked_at is None:
        now = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
        token.refresh_from_db()
    return token


def api_token_authenticate(secret: str) -> ApiToken:
    """The active token matching `secret`, its user loaded; TokenRefused otherwise."""
    if not secret.startswith(MARKER) or len(secret) < len(MARKER) + PREFIX_LENGTH:
        raise TokenRefused(_("The token is not valid."), code="token_invalid")
    prefix = secret[len(MARKER) : len(MARKER) + PREFIX_LENGTH]
    digest = _digest(secret)
    match = None
    for candidate in ApiToken.objects.select_related("user").filter(prefix=prefix):
        # Compared in constant time, so response times say nothing about the digest.
        if hmac.compare_digest(candidate.digest, digest):
            match = candidate
    if match is None:
        raise TokenRefused(_("The token is not valid."), code="token_invalid")
    if match.revoked_at is not None:
        raise TokenRefused(_("This token has been revoked."), code="token_revoked")
    if not match.user.is_active:
        raise TokenRefused(_("The account of this token is disabled."), code="account_disabled")
    now = timezone.now()
    if match.last_used_at is None or now - match.last_used_at > TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=match.pk).update(last_used_at=now)
        match.last_used_at = now
    return match
