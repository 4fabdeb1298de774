"""The rate limits on what a stranger (or a stolen session) can try over and over.

Each limit counts per client (a keyed hash of its address) and, where there is one,
per account or email (hashed too: see halyq.core.ratelimit). For sign-in and password
checks only failures count, so a person who types correctly is never slowed down.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import ngettext

from halyq.core import ratelimit
from halyq.core.ratelimit import RateDecision


@dataclass(frozen=True)
class Limit:
    name: str
    limit: int
    window_seconds: int


SIGN_IN_FAILURES = Limit("sign-in", 10, 15 * 60)
SIGN_UP = Limit("sign-up", 10, 60 * 60)
CONFIRMATION_RESEND_PER_ACCOUNT = Limit("resend-account", 3, 60 * 60)
CONFIRMATION_RESEND_PER_CLIENT = Limit("resend-client", 10, 60 * 60)
PASSWORD_RESET_PER_EMAIL = Limit("reset-email", 3, 60 * 60)
PASSWORD_RESET_PER_CLIENT = Limit("reset-client", 10, 60 * 60)
IIN_ATTEMPTS = Limit("iin", 10, 60 * 60)
PASSWORD_CHECK_FAILURES = Limit("password-check", 10, 15 * 60)
# Wrong appeal numbers or codes on the visitors' confirmation page, per client: each
# appeal also stops taking codes after five wrong ones (appeals.services).
VISITOR_CODE_FAILURES = Limit("visitor-code", 20, 60 * 60)


def _key(limit: Limit, subject: str) -> str:
    return f"accounts:{limit.name}:{subject}"


def hit(limit: Limit, *subjects: str) -> RateDecision:
    """Count one attempt against every subject; refused if any of them is over the limit."""
    decisions = [
        ratelimit.hit(_key(limit, s), limit=limit.limit, window_seconds=limit.window_seconds)
        for s in subjects
    ]
    return _worst(decisions)


def peek(limit: Limit, *subjects: str) -> RateDecision:
    decisions = [
        ratelimit.peek(_key(limit, s), limit=limit.limit, window_seconds=limit.window_seconds)
        for s in subjects
    ]
    return _worst(decisions)


def _worst(decisions: list[RateDecision]) -> RateDecision:
    refused = [d for d in decisions if not d.allowed]
    if refused:
        return max(refused, key=lambda d: d.retry_after)
    return RateDecision(allowed=True, retry_after=0)


def email_subject(email: str) -> str:
    return "email:" + (email or "").strip().lower()


def account_subject(user) -> str:
    return f"account:{user.pk}"


def too_many_attempts_message(decision: RateDecision) -> str:
    minutes = decision.retry_after_minutes
    return ngettext(
        "Too many attempts. Please try again in %(minutes)d minute.",
        "Too many attempts. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
