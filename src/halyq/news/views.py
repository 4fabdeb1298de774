"""Pages of the news section for readers: the index, categories, tags, most read, articles,
and the posts readers make (comments, reactions, reports).

The article page is counted after it has been sent: `CountedResponse.close()` (called
by the WSGI server once the body is out) hands the view to the process's recorder.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from halyq.core.exceptions import PublicBadRequest
from halyq.core.i18n import current_language, localized
from halyq.news import caching, counting, ratelimit, selectors, services, visitors
from halyq.news.forms import CommentForm, NewsListForm, ReactionForm
from halyq.news.models import Article, Category, Comment, Reaction, Tag
from halyq.news.pseudonyms import reader_code
from halyq.news.sanitising import reading_minutes

logger = logging.getLogger("halyq.news.views")
PAGE_SIZE = 12


def bad_request_from(form) -> PublicBadRequest:
    problems = "; ".join(
        f"{form.fields[name].label or name}: {' '.join(errors)}"
        for name, errors in form.errors.items()
    )
    return PublicBadRequest(_("Check the address: %(problems)s") % {"problems": problems})


def _list_filters(request) -> dict:
    form = NewsListForm(request.GET)
    if not form.is_valid():
        raise bad_request_from(form)
    return form.cleaned_data


def _paginate(queryset, page_number):
    paginator = Paginator(queryset, PAGE_SIZE)
    number = page_number or 1
    if number > max(paginator.num_pages, 1):
        raise Http404
    return paginator.page(number)


def _render(request, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    return HttpResponse(render_to_string(template, context, request=request), status=status)


def index(request, category_slug: str | None = None, tag_slug: str | None = None):
    filters = _list_filters(request)
    category = get_object_or_404(Category, slug=category_slug) if category_slug else None
    tag = get_object_or_404(Tag, slug=tag_slug) if tag_slug else None
    page = _paginate(selectors.article_list(category=category, tag=tag), filters["page"])
    return _render(
        request,
        "news/index.html",
        {
            "page": page,
            "category": category,
            "tag": tag,
            "categories": list(Category.objects.order_by("order", "slug")),
            "period": filters["period"],
            "most_read": selectors.most_read_cached(period=filters["period"]),
        },
    )


def most_read_page(request):
    filters = _list_filters(request)
    return _render(
        request,
        "news/most_read.html",
        {
            "period": filters["period"],
            "most_read": selectors.most_read_cached(period=filters["period"]),
        },
    )


class CountedResponse(HttpResponse):
    """A response that hands its view to the counter once the server has sent it."""

    def __init__(self, *args, view: counting.PendingView | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending_view = view

    def close(self) -> None:
        view, self.pending_view = self.pending_view, None
        if view is not None:
            try:
                counting.view_recorder().record(view)
            except Exception:  # counting must never break a page
                logger.exception("news views: recording failed")
        super().close()


def _pending_view(request, article: Article) -> counting.PendingView | None:
    if not article.is_published():
        return None
    return _pending_view_for(request, article.pk)


def _pending_view_for(request, article_id: int) -> counting.PendingView | None:
    if not visitors.countable(request):
        return None
    now = timezone.now()
    day = counting.local_day(now)
    visitor = visitors.visitor_hash(
        visitors.client_ip(request), request.META.get("HTTP_USER_AGENT", ""), day
    )
    return counting.PendingView(article_id=article_id, day=day, visitor=visitor, at=now)


def _url_in(article: Article, language: str) -> str:
    with translation.override(language):
        return reverse("news:article", kwargs={"slug": article.slug})


def _share_links(url: str, title: str) -> list[tuple[str, str]]:
    return [
        ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title})),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{title} {url}"})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("X", "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": title})),
        ("VK", "https://vk.com/share.php?" + urlencode({"url": url, "title": title})),
        (_("Email"), "mailto:?" + urlencode({"subject": title, "body": url}).replace("+", "%20")),
    ]


@dataclass(frozen=True)
class ArticlePage:
    """An article page's parts; kept in the cache for anonymous readers (see `article_detail`)."""

    article_id: int
    title: str
    description: str
    head: str
    main: str


def _page_cache_key(request, slug: str, period: str) -> str:
    # The host and scheme are in the canonical and share addresses, the language in the text.
    return f"article-page:{request.scheme}:{request.get_host()}:{translation.get_language()}:{period}:{slug}"


def article_detail(request, slug: str):
    """An article with its most-read list, read-also links, reactions and comments.

    For anonymous readers of a published article the rendered parts are cached for
    `HALYQ_NEWS_CACHE_SECONDS` (emptied at once when anything about articles, comments or
    reactions changes), so the page needs no query at all; signed-in readers get their
    own forms and always a fresh render. The view is counted either way.
    """
    filters = _list_filters(request)
    anonymous = not request.user.is_authenticated
    key = _page_cache_key(request, slug, filters["period"])
    page = caching.fetch(key) if anonymous else None
    if page is None:
        try:
            article = selectors.article_get(user=request.user, slug=slug)
        except Article.DoesNotExist as missing:
            raise Http404 from missing
        page = _build_article_page(request, article, filters["period"])
        if anonymous and article.is_published():
            caching.store(key, page, selectors.cache_seconds())
        view = _pending_view(request, article)
    else:
        view = _pending_view_for(request, page.article_id)
    html = render_to_string(
        "news/article.html",
        {"page": {**page.__dict__, "head": mark_safe(page.head), "main": mark_safe(page.main)}},  # noqa: S308 — our own rendered templates
        request=request,
    )
    return CountedResponse(html, view=view)


def _build_article_page(request, article: Article, period: str) -> ArticlePage:
    title = localized(article, "title")
    shown = title.language
    body = getattr(article, f"body_{shown}")
    lead = getattr(article, f"lead_{shown}")
    url = request.build_absolute_uri(_url_in(article, shown))
    languages = article.languages
    alternates = [(code, request.build_absolute_uri(_url_in(article, code))) for code in languages]
    default_language = "ru" if "ru" in languages else languages[0]
    comments = selectors.comment_list(article=article)
    for comment in comments:
        comment.reader = reader_code(user_id=comment.author_id, article_id=article.pk)
    reaction_counts, my_reaction = selectors.reaction_summary(article=article, user=request.user)
    context = {
        "article": article,
        "title": title,
        "shown_language": shown,
        "is_fallback": shown != current_language(),
        "lead": lead,
        "body": body,
        "caption": getattr(article, f"cover_caption_{shown}")
        or localized(article, "cover_caption").text,
        "reading_minutes": reading_minutes(body),
        "canonical_url": url,
        "alternates": alternates,
        "x_default_url": request.build_absolute_uri(_url_in(article, default_language)),
        "cover_url": request.build_absolute_uri(article.cover.url) if article.cover else "",
        "share_links": _share_links(url, title.text),
        "read_also": selectors.read_also_cached(article),
        "period": period,
        "most_read": selectors.most_read_cached(period=period),
        "comments": comments,
        "comment_form": CommentForm(),
        "premoderated": services.comments_premoderated(),
        "can_comment": request.user.has_perm("news.comment"),
        "can_react": request.user.has_perm("news.react"),
        "can_report": request.user.has_perm("news.report_comment"),
        "can_edit": request.user.has_perm("news.edit_article", article),
        "can_moderate": request.user.has_perm("news.moderate_comments"),
        "reactions": [
            {
                "code": code,
                "label": label,
                "symbol": Reaction.SYMBOLS[code],
                "count": reaction_counts[code],
            }
            for code, label in Reaction.Code.choices
        ],
        "my_reaction": my_reaction,
        "is_published": article.is_published(),
        "is_scheduled": article.is_scheduled(),
    }
    return ArticlePage(
        article_id=article.pk,
        title=title.text,
        description=Truncator(lead or title.text).chars(200),
        head=render_to_string("news/_article_head.html", context, request=request),
        main=render_to_string("news/_article_main.html", context, request=request),
    )


# --- what readers post ------------------------------------------------------------------


def _wants_html(request) -> bool:
    return request.accepts("text/html")


def _refuse_flood(request, article: Article, decision: ratelimit.Decision, message: str):
    """A refused flood: nothing is written; HTML gets a message, other clients a 429."""
    if _wants_html(request):
        messages.error(request, message)
        return redirect(article.get_absolute_url())
    response = JsonResponse({"error": message, "retry_after": decision.retry_after}, status=429)
    response["Retry-After"] = str(decision.retry_after)
    return response


def _published_article(slug: str) -> Article:
    article = Article.objects.published().filter(slug=slug).first()
    if article is None:
        raise Http404
    return article


def _signed_in(request, article: Article):
    """None for a signed-in reader; otherwise the way to sign in and come back."""
    if not request.user.is_authenticated:
        return redirect_to_login(article.get_absolute_url())
    return None


@require_POST
def comment_create(request, slug: str):
    article = _published_article(slug)
    if (refusal := _signed_in(request, article)) is not None:
        return refusal
    decision = ratelimit.hit("comment", request.user.pk)
    if not decision.allowed:
        return _refuse_flood(
            request,
            article,
            decision,
            _("You are commenting too fast. Try again in %(seconds)d seconds.")
            % {"seconds": decision.retry_after},
        )
    form = CommentForm(request.POST)
    problem = ""
    comment = None
    if form.is_valid():
        try:
            comment = services.comment_create(
                user=request.user, article=article, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            problem = " ".join(error.messages)
        except PermissionDenied:
            problem = _("Confirm your email address to comment.")
    else:
        problem = " ".join(message for errors in form.errors.values() for message in errors)
    if comment is not None:
        notice = (
            _("Thank you. Your comment will appear after moderation.")
            if comment.status == Comment.Status.PENDING
            else _("Your comment is published.")
        )
    if not _wants_html(request):
        if comment is None:
            return JsonResponse({"error": problem}, status=400)
        return JsonResponse({"status": comment.status, "message": notice}, status=201)
    if comment is None:
        messages.error(request, problem)
    else:
        messages.success(request, notice)
    return redirect(article.get_absolute_url() + "#comments")


@require_POST
def reaction(request, slug: str):
    article = _published_article(slug)
    if (refusal := _signed_in(request, article)) is not None:
        return refusal
    decision = ratelimit.hit("reaction", request.user.pk)
    if not decision.allowed:
        return _refuse_flood(
            request,
            article,
            decision,
            _("You are reacting too fast. Try again in %(seconds)d seconds.")
            % {"seconds": decision.retry_after},
        )
    form = ReactionForm(request.POST)
    if not form.is_valid():
        raise PublicBadRequest(_("Unknown reaction."))
    try:
        services.reaction_set(user=request.user, article=article, code=form.cleaned_data["code"])
    except PermissionDenied as denied:
        raise Http404 from denied
    if not _wants_html(request):
        counts, mine = selectors.reaction_summary(article=article, user=request.user)
        return JsonResponse({"counts": counts, "mine": mine})
    return redirect(article.get_absolute_url() + "#reactions")


@require_POST
def comment_report(request, pk: int):
    comment = (
        Comment.objects.filter(pk=pk, status=Comment.Status.PUBLISHED)
        .select_related("article")
        .first()
    )
    if comment is None or not comment.article.is_published():
        raise Http404
    if (refusal := _signed_in(request, comment.article)) is not None:
        return refusal
    decision = ratelimit.hit("comment", request.user.pk)
    if not decision.allowed:
        return _refuse_flood(
            request,
            comment.article,
            decision,
            _("Too many requests. Try again in %(seconds)d seconds.")
            % {"seconds": decision.retry_after},
        )
    try:
        services.comment_report(user=request.user, comment=comment)
        messages.success(request, _("Thank you. Moderators will look at this comment."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(comment.article.get_absolute_url() + "#comments")
