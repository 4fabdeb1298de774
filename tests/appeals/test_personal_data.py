"""Personal data: never on a public page or in a log line; exported and erased on request."""

from __future__ import annotations

import logging
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from halyq.appeals import services
from halyq.appeals.models import Appeal, AppealEvent, Attachment
from halyq.appeals.personal_data import erase, export
from halyq.integrity.models import LedgerEntry
from tests.appeals import factories as f

pytestmark = pytest.mark.django_db

SECRET_NAME = "Zhanibek Qwertyuly"
SECRET_EMAIL = "zhanibek.qwertyuly@example.kz"
SECRET_PHONE = "+77015550199"
SECRET_TEXT = "Uniquesecret trouble at Qwerty street 42"
SECRETS = (SECRET_NAME, SECRET_EMAIL, SECRET_PHONE, SECRET_TEXT, "Qwertyuly", "Uniquesecret")


def _plain_urls(resolver=None, prefix=""):
    """Every route without parameters (the public surface a crawler reaches first)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if "<" in route or "(?P" in route:
                continue
            yield from _plain_urls(pattern, prefix + route.lstrip("^"))
        elif isinstance(pattern, URLPattern) and "<" not in route and "(?P" not in route:
            yield "/" + (prefix + route).lstrip("^").rstrip("$").replace("\\", "")


def test_no_personal_data_on_any_public_page_or_log_line(
    client, world, caplog, django_capture_on_commit_callbacks
):
    citizen = f.UserFactory(email=SECRET_EMAIL, display_name=SECRET_NAME, phone=SECRET_PHONE)
    caplog.set_level(logging.DEBUG)  # from here on: what the application logs
    with django_capture_on_commit_callbacks(execute=True):
        web = f.web_appeal(
            citizen, world.office_x, text=SECRET_TEXT, files=[f.upload("qwertyuly.png")]
        )
        walk_in = services.appeal_register(
            channel="walk_in",
            registered_by=world.operator_x,
            office=world.office_x,
            category=f.category(),
            text=SECRET_TEXT + " (visitor)",
            citizen_name=SECRET_NAME,
            citizen_email=SECRET_EMAIL,
            citizen_phone=SECRET_PHONE,
            idempotency_key=uuid.uuid4(),
        )
        for appeal in (web, walk_in):
            appeal = f.assign(appeal, world.operator_x, world.deputy_person)
            services.appeal_transition(
                appeal_id=appeal.pk,
                action="answer",
                user=world.deputy,
                version=appeal.version,
                data=services.TransitionInput(answer=f"Dear {SECRET_NAME}, it is fixed."),
            )
    pages = {
        "/",
        "/en/",
        "/kk/",
        "/offices/",
        "/en/offices/",
        "/en/offices/?region=71",
        "/en/people/",
    }
    pages |= {url for url in _plain_urls() if not url.startswith(("/admin", "/en/admin"))}
    pages |= {
        world.deputy_person.get_absolute_url(),
        "/en" + world.deputy_person.get_absolute_url(),
    }
    checked = 0
    for url in sorted(pages):
        response = client.get(url)
        if response.status_code != 200 or getattr(response, "streaming", False):
            continue
        body = response.content.decode(errors="replace")
        for secret in SECRETS:
            assert secret not in body, f"{secret!r} on the public page {url}"
        checked += 1
    assert checked >= 5
    for entry in LedgerEntry.objects.all():
        for secret in SECRETS:
            assert secret not in str(entry.payload)
    for secret in SECRETS:
        assert secret not in caplog.text, f"{secret!r} in a log line"


def test_export_gives_the_citizen_their_appeals_in_full(world):
    appeal = f.web_appeal(world.citizen_a, world.office_x, text=SECRET_TEXT)
    f.web_appeal(world.citizen_b, world.office_x)
    exported = export(world.citizen_a)
    assert [item["number"] for item in exported] == [appeal.number]
    assert exported[0]["text"] == SECRET_TEXT
    assert exported[0]["history"][0]["what"] == "register"


def test_erase_keeps_the_pseudonymised_record_and_deletes_the_files(
    world, django_capture_on_commit_callbacks
):
    appeal = f.assign(
        f.web_appeal(world.citizen_a, world.office_x, text=SECRET_TEXT, files=[f.upload()]),
        world.operator_x,
        world.deputy_person,
    )
    path = Attachment.objects.get().file.path
    with django_capture_on_commit_callbacks(execute=True):
        erase(world.citizen_a)
    kept = Appeal.objects.get(pk=appeal.pk)
    assert kept.text == "" and kept.personal_data_erased_at is not None
    assert (kept.state, kept.number, kept.category_id, kept.registered_on) == (
        appeal.state,
        appeal.number,
        appeal.category_id,
        appeal.registered_on,
    )
    assert kept.citizen_confirmed_at is not None  # it still counts for the rating
    assert Attachment.objects.count() == 0
    import os

    assert not os.path.exists(path)
    assert not AppealEvent.objects.exclude(reason="").filter(appeal=kept).exists()


def test_the_appeals_provider_is_registered():
    from halyq.accounts import personal_data

    assert "appeals" in {provider.name for provider in personal_data.providers()}
