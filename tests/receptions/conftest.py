"""A small named world for reception tests.

Astana office "astana-office" where Alikhan (deputy, signs in as `deputy_user`)
receives, operated by `operator`; an Almaty office operated by `almaty_operator`
where Gulnar receives; citizens Aigerim (confirmed) and Boris (confirmed), an
unconfirmed citizen; moderators of Astana and of Almaty; an administrator.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from halyq.accounts.models import RoleAssignment
from tests import factories
from tests.receptions.factories import ReceptionFactory, ReceptionOfficeFactory


@dataclass
class World:
    astana_office: object
    almaty_office: object
    alikhan: object
    gulnar: object
    deputy_user: object
    other_deputy_user: object
    operator: object
    almaty_operator: object
    aigerim: object
    boris: object
    unconfirmed: object
    moderator: object
    almaty_moderator: object
    administrator: object


@pytest.fixture
def world(db):
    astana, almaty = factories.region("71"), factories.region("75")
    alikhan = factories.PersonFactory(
        family_name_ru="Нурланов",
        given_name_ru="Алихан",
        family_name_en="Nurlanov",
        given_name_en="Alikhan",
        region=astana,
    )
    gulnar = factories.PersonFactory(
        family_name_ru="Касымова",
        given_name_ru="Гульнар",
        family_name_en="Kassymova",
        given_name_en="Gulnar",
        region=almaty,
    )
    astana_office = ReceptionOfficeFactory(
        slug="astana-office",
        region=astana,
        name_en="Astana public reception",
        name_ru="Приёмная Астаны",
    )
    almaty_office = ReceptionOfficeFactory(
        slug="almaty-office",
        region=almaty,
        name_en="Almaty public reception",
        name_ru="Приёмная Алматы",
    )
    astana_office.receiving_people.add(alikhan)
    almaty_office.receiving_people.add(gulnar)
    operator = factories.UserFactory(email="operator@example.kz", display_name="Operator Astana")
    almaty_operator = factories.UserFactory(email="operator-almaty@example.kz")
    astana_office.operators.add(operator)
    almaty_office.operators.add(almaty_operator)
    moderator = factories.UserFactory(email="moderator@example.kz")
    RoleAssignment.objects.create(user=moderator, role=RoleAssignment.Role.MODERATOR, region=astana)
    almaty_moderator = factories.UserFactory(email="moderator-almaty@example.kz")
    RoleAssignment.objects.create(
        user=almaty_moderator, role=RoleAssignment.Role.MODERATOR, region=almaty
    )
    administrator = factories.UserFactory(email="admin@example.kz")
    RoleAssignment.objects.create(user=administrator, role=RoleAssignment.Role.ADMINISTRATOR)
    return World(
        astana_office=astana_office,
        almaty_office=almaty_office,
        alikhan=alikhan,
        gulnar=gulnar,
        deputy_user=factories.UserFactory(email="alikhan@example.kz", person=alikhan),
        other_deputy_user=factories.UserFactory(email="gulnar@example.kz", person=gulnar),
        operator=operator,
        almaty_operator=almaty_operator,
        aigerim=factories.UserFactory(
            email="aigerim@example.kz", display_name="Aigerim Citizen", phone="+77011112233"
        ),
        boris=factories.UserFactory(email="boris@example.kz", display_name="Boris Citizen"),
        unconfirmed=factories.UserFactory(email="new@example.kz", email_confirmed_at=None),
        moderator=moderator,
        almaty_moderator=almaty_moderator,
        administrator=administrator,
    )


@pytest.fixture
def reception(world):
    """Alikhan at the Astana office a week from today, 10:00–12:00, four 30-minute slots."""
    return ReceptionFactory(office=world.astana_office, person=world.alikhan)


@pytest.fixture(autouse=True)
def english():
    """Service messages are asserted in English (pages are requested under /en/)."""
    from django.utils import translation

    translation.activate("en")
    yield
