"""schemathesis against the live OpenAPI document: every operation, anonymously and with a
token of each role, valid and invalid input.

Each response must: not be a server error; have a status, a content type, headers and a
body the schema declares for that operation; reject invalid input with a 4xx; and carry
nothing outside the caller's reach (another citizen's appeal numbers or contacts, appeals
outside a staff member's reach). A second pass calls every read with the ids of real
objects (all appeals, bookings, tokens, people) to check the same reach rules.

The number of generated examples per operation is HALYQ_FUZZ_EXAMPLES (default 2, which
keeps `make test` fast); `make fuzz` runs the same test with many more, every role on
every operation, valid and invalid input.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import token_client  # noqa: F401 — the same helper, for the tokens
from tests.appeals import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXAMPLES = int(os.environ.get("HALYQ_FUZZ_EXAMPLES", "2"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
NEGATIVE_CHECKS = [*CHECKS, negative_data_rejection]
ROLES = ("anonymous", "citizen_a", "citizen_b", "operator_x", "deputy", "moderator_r", "admin")


@contextmanager
def in_process_requests():
    """Let requests run inside the test's transaction (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def quiet_request_log():
    """Thousands of expected 4xx answers would flood the log."""
    import logging

    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture
def schema(appeals_world):
    from django.core.wsgi import get_wsgi_application

    with in_process_requests():
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


def _token(user) -> str:
    from halyq.api.services import api_token_create

    return api_token_create(user=user, name="fuzz")[1]


def forbidden_strings(world, role: str) -> list[str]:
    """What `role` must never receive, whatever it asks."""
    appeals = {"a": world.appeal_a, "b": world.appeal_b, "z": world.appeal_z}
    reach = {
        "anonymous": set(),
        "citizen_a": {"a"},
        "citizen_b": {"b", "z"},
        "operator_x": {"a"},
        "deputy": {"a"},
        "moderator_r": {"a", "z"},
        "admin": {"a", "b", "z"},
    }[role]
    hidden = [appeal.number for key, appeal in appeals.items() if key not in reach]
    emails = {"citizen_a": "citizen.a@example.kz", "citizen_b": "citizen.b@example.kz"}
    hidden += [email for who, email in emails.items() if who != role and role not in ("admin",)]
    if role in ("operator_x", "deputy", "moderator_r"):
        # Staff see the contacts of the appeals in their reach only.
        hidden = [h for h in hidden if not (h == "citizen.a@example.kz" and "a" in reach)]
        hidden = [h for h in hidden if not (h == "citizen.b@example.kz" and reach & {"b", "z"})]
    return hidden


def assert_no_leak(response, hidden: list[str], where: str) -> None:
    body = response.content.decode("utf-8", "replace")
    if response.headers.get("content-type", [""])[0].startswith("application/problem+json"):
        # A problem's `instance` is the caller's own request path: an echo, not a leak.
        problem = json.loads(body)
        problem.pop("instance", None)
        body = json.dumps(problem, ensure_ascii=False)
    for text in hidden:
        assert text not in body, f"{where} leaked {text!r}"


def takes_input(operation) -> bool:
    raw = operation.definition.raw
    return bool(raw.get("parameters") or raw.get("requestBody"))


def is_public(operation) -> bool:
    return {} in (operation.definition.raw.get("security") or [])


def _run(schema, *, headers: dict, mode, checks, hidden: list[str], public: bool = True) -> None:
    for result in schema.get_all_operations():
        operation = result.ok()
        if not public and is_public(operation):
            continue
        if mode == schemathesis.GenerationMode.NEGATIVE and not takes_input(operation):
            continue  # nothing to make invalid

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=checks, headers=headers)
            assert_no_leak(response, hidden, f"{case.method} {case.formatted_path}")

        try:
            run()
        except Unsatisfiable:
            # Nothing to make invalid (an operation without parameters or body).
            assert mode == schemathesis.GenerationMode.NEGATIVE, operation.label


def fuzz_as(schema, world, role: str) -> None:
    """Public reads answer the same to everybody: they are fuzzed anonymously (and, in the
    long run, with every role's token); with a token, the endpoints that need one."""
    headers = (
        {} if role == "anonymous" else {"Authorization": f"Token {_token(getattr(world, role))}"}
    )
    hidden = forbidden_strings(world, role)
    long_run = EXAMPLES > 3
    public = role == "anonymous" or long_run
    _run(
        schema,
        headers=headers,
        mode=schemathesis.GenerationMode.POSITIVE,
        checks=CHECKS,
        hidden=hidden,
        public=public,
    )
    if role in ("anonymous", "citizen_a") or long_run:
        _run(
            schema,
            headers=headers,
            mode=schemathesis.GenerationMode.NEGATIVE,
            checks=NEGATIVE_CHECKS,
            hidden=hidden,
            public=public,
        )


def promise_tracker(world) -> list[str]:
    """Astana's programme, public for the rating, with a measure reported done and two
    decided mandates, so the tracker's reads answer with real rows; returns their codes."""
    from django.utils import timezone

    from halyq.programmes import services
    from halyq.ratings.services import publication_mode_set
    from tests.programmes import factories as programmes

    publication_mode_set(region=world.astana, mode="public", public_from=timezone.localdate())
    programme = programmes.programme(world.astana)
    measure = programmes.item(programme, "1", target_value="3.5")
    services.item_report(actor=None, item=measure, status="done", evidence=[programmes.link()])
    mandates = [
        services.mandate_register(
            actor=None,
            programme=programme,
            source="appeal",
            source_date=measure.start_date,
            source_reference=world.appeal_a.number,  # never shown
            topic="roads",
            title_ru=title,
        )
        for title in ("Переход", "Казино")
    ]
    services.mandate_accept(actor=None, mandate=mandates[0], measure=measure)
    services.mandate_decline(actor=None, mandate=mandates[1], reason="Не в полномочиях")
    return [programme.code, measure.public_code, *(mandate.code for mandate in mandates)]


def _known_values(w, tracker_codes: list[str]) -> dict[str, list[str]]:
    from halyq.api.models import ApiToken

    return {
        "number": [w.appeal_a.number, w.appeal_b.number, w.appeal_z.number],
        "id": [str(t.pk) for t in ApiToken.objects.all()]
        + [str(w.deputy_person.public_id), str(w.other_person.public_id)],
        "code": ["71", "housing", "validation_error", *tracker_codes],
        "slug": ["astana-main"],
        "version": ["v3"],
    }


def read_real_objects_as(schema, world, role: str, tracker_codes: list[str]) -> int:
    """Every read of one object, with the ids of real ones, within the role's reach."""
    headers = (
        {} if role == "anonymous" else {"Authorization": f"Token {_token(getattr(world, role))}"}
    )
    hidden = forbidden_strings(world, role)
    values = _known_values(world, tracker_codes)
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        names = re.findall(r"\{(\w+)\}", operation.path)
        if operation.method.upper() != "GET" or not names:
            continue  # lists are covered by the fuzzing
        choices = [values.get(name, ["1"]) for name in names]
        for combination in itertools.product(*choices):
            case = operation.Case(path_parameters=dict(zip(names, combination, strict=True)))
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
            assert_no_leak(response, hidden, f"GET {case.formatted_path} as {role}")
            calls += 1
    return calls


def test_every_operation_for_every_role(schema, appeals_world):
    """One world, every role in turn (the world is what takes time to build)."""
    f.web_appeal(appeals_world.citizen_a, appeals_world.office_x)  # one more of A's
    tracker_codes = promise_tracker(appeals_world)
    with in_process_requests():
        for role in ROLES:
            fuzz_as(schema, appeals_world, role)
            assert read_real_objects_as(schema, appeals_world, role, tracker_codes) > 30, role
