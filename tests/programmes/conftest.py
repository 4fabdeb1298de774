"""A small named world for the tracker: Astana with a district, three deputies,
a moderator, an administrator and residents; evidence files go to a temporary folder."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from halyq.accounts.models import RoleAssignment
from halyq.directory.models import District, Organization
from tests import factories
from tests.programmes import factories as programme_factories


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english(default_language):
    """Messages are asserted in English (the translations are compiled by the lead)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("ru")


@pytest.fixture(autouse=True)
def regions_out_of_pilot(request):
    """Every region's rating is public (the tracker follows it) unless a test says otherwise."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from halyq.directory.models import Region
    from halyq.ratings.services import publication_mode_set

    yesterday = timezone.localdate() - timedelta(days=1)
    for region in Region.objects.all():
        publication_mode_set(region=region, mode="public", public_from=yesterday)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Tracker summaries are cached briefly; every test starts without them."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def tracker(db, astana, almaty):
    """Named people and places:

    - Astana (71) with districts Yesil and Saryarka; Almaty (75);
    - Aigul: deputy of the Astana regional maslikhat; Bolat: deputy of the Yesil
      district maslikhat; Dana: deputy of the Saryarka district maslikhat; Gulnar: a
      deputy of Almaty;
    - accounts: each deputy's, the Astana moderator, an administrator, Yesil residents
      Erlan and Saule, an Almaty resident, an Astana resident without a confirmed email;
    - the Astana programme and the Yesil district programme.
    """
    yesil = District.objects.create(
        region=astana,
        code="711000001",
        name_ru="район Есиль",
        name_kk="Есіл ауданы",
        name_en="Yesil District",
    )
    saryarka = District.objects.create(
        region=astana,
        code="711000002",
        name_ru="район Сарыарка",
        name_kk="Сарыарқа ауданы",
        name_en="Saryarka District",
    )
    council = factories.OrganizationFactory(
        slug="maslikhat-astana", classification=Organization.Classification.COUNCIL, region=astana
    )
    yesil_council = factories.OrganizationFactory(
        slug="maslikhat-yesil",
        classification=Organization.Classification.COUNCIL,
        region=astana,
        district=yesil,
    )
    saryarka_council = factories.OrganizationFactory(
        slug="maslikhat-saryarka",
        classification=Organization.Classification.COUNCIL,
        region=astana,
        district=saryarka,
    )
    almaty_council = factories.OrganizationFactory(
        slug="maslikhat-almaty", classification=Organization.Classification.COUNCIL, region=almaty
    )
    people = {
        "aigul": factories.PersonFactory(
            family_name_en="Akhmetova", given_name_en="Aigul", region=astana
        ),
        "bolat": factories.PersonFactory(
            family_name_en="Bekov", given_name_en="Bolat", region=astana
        ),
        "dana": factories.PersonFactory(
            family_name_en="Dauletova", given_name_en="Dana", region=astana
        ),
        "gulnar": factories.PersonFactory(
            family_name_en="Kassymova", given_name_en="Gulnar", region=almaty
        ),
        "olga": factories.PersonFactory(
            family_name_en="Kim", given_name_en="Olga", region=astana, kind="reserve"
        ),
    }
    for name, organization in (
        ("aigul", council),
        ("bolat", yesil_council),
        ("dana", saryarka_council),
        ("gulnar", almaty_council),
    ):
        factories.MembershipFactory(person=people[name], organization=organization, role="deputy")
    old = timezone.now() - timedelta(days=400)
    users = {
        name: factories.UserFactory(person=people[name], email=f"{name}@example.kz")
        for name in ("aigul", "bolat", "dana", "gulnar")
    }
    users["moderator"] = factories.UserFactory(email="moderator@example.kz")
    RoleAssignment.objects.create(user=users["moderator"], role="moderator", region=astana)
    users["almaty_moderator"] = factories.UserFactory(email="moderator.almaty@example.kz")
    RoleAssignment.objects.create(user=users["almaty_moderator"], role="moderator", region=almaty)
    users["admin"] = factories.UserFactory(email="admin@example.kz")
    RoleAssignment.objects.create(user=users["admin"], role="administrator")
    users["erlan"] = factories.UserFactory(
        email="erlan@example.kz", region=astana, district=yesil, date_joined=old
    )
    users["saule"] = factories.UserFactory(
        email="saule@example.kz", region=astana, district=yesil, date_joined=old
    )
    users["almaty_resident"] = factories.UserFactory(
        email="alma@example.kz", region=almaty, date_joined=old
    )
    users["unconfirmed"] = factories.UserFactory(
        email="new@example.kz",
        region=astana,
        district=yesil,
        email_confirmed_at=None,
        date_joined=old,
    )
    users["citizen"] = factories.UserFactory(email="citizen@example.kz", date_joined=old)
    return {
        "astana": astana,
        "almaty": almaty,
        "yesil": yesil,
        "saryarka": saryarka,
        "people": people,
        "users": users,
        "programme": programme_factories.programme(astana),
        "yesil_programme": programme_factories.programme(astana, yesil),
        "almaty_programme": programme_factories.programme(almaty),
    }


def residents(count: int, *, region, district=None, joined_days_ago: int = 400):
    joined = timezone.now() - timedelta(days=joined_days_ago)
    return [
        factories.UserFactory(region=region, district=district, date_joined=joined)
        for _ in range(count)
    ]
