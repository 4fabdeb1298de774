"""The news section: articles in three languages, their readers' comments and reactions,
and honest view counts.

Rules:
- Every write goes through `news.services` (articles, comments, reactions) or
  `news.counting` (views); nothing else calls `.save()` on these models.
- An article is *published* when its status is `published` and its publication time has
  come; a published article with a future time is *scheduled* and invisible to readers.
- Article bodies are stored already sanitised (allow-list HTML); titles, leads, captions
  and comments are plain text and are escaped when shown.
- The counts kept on `Article` (`view_count`, `comment_count`, `reaction_count`) are
  denormalised for fast pages; services recompute them from the rows they summarise.
- Views: `ArticleVisitor` holds one row per (article, day, salted visitor hash) on the
  embedded path only, and only for the current and previous day; `ArticleDailyViews` and
  `ArticleHourlyViews` hold counts and nothing that identifies a reader.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from halyq.core.i18n import LANGUAGE_CODES, localized


class Category(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")

    def __str__(self) -> str:
        return localized(self, "name").text

    def get_absolute_url(self) -> str:
        return reverse("news:category", kwargs={"category_slug": self.slug})


class Tag(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=80, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return localized(self, "name").text

    def get_absolute_url(self) -> str:
        return reverse("news:tag", kwargs={"tag_slug": self.slug})


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self, now=None) -> ArticleQuerySet:
        """Visible to readers: published, and the publication time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def in_language(self, language: str) -> ArticleQuerySet:
        """Articles that have a version written in `language` (not a fallback)."""
        return self.exclude(**{f"title_{language}": ""})


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    slug = models.SlugField(_("address"), max_length=120, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("A time in the future schedules the article."),
    )
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    lead_kk = models.TextField(_("lead (Kazakh)"), max_length=600, blank=True)
    lead_ru = models.TextField(_("lead (Russian)"), max_length=600, blank=True)
    lead_en = models.TextField(_("lead (English)"), max_length=600, blank=True)
    body_kk = models.TextField(_("text (Kazakh)"), blank=True)
    body_ru = models.TextField(_("text (Russian)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    cover = models.ImageField(_("cover image"), upload_to="news/%Y/%m/", blank=True)
    cover_caption_kk = models.CharField(_("caption (Kazakh)"), max_length=300, blank=True)
    cover_caption_ru = models.CharField(_("caption (Russian)"), max_length=300, blank=True)
    cover_caption_en = models.CharField(_("caption (English)"), max_length=300, blank=True)
    cover_credit = models.CharField(_("photo credit"), max_length=150, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news_articles",
        verbose_name=_("author"),
    )
    categories = models.ManyToManyField(
        Category, blank=True, related_name="articles", verbose_name=_("categories")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    persons = models.ManyToManyField(
        "directory.Person", blank=True, related_name="news_articles", verbose_name=_("people")
    )
    regions = models.ManyToManyField(
        "directory.Region", blank=True, related_name="news_articles", verbose_name=_("regions")
    )
    organizations = models.ManyToManyField(
        "directory.Organization",
        blank=True,
        related_name="news_articles",
        verbose_name=_("organisations"),
    )
    read_also = models.ManyToManyField(
        "self",
        through="ReadAlsoLink",
        symmetrical=False,
        blank=True,
        related_name="+",
        verbose_name=_("read also"),
    )
    view_count = models.PositiveIntegerField(_("views"), default=0)
    comment_count = models.PositiveIntegerField(_("published comments"), default=0)
    reaction_count = models.PositiveIntegerField(_("reactions"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self) -> str:
        return localized(self, "title").text or self.slug

    def get_absolute_url(self) -> str:
        return reverse("news:article", kwargs={"slug": self.slug})

    @property
    def languages(self) -> list[str]:
        """The languages this article is written in (a title marks a version)."""
        return [code for code in LANGUAGE_CODES if getattr(self, f"title_{code}")]

    def is_published(self, now=None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
        )

    def is_scheduled(self, now=None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > (now or timezone.now())
        )


class ReadAlsoLink(models.Model):
    """An article the editor chose to recommend under another, in the editor's order."""

    source = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="read_also_links")
    target = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="news_read_also_once"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="news_read_also_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


class ArticleEvent(models.Model):
    """What happened to an article and who did it: the newsroom's audit trail."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("edited")
        PUBLISHED = "published", _("published")
        SCHEDULED = "scheduled", _("scheduled")
        UNPUBLISHED = "unpublished", _("unpublished")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.article_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting moderation")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("rejected")

    MAX_LENGTH = 2000

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="news_comments"
    )
    text = models.TextField(_("comment"), max_length=MAX_LENGTH)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    report_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["article", "status", "created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class CommentReport(models.Model):
    """A reader's report that a published comment breaks the rules (one per reader)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="news_report_once")
        ]

    def __str__(self) -> str:
        return f"report on comment {self.comment_id}"


class CommentDecision(models.Model):
    """A moderation decision, kept forever: who decided what about which comment, and why."""

    class Decision(models.TextChoices):
        PUBLISH = "publish", _("publish")
        REJECT = "reject", _("reject")
        REQUEUE = "requeue", _("returned to the queue after reports")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="decisions")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision = models.CharField(max_length=16, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.decision} comment {self.comment_id}"


class Reaction(models.Model):
    """One reaction per reader per article; the reader may change it or take it back."""

    class Code(models.TextChoices):
        LIKE = "like", _("like")
        LOVE = "love", _("love")
        WOW = "wow", _("surprised")
        SAD = "sad", _("sad")
        ANGRY = "angry", _("angry")

    SYMBOLS = {"like": "👍", "love": "❤️", "wow": "😮", "sad": "😢", "angry": "😡"}

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="news_reactions"
    )
    code = models.CharField(max_length=16, choices=Code.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="news_one_reaction_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.code} on {self.article_id}"


class ArticleVisitor(models.Model):
    """Embedded counting path: that a visitor (salted daily hash) saw an article on a day.

    Only the current and previous day are kept; the salt rotates daily and is never
    stored, so yesterday's hashes cannot be linked to today's.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    visitor = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "day", "visitor"], name="news_visitor_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"visitor of {self.article_id} on {self.day}"


class ArticleDailyViews(models.Model):
    """Unique visitors of an article on a (local) day.

    `redis_epoch`/`redis_seen` remember what the Redis path last flushed, so a flush that
    is repeated adds nothing and a Redis that lost its data starts again from zero.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    redis_epoch = models.CharField(max_length=32, blank=True)
    redis_seen = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="news_daily_views_once")
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}: {self.views}"


class ArticleHourlyViews(models.Model):
    """New unique views of an article counted in one clock hour (the most-read window)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="hourly_views")
    hour = models.DateTimeField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "hour"], name="news_hourly_views_once")
        ]
        indexes = [models.Index(fields=["hour", "article"])]

    def __str__(self) -> str:
        return f"{self.article_id} {self.hour:%Y-%m-%d %H}h: {self.views}"
