"""factory_boy factories for every app; fixtures that use them live in conftest.py."""

from __future__ import annotations

import factory
from django.utils import timezone

from halyq.accounts.models import User
from halyq.directory.models import Membership, Organization, Person, Region
from halyq.directory.search import search_key


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.kz")
    display_name = factory.Sequence(lambda n: f"User {n}")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def region(code: str) -> Region:
    return Region.objects.get(code=code)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"organisation-{n}")
    classification = Organization.Classification.FACTION
    name_ru = factory.Sequence(lambda n: f"Фракция {n}")
    name_kk = factory.Sequence(lambda n: f"Фракциясы {n}")
    name_en = factory.Sequence(lambda n: f"Faction {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    kind = Person.Kind.DEPUTY
    family_name_ru = factory.Sequence(lambda n: f"Иванов{n}")
    given_name_ru = "Иван"
    family_name_kk = factory.Sequence(lambda n: f"Иванов{n}")
    given_name_kk = "Иван"
    family_name_en = factory.Sequence(lambda n: f"Ivanov{n}")
    given_name_en = "Ivan"
    region = factory.LazyFunction(lambda: Region.objects.get(code="71"))
    search_text = factory.LazyAttribute(
        lambda p: search_key(
            f"{p.family_name_kk} {p.given_name_kk}",
            f"{p.family_name_ru} {p.given_name_ru}",
            f"{p.family_name_en} {p.given_name_en}",
        )
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "member"
    start_date = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
