"""Reads of the news section shared by pages, feeds, the sitemap and other apps' pages.

Rules:
- Readers see published articles only (status published, publication time come);
  drafts and scheduled articles reach the newsroom's pages and nothing else.
- Most read: articles ranked by the unique views counted in the window's hour buckets.
  The "24h" window is the current clock hour plus the 23 before it (between 23 and 24
  hours of counting); "7d" is the current hour plus the 167 before it. Articles without
  a view in the window are not listed. Ties go to the more recently published article,
  then to the higher id. Comment and reaction counts shown beside are all-time counts
  of published comments and of reactions.
- Read also: the editor's choices first, in the editor's order, then articles sharing
  the most tags (3 points each), people (2 points each) and regions (1 point each),
  newest first among equals; never the article itself, never an unpublished one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from halyq.news import caching
from halyq.news.counting import hour_start
from halyq.news.models import (
    Article,
    ArticleHourlyViews,
    Category,
    Comment,
    Reaction,
    ReadAlsoLink,
    Tag,
)

PERIOD_HOURS = {"24h": 24, "7d": 24 * 7}
DEFAULT_PERIOD = "24h"
MOST_READ_SIZE = 10
READ_ALSO_SIZE = 4
LIST_FIELDS = (
    "id",
    "slug",
    "status",
    "published_at",
    "updated_at",
    "title_kk",
    "title_ru",
    "title_en",
    "lead_kk",
    "lead_ru",
    "lead_en",
    "cover",
    "cover_caption_kk",
    "cover_caption_ru",
    "cover_caption_en",
    "view_count",
    "comment_count",
    "reaction_count",
)


def cache_seconds() -> int:
    return int(getattr(settings, "HALYQ_NEWS_CACHE_SECONDS", 60))


def _categories_prefetch() -> Prefetch:
    return Prefetch("categories", queryset=Category.objects.order_by("order", "slug"))


def article_list(
    *, category: Category | None = None, tag: Tag | None = None, now: datetime | None = None
) -> QuerySet[Article]:
    """Published articles, newest first, ready for a list page."""
    articles = Article.objects.published(now).only(*LIST_FIELDS)
    if category is not None:
        articles = articles.filter(categories=category)
    if tag is not None:
        articles = articles.filter(tags=tag)
    return articles.prefetch_related(_categories_prefetch()).order_by("-published_at", "-id")


def feed_articles(
    *, language: str, category: Category | None = None, limit: int = 30
) -> list[Article]:
    """The newest published articles written in `language` (feeds carry no fallbacks)."""
    articles = Article.objects.published().in_language(language).select_related("author")
    if category is not None:
        articles = articles.filter(categories=category)
    return list(articles.prefetch_related("tags").order_by("-published_at", "-id")[:limit])


def article_get(*, user, slug: str) -> Article:
    """One article for its page; `Article.DoesNotExist` when the user may not read it."""
    article = (
        Article.objects.select_related("author")
        .prefetch_related(
            _categories_prefetch(),
            Prefetch("tags", queryset=Tag.objects.order_by("slug")),
            Prefetch("persons", queryset=_person_queryset()),
            "regions",
        )
        .get(slug=slug)
    )
    if not user.has_perm("news.read_article", article):
        raise Article.DoesNotExist
    return article


def _person_queryset():
    from halyq.directory.models import Person

    return Person.objects.select_related("region").order_by("family_name_ru", "given_name_ru")


def staff_article_list(*, user, status: str = "", query: str = "") -> QuerySet[Article]:
    """Every article (drafts, scheduled, published) for the newsroom."""
    if not user.has_perm("news.enter_newsroom"):
        return Article.objects.none()
    articles = Article.objects.select_related("author").only(
        *LIST_FIELDS, "created_at", "author__display_name"
    )
    now = timezone.now()
    if status == "draft":
        articles = articles.filter(status=Article.Status.DRAFT)
    elif status == "scheduled":
        articles = articles.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
    elif status == "published":
        articles = articles.published(now)
    if query:
        articles = articles.filter(
            Q(title_ru__icontains=query)
            | Q(title_kk__icontains=query)
            | Q(title_en__icontains=query)
        )
    return articles.order_by("-updated_at", "-id")


# --- most read -------------------------------------------------------------------------


@dataclass(frozen=True)
class MostReadItem:
    """One line of the most-read list: what to show, in any language."""

    rank: int
    article_id: int
    slug: str
    title_kk: str
    title_ru: str
    title_en: str
    published_at: datetime
    views: int
    comments: int
    reactions: int

    def get_absolute_url(self) -> str:
        return reverse("news:article", kwargs={"slug": self.slug})


def window_start(period: str, now: datetime | None = None) -> datetime:
    return hour_start(now or timezone.now()) - timedelta(hours=PERIOD_HOURS[period] - 1)


def most_read(
    *, period: str = DEFAULT_PERIOD, now: datetime | None = None, limit: int = MOST_READ_SIZE
) -> list[MostReadItem]:
    """The most-read published articles of the window (see the module's rules)."""
    now = now or timezone.now()
    ranked = list(
        ArticleHourlyViews.objects.filter(
            hour__gte=window_start(period, now),
            hour__lte=now,
            article__status=Article.Status.PUBLISHED,
            article__published_at__lte=now,
        )
        .values("article_id", "article__published_at")
        .annotate(views=Sum("views"))
        .filter(views__gt=0)
        .order_by("-views", "-article__published_at", "-article_id")[:limit]
    )
    articles = Article.objects.only(
        "id",
        "slug",
        "title_kk",
        "title_ru",
        "title_en",
        "published_at",
        "comment_count",
        "reaction_count",
    ).in_bulk([row["article_id"] for row in ranked])
    items = []
    for rank, row in enumerate(ranked, start=1):
        article = articles[row["article_id"]]
        items.append(
            MostReadItem(
                rank=rank,
                article_id=article.pk,
                slug=article.slug,
                title_kk=article.title_kk,
                title_ru=article.title_ru,
                title_en=article.title_en,
                published_at=article.published_at,
                views=row["views"],
                comments=article.comment_count,
                reactions=article.reaction_count,
            )
        )
    return items


def most_read_cached(*, period: str = DEFAULT_PERIOD) -> list[MostReadItem]:
    return caching.cached(f"most-read:{period}", cache_seconds(), lambda: most_read(period=period))


# --- read also -------------------------------------------------------------------------


def read_also(
    article: Article, *, limit: int = READ_ALSO_SIZE, now: datetime | None = None
) -> list[Article]:
    """What to read next under `article` (see the module's rules)."""
    now = now or timezone.now()
    chosen_ids = list(
        ReadAlsoLink.objects.filter(source=article)
        .order_by("position", "id")
        .values_list("target_id", flat=True)
    )
    published = Article.objects.published(now).exclude(pk=article.pk)
    chosen = published.filter(pk__in=chosen_ids).only(*LIST_FIELDS).in_bulk()
    result = [chosen[pk] for pk in chosen_ids if pk in chosen][:limit]
    if len(result) < limit:
        scores: dict[int, int] = defaultdict(int)
        for relation, weight in (("tags", 3), ("persons", 2), ("regions", 1)):
            through = getattr(Article, relation).through
            column = through._meta.get_field(relation[:-1]).attname  # tag, person, region
            own = list(getattr(article, relation).values_list("pk", flat=True))
            if not own:
                continue
            shared = (
                through.objects.filter(**{f"{column}__in": own})
                .exclude(article_id=article.pk)
                .values("article_id")
                .annotate(n=Count("id"))
                .order_by()
            )
            for row in shared:
                scores[row["article_id"]] += weight * row["n"]
        exclude = {a.pk for a in result} | {article.pk}
        candidates = [pk for pk in scores if pk not in exclude]
        if candidates:
            ranked = list(published.filter(pk__in=candidates).only(*LIST_FIELDS))
            ranked.sort(key=lambda a: (-scores[a.pk], -a.published_at.timestamp(), -a.pk))
            result += ranked[: limit - len(result)]
    return result


def read_also_cached(article: Article) -> list[Article]:
    return caching.cached(
        f"read-also:{article.pk}", cache_seconds() * 5, lambda: read_also(article)
    )


# --- the article's people, places and bodies ---------------------------------------------


def articles_about(*, person=None, region=None, organization=None, limit: int = 5) -> list[Article]:
    """The newest published articles about a person, a region or an organisation."""
    articles = Article.objects.published()
    if person is not None:
        articles = articles.filter(persons=person)
    if region is not None:
        articles = articles.filter(regions=region)
    if organization is not None:
        articles = articles.filter(organizations=organization)
    if person is None and region is None and organization is None:
        return []
    return list(articles.only(*LIST_FIELDS).order_by("-published_at", "-id")[:limit])


# --- comments and reactions ----------------------------------------------------------------


def comment_list(*, article: Article, limit: int = 200) -> list[Comment]:
    """Published comments, oldest first (the newest `limit` of them)."""
    newest = list(
        Comment.objects.filter(article=article, status=Comment.Status.PUBLISHED)
        .only("id", "article_id", "author_id", "text", "created_at", "status")
        .order_by("-created_at", "-id")[:limit]
    )
    return newest[::-1]


def reaction_summary(*, article: Article, user=None) -> tuple[dict[str, int], str]:
    """Reactions per code, and the code the user chose ("" when none)."""
    counts = dict.fromkeys(Reaction.Code.values, 0)
    for row in (
        Reaction.objects.filter(article=article).values("code").annotate(n=Count("id")).order_by()
    ):
        counts[row["code"]] = row["n"]
    mine = ""
    if user is not None and user.is_authenticated:
        mine = (
            Reaction.objects.filter(article=article, user=user)
            .values_list("code", flat=True)
            .first()
            or ""
        )
    return counts, mine


def moderation_queue(*, user, status: str = Comment.Status.PENDING) -> QuerySet[Comment]:
    """Comments for moderators, oldest first, with their article and last decisions."""
    if not user.has_perm("news.moderate_comments"):
        return Comment.objects.none()
    return (
        Comment.objects.filter(status=status)
        .select_related("article")
        .only(
            "id",
            "text",
            "status",
            "report_count",
            "created_at",
            "author_id",
            "article__id",
            "article__slug",
            "article__title_kk",
            "article__title_ru",
            "article__title_en",
        )
        .prefetch_related("decisions__moderator")
        .order_by("created_at", "id")
    )
