"""Who is reading: a daily pseudonym for a visitor, and whether a request is a person at all.

Rules:
- A visitor is HMAC-SHA256(daily salt, IP address + user agent), cut to 128 bits.
  The daily salt is HMAC-SHA256(SECRET_KEY, "news-visitor-salt:" + local date): it is
  derived when needed and never stored, and changes at local midnight, so hashes of
  different days cannot be linked. The raw IP address is never stored or logged.
- No cookie is set or read for counting.
- The IP address is REMOTE_ADDR unless `HALYQ_NEWS_CLIENT_IP_HEADER` names the header a
  trusted reverse proxy sets (e.g. "HTTP_X_REAL_IP"); never trust a header the proxy
  does not overwrite.
- Not counted: requests whose user agent matches `BOT_PATTERNS` (search engines, link
  previews, monitoring, command-line and library clients, headless browsers — our own
  Playwright tests run headless Chromium and are deliberately not counted), requests
  without a user agent, and prefetch/prerender requests announced by `Purpose`,
  `Sec-Purpose`, `X-Purpose` or `X-Moz` headers.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

from django.conf import settings
from django.http import HttpRequest

# Substrings (case-insensitive) of user agents that are not a person reading.
BOT_PATTERNS = (
    # generic words crawlers put in their names
    r"\bbot\b",
    r"bot/",
    r"\+https?://",
    r"crawl",
    r"spider",
    r"slurp",
    r"archiver",
    # search engines and SEO tools
    r"googlebot",
    r"google-inspectiontool",
    r"adsbot-google",
    r"mediapartners-google",
    r"bingbot",
    r"bingpreview",
    r"yandex(bot|images|metrika|mobilebot|accessibilitybot|direct|favicons)",
    r"baiduspider",
    r"duckduckbot",
    r"applebot",
    r"petalbot",
    r"ahrefsbot",
    r"semrushbot",
    r"mj12bot",
    r"dotbot",
    r"bytespider",
    r"gptbot",
    r"ccbot",
    # link previews in messengers and social networks
    r"facebookexternalhit",
    r"twitterbot",
    r"telegrambot",
    r"whatsapp",
    r"vkshare",
    r"linkedinbot",
    r"slackbot",
    r"discordbot",
    # monitoring, feeds and performance tools
    r"uptimerobot",
    r"pingdom",
    r"lighthouse",
    r"pagespeed",
    r"feedfetcher",
    r"feedburner",
    # command-line tools and HTTP libraries
    r"^curl/",
    r"^wget/",
    r"python-requests",
    r"python-urllib",
    r"python-httpx",
    r"aiohttp",
    r"go-http-client",
    r"^java/",
    r"okhttp",
    r"libwww-perl",
    r"apache-httpclient",
    r"node-fetch",
    r"axios/",
    r"^wrk",
    r"apachebench",
    # automated browsers
    r"headlesschrome",
    r"phantomjs",
    r"electron/.*puppeteer",
)
_BOT = re.compile("|".join(BOT_PATTERNS), re.IGNORECASE)

# Headers with which browsers announce a speculative load nobody may ever look at.
PREFETCH_HEADERS = ("HTTP_PURPOSE", "HTTP_SEC_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")


def is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(_BOT.search(user_agent))


def is_prefetch(request: HttpRequest) -> bool:
    for header in PREFETCH_HEADERS:
        value = request.META.get(header, "").lower()
        if "prefetch" in value or "prerender" in value or "preview" in value:
            return True
    return False


def client_ip(request: HttpRequest) -> str:
    header = getattr(settings, "HALYQ_NEWS_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        # A proxy may append a chain; the first address is the client it saw.
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def daily_salt(day: date) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"news-visitor-salt:{day.isoformat()}".encode(), "sha256"
    ).digest()


def visitor_hash(ip: str, user_agent: str, day: date, *, salt: bytes | None = None) -> str:
    """A 32-hex-digit pseudonym of one visitor for one day."""
    key = salt if salt is not None else daily_salt(day)
    message = f"{ip}\n{user_agent}".encode("utf-8", "replace")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def countable(request: HttpRequest) -> bool:
    """Whether this request may count as a reader's view."""
    return (
        request.method == "GET"
        and not is_prefetch(request)
        and not is_bot(request.META.get("HTTP_USER_AGENT", ""))
    )
