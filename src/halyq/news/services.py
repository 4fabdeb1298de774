"""Every write to the news section: articles, publishing, comments, moderation, reactions.

Rules:
- Keyword-only, atomic, checking permissions (`news.rules`) and input, raising
  `PermissionDenied` or a `ValidationError` with a translated message; nothing is
  changed when they raise.
- Article bodies are sanitised here (`sanitising.sanitize_html`) before they are stored.
- Articles are saved with explicit `update_fields`, never touching the counters
  (`view_count`, `comment_count`, `reaction_count`), which have their own writers.
- Each change to an article is recorded as an `ArticleEvent`; each moderation decision
  as a `CommentDecision`.
- Anything that changes what readers see invalidates the news caches on commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from anyascii import anyascii
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from halyq.core.i18n import LANGUAGE_CODES
from halyq.news import caching
from halyq.news.models import (
    Article,
    ArticleEvent,
    Category,
    Comment,
    CommentDecision,
    CommentReport,
    Reaction,
    ReadAlsoLink,
    Tag,
)
from halyq.news.sanitising import sanitize_html

# Addresses under /news/ that are pages of their own, never an article.
RESERVED_SLUGS = frozenset(
    {"category", "tag", "feed", "staff", "most-read", "comments", "sitemap", "about"}
)
MAX_BODY_LENGTH = 100_000
MAX_READ_ALSO = 6
TRANSLATED_FIELDS = ("title", "lead", "body", "cover_caption")


@dataclass
class ArticleData:
    """What an editor sends: per-language texts and the article's links."""

    title: dict[str, str] = field(default_factory=dict)
    lead: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] = field(default_factory=dict)
    cover_caption: dict[str, str] = field(default_factory=dict)
    cover: ContentFile | None = None
    remove_cover: bool = False
    cover_credit: str = ""
    slug: str = ""
    categories: Sequence[Category] = ()
    tags: Sequence[Tag] = ()
    tag_names: Sequence[str] = ()
    persons: Sequence = ()
    regions: Sequence = ()
    organizations: Sequence = ()
    read_also: Sequence[Article] = ()


def language_name(code: str) -> str:
    return {"kk": _("Kazakh"), "ru": _("Russian"), "en": _("English")}[code]


def _require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied(_("You may not do this in the newsroom."))


def _slug_base(data: ArticleData) -> str:
    for source in (data.slug, data.title.get("ru"), data.title.get("kk"), data.title.get("en")):
        candidate = slugify(anyascii(source or ""))[:100].strip("-")
        if candidate:
            return candidate
    return "article"


def _unique_slug(base: str, *, exclude_id: int | None = None) -> str:
    taken = Article.objects.filter(Q(slug=base) | Q(slug__startswith=f"{base}-"))
    if exclude_id:
        taken = taken.exclude(pk=exclude_id)
    used = set(taken.values_list("slug", flat=True))
    if base not in used and base not in RESERVED_SLUGS:
        return base
    number = 2
    while f"{base}-{number}" in used:
        number += 1
    return f"{base}-{number}"


def _clean_texts(data: ArticleData) -> dict[str, str]:
    values: dict[str, str] = {}
    for name in TRANSLATED_FIELDS:
        texts = getattr(data, name)
        for code in LANGUAGE_CODES:
            value = (texts.get(code) or "").strip()
            if name == "body":
                if len(value) > MAX_BODY_LENGTH:
                    raise ValidationError(_("The text is too long."), code="body_too_long")
                value = sanitize_html(value)
            values[f"{name}_{code}"] = value
    if not any(values[f"title_{code}"] for code in LANGUAGE_CODES):
        raise ValidationError(_("Write a title in at least one language."), code="no_title")
    for code in LANGUAGE_CODES:
        if values[f"body_{code}"] and not values[f"title_{code}"]:
            raise ValidationError(
                _("The %(language)s text needs a title in the same language.")
                % {"language": language_name(code)},
                code="body_without_title",
            )
    return values


def _apply_links(article: Article, data: ArticleData) -> None:
    article.categories.set(data.categories)
    article.tags.set([*data.tags, *tags_from_names(data.tag_names)])
    article.persons.set(data.persons)
    article.regions.set(data.regions)
    article.organizations.set(data.organizations)
    targets: list[Article] = []
    for target in data.read_also:
        if target.pk != article.pk and target.pk not in {t.pk for t in targets}:
            targets.append(target)
    if len(targets) > MAX_READ_ALSO:
        raise ValidationError(
            _("Choose at most %(count)d articles to read also.") % {"count": MAX_READ_ALSO},
            code="too_many_read_also",
        )
    ReadAlsoLink.objects.filter(source=article).delete()
    ReadAlsoLink.objects.bulk_create(
        [
            ReadAlsoLink(source=article, target=target, position=position)
            for position, target in enumerate(targets)
        ]
    )


def _apply_cover(article: Article, data: ArticleData) -> list[str]:
    changed: list[str] = []
    if data.cover is not None:
        article.cover.save(data.cover.name, data.cover, save=False)
        changed.append("cover")
    elif data.remove_cover and article.cover:
        old = article.cover.name
        storage = article.cover.storage
        article.cover = ""
        changed.append("cover")
        transaction.on_commit(lambda: storage.delete(old))
    return changed


@transaction.atomic
def article_create(*, actor, data: ArticleData) -> Article:
    """A new draft written by an editor (or a publisher)."""
    _require(actor, "news.write_article")
    values = _clean_texts(data)
    article = Article(
        **values,
        slug=_unique_slug(_slug_base(data)),
        cover_credit=data.cover_credit.strip(),
        author=actor,
        status=Article.Status.DRAFT,
    )
    if data.cover is not None:
        article.cover.save(data.cover.name, data.cover, save=False)
    article.save()
    _apply_links(article, data)
    ArticleEvent.objects.create(article=article, actor=actor, action=ArticleEvent.Action.CREATED)
    return article


@transaction.atomic
def article_update(*, actor, article: Article, data: ArticleData) -> Article:
    """Save an editor's changes; the address of a published article stays as it is."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    _require(actor, "news.edit_article", article)
    values = _clean_texts(data)
    for name, value in values.items():
        setattr(article, name, value)
    update_fields = [*values, "cover_credit", "updated_at"]
    article.cover_credit = data.cover_credit.strip()
    wanted_slug = slugify(anyascii(data.slug or ""))[:100].strip("-")
    if wanted_slug and wanted_slug != article.slug:
        if article.status == Article.Status.PUBLISHED:
            raise ValidationError(
                _("The address of a published article cannot change."), code="slug_locked"
            )
        article.slug = _unique_slug(wanted_slug, exclude_id=article.pk)
        update_fields.append("slug")
    update_fields += _apply_cover(article, data)
    article.updated_at = timezone.now()
    article.save(update_fields=update_fields)
    _apply_links(article, data)
    ArticleEvent.objects.create(article=article, actor=actor, action=ArticleEvent.Action.UPDATED)
    caching.invalidate()
    return article


@transaction.atomic
def article_publish(*, actor, article: Article, at: datetime | None = None) -> Article:
    """Publish now, or schedule for `at` (a future time); republishing keeps it visible."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    _require(actor, "news.publish_article", article)
    if not any(
        getattr(article, f"title_{c}") and getattr(article, f"body_{c}") for c in LANGUAGE_CODES
    ):
        raise ValidationError(
            _("An article needs a title and a text in at least one language to be published."),
            code="empty",
        )
    now = timezone.now()
    when = at or now
    if timezone.is_naive(when):
        raise ValidationError(_("Give the publication time with its time zone."), code="naive")
    article.status = Article.Status.PUBLISHED
    article.published_at = when
    article.updated_at = now
    article.save(update_fields=["status", "published_at", "updated_at"])
    action = ArticleEvent.Action.SCHEDULED if when > now else ArticleEvent.Action.PUBLISHED
    ArticleEvent.objects.create(
        article=article, actor=actor, action=action, detail=when.isoformat(timespec="minutes")
    )
    caching.invalidate()
    return article


@transaction.atomic
def article_unpublish(*, actor, article: Article) -> Article:
    """Take an article (or a scheduled one) back to draft; readers get 404 again."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    _require(actor, "news.publish_article", article)
    if article.status != Article.Status.PUBLISHED:
        raise ValidationError(_("This article is not published."), code="not_published")
    article.status = Article.Status.DRAFT
    article.updated_at = timezone.now()
    article.save(update_fields=["status", "updated_at"])
    ArticleEvent.objects.create(
        article=article, actor=actor, action=ArticleEvent.Action.UNPUBLISHED
    )
    caching.invalidate()
    return article


def tags_from_names(names: Sequence[str]) -> list[Tag]:
    """The tags with these (Russian) names, created when new; part of an article's save."""
    tags: list[Tag] = []
    for raw in names:
        name = " ".join(raw.split())[:80]
        if not name:
            continue
        slug = slugify(anyascii(name))[:80] or None
        if slug is None:
            raise ValidationError(_("A tag needs letters or digits."), code="bad_tag")
        tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name_ru": name})
        if tag not in tags:
            tags.append(tag)
    return tags


# --- comments ------------------------------------------------------------------------


def comments_premoderated() -> bool:
    return bool(getattr(settings, "HALYQ_NEWS_COMMENTS_PREMODERATED", True))


def report_threshold() -> int:
    return int(getattr(settings, "HALYQ_NEWS_COMMENT_REPORT_THRESHOLD", 3))


def _refresh_comment_count(article_id: int) -> None:
    published = (
        Comment.objects.filter(article=OuterRef("pk"), status=Comment.Status.PUBLISHED)
        .order_by()
        .values("article")
        .annotate(n=Count("id"))
        .values("n")
    )
    Article.objects.filter(pk=article_id).update(comment_count=Coalesce(Subquery(published), 0))
    caching.invalidate()


@transaction.atomic
def comment_create(*, user, article: Article, text: str) -> Comment:
    """A reader's comment: held for moderation, or published at once when post-moderated."""
    _require(user, "news.comment")
    if not article.is_published():
        raise ValidationError(_("Comments are open on published articles only."), code="closed")
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write something first."), code="empty")
    if len(text) > Comment.MAX_LENGTH:
        raise ValidationError(
            _("A comment may be at most %(count)d characters long.")
            % {"count": Comment.MAX_LENGTH},
            code="too_long",
        )
    status = Comment.Status.PENDING if comments_premoderated() else Comment.Status.PUBLISHED
    comment = Comment.objects.create(article=article, author=user, text=text, status=status)
    if status == Comment.Status.PUBLISHED:
        _refresh_comment_count(article.pk)
    return comment


@transaction.atomic
def comment_report(*, user, comment: Comment) -> bool:
    """A reader reports a published comment; enough reports send it back to the queue.

    Returns False when this reader had already reported it (nothing changes).
    """
    _require(user, "news.report_comment")
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status != Comment.Status.PUBLISHED:
        raise ValidationError(_("Only published comments can be reported."), code="not_published")
    if comment.author_id == user.pk:
        raise ValidationError(_("You cannot report your own comment."), code="own")
    _report, created = CommentReport.objects.get_or_create(comment=comment, reporter=user)
    if not created:
        return False
    comment.report_count = CommentReport.objects.filter(comment=comment).count()
    fields = ["report_count"]
    if comment.report_count >= report_threshold():
        comment.status = Comment.Status.PENDING
        fields.append("status")
        CommentDecision.objects.create(
            comment=comment,
            moderator=None,
            decision=CommentDecision.Decision.REQUEUE,
            reason=f"{comment.report_count} reports",
        )
    comment.save(update_fields=fields)
    if comment.status == Comment.Status.PENDING:
        _refresh_comment_count(comment.article_id)
    return True


@transaction.atomic
def comment_decide(
    *, moderator, comment: Comment, decision: str, reason: str = ""
) -> CommentDecision:
    """Publish or reject a comment; the decision, its author and reason are kept."""
    _require(moderator, "news.moderate_comments")
    if decision not in (CommentDecision.Decision.PUBLISH, CommentDecision.Decision.REJECT):
        raise ValidationError(_("Choose to publish or to reject."), code="bad_decision")
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise ValidationError(_("Keep the reason under 300 characters."), code="reason_too_long")
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    comment.status = (
        Comment.Status.PUBLISHED
        if decision == CommentDecision.Decision.PUBLISH
        else Comment.Status.REJECTED
    )
    comment.save(update_fields=["status"])
    record = CommentDecision.objects.create(
        comment=comment, moderator=moderator, decision=decision, reason=reason
    )
    _refresh_comment_count(comment.article_id)
    return record


# --- reactions -----------------------------------------------------------------------


def _refresh_reaction_count(article_id: int) -> None:
    Article.objects.filter(pk=article_id).update(
        reaction_count=Reaction.objects.filter(article_id=article_id).count()
    )
    caching.invalidate()


@transaction.atomic
def reaction_set(*, user, article: Article, code: str) -> Reaction | None:
    """Set a reader's reaction; the same reaction again takes it back (returns None)."""
    _require(user, "news.react")
    if code not in Reaction.Code.values:
        raise ValidationError(_("Unknown reaction."), code="bad_reaction")
    if not article.is_published():
        raise ValidationError(_("Reactions are open on published articles only."), code="closed")
    existing = Reaction.objects.select_for_update().filter(article=article, user=user).first()
    result: Reaction | None
    if existing is None:
        result = Reaction.objects.create(article=article, user=user, code=code)
    elif existing.code == code:
        existing.delete()
        result = None
    else:
        existing.code = code
        existing.save(update_fields=["code"])
        result = existing
    _refresh_reaction_count(article.pk)
    return result
