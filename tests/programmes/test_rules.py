"""Who may do what: a matrix of role × object × action (rules.py)."""

from __future__ import annotations

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from halyq.programmes import services
from halyq.programmes.models import Status
from tests.programmes import factories as make

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "resident", "monitor", "deputy_same_region", "deputy_other_region",
         "moderator", "other_moderator", "admin"]  # fmt: skip

# action -> roles allowed on the Astana item (monitored by Aigul, in Yesil, delivered)
ALLOWED_ON_ASTANA_ITEM = {
    "programmes.view": set(ROLES),
    "programmes.manage": {"moderator", "admin"},
    "programmes.report_item": {"monitor", "moderator", "admin"},
    "programmes.cancel_item": {"moderator", "admin"},
    "programmes.register_mandate": {"monitor", "deputy_same_region", "moderator", "admin"},
    "programmes.decide_mandate": {"moderator", "admin"},
    "programmes.decide_review": {"moderator", "admin"},
    "programmes.confirm_item": {"resident"},
}


@pytest.fixture
def actors(tracker):
    users = tracker["users"]
    return {
        "anonymous": AnonymousUser(),
        "resident": users["erlan"],
        "monitor": users["aigul"],
        "deputy_same_region": users["dana"],
        "deputy_other_region": users["gulnar"],
        "moderator": users["moderator"],
        "other_moderator": users["almaty_moderator"],
        "admin": users["admin"],
    }


@pytest.fixture
def astana_item(tracker):
    item = make.item(tracker["yesil_programme"], "Y1", monitors=[tracker["people"]["aigul"]])
    services.item_report(actor=None, item=item, status=Status.DONE, evidence=[make.link()])
    item.refresh_from_db()
    return item


@pytest.mark.parametrize("action", sorted(ALLOWED_ON_ASTANA_ITEM))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(actors, astana_item, action, role):
    allowed = role in ALLOWED_ON_ASTANA_ITEM[action]
    assert rules.test_rule(action, actors[role], astana_item) is allowed


def test_nobody_but_residents_of_the_district_confirms(tracker, astana_item):
    users = tracker["users"]
    assert rules.test_rule("programmes.confirm_item", users["saule"], astana_item)
    assert not rules.test_rule("programmes.confirm_item", users["almaty_resident"], astana_item)
    assert not rules.test_rule("programmes.confirm_item", users["unconfirmed"], astana_item)


PILOT_VIEWERS = {"monitor", "deputy_same_region", "moderator", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_a_pilot_region_is_seen_by_its_staff_only(actors, astana_item, settings, role):
    settings.HALYQ_PUBLIC_REGION_CODES = ["75"]
    assert rules.test_rule("programmes.view", actors[role], astana_item) is (role in PILOT_VIEWERS)
    assert rules.test_rule("programmes.confirm_item", actors[role], astana_item) is False
