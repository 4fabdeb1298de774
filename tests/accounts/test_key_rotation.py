"""Rotating the field-encryption key keeps every IIN readable and unique."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from halyq.accounts import encryption, selectors, services
from halyq.accounts.models import User
from tests.accounts.conftest import OTHER_VALID_IIN, VALID_IIN
from tests.accounts.factories import CitizenFactory


def test_rotation_re_encrypts_and_rehashes_under_the_new_key(settings, astana, capsys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.HALYQ_FIELD_ENCRYPTION_KEYS = old
    first = services.user_set_iin(user=CitizenFactory(email="a@example.kz"), iin=VALID_IIN)
    second = services.user_set_iin(user=CitizenFactory(email="b@example.kz"), iin=OTHER_VALID_IIN)
    CitizenFactory(email="c@example.kz")  # no IIN: untouched

    settings.HALYQ_FIELD_ENCRYPTION_KEYS = f"{new},{old}"
    call_command("rotate-field-keys")
    assert "Re-encrypted 2 IINs" in capsys.readouterr().out

    settings.HALYQ_FIELD_ENCRYPTION_KEYS = new  # the old key is gone
    for user, iin in ((first, VALID_IIN), (second, OTHER_VALID_IIN)):
        user.refresh_from_db()
        assert selectors.user_iin_get(user=user) == iin
        assert user.iin_digest == encryption.keyed_hash(iin, purpose="iin")
    third = CitizenFactory(email="d@example.kz")
    with pytest.raises(services.ValidationError):
        services.user_set_iin(user=third, iin=VALID_IIN)  # uniqueness still holds
    assert User.objects.exclude(iin_ciphertext="").count() == 2
