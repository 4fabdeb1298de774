"""The most-read ranking: window edges, ties, and what is never listed."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from halyq.news import selectors, services
from halyq.news.counting import hour_start
from halyq.news.models import Article, ArticleHourlyViews
from tests.news.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 4, 15, 14, 37))


def hits(article, hours_ago, views):
    ArticleHourlyViews.objects.create(
        article=article, hour=hour_start(NOW) - timedelta(hours=hours_ago), views=views
    )


def published(**fields):
    fields.setdefault("published_at", NOW - timedelta(days=3))
    return ArticleFactory(**fields)


def ranking(period="24h", **kwargs):
    return [
        (item.article_id, item.views)
        for item in selectors.most_read(period=period, now=NOW, **kwargs)
    ]


def test_articles_rank_by_views_in_the_window():
    low, high, middle = published(), published(), published()
    hits(low, 1, 5)
    hits(high, 0, 30)
    hits(middle, 5, 12)
    hits(middle, 6, 8)
    assert ranking() == [(high.pk, 30), (middle.pk, 20), (low.pk, 5)]


def test_the_24_hour_window_is_the_current_hour_and_the_23_before_it():
    inside, outside = published(), published()
    hits(inside, 23, 7)  # the oldest hour of the window
    hits(outside, 24, 100)  # one hour too old
    assert ranking() == [(inside.pk, 7)]


def test_the_7_day_window_reaches_167_hours_back():
    article = published()
    hits(article, 0, 1)
    hits(article, 30, 2)
    hits(article, 167, 4)
    hits(article, 168, 8)
    assert ranking("7d") == [(article.pk, 7)]
    assert ranking("24h") == [(article.pk, 1)]


def test_ties_go_to_the_newer_article_then_the_higher_id():
    older = published(published_at=NOW - timedelta(days=5))
    newer = published(published_at=NOW - timedelta(days=1))
    same_time_a = published(published_at=NOW - timedelta(days=2))
    same_time_b = published(published_at=same_time_a.published_at)
    for article in (older, newer, same_time_a, same_time_b):
        hits(article, 2, 10)
    assert [pk for pk, _ in ranking()] == [newer.pk, same_time_b.pk, same_time_a.pk, older.pk]


def test_drafts_scheduled_and_unpublished_articles_are_never_listed(publisher):
    visible = published()
    draft = published(status=Article.Status.DRAFT)
    scheduled = published(published_at=NOW + timedelta(hours=2))
    withdrawn = published()
    for article in (visible, draft, scheduled, withdrawn):
        hits(article, 1, 50)
    services.article_unpublish(actor=publisher, article=withdrawn)
    assert ranking() == [(visible.pk, 50)]


def test_only_ten_are_listed_numbered_from_one():
    articles = [published() for _ in range(12)]
    for number, article in enumerate(articles):
        hits(article, 0, 100 - number)
    items = selectors.most_read(now=NOW)
    assert [item.rank for item in items] == list(range(1, 11))
    assert [item.article_id for item in items] == [a.pk for a in articles[:10]]


def test_items_carry_published_comment_and_reaction_counts():
    article = published(comment_count=0)
    hits(article, 0, 3)
    CommentFactory(article=article)
    CommentFactory(article=article, status="pending")
    services._refresh_comment_count(article.pk)
    Article.objects.filter(pk=article.pk).update(reaction_count=4)
    [item] = selectors.most_read(now=NOW)
    assert (item.views, item.comments, item.reactions) == (3, 1, 4)


def test_articles_without_views_in_the_window_are_not_listed():
    published()
    assert ranking() == []


def test_the_cached_list_forgets_an_unpublished_article_at_once(
    publisher, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    ArticleHourlyViews.objects.create(article=article, hour=hour_start(timezone.now()), views=9)
    assert [i.article_id for i in selectors.most_read_cached()] == [article.pk]
    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(actor=publisher, article=article)
    assert selectors.most_read_cached() == []
