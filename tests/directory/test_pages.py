import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def names(response):
    return [person.family_name_ru for person in response.context["page"].object_list]


def test_people_list_finds_a_name_typed_in_any_script(client, example_world):
    for query in ("Нұрланов", "Нурланов", "Nurlanov", "alikhan nurlanov", "Әлихан"):
        response = client.get(reverse("directory:people"), {"q": query})
        assert response.status_code == 200
        assert names(response) == ["Нурланов"], query


def test_people_list_filters_by_region_faction_and_kind(client, example_world):
    url = reverse("directory:people")
    assert sorted(names(client.get(url, {"region": "71"}))) == ["Ким", "Нурланов"]
    assert names(client.get(url, {"region": "71", "kind": "reserve"})) == ["Ким"]
    assert names(client.get(url, {"organization": "faction-almaty"})) == ["Касымова"]
    assert names(client.get(url, {"organization": "faction-astana"})) == ["Нурланов"]


def test_people_list_shows_current_posts(client, example_world):
    response = client.get(reverse("directory:people"), {"q": "Nurlanov"})
    assert "Маслихат Астаны" in response.content.decode()


def test_people_list_query_count_does_not_grow_with_the_page(client, example_world, astana):
    url = reverse("directory:people")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(30):
        person = factories.PersonFactory(region=astana)
        factories.MembershipFactory(person=person, organization=example_world["council"])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 25
    assert len(many) == len(few)


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"region": "99"},
        {"kind": "senator"},
        {"organization": "nope"},
        {"page": "0"},
    ],
)
def test_bad_filters_get_a_friendly_400_in_the_users_language(client, example_world, params):
    response = client.get(reverse("directory:people"), params, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Проверьте фильтры поиска" in body
    assert "Traceback" not in body


def test_a_page_past_the_end_is_404(client, example_world):
    response = client.get(reverse("directory:people"), {"page": "9"})
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_unknown_url_is_a_friendly_404_in_kazakh(client, db):
    response = client.get("/kk/no-such-page/")
    assert response.status_code == 404
    assert "Бет табылмады" in response.content.decode()


def test_profile_shows_current_and_past_posts(client, example_world):
    from datetime import date

    person = example_world["people"]["alikhan"]
    factories.MembershipFactory(
        person=person,
        organization=example_world["council"],
        role="deputy",
        start_date=date(2016, 3, 1),
        end_date=date(2021, 1, 10),
    )
    response = client.get(person.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Нурланов Алихан" in body
    assert "Прежние должности" in body and "2016–2021" in body


def test_profile_in_kazakh_uses_the_kazakh_spelling(client, example_world):
    person = example_world["people"]["alikhan"]
    response = client.get(f"/kk/people/{person.public_id}/")
    assert "Нұрланов Әлихан" in response.content.decode()


def test_unknown_profile_is_404(client, db):
    response = client.get("/people/00000000-0000-4000-8000-000000000000/")
    assert response.status_code == 404


def test_language_switch_sets_kazakh(client, example_world):
    response = client.post("/i18n/setlang/", {"language": "kk", "next": "/people/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/kk/people/"
    assert 'lang="kk"' in response.content.decode()


@pytest.mark.parametrize(
    ("cookie", "page", "language", "lands_on"),
    [
        ("ru", "/kk/people/?region=71", "ru", "/people/?region=71"),
        ("ru", "/kk/people/", "en", "/en/people/"),
        ("kk", "/en/people/", "kk", "/kk/people/"),
        ("kk", "/people/", "en", "/en/people/"),
    ],
)
def test_language_switch_works_from_every_language(
    client, example_world, cookie, page, language, lands_on
):
    # The language cookie is what a previous switch left behind; the page's own prefix
    # must decide how `next` is read, or the reader stays where they were.
    client.cookies["django_language"] = cookie
    response = client.post("/i18n/setlang/", {"language": language, "next": page})
    assert response.status_code == 302
    assert response["Location"] == lands_on
    assert client.get(lands_on).content.decode().count(f'<html lang="{language}">') == 1


def test_language_switch_refuses_foreign_next(client, db):
    response = client.post("/i18n/setlang/", {"language": "kk", "next": "https://evil.example/"})
    # An off-site `next` is dropped for the home page in the new language.
    assert response["Location"] == "/kk/"
