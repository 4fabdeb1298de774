"""Writes to accounts. Views, admin actions, commands and the seed generator go through here.

Rules:
- Every function validates its input and raises ValidationError (a dict keyed by form
  field where that helps) with a translated message; on error nothing has changed.
- Mail goes out only after the transaction commits (`transaction.on_commit`), so a
  rolled-back sign-up never sends a link to an account that does not exist.
- Log lines name the user by id only: never an email, a name, a phone or an IIN.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from halyq.accounts import emails, encryption, personal_data, selectors, signals
from halyq.accounts.iin import validate_iin
from halyq.accounts.models import Consent, ConsentText, User
from halyq.accounts.phone import normalize_kazakhstan_phone
from halyq.core.i18n import LANGUAGE_CODES
from halyq.directory.models import District, Region

logger = logging.getLogger("halyq.accounts")

CONFIRMATION_SALT = "halyq.accounts.email-confirmation"
DEFAULT_CONFIRMATION_DAYS = 3


def confirmation_days() -> int:
    return int(getattr(settings, "HALYQ_EMAIL_CONFIRMATION_DAYS", DEFAULT_CONFIRMATION_DAYS))


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


# --- sign-up -------------------------------------------------------------------------


def _clean_residence(region: Region | None, district: District | None) -> None:
    if region is None:
        raise ValidationError(
            {"region": _("Choose the region where you live.")}, code="region_required"
        )
    if district is not None and district.region_id != region.pk:
        raise ValidationError(
            {"district": _("This district is not in the region you chose.")},
            code="district_not_in_region",
        )


def _clean_language(language: str) -> None:
    if language not in LANGUAGE_CODES:
        raise ValidationError({"language": _("Choose Kazakh, Russian or English.")})


@sensitive_variables("password", "email", "phone", "display_name")
def user_sign_up(
    *,
    email: str,
    password: str,
    language: str,
    region: Region | None,
    district: District | None = None,
    display_name: str = "",
    phone: str = "",
    consent_text: ConsentText,
    consent_language: str,
    site_url: str,
) -> User:
    """Create a citizen's account with their consent; the confirmation mail follows the commit.

    The person may sign in at once; what they file counts once the email is confirmed.
    """
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": _("Enter a valid email address.")}) from error
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _email_taken_message()}, code="email_taken")
    _clean_language(language)
    _clean_residence(region, district)
    phone = _clean_phone(phone)
    display_name = (display_name or "").strip()
    current = selectors.consent_text_current()
    if current is None or consent_text.pk != current.pk:
        raise ValidationError(
            {"consent": _("The consent text has been updated. Please read it again and agree.")},
            code="consent_outdated",
        )
    try:
        validate_password(password, user=User(email=email, display_name=display_name))
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error

    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                display_name=display_name,
                phone=phone,
                language=language,
                region=region,
                district=district,
            )
            consent_give(
                user=user,
                consent_text=consent_text,
                channel=Consent.Channel.SIGN_UP,
                language=consent_language,
            )
            _send_confirmation_after_commit(user, site_url)
    except IntegrityError as error:  # two sign-ups with one email at the same moment
        raise ValidationError({"email": _email_taken_message()}, code="email_taken") from error
    logger.info("account %s signed up", user.pk)
    return user


def _email_taken_message():
    return _(
        "An account with this email already exists. Sign in, or reset your password "
        "if you have forgotten it."
    )


def _clean_phone(phone: str) -> str:
    try:
        return normalize_kazakhstan_phone(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from error


# --- consent -------------------------------------------------------------------------


def consent_give(*, user: User, consent_text: ConsentText, channel: str, language: str) -> Consent:
    """Record that `user` agreed to `consent_text` (shown in `language`) just now."""
    if channel not in Consent.Channel.values:
        raise ValidationError(_("Unknown way of giving consent."))
    if language not in LANGUAGE_CODES:
        raise ValidationError(_("Choose Kazakh, Russian or English."))
    if user.erased_at is not None or not user.is_active:
        raise ValidationError(_("This account has been deleted."))
    consent = Consent.objects.create(
        user=user, consent_text=consent_text, channel=channel, language=language
    )
    logger.info("account %s consented to text version %s", user.pk, consent_text.version)
    return consent


# --- email confirmation --------------------------------------------------------------


def _email_fingerprint(email: str) -> str:
    # Binds a link to the address it was sent to, without putting the address in the link.
    return salted_hmac("halyq.accounts.email-fingerprint", email).hexdigest()[:20]


def email_confirmation_token(user: User) -> str:
    """A signed, timestamped token naming the user and the address being confirmed."""
    return signing.dumps(
        {"user": user.pk, "email": _email_fingerprint(user.email)},
        salt=CONFIRMATION_SALT,
        compress=False,
    )


def _send_confirmation_after_commit(user: User, site_url: str) -> None:
    user_id = user.pk
    transaction.on_commit(
        lambda: emails.send_confirmation_email(user_id=user_id, site_url=site_url)
    )


def user_send_confirmation(*, user: User, site_url: str) -> bool:
    """Send (again) the confirmation link; False when there is nothing to confirm."""
    if user.email_confirmed_at is not None or not user.is_active:
        return False
    _send_confirmation_after_commit(user, site_url)
    logger.info("account %s asked for a new confirmation link", user.pk)
    return True


@dataclass(frozen=True)
class Confirmation:
    user: User
    newly_confirmed: bool


def user_confirm_email(*, token: str) -> Confirmation:
    """Confirm the address a link was sent to. Expired or forged links change nothing."""
    invalid = ValidationError(
        _("This confirmation link is not valid. Sign in and ask for a new one."),
        code="invalid",
    )
    try:
        data = signing.loads(
            token, salt=CONFIRMATION_SALT, max_age=timedelta(days=confirmation_days())
        )
    except signing.SignatureExpired as error:
        raise ValidationError(
            _("This confirmation link has expired. Sign in and ask for a new one."),
            code="expired",
        ) from error
    except signing.BadSignature as error:
        raise invalid from error
    if not (
        isinstance(data, dict)
        and isinstance(data.get("user"), int)
        and isinstance(data.get("email"), str)
    ):
        raise invalid
    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(pk=data["user"], is_active=True, erased_at__isnull=True)
            .first()
        )
        if user is None or _email_fingerprint(user.email) != data["email"]:
            raise invalid
        if user.email_confirmed_at is not None:
            return Confirmation(user=user, newly_confirmed=False)
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
        signals.email_confirmed.send(sender=User, user=user)
    logger.info("account %s confirmed its email", user.pk)
    return Confirmation(user=user, newly_confirmed=True)


# --- profile -------------------------------------------------------------------------


def user_update_profile(
    *,
    user: User,
    display_name: str,
    phone: str,
    language: str,
    region: Region | None,
    district: District | None,
) -> User:
    _clean_language(language)
    _clean_residence(region, district)
    user.display_name = (display_name or "").strip()
    user.phone = _clean_phone(phone)
    user.language = language
    user.region = region
    user.district = district
    with transaction.atomic():
        user.save(update_fields=["display_name", "phone", "language", "region", "district"])
    logger.info("account %s updated its profile", user.pk)
    return user


@sensitive_variables("iin")
def user_set_iin(*, user: User, iin: str) -> User:
    """Attach (or replace) the user's IIN; one IIN belongs to one account only."""
    try:
        iin = validate_iin(iin)
    except ValidationError as error:
        raise ValidationError({"iin": error.messages}, code="invalid_iin") from error
    digest = encryption.keyed_hash(iin, purpose="iin")
    taken = ValidationError(
        {
            "iin": _(
                "This IIN is already attached to another account. If it is yours, "
                "contact the reception office."
            )
        },
        code="iin_taken",
    )
    if User.objects.filter(iin_digest=digest).exclude(pk=user.pk).exists():
        raise taken
    try:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(
                iin_ciphertext=encryption.encrypt(iin), iin_digest=digest
            )
    except IntegrityError as error:
        raise taken from error
    user.refresh_from_db(fields=["iin_ciphertext", "iin_digest"])
    logger.info("account %s set its IIN", user.pk)
    return user


def user_remove_iin(*, user: User) -> User:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(iin_ciphertext="", iin_digest=None)
    user.iin_ciphertext, user.iin_digest = "", None
    logger.info("account %s removed its IIN", user.pk)
    return user


def field_keys_rotate(*, batch_size: int = 1000) -> int:
    """Re-encrypt every IIN under the first key and recompute its lookup hash.

    Run after putting a new key first in HALYQ_FIELD_ENCRYPTION_KEYS; then the old
    key can be removed. Returns the number of accounts updated.
    """
    updated = 0
    with transaction.atomic():
        users = User.objects.exclude(iin_ciphertext="").only("pk", "iin_ciphertext")
        batch: list[User] = []
        for user in users.iterator(chunk_size=batch_size):
            iin = encryption.decrypt(user.iin_ciphertext)
            user.iin_ciphertext = encryption.encrypt(iin)
            user.iin_digest = encryption.keyed_hash(iin, purpose="iin")
            batch.append(user)
            if len(batch) >= batch_size:
                User.objects.bulk_update(batch, ["iin_ciphertext", "iin_digest"])
                updated += len(batch)
                batch = []
        User.objects.bulk_update(batch, ["iin_ciphertext", "iin_digest"])
        updated += len(batch)
    logger.info("re-encrypted %s IINs under the newest key", updated)
    return updated


# --- deletion ------------------------------------------------------------------------


@sensitive_variables("password")
def user_delete_account(*, user: User, password: str) -> None:
    """Withdraw consent and erase the person's data everywhere, in one transaction.

    Every registered app erases or pseudonymises its part first; the account row stays
    (so appeals' references and pseudonyms stay valid) but can never sign in again.
    """
    if not user.is_active or user.erased_at is not None:
        raise ValidationError(_("This account has already been deleted."), code="deleted")
    if not user.check_password(password):
        raise ValidationError({"password": _("The password is not correct.")}, code="password")
    user_erase(user=user)


def user_erase(*, user: User) -> None:
    """The erasure itself, without the password step (for administrators' tools)."""
    if user.erased_at is not None:
        raise ValidationError(_("This account has already been deleted."), code="deleted")
    with transaction.atomic():
        personal_data.erase_all(user)
    logger.info("account %s withdrew consent and was deleted", user.pk)
