"""Template tags of the news section, also for other apps' pages.

- `{% articles_about person %}` (or a region, or an organisation): the newest published
  articles about it, for profile pages (templates/news/_about.html).
- `{% news_most_read %}`: the most-read list of the last 24 hours, for any page.
- `{{ article.body_ru|sanitized }}`: body HTML through the allow-list once more before it
  is shown (bodies are sanitised on save; this guards data that came another way).
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from halyq.directory.models import Organization, Person, Region
from halyq.news import selectors
from halyq.news.sanitising import sanitize_html

register = template.Library()


@register.inclusion_tag("news/_about.html")
def articles_about(subject, limit: int = 5):
    if isinstance(subject, Person):
        articles = selectors.articles_about(person=subject, limit=limit)
    elif isinstance(subject, Region):
        articles = selectors.articles_about(region=subject, limit=limit)
    elif isinstance(subject, Organization):
        articles = selectors.articles_about(organization=subject, limit=limit)
    else:
        articles = []
    return {"articles": articles}


@register.inclusion_tag("news/_most_read.html", takes_context=True)
def news_most_read(context, period: str = selectors.DEFAULT_PERIOD):
    return {
        "request": context.get("request"),
        "most_read": selectors.most_read_cached(period=period),
        "period": period,
        "switchable": False,
    }


@register.filter
def sanitized(html: str) -> str:
    return mark_safe(sanitize_html(html))  # noqa: S308 — the allow-list sanitiser's output
