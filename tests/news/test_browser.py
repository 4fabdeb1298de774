"""A reader on a phone opens the news, an article, sees the most-read list with its
numbers and the read-also links, and switches to Kazakh."""

from datetime import timedelta

import pytest
from django.utils import timezone

from halyq.news.counting import hour_start
from halyq.news.models import Article, ArticleHourlyViews
from tests.news.factories import ArticleFactory, TagFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_read_the_news_see_most_read_and_read_also_then_switch_to_kazakh(live_server, page):
    roads = TagFactory(name_en="roads", name_ru="дороги")
    story = ArticleFactory(
        title_ru="В Есиле отремонтировали дороги после приёма",
        title_kk="Есілде қабылдаудан кейін жолдар жөнделді",
        body_kk="<p>Жолдар жөнделді.</p>",
        tags=[roads],
    )
    related = ArticleFactory(
        title_ru="На двенадцати улицах появилось освещение",
        tags=[roads],
        published_at=timezone.now() - timedelta(days=2),
    )
    popular = ArticleFactory(title_ru="Новый автобусный маршрут по обращениям")
    now = hour_start(timezone.now())
    for article, views in ((story, 1250), (popular, 3400), (related, 7)):
        ArticleHourlyViews.objects.create(article=article, hour=now, views=views)
        Article.objects.filter(pk=article.pk).update(
            view_count=views, comment_count=3, reaction_count=11
        )

    # The phone's browser speaks Russian, the site's default language. Assertions are on
    # data and structure, so they hold before and after the lead compiles translations.
    page.goto(f"{live_server.url}/news/")
    assert page.locator("html").get_attribute("lang") == "ru"
    most_read = page.locator(".most-read")
    items = most_read.locator(".most-read-item")
    assert items.count() == 3
    assert items.locator(".most-read-rank").all_inner_texts() == ["1", "2", "3"]
    first = text_of(items.nth(0))
    assert popular.title_ru in first and "3 400" in first and "11" in first
    assert "1 250" in text_of(items.nth(1))

    page.locator(".news-list").get_by_role("link", name=story.title_ru).click()
    page.wait_for_url(f"**/news/{story.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == story.title_ru
    aside = page.locator("aside .most-read")
    assert aside.locator(".most-read-rank").all_inner_texts() == ["1", "2", "3"]
    assert "1 250" in text_of(aside)
    read_also = page.locator(".news-read-also")
    assert read_also.get_by_role("link", name=related.title_ru).is_visible()
    read_also.get_by_role("link", name=related.title_ru).click()
    page.wait_for_url(f"**/news/{related.slug}/")
    page.go_back()
    page.wait_for_url(f"**/news/{story.slug}/")

    page.locator("#language-select").select_option("kk")
    page.wait_for_url(f"**/kk/news/{story.slug}/")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Есілде қабылдаудан кейін жолдар жөнделді"
    )

    # The browser is headless Chromium: counted as automation, not as a reader.
    assert Article.objects.get(pk=story.pk).view_count == 1250


def text_of(locator) -> str:
    return " ".join(locator.inner_text().replace("\xa0", " ").split())
