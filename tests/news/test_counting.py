"""Honest view counting on both paths: one view per visitor per article per day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from unittest import mock

import pytest
import redis
from django.urls import reverse
from django.utils import timezone

from halyq.news import counting
from halyq.news.counting import (
    DatabaseViewCounter,
    PendingView,
    RedisViewCounter,
    ViewRecorder,
    attribution_hour,
    flush_views,
    prune_view_records,
    view_recorder,
)
from halyq.news.models import Article, ArticleDailyViews, ArticleHourlyViews, ArticleVisitor
from tests.news.conftest import REDIS_TEST_URL
from tests.news.factories import ArticleFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"


def visit(client, article, ip="10.1.2.3", agent=BROWSER, **headers):
    response = client.get(
        reverse("news:article", kwargs={"slug": article.slug}),
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT=agent,
        **headers,
    )
    assert response.status_code == 200
    return response


def views_of(article) -> int:
    return Article.objects.get(pk=article.pk).view_count


@pytest.fixture(params=["database", "redis"])
def counting_path(request):
    """Run a test on the embedded path and on the Redis path."""
    if request.param == "redis":
        request.getfixturevalue("redis_counting")
    return request.param


def test_same_visitor_ten_times_is_one_view_and_ten_visitors_are_ten(client, counting_path):
    once, many = ArticleFactory(), ArticleFactory()
    for _ in range(10):
        visit(client, once)
    for number in range(10):
        visit(client, many, ip=f"10.0.0.{number + 1}")
    moved = flush_views()
    assert view_recorder().counter.name == counting_path
    assert views_of(once) == 1
    assert views_of(many) == 10
    today = counting.local_day(timezone.now())
    assert ArticleDailyViews.objects.get(article=once, day=today).views == 1
    assert ArticleDailyViews.objects.get(article=many, day=today).views == 10
    assert (
        sum(ArticleHourlyViews.objects.filter(article=many).values_list("views", flat=True)) == 10
    )
    if counting_path == "redis":
        assert moved == 11
    # flushing again adds nothing
    flush_views()
    assert (views_of(once), views_of(many)) == (1, 10)


def test_a_different_browser_on_the_same_address_is_another_visitor(client, counting_path):
    article = ArticleFactory()
    visit(client, article, agent=BROWSER)
    visit(client, article, agent=BROWSER.replace("Pixel 8", "Pixel 7"))
    flush_views()
    assert views_of(article) == 2


def test_bots_prefetches_and_non_get_requests_are_not_counted(client, counting_path):
    article = ArticleFactory()
    visit(
        client,
        article,
        agent="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    )
    visit(client, article, agent="curl/8.5.0")
    visit(client, article, agent="")
    visit(client, article, HTTP_SEC_PURPOSE="prefetch")
    visit(client, article, HTTP_PURPOSE="prefetch")
    visit(client, article, HTTP_X_MOZ="prefetch")
    client.head(reverse("news:article", kwargs={"slug": article.slug}), HTTP_USER_AGENT=BROWSER)
    flush_views()
    assert views_of(article) == 0
    visit(client, article)
    flush_views()
    assert views_of(article) == 1


def test_drafts_and_scheduled_articles_are_not_counted_even_for_staff(client, publisher):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    scheduled = ArticleFactory(published_at=timezone.now() + timedelta(days=1))
    client.force_login(publisher)
    visit(client, draft)
    visit(client, scheduled)
    flush_views()
    assert views_of(draft) == views_of(scheduled) == 0


def test_no_raw_address_is_stored_and_no_cookie_is_set(client):
    article = ArticleFactory()
    response = visit(client, article, ip="192.0.2.77")
    # base.html's language form sets Django's CSRF cookie; counting sets none of its own
    assert set(response.cookies) <= {"csrftoken"}
    stored = list(ArticleVisitor.objects.values_list("visitor", flat=True))
    assert len(stored) == 1
    assert "192.0.2.77" not in stored[0] and len(stored[0]) == 32


def test_the_page_is_produced_before_the_view_is_recorded(client):
    """The counter runs from the response's close(), after the body is complete."""
    article = ArticleFactory()
    calls = []
    original = counting.ViewRecorder.record

    def spy(self, view):
        calls.append(view)
        original(self, view)

    with mock.patch.object(counting.ViewRecorder, "record", spy):
        response = client.get(
            reverse("news:article", kwargs={"slug": article.slug}), HTTP_USER_AGENT=BROWSER
        )
        # The test client closes the response as a WSGI server does, after the body.
        assert b"<h1" in response.content
    assert len(calls) == 1


def test_a_page_serves_when_the_database_counter_fails(client, caplog):
    article = ArticleFactory()
    from django.db import OperationalError

    with mock.patch.object(DatabaseViewCounter, "ingest", side_effect=OperationalError("locked")):
        response = visit(client, article, ip="192.0.2.10")
    assert response.status_code == 200
    assert "1 views dropped" in caplog.text
    assert "192.0.2.10" not in caplog.text


def test_redis_outage_mid_run_drops_only_the_views_of_the_outage(client, redis_counting, caplog):
    article = ArticleFactory()
    for number in range(5):
        visit(client, article, ip=f"10.0.1.{number}")
    flush_views()
    assert views_of(article) == 5

    # Redis goes away: pages still serve, the views of that time are dropped and logged.
    with mock.patch.object(
        RedisViewCounter, "ingest", side_effect=redis.ConnectionError("Connection refused")
    ):
        for number in range(3):
            assert visit(client, article, ip=f"10.0.2.{number}").status_code == 200
    assert caplog.text.count("1 views dropped") == 3
    assert view_recorder().dropped == 3
    assert "10.0.2." not in caplog.text

    # Redis is back: counting resumes; nothing flushed before was lost.
    for number in range(2):
        visit(client, article, ip=f"10.0.3.{number}")
    flush_views()
    assert views_of(article) == 7


def test_a_closed_redis_port_is_an_outage_the_pages_survive(client, settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/15"  # nothing listens there
    article = ArticleFactory()
    assert visit(client, article).status_code == 200
    assert "redis counter unavailable" in caplog.text
    with pytest.raises(redis.RedisError):
        view_recorder().counter.flush()


def test_redis_losing_its_data_loses_at_most_the_views_not_yet_flushed(
    client, redis_counting, settings
):
    article = ArticleFactory()
    for number in range(4):
        visit(client, article, ip=f"10.0.4.{number}")
    flush_views()
    for number in range(3):  # counted in Redis, not yet flushed...
        visit(client, article, ip=f"10.0.5.{number}")
    # ...when Redis restarts empty.
    keys = list(redis_counting.scan_iter(match=f"{settings.HALYQ_NEWS_REDIS_PREFIX}*"))
    redis_counting.delete(*keys)
    for number in range(2):
        visit(client, article, ip=f"10.0.6.{number}")
    flush_views()
    # The 4 flushed views are kept, the 3 unflushed ones are lost, the 2 new ones counted.
    assert views_of(article) == 6


def test_a_flush_whose_database_write_fails_keeps_the_counts_for_the_next(client, redis_counting):
    article = ArticleFactory()
    for number in range(3):
        visit(client, article, ip=f"10.0.7.{number}")
    from django.db import OperationalError

    failing = mock.patch.object(
        counting, "_locked_daily_rows", side_effect=OperationalError("down")
    )
    with failing, pytest.raises(OperationalError):
        flush_views()
    assert views_of(article) == 0
    flush_views()
    assert views_of(article) == 3


def test_redis_counts_exactly_below_the_limit_then_switches_to_hyperloglog(
    redis_counting, settings
):
    article = ArticleFactory()
    counter = RedisViewCounter(
        REDIS_TEST_URL, prefix=settings.HALYQ_NEWS_REDIS_PREFIX, exact_limit=50
    )
    today = counting.local_day(timezone.now())
    now = timezone.now()
    views = [PendingView(article.pk, today, f"{n:032x}", now) for n in range(40)]
    counter.ingest(views + views)
    assert counter.unique_count(article.pk, today) == 40
    more = [PendingView(article.pk, today, f"{n:032x}", now) for n in range(40, 400)]
    counter.ingest(more)
    exact_key, hll_key = counter._keys(counter._member(article.pk, today))
    assert redis_counting.exists(hll_key) and not redis_counting.exists(exact_key)
    assert abs(counter.unique_count(article.pk, today) - 400) <= 400 * 0.03
    assert counter.flush() == counter.unique_count(article.pk, today)


def test_views_are_counted_per_day(db):
    article = ArticleFactory()
    counter = DatabaseViewCounter()
    yesterday, today = date(2026, 3, 9), date(2026, 3, 10)
    noon = timezone.make_aware(datetime(2026, 3, 10, 12, 30))
    visitor = "a" * 32
    counter.ingest([PendingView(article.pk, yesterday, visitor, noon)], now=noon)
    counter.ingest([PendingView(article.pk, today, visitor, noon)], now=noon)
    counter.ingest([PendingView(article.pk, today, visitor, noon)], now=noon)
    assert views_of(article) == 2
    days = dict(ArticleDailyViews.objects.filter(article=article).values_list("day", "views"))
    assert days == {yesterday: 1, today: 1}
    hours = dict(ArticleHourlyViews.objects.filter(article=article).values_list("hour", "views"))
    # yesterday's late view belongs to yesterday's last hour, today's to the current hour
    assert hours == {
        timezone.make_aware(datetime(2026, 3, 9, 23)): 1,
        timezone.make_aware(datetime(2026, 3, 10, 12)): 1,
    }


def test_attribution_hour_stays_inside_the_day():
    now = timezone.make_aware(datetime(2026, 3, 10, 0, 20))
    assert attribution_hour(date(2026, 3, 10), now) == timezone.make_aware(datetime(2026, 3, 10, 0))
    assert attribution_hour(date(2026, 3, 9), now) == timezone.make_aware(datetime(2026, 3, 9, 23))
    assert attribution_hour(date(2026, 3, 11), now) == timezone.make_aware(datetime(2026, 3, 11, 0))


def test_a_deleted_article_views_are_ignored(db):
    article = ArticleFactory()
    article_id = article.pk
    article.delete()
    DatabaseViewCounter().ingest([PendingView(article_id, date.today(), "b" * 32, timezone.now())])
    assert not ArticleVisitor.objects.exists()


def test_pruning_forgets_visitor_hashes_after_a_day_and_hours_after_eight_days(db):
    article = ArticleFactory()
    now = timezone.now()
    today = counting.local_day(now)
    for age in (0, 1, 2, 5):
        ArticleVisitor.objects.create(
            article=article, day=today - timedelta(days=age), visitor=f"{age:032x}"
        )
    for age_hours in (1, 24 * 7, 24 * 9):
        ArticleHourlyViews.objects.create(
            article=article, hour=counting.hour_start(now) - timedelta(hours=age_hours), views=1
        )
    assert prune_view_records(now=now) == (2, 1)
    assert sorted(ArticleVisitor.objects.values_list("day", flat=True)) == [
        today - timedelta(days=1),
        today,
    ]


def test_the_background_recorder_batches_and_writes_off_the_request_thread(db):
    article = ArticleFactory()
    written = []

    class Recording(DatabaseViewCounter):
        def ingest(self, views, *, now=None):
            written.append(len(views))

    recorder = ViewRecorder(Recording(), background=True, interval=0.05)
    recorder._prune_hourly = lambda: None  # the test's database belongs to the test thread
    today = counting.local_day(timezone.now())
    for number in range(25):
        recorder.record(PendingView(article.pk, today, f"{number:032x}", timezone.now()))
    import time

    deadline = time.monotonic() + 5
    while sum(written) < 25 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sum(written) == 25
    thread = recorder._thread
    assert thread is not None and thread.is_alive()
    recorder.stop()
    assert not thread.is_alive()


def test_the_background_writer_survives_a_failure(db):
    calls = []

    class Flaky(DatabaseViewCounter):
        def ingest(self, views, *, now=None):
            calls.append(len(views))
            if len(calls) == 1:
                raise RuntimeError("unexpected")

    recorder = ViewRecorder(Flaky(), background=True, interval=0.05)
    recorder._prune_hourly = lambda: None
    view = PendingView(1, date.today(), "d" * 32, timezone.now())
    recorder.record(view)
    import time

    deadline = time.monotonic() + 5
    while len(calls) < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    recorder.record(view)
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert calls == [1, 1] and recorder._thread.is_alive()
    recorder.stop()


def test_a_full_queue_drops_views_instead_of_growing(db):
    recorder = ViewRecorder(DatabaseViewCounter(), background=True, interval=60, max_pending=3)
    recorder._start = lambda: None  # no thread: keep the queue as it is
    recorder._thread = object()
    view = PendingView(1, date.today(), "c" * 32, timezone.now())
    for _ in range(5):
        recorder.record(view)
    assert len(recorder._pending) == 3 and recorder.dropped == 2


def test_flush_command_reports_and_prunes(client, redis_counting, capsys):
    from django.core.management import call_command

    article = ArticleFactory()
    visit(client, article)
    call_command("news_flush_views")
    assert "1 new unique views moved (redis path)" in capsys.readouterr().out
    assert views_of(article) == 1


def test_flush_command_says_in_words_when_redis_is_down(settings):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.REDIS_URL = "redis://127.0.0.1:1/15"
    with pytest.raises(CommandError, match="Redis could not be reached"):
        call_command("news_flush_views")
