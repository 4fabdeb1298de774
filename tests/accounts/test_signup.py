"""Sign-up: the happy path, every refusal (which changes nothing), mail after commit, limits."""

import pytest

from halyq.accounts import services
from halyq.accounts.models import Consent, User

SIGNUP = "/en/accounts/signup/"
GOOD_PASSWORD = "Steppe-river-2026!"


@pytest.fixture
def data(db, astana, yesil):
    return {
        "email": "Dana.Sarsenova@Example.kz",
        "password": GOOD_PASSWORD,
        "display_name": "Dana S.",
        "phone": "8 (701) 234-56-78",
        "language": "kk",
        "region": "71",
        "district": "711310000",
        "consent": "on",
        "consent_version": "1",
    }


def test_the_page_explains_and_shows_the_consent_text(client, db):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Consent to the collection and processing of personal data (version 1)" in page
    assert "territory of the Republic of Kazakhstan" in page
    assert "never appears on a public page" in page  # why the name is asked
    assert 'name="consent"' in page and "required" in page
    assert response["Cache-Control"].count("no-store") == 1


def test_language_defaults_to_the_page_language(client, db):
    assert client.get("/kk/accounts/signup/").context["form"]["language"].value() == "kk"
    assert client.get(SIGNUP).context["form"]["language"].value() == "en"
    assert client.get("/accounts/signup/").context["form"]["language"].value() == "ru"


def test_happy_path_creates_a_signed_in_unconfirmed_citizen_with_consent(
    client, data, consent_text, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(SIGNUP, data)
    assert response.status_code == 302 and response["Location"] == "/en/accounts/me/"
    user = User.objects.get()
    assert user.email == "dana.sarsenova@example.kz"
    assert user.check_password(GOOD_PASSWORD)
    assert (user.display_name, user.phone, user.language) == ("Dana S.", "+77012345678", "kk")
    assert (user.region.code, user.district.code) == ("71", "711310000")
    assert user.email_confirmed_at is None
    consent = Consent.objects.get(user=user)
    assert (consent.consent_text, consent.channel, consent.language) == (
        consent_text,
        "signup",
        "en",
    )
    assert consent.withdrawn_at is None
    # signed in at once
    assert client.get("/en/accounts/me/").status_code == 200
    # the mail waits for the commit
    assert mailoutbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["dana.sarsenova@example.kz"]


def test_optional_fields_may_be_left_empty(client, data):
    data.update(display_name="", phone="", district="")
    assert client.post(SIGNUP, data).status_code == 302
    user = User.objects.get()
    assert (user.display_name, user.phone, user.district) == ("", "", None)


def _refused(client, data, expected_text, django_capture_on_commit_callbacks, status=200):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(SIGNUP, data)
    assert response.status_code == status
    assert expected_text in response.content.decode()
    assert callbacks == []
    return response


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": ""}, "This field is required."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"password": ""}, "This field is required."),
        ({"password": "short1"}, "This password is too short."),
        ({"password": "password123"}, "This password is too common."),
        ({"password": "84729163520394"}, "This password is entirely numeric."),
        ({"password": "dana.sarsenova"}, "too similar to the"),
        ({"phone": "+7 916 123 45 67"}, "Enter a Kazakhstan phone number"),
        ({"phone": "12345"}, "Enter a Kazakhstan phone number"),
        ({"region": ""}, "Choose the region where you live."),
        ({"region": "99"}, "Choose the region where you live."),
        ({"district": "751710000"}, "This district is not in the region you chose."),
        ({"district": "000000000"}, "Choose a district from the list."),
        ({"language": "de"}, "Select a valid choice."),
        ({"consent": ""}, "To sign up you need to agree to the processing of your personal data."),
        ({"consent_version": "2"}, "The consent text has been updated."),
        ({"consent_version": "x"}, "The consent text has been updated."),
        ({"display_name": "x" * 151}, "Ensure this value has at most 150 characters"),
    ],
)
def test_each_invalid_field_is_refused_and_changes_nothing(
    client, data, medeu, changes, message, django_capture_on_commit_callbacks
):
    data.update(changes)
    if "consent" in changes and not changes["consent"]:
        del data["consent"]
    _refused(client, data, message, django_capture_on_commit_callbacks)
    assert not User.objects.exists() and not Consent.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_taken_email_is_refused_whatever_its_case(
    client, data, citizen, django_capture_on_commit_callbacks
):
    data["email"] = "AIGUL@example.kz"
    _refused(
        client,
        data,
        "An account with this email already exists.",
        django_capture_on_commit_callbacks,
    )
    assert User.objects.count() == 1 and Consent.objects.count() == 1


def test_the_service_refuses_a_duplicate_and_an_outdated_consent(data, consent_text, astana):
    arguments = {
        "email": "x@example.kz",
        "password": GOOD_PASSWORD,
        "language": "ru",
        "region": astana,
        "consent_text": consent_text,
        "consent_language": "ru",
        "site_url": "http://testserver/",
    }
    services.user_sign_up(**arguments)
    with pytest.raises(services.ValidationError) as refused:
        services.user_sign_up(**arguments)
    assert "email" in refused.value.error_dict
    newer = type(consent_text).objects.create(version=2, text_kk="k", text_ru="r", text_en="e")
    with pytest.raises(services.ValidationError) as refused:
        services.user_sign_up(**{**arguments, "email": "y@example.kz"})
    assert "consent" in refused.value.error_dict
    assert newer.consents.count() == 0 and User.objects.count() == 1


def test_the_service_refuses_a_missing_region(consent_text):
    with pytest.raises(services.ValidationError) as refused:
        services.user_sign_up(
            email="x@example.kz",
            password=GOOD_PASSWORD,
            language="ru",
            region=None,
            consent_text=consent_text,
            consent_language="ru",
            site_url="http://testserver/",
        )
    assert "region" in refused.value.error_dict and not User.objects.exists()


def test_sign_up_is_rate_limited_per_client(client, data, django_capture_on_commit_callbacks):
    bad = {**data, "password": ""}
    for _ in range(10):
        assert client.post(SIGNUP, bad).status_code == 200
    response = _refused(
        client,
        data,
        "Too many attempts. Please try again in",
        django_capture_on_commit_callbacks,
        status=429,
    )
    assert not User.objects.exists()
    assert response.context["form"]["email"].value() == data["email"]  # nothing typed is lost
    other = client_from("198.51.100.9")
    assert other.post(SIGNUP, data).status_code == 302


def client_from(address):
    from django.test import Client

    return Client(REMOTE_ADDR=address)


def test_a_signed_in_person_is_sent_to_their_profile(signed_in):
    assert signed_in.get(SIGNUP)["Location"] == "/en/accounts/me/"


def test_sign_up_needs_the_csrf_token(data):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(SIGNUP, data)
    assert response.status_code == 403 and not User.objects.exists()


def test_nothing_personal_is_logged(client, data, caplog):
    caplog.set_level("DEBUG")
    client.post(SIGNUP, data)
    user = User.objects.get()
    logged = caplog.text
    assert f"account {user.pk} signed up" in logged
    for value in ("dana", "Dana", "7012345678", "example.kz"):
        assert value not in logged
