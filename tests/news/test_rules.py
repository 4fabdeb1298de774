"""Who may do what in the news section: a matrix of role × object × action."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from halyq.accounts.models import RoleAssignment
from tests.factories import UserFactory
from tests.news.factories import ArticleFactory, staff_user

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "unconfirmed", "editor", "publisher", "administrator", "moderator"]
STATES = ["draft", "scheduled", "published"]

# action -> roles allowed, for each article state (None: the action takes no article)
EXPECTED = {
    ("news.enter_newsroom", None): {"editor", "publisher", "administrator"},
    ("news.write_article", None): {"editor", "publisher", "administrator"},
    ("news.moderate_comments", None): {"publisher", "administrator"},
    ("news.comment", None): {"citizen", "editor", "publisher", "administrator", "moderator"},
    ("news.react", None): {
        "citizen",
        "unconfirmed",
        "editor",
        "publisher",
        "administrator",
        "moderator",
    },
    ("news.edit_article", "draft"): {"editor", "publisher", "administrator"},
    ("news.edit_article", "scheduled"): {"publisher", "administrator"},
    ("news.edit_article", "published"): {"publisher", "administrator"},
    ("news.publish_article", "draft"): {"publisher", "administrator"},
    ("news.read_article", "draft"): {"editor", "publisher", "administrator"},
    ("news.read_article", "scheduled"): {"editor", "publisher", "administrator"},
    ("news.read_article", "published"): set(ROLES),
}


def make_user(role, astana):
    if role == "anonymous":
        return AnonymousUser()
    if role == "citizen":
        return UserFactory()
    if role == "unconfirmed":
        return UserFactory(email_confirmed_at=None)
    if role == "moderator":
        user = UserFactory()
        RoleAssignment.objects.create(user=user, role=role, region=astana)
        return user
    return staff_user(role)


def make_article(state):
    if state == "draft":
        return ArticleFactory(status="draft")
    if state == "scheduled":
        return ArticleFactory(published_at=timezone.now() + timedelta(days=1))
    return ArticleFactory()


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, astana):
    user = make_user(role, astana)
    articles = {state: make_article(state) for state in STATES}
    for (permission, state), allowed in EXPECTED.items():
        target = articles[state] if state else None
        assert user.has_perm(permission, target) == (role in allowed), (permission, state)


def test_an_inactive_staff_account_loses_every_newsroom_right():
    publisher = staff_user("publisher")
    publisher.is_active = False
    publisher.save()
    for permission in (
        "news.enter_newsroom",
        "news.publish_article",
        "news.moderate_comments",
        "news.comment",
    ):
        assert not publisher.has_perm(permission)
