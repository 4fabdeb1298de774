"""Factories for account tests: citizens with consent, built on the shared UserFactory."""

from __future__ import annotations

import factory

from halyq.accounts.models import Consent, ConsentText
from tests.factories import UserFactory, region

PASSWORD = "correct horse battery staple"


class CitizenFactory(UserFactory):
    """A confirmed citizen of Astana who consented to the current text at sign-up."""

    language = "ru"
    region = factory.LazyFunction(lambda: region("71"))

    @factory.post_generation
    def consent(self, create, extracted, **kwargs):
        if create and extracted is not False:
            Consent.objects.create(
                user=self,
                consent_text=ConsentText.objects.get(version=1),
                channel=Consent.Channel.SIGN_UP,
                language=self.language,
            )
