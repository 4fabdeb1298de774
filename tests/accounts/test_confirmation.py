"""Email confirmation: valid, expired, forged, twice; mail language; resend limits."""

import smtplib
import time
from unittest import mock

import pytest

from halyq.accounts import emails, selectors, services
from halyq.accounts.models import User
from tests.accounts.factories import PASSWORD, CitizenFactory


@pytest.fixture
def newcomer(db, astana):
    return CitizenFactory(email="newcomer@example.kz", email_confirmed_at=None, language="kk")


def _link(user):
    return f"/en/accounts/confirm/{services.email_confirmation_token(user)}/"


def _token_made_days_ago(user, days):
    with mock.patch("django.core.signing.time.time", return_value=time.time() - days * 86400):
        return services.email_confirmation_token(user)


def test_a_valid_link_confirms(client, newcomer):
    response = client.get(_link(newcomer))
    assert response.status_code == 200
    assert "your email is confirmed" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.email_confirmed_at is not None
    assert selectors.is_confirmed_citizen(newcomer)


def test_confirming_twice_is_harmless(client, newcomer):
    link = _link(newcomer)
    client.get(link)
    newcomer.refresh_from_db()
    first = newcomer.email_confirmed_at
    response = client.get(link)
    assert response.status_code == 200
    assert "already confirmed" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.email_confirmed_at == first


def test_a_link_two_days_old_still_works(client, newcomer):
    client.get(f"/en/accounts/confirm/{_token_made_days_ago(newcomer, 2)}/")
    newcomer.refresh_from_db()
    assert newcomer.email_confirmed_at is not None


def test_an_expired_link_is_refused_and_changes_nothing(client, newcomer):
    response = client.get(f"/en/accounts/confirm/{_token_made_days_ago(newcomer, 4)}/")
    assert response.status_code == 400
    assert "This confirmation link has expired" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.email_confirmed_at is None


def test_the_expiry_follows_the_setting(client, newcomer, settings):
    settings.HALYQ_EMAIL_CONFIRMATION_DAYS = 7
    client.get(f"/en/accounts/confirm/{_token_made_days_ago(newcomer, 5)}/")
    newcomer.refresh_from_db()
    assert newcomer.email_confirmed_at is not None


def _forgeries(user):
    from django.core import signing

    genuine = services.email_confirmation_token(user)
    other = CitizenFactory(email="other@example.kz", email_confirmed_at=None)
    return {
        "tampered signature": genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB"),
        "another user's id": signing.dumps(
            {
                "user": other.pk,
                "email": signing.loads(genuine, salt=services.CONFIRMATION_SALT)["email"],
            },
            salt=services.CONFIRMATION_SALT,
        ),
        "signed for something else": signing.dumps({"user": user.pk, "email": "x"}, salt="other"),
        "right shape, wrong payload": signing.dumps("hello", salt=services.CONFIRMATION_SALT),
        "garbage": "not-a-token",
    }


def test_forged_links_are_refused_and_change_nothing(client, newcomer):
    for name, token in _forgeries(newcomer).items():
        response = client.get(f"/en/accounts/confirm/{token}/")
        assert response.status_code == 400, name
        assert "This confirmation link is not valid" in response.content.decode(), name
    assert not User.objects.filter(email_confirmed_at__isnull=False).exists()


def test_a_link_stops_working_if_the_address_changed(client, newcomer):
    link = _link(newcomer)
    User.objects.filter(pk=newcomer.pk).update(email="changed@example.kz")
    assert client.get(link).status_code == 400
    newcomer.refresh_from_db()
    assert newcomer.email_confirmed_at is None


@pytest.mark.parametrize(("language", "prefix"), [("kk", "/kk/"), ("en", "/en/"), ("ru", "/")])
def test_the_mail_is_written_for_the_users_language(language, prefix, newcomer, mailoutbox):
    User.objects.filter(pk=newcomer.pk).update(language=language)
    emails.send_confirmation_email(user_id=newcomer.pk, site_url="https://halyq.kz/")
    (message,) = mailoutbox
    assert message.to == ["newcomer@example.kz"]
    assert f"https://halyq.kz{prefix}accounts/confirm/" in message.body
    assert "\n" not in message.subject
    link = next(line for line in message.body.splitlines() if "/confirm/" in line).strip()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert services.user_confirm_email(token=token).newly_confirmed


def test_the_mail_says_how_long_the_link_works(newcomer, mailoutbox, settings):
    User.objects.filter(pk=newcomer.pk).update(language="en")
    emails.send_confirmation_email(user_id=newcomer.pk, site_url="http://testserver/")
    assert "The link works for 3 days." in mailoutbox[0].body


def test_a_mail_server_failure_is_logged_without_the_address(newcomer, caplog, mailoutbox):
    refused = smtplib.SMTPRecipientsRefused({"newcomer@example.kz": (550, b"no such user")})
    with mock.patch("halyq.accounts.emails.send_mail", side_effect=refused):
        emails.send_confirmation_email(user_id=newcomer.pk, site_url="http://testserver/")
    assert f"account {newcomer.pk} could not be sent (SMTPRecipientsRefused)" in caplog.text
    assert "newcomer" not in caplog.text


def test_no_mail_once_confirmed_or_deleted(newcomer, mailoutbox):
    User.objects.filter(pk=newcomer.pk).update(is_active=False)
    emails.send_confirmation_email(user_id=newcomer.pk, site_url="http://testserver/")
    assert mailoutbox == []


# --- resend ---


@pytest.fixture
def newcomer_signed_in(client, newcomer):
    assert client.login(email=newcomer.email, password=PASSWORD)
    return client


def test_resend_sends_a_new_link_after_commit(
    newcomer_signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = newcomer_signed_in.post("/en/accounts/me/confirmation/")
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "/kk/accounts/confirm/" in mailoutbox[0].body


def test_resend_is_limited_per_account(
    newcomer_signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            response = newcomer_signed_in.post("/en/accounts/me/confirmation/", follow=True)
    assert len(mailoutbox) == 3
    assert "Too many attempts. Please try again in" in response.content.decode()


def test_resend_needs_post_and_a_signed_in_person(client, newcomer_signed_in, mailoutbox):
    assert newcomer_signed_in.get("/en/accounts/me/confirmation/").status_code == 405
    newcomer_signed_in.logout()
    response = newcomer_signed_in.post("/en/accounts/me/confirmation/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert mailoutbox == []


def test_resend_for_a_confirmed_person_sends_nothing(
    signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post("/en/accounts/me/confirmation/", follow=True)
    assert mailoutbox == []
    assert "already confirmed" in response.content.decode()


def test_is_confirmed_citizen(newcomer, citizen, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not selectors.is_confirmed_citizen(AnonymousUser())
    assert not selectors.is_confirmed_citizen(None)
    assert not selectors.is_confirmed_citizen(newcomer)
    assert selectors.is_confirmed_citizen(citizen)
    services.user_erase(user=citizen)
    assert not selectors.is_confirmed_citizen(citizen)
