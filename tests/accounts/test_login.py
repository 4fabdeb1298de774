"""Sign-in: works with any case of the email, and stops after too many failures."""

from django.test import Client

from halyq.core import ratelimit
from tests.accounts.factories import PASSWORD

LOGIN = "/en/accounts/login/"


def _attempt(client, email, password="wrong password"):  # noqa: S107
    return client.post(LOGIN, {"username": email, "password": password})


def test_sign_in_with_any_case_of_the_email(client, citizen):
    response = _attempt(client, "  AIGUL@Example.KZ ", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_a_wrong_password_says_so_plainly(client, citizen):
    response = _attempt(client, citizen.email)
    assert response.status_code == 200
    assert "The email or password is not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_ten_failures_for_one_email_block_it_even_from_elsewhere(client, citizen):
    for number in range(10):
        assert (
            _attempt(Client(REMOTE_ADDR=f"198.51.100.{number}"), citizen.email).status_code == 200
        )
    response = _attempt(client, citizen.email, PASSWORD)  # even the right password
    assert response.status_code == 429
    assert "Too many attempts. Please try again in" in response.content.decode()
    assert "minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_ten_failures_from_one_client_block_it_for_every_email(client, citizen):
    for number in range(10):
        _attempt(client, f"stranger{number}@example.kz")
    assert _attempt(client, citizen.email, PASSWORD).status_code == 429
    # another client signs in to the same account normally
    other = Client(REMOTE_ADDR="198.51.100.200")
    assert _attempt(other, citizen.email, PASSWORD).status_code == 302


def test_successful_sign_ins_do_not_count(client, citizen):
    for _ in range(12):
        assert _attempt(Client(), citizen.email, PASSWORD).status_code == 302


def test_the_block_ends_with_its_window(client, citizen, monkeypatch):
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(ratelimit, "_now", lambda: now["t"])
    for _ in range(10):
        _attempt(client, citizen.email)
    assert _attempt(client, citizen.email, PASSWORD).status_code == 429
    now["t"] += 15 * 60
    assert _attempt(client, citizen.email, PASSWORD).status_code == 302


def test_failures_are_not_logged_with_the_email_or_address(client, citizen, caplog):
    caplog.set_level("DEBUG")
    for _ in range(11):
        _attempt(client, citizen.email)
    assert "aigul" not in caplog.text and "127.0.0.1" not in caplog.text


def test_the_sign_in_page_links_to_reset_and_sign_up(client, db):
    page = client.get(LOGIN).content.decode()
    assert "/en/accounts/password/reset/" in page and "/en/accounts/signup/" in page
