"""News in the API: published articles and their categories; comment moderation for staff.

Rules:
- Readers see published articles only (`news.selectors`); a draft or a scheduled
  article is 404, as on the site. Article bodies are the sanitised HTML the site shows.
- Published comments are not in the API (readers' texts stay on the site's pages).
- Moderators (`news.moderate_comments`) list the queue and decide through
  `news.services.comment_decide`; everybody else gets 404 for the whole queue. A
  comment's author appears only as the per-article reader code the site shows.
"""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from halyq.api.filters import CodeFilter, EnumFilter
from halyq.api.serializers import LanguageMapField, StrictInputSerializer
from halyq.api.views import ApiGenericViewSet, PublicReadOnlyViewSet
from halyq.news import selectors, services
from halyq.news.models import Article, Category, Comment, CommentDecision, Tag
from halyq.news.pseudonyms import reader_code


class NewsCategorySerializer(serializers.ModelSerializer):
    name = LanguageMapField()

    class Meta:
        model = Category
        fields = ["slug", "name", "order"]


class ArticleSerializer(serializers.ModelSerializer):
    title = LanguageMapField()
    lead = LanguageMapField()
    cover = serializers.SerializerMethodField()
    cover_caption = LanguageMapField()
    categories = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Article
        fields = [
            "slug",
            "published_at",
            "updated_at",
            "languages",
            "title",
            "lead",
            "cover",
            "cover_caption",
            "categories",
            "comment_count",
            "reaction_count",
        ]

    @extend_schema_field({"type": ["string", "null"], "format": "uri"})
    def get_cover(self, article):
        if not article.cover:
            return None
        request = self.context.get("request")
        url = article.cover.url
        return request.build_absolute_uri(url) if request is not None else url


class ArticleDetailSerializer(ArticleSerializer):
    body = LanguageMapField(help_text="Sanitised HTML, per language.")
    tags = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    persons = serializers.SlugRelatedField(slug_field="public_id", many=True, read_only=True)
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta(ArticleSerializer.Meta):
        fields = [
            *ArticleSerializer.Meta.fields,
            "body",
            "cover_credit",
            "tags",
            "persons",
            "regions",
        ]


class ArticleFilter(django_filters.FilterSet):
    category = CodeFilter(queryset=Category.objects.all(), to_field_name="slug")
    tag = CodeFilter(queryset=Tag.objects.all(), to_field_name="slug")

    class Meta:
        model = Article
        fields = ["category", "tag"]

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return selectors.article_list(category=data.get("category"), tag=data.get("tag"))


@extend_schema_view(
    list=extend_schema(summary="News", description="Published articles, newest first."),
    retrieve=extend_schema(summary="One article"),
)
class ArticleViewSet(PublicReadOnlyViewSet):
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,120}"

    def get_queryset(self):
        return Article.objects.all()

    def get_serializer_class(self):
        return ArticleDetailSerializer if self.action == "retrieve" else ArticleSerializer

    def get_object(self):
        from django.contrib.auth.models import AnonymousUser

        # As an anonymous reader: the public answer is the same for everybody.
        return selectors.article_get(user=AnonymousUser(), slug=self.kwargs["slug"])


@extend_schema_view(
    list=extend_schema(summary="News categories"),
    retrieve=extend_schema(summary="One news category"),
)
class NewsCategoryViewSet(PublicReadOnlyViewSet):
    serializer_class = NewsCategorySerializer
    pagination_class = None
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,80}"

    def get_queryset(self):
        return Category.objects.order_by("order", "slug")


# --- moderation ----------------------------------------------------------------------------


class CommentDecisionRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommentDecision
        fields = ["decision", "reason", "decided_at"]


class ModeratedCommentSerializer(serializers.ModelSerializer):
    article = serializers.CharField(source="article.slug")
    reader = serializers.SerializerMethodField(help_text="The author's code on this article.")
    decisions = CommentDecisionRecordSerializer(many=True, read_only=True, source="decisions.all")

    class Meta:
        model = Comment
        fields = [
            "id",
            "article",
            "reader",
            "text",
            "status",
            "report_count",
            "created_at",
            "decisions",
        ]

    def get_reader(self, comment) -> str:
        return reader_code(user_id=comment.author_id, article_id=comment.article_id)


class ModerationFilter(django_filters.FilterSet):
    status = EnumFilter(
        choices=Comment.Status.choices, help_text="pending (the default), published or rejected."
    )

    class Meta:
        model = Comment
        fields = ["status"]

    def filter_queryset(self, queryset):
        status = self.form.cleaned_data.get("status") or Comment.Status.PENDING
        return selectors.moderation_queue(user=self.request.user, status=status)


class CommentDecisionInputSerializer(StrictInputSerializer):
    decision = serializers.ChoiceField(
        choices=[CommentDecision.Decision.PUBLISH.value, CommentDecision.Decision.REJECT.value]
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


@extend_schema_view(
    list=extend_schema(
        summary="News comments to moderate",
        description="Oldest first. 404 unless you moderate news comments.",
        tags=["staff"],
    ),
)
class CommentModerationViewSet(mixins.ListModelMixin, ApiGenericViewSet):
    serializer_class = ModeratedCommentSerializer
    filterset_class = ModerationFilter
    queryset = Comment.objects.none()  # for the schema; reads use the selectors
    lookup_value_regex = r"[0-9]{1,18}"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.has_perm("news.moderate_comments"):
            raise NotFound()

    @extend_schema(
        summary="Publish or reject a news comment",
        request=CommentDecisionInputSerializer,
        responses=ModeratedCommentSerializer,
        tags=["staff"],
    )
    @action(detail=True, methods=["post"], url_path="decision", filterset_class=None)
    def decision(self, request, pk=None):
        comment = get_object_or_404(Comment.objects.select_related("article"), pk=int(pk))
        payload = CommentDecisionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.comment_decide(
            moderator=request.user,
            comment=comment,
            decision=payload.validated_data["decision"],
            reason=payload.validated_data.get("reason", ""),
        )
        comment = (
            Comment.objects.select_related("article")
            .prefetch_related("decisions")
            .get(pk=comment.pk)
        )
        return Response(ModeratedCommentSerializer(comment).data)


router_entries = [
    ("news", ArticleViewSet, "article"),
    ("news-categories", NewsCategoryViewSet, "news-category"),
    ("staff/moderation/comments", CommentModerationViewSet, "moderated-comment"),
]
