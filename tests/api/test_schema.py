"""The contract: the OpenAPI 3.1 document is valid, complete and in English."""

from __future__ import annotations

import re
from functools import cache

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db


@cache
def schema_document() -> dict:
    from django.utils import translation
    from drf_spectacular.generators import SchemaGenerator

    with translation.override("en"):
        return SchemaGenerator().get_schema(request=None, public=True)


def _api_routes(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, object]]:
    """Every route as (path pattern, view) under the given resolver."""
    resolver = resolver or get_resolver()
    routes = []
    for pattern in resolver.url_patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes += _api_routes(pattern, text)
        elif isinstance(pattern, URLPattern):
            routes.append((text, pattern.callback))
    return routes


def _as_openapi(pattern: str) -> str:
    """`api/v1/^persons/(?P<id>…)/rating/$` → `/api/v1/persons/{id}/rating/`."""
    path = pattern.replace("^", "").replace("$", "").replace("\\.", ".")
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
    return "/" + path.replace("{pk}", "{id}")  # drf-spectacular names a pk "id"


def test_the_schema_is_valid_openapi_3_1():
    from drf_spectacular.validation import validate_schema

    document = schema_document()
    assert document["openapi"] == "3.1.0"
    validate_schema(document)


def test_the_served_schema_is_the_same_document(client):
    response = client.get(
        "/api/schema/?format=json", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    served = response.json()
    assert served["openapi"] == "3.1.0"
    assert set(served["paths"]) == set(schema_document()["paths"])


def test_every_url_under_api_is_in_the_schema():
    documented = set(schema_document()["paths"])
    undocumented = {"/api/schema/", "/api/docs/", "/api/redoc/", "/api/"}
    missing = []
    for pattern, callback in _api_routes():
        if not pattern.startswith("api/"):
            continue
        path = _as_openapi(pattern)
        if path in undocumented or getattr(getattr(callback, "cls", None), "schema", 0) is None:
            continue
        if path not in documented:
            missing.append(path)
    assert not missing, missing
    assert len(documented) >= 45


CYRILLIC = re.compile(r"[а-яА-ЯёЁәғқңөұүһіӘҒҚҢӨҰҮҺІ]")


def _without_examples(value):
    if isinstance(value, dict):
        return {
            k: _without_examples(v) for k, v in value.items() if k not in ("example", "examples")
        }
    if isinstance(value, list):
        return [_without_examples(item) for item in value]
    return value


def test_every_operation_is_described_with_responses_and_errors_in_english():
    for path, item in schema_document()["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            where = f"{method.upper()} {path}"
            assert operation.get("summary") or operation.get("description"), where
            responses = operation["responses"]
            assert any(code.startswith("2") for code in responses), where
            assert {"400", "401", "404", "429"} <= set(responses), where
            assert not CYRILLIC.search(repr(_without_examples(operation))), where
    components = _without_examples(schema_document()["components"])
    assert not CYRILLIC.search(repr(components))


def test_writing_operations_have_examples():
    document = schema_document()
    for path in ("/api/v1/me/appeals/", "/api/v1/staff/appeals/{number}/transitions/"):
        body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert body.get("examples"), path


def test_the_token_scheme_and_problem_document_are_declared():
    components = schema_document()["components"]
    assert components["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    assert "Problem" in components["schemas"]


def test_the_docs_are_served_without_any_cdn(client):
    for path in ("/api/docs/", "/api/redoc/"):
        response = client.get(path)
        assert response.status_code == 200
        html = response.content.decode()
        assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
        assert "/static/drf_spectacular_sidecar/" in html
