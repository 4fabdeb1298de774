"""Reads about accounts that pages, other apps and the API share."""

from __future__ import annotations

from django.utils import timezone

from halyq.accounts import encryption
from halyq.accounts.iin import mask_iin
from halyq.accounts.models import Consent, ConsentText, User


def is_confirmed_citizen(user) -> bool:
    """Signed in, not deleted, and the email confirmed: what they file counts.

    Anything filed before confirmation is kept but does not count until then.
    """
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.email_confirmed_at is not None
        and user.erased_at is None
    )


def consent_text_current() -> ConsentText | None:
    """The newest published version of the consent text (None only before migrations)."""
    return ConsentText.objects.filter(published_at__lte=timezone.now()).order_by("-version").first()


def consent_text_get(*, version: int) -> ConsentText:
    return ConsentText.objects.filter(published_at__lte=timezone.now()).get(version=version)


def consent_current(*, user: User) -> Consent | None:
    """The user's newest consent that is not withdrawn, with its text."""
    return (
        Consent.objects.filter(user=user, withdrawn_at__isnull=True)
        .select_related("consent_text")
        .order_by("-consent_text__version", "-given_at")
        .first()
    )


def consent_list(*, user: User) -> list[Consent]:
    return list(
        Consent.objects.filter(user=user).select_related("consent_text").order_by("given_at", "id")
    )


def user_iin_get(*, user: User) -> str:
    """The user's IIN in full ("" when none): for the owner's own eyes and download only."""
    if not user.iin_ciphertext:
        return ""
    return encryption.decrypt(user.iin_ciphertext)


def user_iin_masked(*, user: User) -> str:
    """The IIN with all but the last four digits hidden ("" when none)."""
    iin = user_iin_get(user=user)
    return mask_iin(iin) if iin else ""
