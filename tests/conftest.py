"""Fixtures shared by the whole suite: the small named example world and the browser."""

from __future__ import annotations

import os

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def default_language():
    """Requests activate their language for the thread; start every test in Russian."""
    from django.utils import translation

    translation.activate("ru")
    yield
    translation.activate("ru")


# The start of a day (UTC): a whole number of every rate-limit window, so a test's
# attempts all fall in one window whatever the wall clock says.
RATE_LIMIT_MOMENT = 20_834 * 86_400.0


@pytest.fixture(autouse=True)
def empty_cache_and_fixed_rate_limit_clock(monkeypatch):
    """Every test starts with an empty cache (rate-limit counters, the calendar...) and a
    rate-limit clock that stands still at the start of a window. On the wall clock, ten
    attempts could straddle a window's end and reset the count, and "try again in N
    minutes" would depend on the second the test ran."""
    from django.core.cache import cache

    from halyq.core import ratelimit

    monkeypatch.setattr(ratelimit, "_now", lambda: RATE_LIMIT_MOMENT)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def sms_outbox():
    """Text messages the test sent (`halyq.sms.backends.Locmem`), empty at its start."""
    from halyq.sms.backends import Locmem

    Locmem.outbox.clear()
    return Locmem.outbox


@pytest.fixture(autouse=True)
def django_db_serialized_rollback():
    """Every transactional test gets the migrated data (regions, consent texts...) back.

    A transactional test empties the database when it ends; one without serialized
    rollback lets Django re-create content types afterwards, and the next test that
    restores the serialized data then collides with them. Requesting this fixture is
    pytest-django's switch for `serialized_rollback`, so here it is on for all.
    """


@pytest.fixture(autouse=True)
def ledger_triggers_around_flush(request):
    """Let transactional tests' teardown flush the append-only ledger table.

    pytest-django empties the database after a transactional test with DELETE or
    TRUNCATE; the ledger's triggers refuse that by design, so they are lifted for the
    flush and put back before the next test.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        yield
        return
    from django.db import connection

    from halyq.integrity import triggers

    request.getfixturevalue("transactional_db")
    triggers.install(connection)
    yield
    triggers.uninstall(connection)


@pytest.fixture
def astana(db):
    return factories.region("71")


@pytest.fixture
def almaty(db):
    return factories.region("75")


@pytest.fixture
def example_world(db, astana, almaty):
    """A named little world: two factions and four people with names in three scripts."""
    from halyq.directory.models import Organization

    astana_faction = factories.OrganizationFactory(
        slug="faction-astana",
        name_ru="Фракция Астаны",
        name_kk="Астана фракциясы",
        name_en="Astana faction",
        region=astana,
    )
    almaty_faction = factories.OrganizationFactory(
        slug="faction-almaty",
        name_ru="Фракция Алматы",
        name_kk="Алматы фракциясы",
        name_en="Almaty faction",
        region=almaty,
    )
    council = factories.OrganizationFactory(
        slug="maslikhat-astana",
        classification=Organization.Classification.COUNCIL,
        name_ru="Маслихат Астаны",
        region=astana,
    )
    people = {
        "alikhan": factories.PersonFactory(
            family_name_kk="Нұрланов",
            given_name_kk="Әлихан",
            family_name_ru="Нурланов",
            given_name_ru="Алихан",
            family_name_en="Nurlanov",
            given_name_en="Alikhan",
            region=astana,
        ),
        "gulnar": factories.PersonFactory(
            family_name_kk="Қасымова",
            given_name_kk="Гүлнар",
            family_name_ru="Касымова",
            given_name_ru="Гульнар",
            family_name_en="Kassymova",
            given_name_en="Gulnar",
            region=almaty,
        ),
        "olga": factories.PersonFactory(
            family_name_kk="Ким",
            given_name_kk="Ольга",
            family_name_ru="Ким",
            given_name_ru="Ольга",
            family_name_en="Kim",
            given_name_en="Olga",
            region=astana,
            kind="reserve",
        ),
    }
    factories.MembershipFactory(
        person=people["alikhan"], organization=council, on_behalf_of=astana_faction, role="deputy"
    )
    factories.MembershipFactory(person=people["alikhan"], organization=astana_faction)
    factories.MembershipFactory(person=people["gulnar"], organization=almaty_faction)
    return {
        "people": people,
        "factions": {"astana": astana_faction, "almaty": almaty_faction},
        "council": council,
    }


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def browser_started_first(request):
    """Start Playwright before any database connection when browser tests will run.

    Playwright's sync API switches execution context (greenlets); Django's connections
    are context-local. Started in the middle of the run, it would give the tests a fresh
    connection that has lost pytest-django's serialized data for `serialized_rollback`.
    """
    if any(item.get_closest_marker("browser") for item in request.session.items):
        request.getfixturevalue("browser")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (apt-get install chromium)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
