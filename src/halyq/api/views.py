"""The base classes every API view uses, and the API's own small endpoints.

Rules:
- Every API view derives from `LanguageMixin` (directly or through the bases here), so
  the request's `Accept-Language` (kk, ru, en; else the site's default, Russian) is
  active before anything runs: service messages and problem details are in that language.
  (The site's LocaleMiddleware always picks Russian for unprefixed paths like /api/.)
- Public reads derive from `PublicReadOnlyViewSet`/`PublicApiView`: anyone may call them,
  they answer GET/HEAD only, their bodies never depend on who asks, and they carry ETags.
- Anything else requires authentication (the REST_FRAMEWORK default).
- An unknown URL under /api/ is a 404 problem, not the site's HTML page.
- The base classes and mixins carry comments, not docstrings: drf-spectacular would show
  an inherited docstring as the description of every endpoint.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from halyq.api import etag
from halyq.api.problems import KINDS


def request_language(request) -> str:
    """The first supported language of `Accept-Language`, else the site's default."""
    supported = {code for code, _name in settings.LANGUAGES}
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    try:
        choices = parse_accept_lang_header(header)
    except ValueError:
        choices = ()
    for code, _quality in choices:
        if code == "*":
            break
        base = code.lower().split("-")[0]
        if base in supported:
            return base
    return settings.LANGUAGE_CODE


class LanguageMixin:
    def initialize_request(self, request, *args, **kwargs):
        # Not while the schema is generated (its mock requests would switch the language).
        if not getattr(self, "swagger_fake_view", False):
            language = request_language(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return super().initialize_request(request, *args, **kwargs)


class PublicReadMixin:
    permission_classes = [permissions.AllowAny]
    http_method_names = ["get", "head", "options"]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return etag.conditional(request, response)


class PrivateAnswerMixin:
    # Answers for one user are never stored by shared caches.

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response


class ApiView(LanguageMixin, PrivateAnswerMixin, APIView):
    # An authenticated API view.
    pass


class ApiGenericViewSet(LanguageMixin, PrivateAnswerMixin, viewsets.GenericViewSet):
    # An authenticated API viewset.
    pass


class PublicApiView(LanguageMixin, PublicReadMixin, APIView):
    # A public, read-only API view.
    pass


class PublicListViewSet(
    LanguageMixin, PublicReadMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    # A public, read-only list (no detail).
    pass


class PublicReadOnlyViewSet(
    LanguageMixin,
    PublicReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    # A public, read-only list and detail of one kind of thing.
    pass


# --- the API's own endpoints ------------------------------------------------------------


class ProblemKindSerializer(serializers.Serializer):
    type = serializers.CharField()
    code = serializers.CharField()
    status = serializers.IntegerField()
    title = serializers.CharField()


def _kind(kind) -> dict:
    return {
        "type": f"/api/problems/{kind.code}/",
        "code": kind.code,
        "status": kind.status,
        "title": str(kind.title),
    }


class ProblemKindList(PublicApiView):
    """Every kind of problem the API answers with (the `type` and `code` of its errors)."""

    @extend_schema(
        operation_id="problems_list",
        summary="Kinds of errors",
        description="The catalogue of problem `code`s an error response may carry.",
        responses=ProblemKindSerializer(many=True),
        tags=["api"],
    )
    def get(self, request):
        return Response([_kind(kind) for kind in KINDS.values()])


class ProblemKindDetail(PublicApiView):
    """One kind of problem: what its `type` URI names."""

    @extend_schema(
        operation_id="problems_retrieve",
        summary="One kind of error",
        responses={200: ProblemKindSerializer, 404: OpenApiResponse(description="Unknown code.")},
        tags=["api"],
    )
    def get(self, request, code: str):
        kind = KINDS.get(code)
        if kind is None:
            raise NotFound()
        return Response(_kind(kind))


class NotFoundView(LanguageMixin, APIView):
    """Whatever is not routed under /api/: a 404 problem for every method."""

    permission_classes = [permissions.AllowAny]
    schema = None

    def _missing(self, request, *args, **kwargs):
        raise NotFound()

    get = post = put = patch = delete = head = options = _missing


class SchemaView(SpectacularAPIView):
    """The OpenAPI document, always in English, built once per process (it cannot change
    while the process runs)."""

    _built: dict | None = None

    def _get_schema_response(self, request):
        if SchemaView._built is None:
            with translation.override("en"):
                SchemaView._built = self.generator_class(urlconf=self.urlconf).get_schema(
                    request=None, public=self.serve_public
                )
        return Response(
            data=SchemaView._built,
            headers={"Content-Disposition": 'inline; filename="halyq-api.yaml"'},
        )
