"""Every API error is an RFC 9457 problem document (`application/problem+json`).

Rules:
- A problem has `type` (a URI reference naming the kind of problem, `/api/problems/<code>/`),
  `title` (a short translated summary of that kind), `status`, `detail` (a translated
  message about this occurrence), `code` (machine-readable, stable: clients switch on it),
  `instance` (the request path) and, for invalid input, `errors`: one entry per bad field
  with `field`, `code` and `detail`.
- Messages are in the request's language (`Accept-Language`: kk, ru, en), activated by
  `halyq.api.views.LanguageMixin` before anything else runs.
- Nothing internal is shown: an unexpected exception is logged and answered with a bare
  500 problem. A failed request writes nothing (the transaction is rolled back).
- Apps raise `ApiProblem(status, code, detail)` for their domain refusals; Django's own
  `ValidationError`, `Http404`, `ObjectDoesNotExist` and `PermissionDenied` are converted
  here, so services' messages reach the client unchanged.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger("halyq.api")

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "/api/problems/"


@dataclass(frozen=True)
class ProblemKind:
    code: str
    status: int
    title: Any


KINDS: dict[str, ProblemKind] = {
    kind.code: kind
    for kind in (
        ProblemKind("validation_error", 400, _("The request has invalid data")),
        ProblemKind("malformed_body", 400, _("The request body is not valid JSON")),
        ProblemKind("invalid_page", 400, _("The page parameter is not valid")),
        ProblemKind("not_authenticated", 401, _("Authentication is needed")),
        ProblemKind("authentication_failed", 401, _("Authentication failed")),
        ProblemKind("token_invalid", 401, _("The token is not valid")),
        ProblemKind("token_revoked", 401, _("The token has been revoked")),
        ProblemKind("account_disabled", 401, _("The account is disabled")),
        ProblemKind("permission_denied", 403, _("This is not allowed for you")),
        ProblemKind("csrf_failed", 403, _("The CSRF check failed")),
        ProblemKind("not_allowed_for_role", 403, _("Your role may not do this")),
        ProblemKind("not_found", 404, _("Not found")),
        ProblemKind("page_out_of_range", 404, _("There is no such page")),
        ProblemKind("method_not_allowed", 405, _("This method is not allowed here")),
        ProblemKind("not_acceptable", 406, _("No acceptable representation")),
        ProblemKind("conflict", 409, _("The request conflicts with the current state")),
        ProblemKind("appeal_changed", 409, _("The appeal was changed meanwhile")),
        ProblemKind("wrong_state", 409, _("Not possible in the current state")),
        ProblemKind("body_too_large", 413, _("The request body is too large")),
        ProblemKind("unsupported_media_type", 415, _("Unsupported media type")),
        ProblemKind("throttled", 429, _("Too many requests")),
        ProblemKind("server_error", 500, _("Something went wrong on our side")),
    )
}


class ApiProblem(exceptions.APIException):
    """A refusal with its own status and code (one of `KINDS`) and a translated detail."""

    def __init__(self, *, code: str, detail: Any = None, status_code: int | None = None) -> None:
        kind = KINDS[code]
        self.status_code = status_code or kind.status
        super().__init__(detail=detail if detail is not None else kind.title, code=code)
        self.problem_code = code


class RequestTooLarge(ApiProblem):
    def __init__(self, limit: int) -> None:
        super().__init__(
            code="body_too_large",
            detail=_("Send at most %(limit)s bytes in one request.") % {"limit": limit},
        )


def problem_response(
    *,
    code: str,
    detail: Any,
    instance: str = "",
    errors: list[dict] | None = None,
    status_code: int | None = None,
    headers: dict | None = None,
) -> Response:
    kind = KINDS[code]
    body: dict[str, Any] = {
        "type": f"{TYPE_PREFIX}{code}/",
        "title": force_str(kind.title),
        "status": status_code or kind.status,
        "detail": force_str(detail),
        "code": code,
        "instance": instance,
    }
    if errors is not None:
        body["errors"] = errors
    response = Response(body, status=status_code or kind.status, headers=headers)
    response.content_type = MEDIA_TYPE
    return response


def _field_errors(detail: Any, prefix: str = "") -> Iterator[dict]:
    """Flatten DRF's nested error details into `{field, code, detail}` entries."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            yield from _field_errors(
                value, f"{prefix}.{name}" if prefix and name else prefix or name
            )
    elif isinstance(detail, list):
        if detail and all(not isinstance(item, dict | list) for item in detail):
            for item in detail:
                yield from _field_errors(item, prefix)
        else:
            for index, item in enumerate(detail):
                yield from _field_errors(item, f"{prefix}.{index}" if prefix else str(index))
    else:
        yield {
            "field": prefix or None,
            "code": getattr(detail, "code", None) or "invalid",
            "detail": force_str(detail),
        }


def _from_django_validation(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        detail = {
            field: [
                exceptions.ErrorDetail(force_str(message), code=item.code or "invalid")
                for item in errors
                for message in item.messages
            ]
            for field, errors in error.error_dict.items()
        }
    else:
        detail = [
            exceptions.ErrorDetail(force_str(message), code=item.code or "invalid")
            for item in error.error_list
            for message in item.messages
        ]
    return exceptions.ValidationError(detail)


def _convert(exc: Exception) -> exceptions.APIException | None:
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        return _from_django_validation(exc)
    if isinstance(exc, RequestDataTooBig):
        from django.conf import settings

        return RequestTooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if isinstance(exc, SuspiciousOperation):  # too many fields, a bad header...
        return exceptions.ValidationError(
            exceptions.ErrorDetail(str(_("The request is malformed.")), code="malformed")
        )
    return None


def _code_of(exc: exceptions.APIException) -> str:
    if isinstance(exc, ApiProblem):
        return exc.problem_code
    if isinstance(exc, exceptions.ValidationError):
        return "validation_error"
    if isinstance(exc, exceptions.ParseError):
        return "malformed_body"
    if isinstance(exc, exceptions.AuthenticationFailed):
        code = getattr(exc.detail, "code", "")
        return code if code in KINDS and KINDS[code].status == 401 else "authentication_failed"
    if isinstance(exc, exceptions.PermissionDenied) and force_str(exc.detail).startswith(
        "CSRF Failed"
    ):
        return "csrf_failed"
    by_class = {
        exceptions.NotAuthenticated: "not_authenticated",
        exceptions.PermissionDenied: "permission_denied",
        exceptions.NotFound: "not_found",
        exceptions.MethodNotAllowed: "method_not_allowed",
        exceptions.NotAcceptable: "not_acceptable",
        exceptions.UnsupportedMediaType: "unsupported_media_type",
        exceptions.Throttled: "throttled",
    }
    for cls, code in by_class.items():
        if isinstance(exc, cls):
            return code
    return "server_error" if exc.status_code >= 500 else "conflict"


def _detail_of(exc: exceptions.APIException, code: str, errors: list[dict] | None) -> Any:
    if code == "validation_error":
        shown = [
            f"{e['field']}: {e['detail']}" if e["field"] else e["detail"] for e in errors or []
        ]
        if not shown:
            return KINDS[code].title
        more = len(shown) - 3
        text = "; ".join(shown[:3])
        return text + (f" (+{more})" if more > 0 else "")
    if code == "csrf_failed":
        return _("Send the CSRF token of your session in the X-CSRFToken header, or use a token.")
    return exc.detail if not isinstance(exc.detail, list | dict) else KINDS[code].title


def exception_handler(exc: Exception, context: dict) -> Response:
    # Imported here: rest_framework.views reads the settings that name this module.
    from rest_framework.views import set_rollback

    request = context.get("request")
    instance = request.path if request is not None else ""
    converted = _convert(exc)
    if converted is None:
        logger.exception("unexpected error in the API at %s", instance, exc_info=exc)
        set_rollback()
        return problem_response(
            code="server_error",
            detail=_("The error was recorded; try again later."),
            instance=instance,
        )
    code = _code_of(converted)
    errors = list(_field_errors(converted.detail)) if code == "validation_error" else None
    headers = {}
    if getattr(converted, "auth_header", None):
        headers["WWW-Authenticate"] = converted.auth_header
    if getattr(converted, "wait", None):
        headers["Retry-After"] = str(max(1, math.ceil(converted.wait)))
    set_rollback()
    status_code = converted.status_code
    if status_code == status.HTTP_403_FORBIDDEN and code in ("not_authenticated",):
        # DRF turns 401 into 403 when no authenticator offers a challenge.
        code = "permission_denied"
    return problem_response(
        code=code,
        detail=_detail_of(converted, code, errors),
        instance=instance,
        errors=errors,
        status_code=status_code,
        headers=headers,
    )
