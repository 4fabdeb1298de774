"""The newsroom: editors' and publishers' pages (article list, editor, publishing,
comment moderation).

Anonymous visitors are sent to sign in; signed-in accounts without a newsroom role get
404 (the newsroom is not advertised); an editor opening a published article's editor
gets 403 (they know it exists, only a publisher may change it).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from halyq.core.i18n import LANGUAGE_CODES
from halyq.news import selectors, services
from halyq.news.forms import (
    ArticleForm,
    DecisionForm,
    ModerationFilterForm,
    PublishForm,
    StaffListForm,
)
from halyq.news.models import Article, Comment
from halyq.news.pseudonyms import reader_code
from halyq.news.sanitising import sanitize_html
from halyq.news.views import bad_request_from


def newsroom(permission: str = "news.enter_newsroom"):
    """Sign-in first, then the named permission, or the newsroom does not exist (404)."""

    def decorate(view):
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(permission):
                raise Http404
            return view(request, *args, **kwargs)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorate


@newsroom()
def article_list(request):
    form = StaffListForm(request.GET)
    if not form.is_valid():
        raise bad_request_from(form)
    filters = form.cleaned_data
    articles = selectors.staff_article_list(
        user=request.user, status=filters["status"], query=filters["q"]
    )
    paginator = Paginator(articles, settings.HALYQ_PAGE_SIZE)
    number = filters["page"] or 1
    if number > max(paginator.num_pages, 1):
        raise Http404
    return render(
        request,
        "news/staff/article_list.html",
        {
            "form": form,
            "page": paginator.page(number),
            "can_moderate": request.user.has_perm("news.moderate_comments"),
            "pending_comments": Comment.objects.filter(status=Comment.Status.PENDING).count()
            if request.user.has_perm("news.moderate_comments")
            else 0,
        },
    )


def _previews(form: ArticleForm) -> list[dict]:
    return [
        {"code": code, "html": sanitize_html(form.cleaned_data.get(f"body_{code}", ""))}
        for code in LANGUAGE_CODES
        if form.cleaned_data.get(f"body_{code}")
    ]


def _stored_previews(article: Article) -> list[dict]:
    return [
        {"code": code, "html": getattr(article, f"body_{code}")}
        for code in LANGUAGE_CODES
        if getattr(article, f"body_{code}")
    ]


def _edit_page(request, form, article, previews, *, status=200):
    return render(
        request,
        "news/staff/article_form.html",
        {
            "form": form,
            "article": article,
            "previews": previews,
            "publish_form": PublishForm(),
            "can_publish": article is not None
            and request.user.has_perm("news.publish_article", article),
            "events": list(article.events.select_related("actor")[:20]) if article else [],
        },
        status=status,
    )


def _save(request, form: ArticleForm, article: Article | None):
    """Validate, then preview or save through the services; None when the form is shown again."""
    if not form.is_valid():
        return None
    if request.POST.get("action") == "preview":
        return None
    try:
        data = form.to_data()
        if article is None:
            return services.article_create(actor=request.user, data=data)
        return services.article_update(actor=request.user, article=article, data=data)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@newsroom("news.write_article")
def article_create(request):
    form = ArticleForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        saved = _save(request, form, None)
        if saved is not None:
            messages.success(request, _("The draft is saved."))
            return redirect("news:staff_edit", pk=saved.pk)
        previews = _previews(form) if form.is_valid() else []
        return _edit_page(request, form, None, previews, status=200 if form.is_valid() else 400)
    return _edit_page(request, form, None, [])


@newsroom()
def article_edit(request, pk: int):
    article = get_object_or_404(Article, pk=pk)
    if not request.user.has_perm("news.edit_article", article):
        raise PermissionDenied
    if request.method == "POST":
        form = ArticleForm(request.POST, request.FILES, article=article)
        saved = _save(request, form, article)
        if saved is not None:
            messages.success(request, _("The changes are saved."))
            return redirect("news:staff_edit", pk=saved.pk)
        previews = _previews(form) if form.is_valid() else []
        return _edit_page(request, form, article, previews, status=200 if form.is_valid() else 400)
    form = ArticleForm(article=article)
    return _edit_page(request, form, article, _stored_previews(article))


@require_POST
@newsroom("news.publish_article")
def article_publish(request, pk: int):
    article = get_object_or_404(Article, pk=pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("news:staff_edit", pk=pk)
    try:
        article = services.article_publish(
            actor=request.user, article=article, at=form.cleaned_data["publish_at"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("news:staff_edit", pk=pk)
    if article.is_scheduled():
        messages.success(request, _("The article is scheduled."))
    else:
        messages.success(request, _("The article is published."))
    return redirect("news:staff_edit", pk=pk)


@require_POST
@newsroom("news.publish_article")
def article_unpublish(request, pk: int):
    article = get_object_or_404(Article, pk=pk)
    try:
        services.article_unpublish(actor=request.user, article=article)
        messages.success(request, _("The article is back to draft."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("news:staff_edit", pk=pk)


@newsroom("news.moderate_comments")
def moderation(request):
    form = ModerationFilterForm(request.GET)
    if not form.is_valid():
        raise bad_request_from(form)
    status = form.cleaned_data["status"]
    paginator = Paginator(
        selectors.moderation_queue(user=request.user, status=status), settings.HALYQ_PAGE_SIZE
    )
    number = form.cleaned_data["page"] or 1
    if number > max(paginator.num_pages, 1):
        raise Http404
    page = paginator.page(number)
    for comment in page.object_list:
        comment.reader = reader_code(user_id=comment.author_id, article_id=comment.article_id)
    return render(
        request,
        "news/staff/moderation.html",
        {"form": form, "page": page, "status": status, "decision_form": DecisionForm()},
    )


@require_POST
@newsroom("news.moderate_comments")
def moderation_decide(request, pk: int):
    comment = get_object_or_404(Comment, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    else:
        try:
            services.comment_decide(
                moderator=request.user,
                comment=comment,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The decision is recorded."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    next_status = request.POST.get("status", "")
    url = reverse("news:moderation")
    return redirect(f"{url}?status={next_status}" if next_status in Comment.Status.values else url)
