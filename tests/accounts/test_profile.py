"""The profile page: edits, the IIN (masked, encrypted, unique), consent status."""

import pytest
from django.test import Client

from halyq.accounts import encryption, selectors
from halyq.accounts.models import Consent, ConsentText, User
from tests.accounts.conftest import OTHER_VALID_IIN, VALID_IIN
from tests.accounts.factories import CitizenFactory

PROFILE = "/en/accounts/me/"


def _profile_data(**changes):
    data = {
        "display_name": "Aigul N.",
        "phone": "+7 777 123 45 67",
        "language": "en",
        "region": "71",
        "district": "711310000",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "path",
    [
        "/en/accounts/me/",
        "/en/accounts/me/data/",
        "/en/accounts/me/delete/",
        "/en/accounts/me/password/",
    ],
)
def test_visitors_are_sent_to_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/en/accounts/login/")


def test_the_page_shows_the_persons_data_uncached(signed_in, citizen):
    response = signed_in.get(PROFILE)
    page = response.content.decode()
    assert citizen.email in page and "confirmed" in page
    assert "You agreed to version 1 on" in page
    assert "no-store" in response["Cache-Control"]


def test_editing_the_profile(signed_in, citizen, yesil):
    response = signed_in.post(PROFILE, _profile_data())
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.display_name, citizen.phone, citizen.language) == (
        "Aigul N.",
        "+77771234567",
        "en",
    )
    assert citizen.district == yesil


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "+7 916 000 00 00"}, "Enter a Kazakhstan phone number"),
        ({"region": ""}, "Choose the region where you live."),
        ({"region": "75"}, "This district is not in the region you chose."),
        ({"language": "fr"}, "Select a valid choice."),
    ],
)
def test_invalid_edits_change_nothing(signed_in, citizen, yesil, changes, message):
    before = User.objects.values().get(pk=citizen.pk)
    response = signed_in.post(PROFILE, _profile_data(**changes))
    assert response.status_code == 200 and message in response.content.decode()
    assert User.objects.values().get(pk=citizen.pk) == before


def test_adding_an_iin_stores_it_encrypted_and_shows_it_masked(signed_in, citizen):
    response = signed_in.post("/en/accounts/me/iin/", {"iin": "8801 0143 9151"})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert VALID_IIN not in citizen.iin_ciphertext
    assert encryption.decrypt(citizen.iin_ciphertext) == VALID_IIN
    assert citizen.iin_digest == encryption.keyed_hash(VALID_IIN, purpose="iin")
    page = signed_in.get(PROFILE).content.decode()
    assert "••••••••9151" in page and VALID_IIN not in page


@pytest.mark.parametrize(
    ("iin", "message"),
    [
        ("88010143915", "An IIN has exactly 12 digits; this one has 11."),
        ("88010143915x", "An IIN is made of digits only."),
        ("880101439152", "the last digit does not match"),
        ("000229919570", "no IIN can start with these 11 digits"),
    ],
)
def test_an_invalid_iin_is_refused_clearly_and_changes_nothing(signed_in, citizen, iin, message):
    signed_in.post("/en/accounts/me/iin/", {"iin": OTHER_VALID_IIN})
    before = User.objects.values("iin_ciphertext", "iin_digest").get(pk=citizen.pk)
    response = signed_in.post("/en/accounts/me/iin/", {"iin": iin})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.values("iin_ciphertext", "iin_digest").get(pk=citizen.pk) == before


def test_one_iin_cannot_be_attached_to_two_accounts(signed_in, citizen, astana):
    other = CitizenFactory(email="other@example.kz")
    other_client = Client()
    other_client.force_login(other)
    assert other_client.post("/en/accounts/me/iin/", {"iin": VALID_IIN}).status_code == 302
    response = signed_in.post("/en/accounts/me/iin/", {"iin": VALID_IIN})
    assert response.status_code == 400
    assert "already attached to another account" in response.content.decode()
    citizen.refresh_from_db()
    assert not citizen.has_iin and citizen.iin_digest is None


def test_replacing_frees_the_old_iin_and_removing_clears_it(signed_in, citizen, astana):
    signed_in.post("/en/accounts/me/iin/", {"iin": VALID_IIN})
    signed_in.post("/en/accounts/me/iin/", {"iin": OTHER_VALID_IIN})
    citizen.refresh_from_db()
    assert selectors.user_iin_get(user=citizen) == OTHER_VALID_IIN
    other = CitizenFactory(email="other@example.kz")
    other_client = Client()
    other_client.force_login(other)
    assert other_client.post("/en/accounts/me/iin/", {"iin": VALID_IIN}).status_code == 302
    assert signed_in.post("/en/accounts/me/iin/remove/").status_code == 302
    citizen.refresh_from_db()
    assert (citizen.iin_ciphertext, citizen.iin_digest) == ("", None)
    assert "You have not added an IIN." in signed_in.get(PROFILE).content.decode()


def test_setting_the_same_iin_again_is_fine(signed_in, citizen):
    signed_in.post("/en/accounts/me/iin/", {"iin": VALID_IIN})
    assert signed_in.post("/en/accounts/me/iin/", {"iin": VALID_IIN}).status_code == 302


def test_iin_attempts_are_limited(signed_in, citizen):
    for _ in range(10):
        signed_in.post("/en/accounts/me/iin/", {"iin": "880101439152"})
    response = signed_in.post("/en/accounts/me/iin/", {"iin": VALID_IIN})
    assert response.status_code == 429
    citizen.refresh_from_db()
    assert not citizen.has_iin


def test_a_new_consent_version_is_offered_and_recorded(signed_in, citizen):
    ConsentText.objects.create(version=2, text_kk="k2", text_ru="r2", text_en="Version two")
    page = signed_in.get(PROFILE).content.decode()
    assert "A new version (2) of the consent text has been published." in page
    assert signed_in.post("/en/accounts/me/consent/", {"consent_version": "1"}).status_code == 302
    assert not Consent.objects.filter(user=citizen, consent_text__version=2).exists()
    signed_in.post("/en/accounts/me/consent/", {"consent_version": "2"})
    consent = selectors.consent_current(user=citizen)
    assert (consent.consent_text.version, consent.channel) == (2, "renewal")
    assert "A new version" not in signed_in.get(PROFILE).content.decode()


def test_the_consent_text_is_public_per_version(client, db):
    response = client.get("/en/accounts/consent/1/")
    assert response.status_code == 200
    assert (
        "data is kept in a database located in the territory of the Republic of Kazakhstan"
        in response.content.decode()
    )
    kazakh = client.get("/kk/accounts/consent/").content.decode()
    assert "Қазақстан Республикасының аумағында орналасқан дерекқорда" in kazakh
    russian = client.get("/accounts/consent/").content.decode()
    assert "на территории Республики Казахстан" in russian
    assert client.get("/en/accounts/consent/9/").status_code == 404


def test_changing_the_password(signed_in, citizen):
    response = signed_in.post(
        "/en/accounts/me/password/",
        {
            "old_password": "correct horse battery staple",
            "new_password1": "Fresh-steppe-wind-9",
            "new_password2": "Fresh-steppe-wind-9",
        },
    )
    assert response.status_code == 302 and response["Location"] == PROFILE
    citizen.refresh_from_db()
    assert citizen.check_password("Fresh-steppe-wind-9")
