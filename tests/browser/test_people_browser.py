"""A visitor on a phone finds a deputy by region, opens the profile and reads it in Kazakh."""

import pytest

from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_filter_by_region_open_profile_and_switch_to_kazakh(live_server, page):
    astana, almaty = factories.region("71"), factories.region("75")
    factories.PersonFactory(
        family_name_kk="Нұрланов",
        given_name_kk="Әлихан",
        family_name_ru="Нурланов",
        given_name_ru="Алихан",
        family_name_en="Nurlanov",
        given_name_en="Alikhan",
        region=astana,
    )
    factories.PersonFactory(family_name_ru="Касымова", given_name_ru="Гульнар", region=almaty)

    page.goto(f"{live_server.url}/people/")
    page.get_by_label("Регион").select_option(label="город Астана")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url("**/people/?*region=71*")
    cards = page.locator(".person-card")
    assert cards.count() == 1
    assert "Касымова" not in page.content()

    cards.first.get_by_role("link").click()
    page.wait_for_url("**/people/*-*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Нурланов Алихан"

    page.get_by_label("Язык").select_option("kk")
    page.wait_for_url("**/kk/people/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Нұрланов Әлихан"
    assert page.locator("html").get_attribute("lang") == "kk"
    assert "Қазіргі лауазымдары" in page.content()
