"""Every API route, in one place: /api/v1/ (each app's `api.py`), the schema and the docs.

Each module in `API_MODULES` exposes `router_entries` — (prefix, viewset, basename)
triples — and may expose `urlpatterns` (plain API views, relative to /api/v1/).
Anything else under /api/ is a 404 problem.
"""

from __future__ import annotations

from importlib import import_module

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from halyq.api import views

API_MODULES = [
    "halyq.api.api",
    "halyq.directory.api",
    "halyq.appeals.api",
    "halyq.receptions.api",
    "halyq.ratings.api",
    "halyq.programmes.api",
    "halyq.news.api",
    "halyq.accounts.api",
]


def _version_1() -> list:
    router = SimpleRouter()
    extra = []
    for name in API_MODULES:
        module = import_module(name)
        for prefix, viewset, basename in getattr(module, "router_entries", []):
            router.register(prefix, viewset, basename=basename)
        extra += getattr(module, "urlpatterns", [])
    return [*extra, *router.urls]


urlpatterns = [
    path("v1/", include(_version_1())),
    path("schema/", views.SchemaView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("problems/", views.ProblemKindList.as_view(), name="api-problems"),
    re_path(
        r"^problems/(?P<code>[a-z_]{1,40})/$",
        views.ProblemKindDetail.as_view(),
        name="api-problem",
    ),
    re_path(r"^", views.NotFoundView.as_view(), name="api-not-found"),
]
