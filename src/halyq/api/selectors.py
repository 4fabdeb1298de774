"""Reads of API tokens: a user sees only their own; a missing one is `DoesNotExist` (404)."""

from __future__ import annotations

from django.db.models import QuerySet

from halyq.api.models import ApiToken


def api_token_list(*, user) -> QuerySet[ApiToken]:
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get(*, user, token_id: int) -> ApiToken:
    return api_token_list(user=user).get(pk=token_id)


def api_token_find(*, prefix: str) -> ApiToken:
    """For the operator's command line: one token by the prefix its owner sees."""
    return ApiToken.objects.select_related("user").get(prefix=prefix)
