"""Readers' pages: the index, the article page, feeds, the sitemap and the profile tag."""

from __future__ import annotations

import re
from datetime import timedelta
from xml.etree import ElementTree  # our own feeds: trusted input

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from halyq.news.counting import hour_start
from halyq.news.models import Article, ArticleHourlyViews
from tests import factories
from tests.news.factories import ArticleFactory, CategoryFactory, CommentFactory, TagFactory
from tests.news.xss import PAYLOADS, executable_markup

pytestmark = pytest.mark.django_db


def url_of(article, language="en"):
    prefix = "" if language == "ru" else f"/{language}"
    return f"{prefix}/news/{article.slug}/"


def add_views(article, views, hours_ago=0):
    ArticleHourlyViews.objects.create(
        article=article, hour=hour_start(timezone.now()) - timedelta(hours=hours_ago), views=views
    )
    Article.objects.filter(pk=article.pk).update(view_count=views)


# --- the index -------------------------------------------------------------------------


def test_the_index_lists_published_news_newest_first_and_the_most_read_with_numbers(client):
    old = ArticleFactory(title_en="Old reception", published_at=timezone.now() - timedelta(days=2))
    new = ArticleFactory(title_en="New reception")
    ArticleFactory(title_en="Secret draft", status="draft")
    ArticleFactory(title_en="Tomorrow's news", published_at=timezone.now() + timedelta(days=1))
    add_views(old, 42)
    response = client.get("/en/news/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("New reception") < body.index("Old reception")
    assert "Secret draft" not in body and "Tomorrow" not in body
    most_read = body[body.index('class="most-read"') :]
    assert "Most read in 24 hours" in most_read
    assert re.search(r'most-read-rank" aria-hidden="true">1<', most_read)
    assert ">42<" in most_read and "Old reception" in most_read
    assert new.title_en in body


def test_the_most_read_list_switches_to_seven_days(client):
    article = ArticleFactory(title_en="Last week's story")
    add_views(article, 9, hours_ago=72)
    assert "Last week" not in client.get("/en/news/").content.decode().split('class="most-read"')[1]
    body = client.get("/en/news/?period=7d").content.decode()
    assert "Most read in 7 days" in body
    assert "Last week" in body.split('class="most-read"')[1]


@pytest.mark.parametrize("query", ["period=month", "page=abc", "page=0"])
def test_bad_query_parameters_are_a_friendly_400(client, query):
    response = client.get(f"/en/news/?{query}")
    assert response.status_code == 400
    assert "Check the address" in response.content.decode()


def test_a_page_past_the_end_is_404(client):
    ArticleFactory()
    assert client.get("/en/news/?page=5").status_code == 404


def test_categories_and_tags_filter_the_list(client):
    reports, budget = CategoryFactory(name_en="Receptions"), TagFactory(name_en="budget")
    inside = ArticleFactory(title_en="In the category", categories=[reports], tags=[budget])
    ArticleFactory(title_en="Elsewhere")
    body = client.get(f"/en/news/category/{reports.slug}/").content.decode()
    assert "In the category" in body and "Elsewhere" not in body
    body = client.get(f"/en/news/tag/{budget.slug}/").content.decode()
    assert inside.title_en in body and "Elsewhere" not in body
    assert client.get("/en/news/category/nope/").status_code == 404


def test_the_index_query_count_does_not_grow_with_articles(client):
    category = CategoryFactory()
    ArticleFactory(categories=[category])
    with CaptureQueriesContext(connection) as few:
        client.get("/en/news/")
    for number in range(15):
        article = ArticleFactory(categories=[category])
        add_views(article, number + 1)
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = client.get("/en/news/")
    assert len(response.context["page"].object_list) == 12
    assert len(many) <= len(few) + 1  # +1: the most-read list now has rows to load


# --- the article page --------------------------------------------------------------------


def test_the_article_page_has_what_a_reader_expects(client, astana):
    person = factories.PersonFactory(family_name_en="Nurlanov", given_name_en="Alikhan")
    tag = TagFactory(name_en="roads")
    article = ArticleFactory(
        title_en="Roads repaired after a reception",
        lead_en="Forty residents came.",
        body_en="<p>" + "word " * 450 + "</p><h2>Details</h2>",
        tags=[tag],
        persons=[person],
        regions=[astana],
    )
    related = ArticleFactory(title_en="More about roads", tags=[tag])
    Article.objects.filter(pk=article.pk).update(view_count=321, comment_count=2, reaction_count=7)
    response = client.get(url_of(article))
    body = response.content.decode()
    assert "<h1" in body and "Roads repaired after a reception</h1>" in body
    assert timezone.localtime(article.published_at).strftime("%Y-%m-%d") in body
    assert "2 min read" in body
    assert "<h2>Details</h2>" in body
    assert "#roads" in body
    assert "Nurlanov Alikhan" in body and f"/en/people/{person.public_id}/" in body
    assert "https://t.me/share/url?" in body and "https://wa.me/?" in body
    assert ">321<" in body and ">7<" in body
    assert "Read also" in body and related.title_en in body
    assert f'<link rel="canonical" href="http://testserver/en/news/{article.slug}/">' in body
    assert '<meta property="og:title" content="Roads repaired after a reception">' in body
    assert '<meta property="og:description" content="Forty residents came.">' in body
    assert '<meta property="og:type" content="article">' in body
    assert '<meta name="twitter:card" content="summary">' in body


def test_hreflang_lists_the_written_languages_and_x_default(client):
    article = ArticleFactory(title_kk="Қабылдау", body_kk="<p>Мәтін</p>")
    english_only = ArticleFactory(title_ru="", body_ru="", title_kk="")
    body = client.get(url_of(article)).content.decode()
    for language, prefix in (("kk", "/kk"), ("ru", ""), ("en", "/en")):
        assert (
            f'hreflang="{language}" href="http://testserver{prefix}/news/{article.slug}/"' in body
        )
    assert f'hreflang="x-default" href="http://testserver/news/{article.slug}/"' in body
    body = client.get(url_of(english_only)).content.decode()
    assert 'hreflang="kk"' not in body and 'hreflang="ru"' not in body
    assert f'hreflang="x-default" href="http://testserver/en/news/{english_only.slug}/"' in body


def test_a_missing_translation_falls_back_visibly_with_the_original_as_canonical(client):
    article = ArticleFactory(title_en="", lead_en="", body_en="", title_ru="Приём в Астане")
    body = client.get(url_of(article, "en")).content.decode()
    assert "has not been translated into your language" in body
    assert '<div lang="ru">' in body and "Приём в Астане" in body
    assert f'<link rel="canonical" href="http://testserver/news/{article.slug}/">' in body


def test_drafts_and_scheduled_articles_are_404_for_readers_and_visible_to_the_newsroom(
    client, editor, citizen
):
    draft = ArticleFactory(status="draft", title_en="Draft story")
    scheduled = ArticleFactory(published_at=timezone.now() + timedelta(hours=5))
    for user in (None, citizen):
        if user:
            client.force_login(user)
        assert client.get(url_of(draft)).status_code == 404
        assert client.get(url_of(scheduled)).status_code == 404
    client.force_login(editor)
    response = client.get(url_of(draft))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Draft: readers cannot see it." in body and 'content="noindex, nofollow"' in body
    assert "Scheduled for" in client.get(url_of(scheduled)).content.decode()


def test_unknown_articles_are_404(client):
    assert client.get("/en/news/no-such-story/").status_code == 404


def test_the_article_page_query_count_does_not_grow_with_comments_tags_and_people(client, astana):
    article = ArticleFactory()
    with CaptureQueriesContext(connection) as few:
        client.get(url_of(article), HTTP_USER_AGENT="curl/8")
    tags = [TagFactory() for _ in range(5)]
    article.tags.set(tags)
    article.persons.set([factories.PersonFactory() for _ in range(4)])
    article.regions.set([astana])
    for _ in range(10):
        CommentFactory(article=article)
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url_of(article), HTTP_USER_AGENT="curl/8")
    assert len(response.context["comments"]) == 10
    # read-also now has candidates to rank: one query per kind of link (tags, people, regions)
    assert len(many) <= len(few) + 4


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_in_titles_leads_captions_bodies_and_comments_is_neutralised(
    client, payload, settings
):
    settings.MEDIA_URL = "/media/"
    article = ArticleFactory(
        title_en=f"Title {payload}",
        lead_en=f"Lead {payload}",
        body_en=f"<p>Body</p>{payload}",  # as if stored without the services' sanitiser
        cover_caption_en=f"Caption {payload}",
        cover_credit=f"Credit {payload}",
    )
    Article.objects.filter(pk=article.pk).update(cover="news/cover.jpg")
    CommentFactory(article=article, text=f"Comment {payload}")
    add_views(article, 3)
    for address in (url_of(article), "/en/news/", "/en/news/most-read/"):
        body = client.get(address).content.decode()
        assert executable_markup(body) == [], address
    feed = client.get("/en/news/feed/rss/").content.decode()
    assert "<script" not in feed


# --- feeds and the sitemap ----------------------------------------------------------------


def test_feeds_are_per_language_and_carry_no_fallbacks(client):
    both = ArticleFactory(title_en="In English", title_kk="Қазақша")
    russian_only = ArticleFactory(title_en="", body_en="", title_ru="Только по-русски")
    rss = client.get("/en/news/feed/rss/")
    assert rss["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(rss.content).find("channel")  # noqa: S314
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == ["In English"]
    assert channel.find("item").findtext("link").endswith(f"/en/news/{both.slug}/")
    kk_titles = [
        item.findtext("title")
        for item in ElementTree.fromstring(client.get("/kk/news/feed/rss/").content).iter("item")  # noqa: S314
    ]
    assert kk_titles == ["Қазақша"]
    ru = client.get("/news/feed/atom/")
    assert ru["Content-Type"].startswith("application/atom+xml")
    atom = ElementTree.fromstring(ru.content)  # noqa: S314
    namespace = "{http://www.w3.org/2005/Atom}"
    assert {entry.findtext(f"{namespace}title") for entry in atom.iter(f"{namespace}entry")} == {
        both.title_ru,
        russian_only.title_ru,
    }


def test_category_feeds_carry_only_their_category(client):
    category = CategoryFactory()
    ArticleFactory(title_en="Inside", categories=[category])
    ArticleFactory(title_en="Outside")
    for kind in ("rss", "atom"):
        body = client.get(f"/en/news/category/{category.slug}/feed/{kind}/").content.decode()
        assert "Inside" in body and "Outside" not in body
    assert client.get("/en/news/category/nope/feed/rss/").status_code == 404


def test_drafts_never_reach_the_feeds(client):
    ArticleFactory(title_en="Hidden draft", status="draft")
    ArticleFactory(title_en="Not yet", published_at=timezone.now() + timedelta(hours=1))
    body = client.get("/en/news/feed/rss/").content.decode()
    assert "Hidden draft" not in body and "Not yet" not in body


def test_the_sitemap_lists_published_articles_with_their_language_versions(client):
    article = ArticleFactory(title_kk="Қабылдау")
    english_only = ArticleFactory(title_ru="", title_kk="")
    draft = ArticleFactory(status="draft")
    response = client.get("/news/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"http://testserver/kk/news/{article.slug}/" in body
    assert f"http://testserver/news/{article.slug}/" in body
    assert f"http://testserver/en/news/{english_only.slug}/" in body
    assert f"/news/{english_only.slug}/" not in body.replace(f"/en/news/{english_only.slug}/", "")
    assert draft.slug not in body
    assert 'hreflang="x-default"' in body


# --- the profile tag ------------------------------------------------------------------------


def test_articles_about_lists_a_persons_published_articles(example_world, astana):
    person = example_world["people"]["alikhan"]
    ArticleFactory(title_ru="О депутате", persons=[person])
    ArticleFactory(title_ru="Черновик о депутате", persons=[person], status="draft")
    ArticleFactory(title_ru="О регионе", regions=[astana])
    html = Template("{% load news %}{% articles_about person %}").render(
        Context({"person": person})
    )
    assert "О депутате" in html and "Черновик" not in html and "О регионе" not in html
    html = Template("{% load news %}{% articles_about region %}").render(
        Context({"region": astana})
    )
    assert "О регионе" in html
    assert Template("{% load news %}{% articles_about nothing %}").render(Context({})).strip() == ""


def test_anonymous_readers_get_a_kept_page_without_queries_and_still_count(
    client, publisher, django_capture_on_commit_callbacks
):
    article = ArticleFactory(title_en="Kept page")
    browser = "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36"
    client.get(url_of(article), HTTP_USER_AGENT=browser, REMOTE_ADDR="10.9.0.1")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url_of(article), HTTP_USER_AGENT=browser, REMOTE_ADDR="10.9.0.2")
    assert response.status_code == 200 and "Kept page" in response.content.decode()
    # only the counter's own statements (run after the response) touch the database
    page_reads = [
        q["sql"]
        for q in queries.captured_queries
        if any(
            part in q["sql"] for part in ('"title_en"', "news_comment", "news_reaction", "news_tag")
        )
    ]
    assert page_reads == []
    assert Article.objects.get(pk=article.pk).view_count == 2  # the kept page was counted
    with django_capture_on_commit_callbacks(execute=True):
        from halyq.news import services

        services.article_unpublish(actor=publisher, article=article)
    assert client.get(url_of(article)).status_code == 404  # the kept page is gone at once


def test_signed_in_readers_always_get_a_fresh_page(client, citizen):
    article = ArticleFactory()
    client.get(url_of(article))  # kept for anonymous readers
    client.force_login(citizen)
    body = client.get(url_of(article)).content.decode()
    assert f"/news/{article.slug}/comments/" in body  # their comment form, with their token
