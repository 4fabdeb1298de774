"""The daily visitor pseudonym and the bot and prefetch filter."""

from datetime import date

import pytest
from django.test import RequestFactory

from halyq.news.visitors import client_ip, countable, is_bot, is_prefetch, visitor_hash

PEOPLE = [
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
    "Mozilla/5.0 (Linux; Android 13; Redmi Note 12) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 YaBrowser/24.4 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
]
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Mozilla/5.0 (compatible; YandexMetrika/2.0)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "TelegramBot (like TwitterBot)",
    "WhatsApp/2.23.20.0 A",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.32.3",
    "Python-urllib/3.11",
    "Go-http-client/1.1",
    "okhttp/4.12.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (compatible; SomeNewCrawler/1.0)",
    "",
    "   ",
]


@pytest.mark.parametrize("agent", PEOPLE)
def test_browsers_of_people_are_not_bots(agent):
    assert not is_bot(agent)


@pytest.mark.parametrize("agent", BOTS)
def test_crawlers_previews_tools_and_headless_browsers_are_bots(agent):
    assert is_bot(agent)


@pytest.mark.parametrize(
    "header,value",
    [
        ("HTTP_PURPOSE", "prefetch"),
        ("HTTP_SEC_PURPOSE", "prefetch;prerender"),
        ("HTTP_X_MOZ", "prefetch"),
        ("HTTP_X_PURPOSE", "preview"),
    ],
)
def test_prefetches_are_recognised(header, value):
    request = RequestFactory().get("/", **{header: value, "HTTP_USER_AGENT": PEOPLE[0]})
    assert is_prefetch(request)
    assert not countable(request)


def test_a_plain_get_from_a_browser_counts_and_a_post_does_not():
    factory = RequestFactory()
    assert countable(factory.get("/", HTTP_USER_AGENT=PEOPLE[0]))
    assert not countable(factory.post("/", HTTP_USER_AGENT=PEOPLE[0]))


def test_the_hash_is_stable_within_a_day_and_changes_with_the_day_visitor_and_secret(settings):
    day, next_day = date(2026, 5, 1), date(2026, 5, 2)
    first = visitor_hash("203.0.113.5", PEOPLE[0], day)
    assert first == visitor_hash("203.0.113.5", PEOPLE[0], day)
    assert len(first) == 32 and "203" not in first
    assert first != visitor_hash("203.0.113.5", PEOPLE[0], next_day)
    assert first != visitor_hash("203.0.113.6", PEOPLE[0], day)
    assert first != visitor_hash("203.0.113.5", PEOPLE[1], day)
    settings.SECRET_KEY = "another-secret"
    assert first != visitor_hash("203.0.113.5", PEOPLE[0], day)


def test_the_client_address_comes_from_a_trusted_proxy_header_only_when_configured(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.9, 10.0.0.1"
    )
    assert client_ip(request) == "10.0.0.1"
    settings.HALYQ_NEWS_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert client_ip(request) == "198.51.100.9"
