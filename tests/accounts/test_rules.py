"""The accounts rules as a matrix of who × permission."""

import pytest
from django.contrib.auth.models import AnonymousUser

from halyq.accounts import services
from tests.accounts.factories import CitizenFactory


@pytest.fixture
def people(db, astana):
    deleted = CitizenFactory(email="gone@example.kz")
    services.user_erase(user=deleted)
    return {
        "visitor": AnonymousUser(),
        "unconfirmed": CitizenFactory(email="new@example.kz", email_confirmed_at=None),
        "confirmed": CitizenFactory(email="ok@example.kz"),
        "deleted": deleted,
    }


@pytest.mark.parametrize(
    ("who", "permission", "allowed"),
    [
        ("visitor", "accounts.manage_own_account", False),
        ("unconfirmed", "accounts.manage_own_account", True),
        ("confirmed", "accounts.manage_own_account", True),
        ("deleted", "accounts.manage_own_account", False),
        ("visitor", "accounts.file_counted_appeals", False),
        ("unconfirmed", "accounts.file_counted_appeals", False),
        ("confirmed", "accounts.file_counted_appeals", True),
        ("deleted", "accounts.file_counted_appeals", False),
    ],
)
def test_matrix(people, who, permission, allowed):
    import rules

    assert rules.has_perm(permission, people[who]) is allowed
