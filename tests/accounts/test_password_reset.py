"""Password reset with Django's views: in the person's language, limited, never for the deleted."""

import re

from django.test import Client

from halyq.accounts import services
from halyq.accounts.models import User
from tests.accounts.factories import PASSWORD

RESET = "/en/accounts/password/reset/"


def _link(message):
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


def test_the_link_comes_in_the_persons_language_and_resets_the_password(
    client, citizen, mailoutbox
):
    User.objects.filter(pk=citizen.pk).update(language="kk")
    response = client.post(RESET, {"email": "Aigul@example.kz"})
    assert (
        response.status_code == 302 and response["Location"] == "/en/accounts/password/reset/sent/"
    )
    (message,) = mailoutbox
    assert message.to == [citizen.email]
    link = _link(message)
    assert link.startswith("/kk/accounts/password/reset/")
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Another-steppe-2027", "new_password2": "Another-steppe-2027"},
    )
    assert done.status_code == 302
    assert Client().login(email=citizen.email, password="Another-steppe-2027")
    assert not Client().login(email=citizen.email, password=PASSWORD)


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, db, mailoutbox):
    response = client.post(RESET, {"email": "nobody@example.kz"})
    assert response.status_code == 302 and mailoutbox == []


def test_a_deleted_account_gets_no_reset_mail(client, citizen, mailoutbox):
    email = citizen.email
    services.user_erase(user=citizen)
    client.post(RESET, {"email": email})
    assert mailoutbox == []


def test_reset_is_limited_per_email(client, citizen, mailoutbox):
    for number in range(3):
        Client(REMOTE_ADDR=f"198.51.100.{number}").post(RESET, {"email": citizen.email})
    response = client.post(RESET, {"email": citizen.email})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert len(mailoutbox) == 3


def test_reset_is_limited_per_client(client, db, mailoutbox):
    for number in range(10):
        assert client.post(RESET, {"email": f"n{number}@example.kz"}).status_code == 302
    assert client.post(RESET, {"email": "n11@example.kz"}).status_code == 429


def test_a_forged_reset_link_is_refused(client, citizen):
    response = client.get("/en/accounts/password/reset/MQ/set-password/", follow=True)
    assert "This link is not valid" in response.content.decode()
