from datetime import timedelta

import pytest
from django.utils import timezone

from halyq.appeals import services as appeal_services
from halyq.ratings.methodologies import methodology_publish
from tests.appeals.factories import OfficeFactory, assign, deputy_user, operator_of, web_appeal
from tests.factories import PersonFactory, UserFactory


@pytest.fixture
def methodology(db):
    return methodology_publish(version="v3")


@pytest.fixture
def office(db, astana):
    return OfficeFactory(region=astana)


@pytest.fixture
def deputy(db, astana):
    return PersonFactory(region=astana, family_name_ru="Депутатов", family_name_en="Deputatov")


@pytest.fixture
def answered_appeal(db, office, deputy):
    """An appeal a confirmed citizen brought, assigned to the deputy and answered.

    Received on the latest working day: one received on a day off is registered on the
    next working day, after today, and today's rating does not count it yet.
    """

    def make(author=None, resolution=None):
        author = author or UserFactory(date_joined=timezone.now() - timedelta(days=30))
        appeal = web_appeal(author, office, received_at=_latest_working_moment())
        operator = operator_of(office)
        appeal = assign(appeal, operator, deputy)
        deputy_account = deputy.user if hasattr(deputy, "user") else deputy_user(deputy)
        appeal = appeal_services.appeal_transition(
            appeal_id=appeal.pk,
            action="answer",
            user=deputy_account,
            version=appeal.version,
            data=appeal_services.TransitionInput(answer="Ремонт назначен на следующую неделю."),
        )
        if resolution:
            appeal = appeal_services.appeal_transition(
                appeal_id=appeal.pk,
                action="confirm_resolution",
                user=author,
                version=appeal.version,
                data=appeal_services.TransitionInput(resolution=resolution),
            )
        return appeal

    return make


def _latest_working_moment():
    """Now, or this time of day on the last working day before a day off."""
    from halyq.appeals.calendar import current_calendar

    now = timezone.localtime()
    day = now.date()
    while not current_calendar().is_working_day(day):
        day -= timedelta(days=1)
    return now - (now.date() - day)


@pytest.fixture
def account(deputy):
    """The deputy's user account."""
    return deputy.user if hasattr(deputy, "user") else deputy_user(deputy)
