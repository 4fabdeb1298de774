"""RSS 2.0 and Atom feeds of the newest articles, per language and per category.

The language is the URL's (/news/feed/rss/ is Russian, /kk/news/feed/rss/ Kazakh,
/en/... English) and a feed carries only the articles written in that language, never
a fallback. Built on Django's syndication framework.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from halyq.core.i18n import current_language, localized
from halyq.news.models import Article, Category
from halyq.news.selectors import feed_articles


class ArticleRssFeed(Feed):
    def get_object(self, request, slug: str | None = None):
        return get_object_or_404(Category, slug=slug) if slug else None

    def title(self, category: Category | None) -> str:
        if category is None:
            return _("Halyq news")
        return _("Halyq news: %(category)s") % {"category": localized(category, "name").text}

    def link(self, category: Category | None) -> str:
        return category.get_absolute_url() if category else reverse("news:index")

    def description(self, category: Category | None) -> str:
        return _("What deputies and public reception offices are doing for citizens.")

    def feed_url(self, category: Category | None) -> str:
        name = (
            "news:category_feed_atom" if self.feed_type is Atom1Feed else "news:category_feed_rss"
        )
        if category is None:
            return reverse("news:feed_atom" if self.feed_type is Atom1Feed else "news:feed_rss")
        return reverse(name, kwargs={"slug": category.slug})

    def items(self, category: Category | None) -> list[Article]:
        return feed_articles(language=current_language(), category=category)

    def item_title(self, article: Article) -> str:
        return getattr(article, f"title_{current_language()}")

    def item_description(self, article: Article) -> str:
        return getattr(article, f"lead_{current_language()}")

    def item_link(self, article: Article) -> str:
        return article.get_absolute_url()

    def item_pubdate(self, article: Article):
        return article.published_at

    def item_updateddate(self, article: Article):
        return article.updated_at

    def item_author_name(self, article: Article) -> str:
        return article.author.display_name if article.author and article.author.display_name else ""

    def item_categories(self, article: Article) -> list[str]:
        return [localized(tag, "name").text for tag in article.tags.all()]


class ArticleAtomFeed(ArticleRssFeed):
    feed_type = Atom1Feed
    subtitle = ArticleRssFeed.description
