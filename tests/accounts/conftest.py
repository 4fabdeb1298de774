"""Fixtures for the accounts tests."""

from __future__ import annotations

import pytest

from halyq.accounts import personal_data
from halyq.accounts.models import ConsentText
from halyq.directory.models import District
from tests.accounts.factories import PASSWORD, CitizenFactory

VALID_IIN = "880101439151"
OTHER_VALID_IIN = "041231344979"


@pytest.fixture(autouse=True)
def registry_restored():
    """Tests may register extra personal-data providers; put the registry back after."""
    saved = dict(personal_data._providers)
    yield
    personal_data._providers.clear()
    personal_data._providers.update(saved)


@pytest.fixture
def consent_text(db) -> ConsentText:
    return ConsentText.objects.get(version=1)


@pytest.fixture
def yesil(astana) -> District:
    return District.objects.create(
        region=astana,
        code="711310000",
        name_kk="Есіл ауданы",
        name_ru="Есильский район",
        name_en="Yesil District",
    )


@pytest.fixture
def medeu(almaty) -> District:
    return District.objects.create(
        region=almaty,
        code="751710000",
        name_kk="Медеу ауданы",
        name_ru="Медеуский район",
        name_en="Medeu District",
    )


@pytest.fixture
def citizen(db, astana):
    return CitizenFactory(email="aigul@example.kz", display_name="Айгүл Нұрланқызы")


@pytest.fixture
def signed_in(client, citizen):
    assert client.login(email=citizen.email, password=PASSWORD)
    return client
