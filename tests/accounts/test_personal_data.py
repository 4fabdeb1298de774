"""The personal-data registry and "download my data"."""

import json

import pytest
from django.test import Client

from halyq.accounts import personal_data, services
from halyq.accounts.models import RoleAssignment
from tests.accounts.conftest import OTHER_VALID_IIN, VALID_IIN
from tests.accounts.factories import CitizenFactory

DOWNLOAD = "/en/accounts/me/data/"


def test_register_export_all_and_erase_all_call_every_provider_in_order(citizen):
    calls = []
    personal_data.register(
        "appeals", export=lambda user: {"count": 2}, erase=lambda user: calls.append("appeals")
    )
    personal_data.register(
        "news", export=lambda user: ["comment"], erase=lambda user: calls.append("news")
    )
    exported = personal_data.export_all(citizen)
    assert exported["appeals"] == {"count": 2} and exported["news"] == ["comment"]
    assert exported["account"]["profile"]["email"] == citizen.email
    personal_data.erase_all(citizen)
    # the later-registered first; the account (registered first, in ready()) last
    assert calls == ["news", "appeals"]
    citizen.refresh_from_db()
    assert citizen.erased_at is not None


def test_registering_a_name_again_replaces_the_provider(citizen):
    personal_data.register("appeals", export=lambda user: 1, erase=lambda user: None)
    personal_data.register("appeals", export=lambda user: 2, erase=lambda user: None)
    assert personal_data.export_all(citizen)["appeals"] == 2
    assert [p.name for p in personal_data.providers()].count("appeals") == 1


def test_a_provider_needs_callables():
    with pytest.raises(ValueError):
        personal_data.register("broken", export=None, erase=lambda user: None)


def test_accounts_registers_itself():
    assert "account" in [provider.name for provider in personal_data.providers()]


def test_the_download_holds_everything_about_the_person_and_nothing_else(
    signed_in, citizen, astana
):
    services.user_set_iin(user=citizen, iin=VALID_IIN)
    RoleAssignment.objects.create(user=citizen, role="moderator", region=astana)
    other = CitizenFactory(
        email="someone.else@example.kz", display_name="Someone Else", phone="+77010000000"
    )
    services.user_set_iin(user=other, iin=OTHER_VALID_IIN)
    personal_data.register(
        "appeals", export=lambda user: [{"text": f"appeal of {user.pk}"}], erase=lambda user: None
    )

    response = signed_in.get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="halyq-my-data-')
    assert "no-store" in response["Cache-Control"]
    document = json.loads(response.content)
    assert document["account_id"] == citizen.pk
    account = document["sections"]["account"]
    assert account["profile"]["email"] == "aigul@example.kz"
    assert account["profile"]["display_name"] == "Айгүл Нұрланқызы"
    assert account["profile"]["iin"] == VALID_IIN  # their own, in full
    assert account["profile"]["region"]["code"] == "71"
    assert [c["version"] for c in account["consents"]] == [1]
    assert "персональных данных" in account["consents"][0]["text"]  # the language it was shown in
    assert account["roles"] == [
        {"role": "moderator", "region": "71", "granted_at": account["roles"][0]["granted_at"]}
    ]
    assert document["sections"]["appeals"] == [{"text": f"appeal of {citizen.pk}"}]
    raw = response.content.decode()
    for foreign in (
        "someone.else@example.kz",
        "Someone Else",
        "+77010000000",
        OTHER_VALID_IIN,
        f"appeal of {other.pk}",
    ):
        assert foreign not in raw
    assert "Айгүл" in raw  # readable, not \\u-escaped


def test_download_works_by_post_too(signed_in):
    assert signed_in.post(DOWNLOAD).status_code == 200


def test_another_person_downloads_only_their_own(citizen, astana):
    other = CitizenFactory(email="someone.else@example.kz")
    client = Client()
    client.force_login(other)
    raw = client.get(DOWNLOAD).content.decode()
    assert "someone.else@example.kz" in raw and citizen.email not in raw
