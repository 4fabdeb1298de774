"""Field encryption: round trip, rotation, keyed hashes, refusal without keys in production."""

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

from halyq.accounts import encryption

PRODUCTION = "halyq.config.settings.production"


@pytest.fixture
def no_key_in_environment(monkeypatch):
    monkeypatch.delenv(encryption.ENVIRONMENT_VARIABLE, raising=False)


@pytest.fixture
def production(monkeypatch, settings):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", PRODUCTION)
    settings.DEBUG = False


def test_round_trip_and_ciphertext_never_shows_the_plaintext(no_key_in_environment):
    token = encryption.encrypt("880101439151")
    assert "880101439151" not in token
    assert encryption.decrypt(token) == "880101439151"
    assert encryption.encrypt("880101439151") != token  # a fresh nonce every time


def test_rotation_keeps_old_values_readable_and_moves_them_to_the_new_key(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.HALYQ_FIELD_ENCRYPTION_KEYS = old
    token = encryption.encrypt("secret")
    settings.HALYQ_FIELD_ENCRYPTION_KEYS = f"{new},{old}"
    assert encryption.decrypt(token) == "secret"
    rotated = encryption.rotate(token)
    settings.HALYQ_FIELD_ENCRYPTION_KEYS = new
    assert encryption.decrypt(rotated) == "secret"
    with pytest.raises(encryption.DecryptionFailed):
        encryption.decrypt(token)


def test_keys_can_be_given_as_a_list(settings):
    settings.HALYQ_FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert encryption.decrypt(encryption.encrypt("x")) == "x"


def test_the_environment_variable_is_read(settings, monkeypatch):
    del settings.HALYQ_FIELD_ENCRYPTION_KEYS  # make sure no settings attribute wins
    key = Fernet.generate_key().decode()
    monkeypatch.setenv(encryption.ENVIRONMENT_VARIABLE, f" {key} , ")
    assert encryption.configured_keys() == [key]


def test_keyed_hash_is_stable_per_key_and_purpose(settings):
    settings.HALYQ_FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    first = encryption.keyed_hash("880101439151", purpose="iin")
    assert first == encryption.keyed_hash("880101439151", purpose="iin")
    assert first != encryption.keyed_hash("880101439151", purpose="other")
    assert "880101439151" not in first and len(first) == 64
    settings.HALYQ_FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    assert encryption.keyed_hash("880101439151", purpose="iin") != first


def test_development_derives_a_fixed_key_from_the_secret(no_key_in_environment, settings):
    assert encryption.configured_keys() == []
    token = encryption.encrypt("x")
    assert encryption.decrypt(token) == "x"
    settings.SECRET_KEY = "a-different-development-secret"
    with pytest.raises(encryption.DecryptionFailed):
        encryption.decrypt(token)


def test_production_refuses_to_encrypt_without_a_key(no_key_in_environment, production):
    with pytest.raises(ImproperlyConfigured, match="HALYQ_FIELD_ENCRYPTION_KEYS is not set"):
        encryption.encrypt("880101439151")


def test_production_refuses_a_malformed_key_without_printing_it(production, settings):
    settings.HALYQ_FIELD_ENCRYPTION_KEYS = "not-a-real-key-abc"
    with pytest.raises(ImproperlyConfigured) as refused:
        encryption.encrypt("880101439151")
    assert "Key number 1" in str(refused.value)
    assert "not-a-real-key-abc" not in str(refused.value)


def _deploy_check_ids():
    return {message.id for message in run_checks(include_deployment_checks=True)}


def test_check_deploy_reports_a_missing_key(no_key_in_environment, production):
    assert "accounts.E001" in _deploy_check_ids()


def test_check_deploy_is_quiet_with_a_key(production, settings):
    settings.HALYQ_FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    assert "accounts.E001" not in _deploy_check_ids()


def test_the_ordinary_check_does_not_ask_for_the_key(no_key_in_environment):
    assert "accounts.E001" not in {m.id for m in run_checks(include_deployment_checks=False)}


def test_debug_allows_the_development_key_whatever_the_module(
    no_key_in_environment, production, settings
):
    settings.DEBUG = True
    assert encryption.decrypt(encryption.encrypt("x")) == "x"


def test_check_deploy_reports_a_malformed_key(production, settings):
    settings.HALYQ_FIELD_ENCRYPTION_KEYS = "nonsense"
    messages = [m for m in run_checks(include_deployment_checks=True) if m.id == "accounts.E001"]
    assert messages and "not a Fernet key" in messages[0].msg
