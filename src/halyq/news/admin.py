"""The Django admin for the news section.

Categories and tags (reference data) are edited here directly. Articles and comments
are shown here but change only through the services (the admin's actions call them);
writing articles happens in the newsroom (/news/staff/), whose editor sanitises bodies.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from halyq.news import services
from halyq.news.models import Article, Category, Comment, CommentDecision, Tag


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_ru", "name_kk", "name_en", "order"]
    fields = ["slug", "name_ru", "name_kk", "name_en", "order"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_ru", "name_kk", "name_en"]
    fields = ["slug", "name_ru", "name_kk", "name_en"]
    search_fields = ["slug", "name_ru", "name_kk", "name_en"]


def _run(modeladmin, request, queryset, action, done):
    count = 0
    for obj in queryset:
        try:
            action(obj)
            count += 1
        except (ValidationError, PermissionDenied) as error:
            modeladmin.message_user(
                request,
                f"{obj}: {' '.join(getattr(error, 'messages', [str(error)]))}",
                messages.ERROR,
            )
    if count:
        modeladmin.message_user(request, done % {"count": count}, messages.SUCCESS)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "slug",
        "title_ru",
        "status",
        "published_at",
        "view_count",
        "comment_count",
        "reaction_count",
        "edit_link",
    ]
    list_filter = ["status", "categories"]
    search_fields = ["slug", "title_ru", "title_kk", "title_en"]
    date_hierarchy = "published_at"
    actions = ["publish", "unpublish"]
    readonly_fields = [
        "slug",
        "status",
        "published_at",
        "title_kk",
        "title_ru",
        "title_en",
        "lead_ru",
        "author",
        "view_count",
        "comment_count",
        "reaction_count",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=_("newsroom"))
    def edit_link(self, article):
        return format_html(
            '<a href="{}">{}</a>', reverse("news:staff_edit", kwargs={"pk": article.pk}), _("edit")
        )

    @admin.action(description=_("Publish now"))
    def publish(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda a: services.article_publish(actor=request.user, article=a),
            _("%(count)d published."),
        )

    @admin.action(description=_("Unpublish"))
    def unpublish(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda a: services.article_unpublish(actor=request.user, article=a),
            _("%(count)d unpublished."),
        )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "article", "status", "report_count", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["article", "text", "status", "report_count", "created_at"]
    fields = readonly_fields
    actions = ["publish", "reject"]
    list_select_related = ["article"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Publish"))
    def publish(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda c: services.comment_decide(
                moderator=request.user, comment=c, decision=CommentDecision.Decision.PUBLISH
            ),
            _("%(count)d published."),
        )

    @admin.action(description=_("Reject"))
    def reject(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda c: services.comment_decide(
                moderator=request.user, comment=c, decision=CommentDecision.Decision.REJECT
            ),
            _("%(count)d rejected."),
        )
