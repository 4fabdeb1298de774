"""The appeals' named little world: two regions, three offices, staff of every role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tests.appeals import factories as f


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    """Attachments go to a temporary directory."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.HALYQ_SITE_URL = "https://halyq.test"


@dataclass
class World:
    astana: object
    almaty: object
    office_x: object  # Astana
    office_z: object  # Astana, another office
    office_y: object  # Almaty
    deputy_person: object
    other_person: object
    citizen_a: object
    citizen_b: object
    operator_x: object
    operator_y: object
    deputy: object
    other_deputy: object
    moderator_r: object
    moderator_r2: object
    admin: object
    appeal_a: object = None  # by A at office X, assigned to the deputy
    appeal_b: object = None  # by B at office Y (Almaty), assigned to the other deputy
    appeal_z: object = None  # by B at office Z (Astana), not assigned


@pytest.fixture
def world(db) -> World:
    astana, almaty = f.region("71"), f.region("75")
    office_x = f.OfficeFactory(region=astana, slug="astana-main")
    office_z = f.OfficeFactory(region=astana, slug="astana-esil")
    office_y = f.OfficeFactory(region=almaty, slug="almaty-main")
    deputy_person = f.PersonFactory(
        region=astana, family_name_en="Nurlanov", given_name_en="Alikhan"
    )
    other_person = f.PersonFactory(
        region=almaty, family_name_en="Kassymova", given_name_en="Gulnar"
    )
    office_x.receiving_people.add(deputy_person)
    office_y.receiving_people.add(other_person)
    w = World(
        astana=astana,
        almaty=almaty,
        office_x=office_x,
        office_z=office_z,
        office_y=office_y,
        deputy_person=deputy_person,
        other_person=other_person,
        citizen_a=f.UserFactory(email="citizen.a@example.kz", display_name="Citizen A"),
        citizen_b=f.UserFactory(email="citizen.b@example.kz", display_name="Citizen B"),
        operator_x=f.operator_of(office_x, email="operator.x@example.kz"),
        operator_y=f.operator_of(office_y, email="operator.y@example.kz"),
        deputy=f.deputy_user(deputy_person, email="deputy@example.kz"),
        other_deputy=f.deputy_user(other_person, email="other.deputy@example.kz"),
        moderator_r=f.moderator_of(astana, email="moderator.astana@example.kz"),
        moderator_r2=f.moderator_of(almaty, email="moderator.almaty@example.kz"),
        admin=f.administrator(email="admin@example.kz"),
    )
    return w


@pytest.fixture
def appeals_world(world) -> World:
    """The world with its three appeals (each with a PNG attachment)."""
    w = world
    w.appeal_a = f.assign(
        f.web_appeal(w.citizen_a, w.office_x, files=[f.upload()]), w.operator_x, w.deputy_person
    )
    w.appeal_b = f.assign(
        f.web_appeal(w.citizen_b, w.office_y, files=[f.upload()]), w.operator_y, w.other_person
    )
    w.appeal_z = f.web_appeal(w.citizen_b, w.office_z, files=[f.upload()])
    return w


@pytest.fixture
def working_monday() -> date:
    """A plain working Monday with 15 working days after it free of holidays."""
    return date(2026, 2, 2)
