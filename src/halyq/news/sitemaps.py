"""The sitemap of published articles, each with its language versions (hreflang).

Only the languages an article is written in are listed, so search engines never get a
fallback page as a translation.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap

from halyq.news.models import Article


class ArticleSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .only("id", "slug", "updated_at", "published_at", "title_kk", "title_ru", "title_en")
            .order_by("-published_at", "-id")
        )

    def get_languages_for_item(self, article: Article) -> list[str]:
        return article.languages

    def lastmod(self, article: Article):
        return article.updated_at
