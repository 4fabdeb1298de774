"""The accounts app's own entry in the personal-data registry: what it exports and erases.

Export: the profile, the IIN in full (it is the owner's own copy), every consent with
the text agreed to, and staff roles. Erase: every personal field of the account is
emptied or replaced by a meaningless placeholder, consent is marked withdrawn, roles
and group memberships are removed, the password is made unusable and the account is
deactivated. The row itself stays so other apps' references (appeals' pseudonyms)
remain valid.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.utils import timezone

from halyq.accounts import selectors
from halyq.accounts.models import Consent, RoleAssignment, User

ERASED_EMAIL_DOMAIN = "invalid"


def export_account(user: User) -> dict[str, Any]:
    user = User.objects.select_related("region", "district").get(pk=user.pk)
    return {
        "profile": {
            "email": user.email,
            "email_confirmed_at": user.email_confirmed_at,
            "display_name": user.display_name,
            "phone": user.phone,
            "language": user.language,
            "region": _place(user.region),
            "district": _place(user.district),
            "iin": selectors.user_iin_get(user=user),
            "joined_at": user.date_joined,
            "last_signed_in_at": user.last_login,
        },
        "consents": [
            {
                "version": consent.consent_text.version,
                "given_at": consent.given_at,
                "withdrawn_at": consent.withdrawn_at,
                "how": consent.channel,
                "language": consent.language,
                "text": getattr(consent.consent_text, f"text_{consent.language}", "")
                or consent.consent_text.text_ru,
            }
            for consent in selectors.consent_list(user=user)
        ],
        "roles": [
            {
                "role": assignment.role,
                "region": assignment.region.code if assignment.region_id else None,
                "granted_at": assignment.granted_at,
            }
            for assignment in RoleAssignment.objects.filter(user=user)
            .select_related("region")
            .order_by("granted_at", "id")
        ],
    }


def _place(place) -> dict[str, str] | None:
    if place is None:
        return None
    return {
        "code": place.code,
        "name_kk": place.name_kk,
        "name_ru": place.name_ru,
        "name_en": place.name_en,
    }


def erase_account(user: User) -> None:
    now = timezone.now()
    Consent.objects.filter(user=user, withdrawn_at__isnull=True).update(withdrawn_at=now)
    RoleAssignment.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    _scrub_admin_history(user)
    # A random placeholder, unrelated to the old address, keeps the unique column valid.
    user.email = f"deleted-{secrets.token_hex(16)}@{ERASED_EMAIL_DOMAIN}"
    user.display_name = ""
    user.phone = ""
    user.iin_ciphertext = ""
    user.iin_digest = None
    user.region = None
    user.district = None
    user.person = None
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.erased_at = now
    user.set_unusable_password()
    user.save()


def _scrub_admin_history(user: User) -> None:
    """The admin's change history names objects by their text (display name or email)."""
    from django.apps import apps

    if not apps.is_installed("django.contrib.admin"):
        return
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=f"account {user.pk}", change_message="")
