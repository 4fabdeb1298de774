"""Withdrawing consent and deleting the account: everything personal goes, the row stays."""

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client

from halyq.accounts import personal_data, services
from halyq.accounts.models import Consent, RoleAssignment, User
from tests.accounts.conftest import OTHER_VALID_IIN, VALID_IIN
from tests.accounts.factories import PASSWORD, CitizenFactory

DELETE = "/en/accounts/me/delete/"


def _everything_in_accounts_tables() -> str:
    """Every value of every column of every accounts table (models and their m2m tables)."""
    tables = {
        model._meta.db_table
        for model in apps.get_app_config("accounts").get_models(include_auto_created=True)
    }
    values = []
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            values.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(values)


@pytest.fixture
def rich_citizen(citizen, astana, yesil):
    User.objects.filter(pk=citizen.pk).update(phone="+77011112233", district=yesil)
    services.user_set_iin(user=citizen, iin=VALID_IIN)
    RoleAssignment.objects.create(user=citizen, role="moderator", region=astana)
    citizen.refresh_from_db()
    LogEntry.objects.create(
        user=citizen,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(citizen.pk),
        object_repr=str(citizen),
        action_flag=CHANGE,
        change_message="changed display name",
    )
    return citizen


def _personal_values(user):
    return [
        user.email,
        user.display_name,
        user.phone,
        VALID_IIN,
        user.iin_ciphertext,
        user.iin_digest,
    ]


def test_deletion_erases_every_personal_value_from_the_accounts_tables(
    signed_in, rich_citizen, caplog
):
    caplog.set_level("INFO")
    witness = CitizenFactory(
        email="witness@example.kz", display_name="Witness Person", phone="+77014445566"
    )
    services.user_set_iin(user=witness, iin=OTHER_VALID_IIN)
    witness.refresh_from_db()
    seeded = _personal_values(rich_citizen)
    before = _everything_in_accounts_tables()
    stored = [value for value in seeded if value != VALID_IIN]
    assert all(value in before for value in stored)  # the scan sees them while they exist
    assert VALID_IIN not in before  # the IIN itself is never stored in clear

    response = signed_in.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/en/"

    after = _everything_in_accounts_tables()
    for value in seeded:
        assert value not in after, value
    for value in _personal_values(witness):
        if value != VALID_IIN:
            assert value in after  # nobody else's data is touched
    entry = LogEntry.objects.get(object_id=str(rich_citizen.pk))
    assert rich_citizen.email not in entry.object_repr and "Айгүл" not in entry.object_repr
    assert f"account {rich_citizen.pk} withdrew consent and was deleted" in caplog.text
    assert "aigul" not in caplog.text


def test_the_row_stays_but_can_never_sign_in_again(signed_in, rich_citizen):
    email = rich_citizen.email
    signed_in.post(DELETE, {"password": PASSWORD})
    user = User.objects.get(pk=rich_citizen.pk)
    assert user.email.startswith("deleted-") and user.email.endswith("@invalid")
    assert not user.is_active and not user.has_usable_password() and user.erased_at
    assert (user.region, user.district, user.person) == (None, None, None)
    assert not RoleAssignment.objects.filter(user=user).exists()
    consent = Consent.objects.get(user=user)
    assert consent.withdrawn_at is not None
    # signed out now, and no way back in
    assert "_auth_user_id" not in signed_in.session
    assert signed_in.get("/en/accounts/me/").status_code == 302
    response = Client().post("/en/accounts/login/", {"username": email, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in response.client.session
    assert not Client().login(email=user.email, password=PASSWORD)


def test_other_sessions_of_the_account_end_too(rich_citizen):
    laptop, phone = Client(), Client()
    laptop.login(email=rich_citizen.email, password=PASSWORD)
    phone.login(email=rich_citizen.email, password=PASSWORD)
    laptop.post(DELETE, {"password": PASSWORD})
    assert phone.get("/en/accounts/me/").status_code == 302


def test_the_email_can_be_used_again_for_a_new_account(
    signed_in, rich_citizen, consent_text, astana
):
    email = rich_citizen.email
    signed_in.post(DELETE, {"password": PASSWORD})
    again = services.user_sign_up(
        email=email,
        password="Steppe-river-2026!",
        language="ru",
        region=astana,
        consent_text=consent_text,
        consent_language="ru",
        site_url="http://testserver/",
    )
    assert again.pk != rich_citizen.pk


def test_a_wrong_password_changes_nothing(signed_in, rich_citizen):
    before = _everything_in_accounts_tables()
    response = signed_in.post(DELETE, {"password": "not my password"})
    assert response.status_code == 400
    assert "The password is not correct." in response.content.decode()
    assert _everything_in_accounts_tables() == before


def test_password_guesses_on_the_delete_page_are_limited(signed_in, rich_citizen):
    for _ in range(10):
        signed_in.post(DELETE, {"password": "guess"})
    response = signed_in.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 429
    assert User.objects.get(pk=rich_citizen.pk).is_active


def test_the_page_explains_what_happens(signed_in):
    page = signed_in.get(DELETE).content.decode()
    assert "cannot be undone" in page and "your appeals stay on record" in page


def test_every_registered_eraser_runs_and_a_failing_one_undoes_everything(rich_citizen):
    erased = []
    personal_data.register(
        "appeals", export=lambda user: None, erase=lambda user: erased.append(user.pk)
    )
    personal_data.register("broken", export=lambda user: None, erase=_fail)
    before = _everything_in_accounts_tables()
    with pytest.raises(RuntimeError):
        services.user_delete_account(user=rich_citizen, password=PASSWORD)
    assert _everything_in_accounts_tables() == before
    personal_data.unregister("broken")
    services.user_delete_account(user=User.objects.get(pk=rich_citizen.pk), password=PASSWORD)
    assert erased == [rich_citizen.pk]


def _fail(user):
    raise RuntimeError("an app could not erase its part")


def test_deleting_twice_is_refused(rich_citizen):
    services.user_erase(user=rich_citizen)
    with pytest.raises(services.ValidationError):
        services.user_erase(user=rich_citizen)
