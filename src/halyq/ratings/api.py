"""The rating in the API: the latest public rating, a person's rating profile and history,
the methodology versions, the published snapshots, the citizen's evaluations and the
moderators' decisions.

Rules:
- Public reads go through `ratings.selectors` (the same reads as the pages): only the
  latest published public snapshot, only regions out of pilot, only published
  methodology versions. A person of a region in pilot has no public rating (404).
- The rating list is answered from `halyq.api.cache`, keyed on the snapshot, the
  ratings' version counter, the set of public regions and the query: it changes only
  when a snapshot is published. Filters are checked on every request that is not a
  repeat of a cached good one.
- Evaluations are written by `ratings.services.evaluation_submit/update`; moderators'
  decisions by `evaluation_decide`, `evaluation_moderate_comment` and
  `disputes.dispute_decide`. The moderators' queue holds only their regions; another
  region's evaluation or dispute is 404. A citizen's identity is never shown.
"""

from __future__ import annotations

import hashlib

import django_filters
from django.http import HttpResponse
from django.urls import re_path
from django.utils.translation import gettext_lazy as _
from django_filters.utils import translate_validation
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from halyq.accounts import roles
from halyq.api import cache as api_cache
from halyq.api.filters import CodeFilter, EnumFilter
from halyq.api.pagination import PagePagination
from halyq.api.serializers import StrictInputSerializer
from halyq.api.views import (
    ApiGenericViewSet,
    ApiView,
    PublicApiView,
    PublicListViewSet,
    PublicReadOnlyViewSet,
)
from halyq.directory.api import UUID_PATTERN, FullNameField
from halyq.directory.models import CouncilLevel, Organization, Person, Region
from halyq.ratings import disputes, selectors, services
from halyq.ratings.models import Dispute, Evaluation, MethodologyVersion, Snapshot, SnapshotResult
from halyq.ratings.views import network_key
from halyq.ratings.visibility import public_region_ids

SNAPSHOTS_LISTED = 1000

# --- serializers ----------------------------------------------------------------------------


class RatedPersonSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    name = FullNameField()
    region = serializers.CharField(source="region.code")

    class Meta:
        model = Person
        fields = ["id", "name", "kind", "region"]


class RatingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(source="result.rank", allow_null=True)
    band = serializers.IntegerField(source="result.band", allow_null=True)
    status = serializers.CharField(source="result.status", help_text="rated or insufficient.")
    score = serializers.FloatField(source="result.score", allow_null=True)
    low = serializers.FloatField(source="result.low", allow_null=True)
    high = serializers.FloatField(source="result.high", allow_null=True)
    appeals = serializers.IntegerField(source="result.appeals")
    group = serializers.CharField(
        help_text="The comparison group (council level and region), e.g. `district:35`."
    )
    person = RatedPersonSerializer(source="result.person")


class SnapshotSerializer(serializers.ModelSerializer):
    methodology = serializers.CharField(source="methodology.version")

    class Meta:
        model = Snapshot
        fields = [
            "id",
            "as_of",
            "published_at",
            "methodology",
            "people_count",
            "chain_head_seq",
            "chain_head_hash",
            "merkle_root",
            "inputs_hash",
            "evidence_cutoff",
        ]


class HistoryPointSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    status = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    band = serializers.IntegerField(allow_null=True)


class CurrentResultSerializer(serializers.ModelSerializer):
    data = serializers.JSONField(help_text="The result as the open data publishes it.")

    class Meta:
        model = SnapshotResult
        fields = ["rank", "band", "status", "score", "low", "high", "appeals", "data"]


class PublishedCommentSerializer(serializers.Serializer):
    comment = serializers.CharField()
    score = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class PersonRatingSerializer(serializers.Serializer):
    person = serializers.UUIDField()
    snapshot = SnapshotSerializer(allow_null=True)
    result = CurrentResultSerializer(allow_null=True)
    group = serializers.CharField(allow_blank=True)
    history = HistoryPointSerializer(many=True, help_text="One point per day, oldest first.")
    comments = PublishedCommentSerializer(
        many=True, help_text="Moderated comments (text, mark, date; never the author)."
    )
    disputes = serializers.DictField(child=serializers.IntegerField())
    checks = serializers.DictField(child=serializers.IntegerField())


class MethodologySerializer(serializers.ModelSerializer):
    parameters = serializers.JSONField(
        help_text="The scoring parameters (see docs/methodology.md)."
    )

    class Meta:
        model = MethodologyVersion
        fields = ["version", "published_at", "is_current", "parameters"]


# --- the rating ------------------------------------------------------------------------------


class RatingFilter(django_filters.FilterSet):
    region = CodeFilter(
        queryset=lambda request: Region.objects.filter(id__in=public_region_ids()),
        to_field_name="code",
        help_text="KATO code of a region out of pilot.",
    )
    council_level = CodeFilter(
        queryset=CouncilLevel.objects.all(),
        to_field_name="code",
        help_text="The comparison groups of this council level.",
    )
    organization = CodeFilter(
        queryset=Organization.objects.all(),
        to_field_name="slug",
        help_text="People currently in (or sitting for) this organisation, e.g. a faction.",
    )
    kind = EnumFilter(choices=Person.Kind.choices)
    q = django_filters.CharFilter(max_length=100, help_text="A name in any script.")
    sort = EnumFilter(
        choices=[(name, name) for name in selectors.SORTS],
        help_text="rank (the default: group by group), score, name or appeals.",
    )

    class Meta:
        model = SnapshotResult
        fields = ["region", "council_level", "organization", "kind", "q", "sort"]

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        self.filters_given = selectors.LeaderboardFilters(
            region=data["region"].code if data.get("region") else "",
            level=data["council_level"].code if data.get("council_level") else "",
            faction=data["organization"].slug if data.get("organization") else "",
            kind=data.get("kind") or "",
            q=(data.get("q") or "").strip(),
            sort=data.get("sort") or "rank",
        )
        return queryset


class RatingPagination(PagePagination):
    """Pages of results, with the snapshot they come from."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["snapshot"] = self.snapshot
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["snapshot"] = {
            "oneOf": [{"$ref": "#/components/schemas/Snapshot"}, {"type": "null"}],
            "description": "The published snapshot the results come from (null: none yet).",
            "example": {
                "id": 12,
                "as_of": "2026-03-01",
                "published_at": "2026-03-01T06:00:00+05:00",
                "methodology": "1.0",
                "people_count": 2480,
                "chain_head_seq": 918223,
                "chain_head_hash": "9c1d…",
                "merkle_root": "4be0…",
                "inputs_hash": "77aa…",
                "evidence_cutoff": "2026-02-24T06:00:00+05:00",
            },
        }
        paginated["required"] = [*paginated.get("required", []), "snapshot"]
        return paginated


def rating_version() -> tuple[Snapshot | None, str]:
    """The latest public snapshot and the version its cached answers are keyed on."""
    snapshot = selectors.public_snapshot()
    regions = ",".join(map(str, sorted(public_region_ids())))
    version = f"{selectors.rating_version()}.{snapshot.pk if snapshot else 0}.{hashlib.sha256(regions.encode()).hexdigest()[:12]}"
    return snapshot, version


@extend_schema_view(
    list=extend_schema(
        summary="The latest public rating",
        description=(
            "Results of the latest published snapshot, in the order of the rating page: by "
            "default the engine's rank, comparison group by comparison group, people with "
            "too little data (`insufficient`) last. Filter by region, council level, "
            "organisation, kind and name. Answers carry an ETag; the rating changes only "
            "when a snapshot is published."
        ),
        examples=[
            OpenApiExample(
                "A rated deputy",
                response_only=True,
                value={
                    "rank": 1,
                    "band": 1,
                    "status": "rated",
                    "score": 0.82,
                    "low": 0.74,
                    "high": 0.88,
                    "appeals": 41,
                    "group": "district:35",
                    "person": {
                        "id": "3f2b9a4e-8c1d-4d55-9a70-2b1c8e5f6a01",
                        "name": {
                            "kk": "Нұрланов Әлихан",
                            "ru": "Нурланов Алихан",
                            "en": "Nurlanov Alikhan",
                        },
                        "kind": "deputy",
                        "region": "35",
                    },
                },
            )
        ],
    )
)
class RatingViewSet(PublicListViewSet):
    serializer_class = RatingRowSerializer
    filterset_class = RatingFilter
    pagination_class = RatingPagination

    def get_queryset(self):
        return SnapshotResult.objects.none()

    def list(self, request, *args, **kwargs):
        snapshot, version = rating_version()
        return api_cache.cached_response(
            request, scope="rating", version=version, build=lambda: self._build(snapshot)
        )

    def _build(self, snapshot) -> HttpResponse:
        filterset = RatingFilter(
            self.request.query_params, queryset=self.get_queryset(), request=self.request
        )
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        filterset.qs  # noqa: B018 — runs filter_queryset, which reads the filters
        board = selectors.leaderboard(filters=filterset.filters_given)
        ids = self.paginate_queryset(board.result_ids)
        rows = selectors.leaderboard_rows(board, ids)
        self.paginator.snapshot = (
            SnapshotSerializer(board.snapshot).data if board.snapshot else None
        )
        data = self.get_paginated_response(RatingRowSerializer(rows, many=True).data).data
        return HttpResponse(JSONRenderer().render(data), content_type="application/json")


class PersonRatingView(PublicApiView):
    @extend_schema(
        operation_id="persons_rating",
        summary="A person's public rating and its history",
        description=(
            "The person's result in the latest published snapshot (with its components, as "
            "the open data publishes them), one history point per day, moderated comments, "
            "disputes and checks. 404 for a person of a region in pilot."
        ),
        responses=PersonRatingSerializer,
        tags=["persons"],
    )
    def get(self, request, id):
        person = Person.objects.select_related("region").get(public_id=id)
        rating = selectors.person_rating(person)
        if rating is None:
            raise NotFound()
        return Response(
            {
                "person": str(person.public_id),
                "snapshot": SnapshotSerializer(rating.snapshot).data if rating.snapshot else None,
                "result": CurrentResultSerializer(rating.result).data if rating.result else None,
                "group": str(rating.result.data.get("group", "")) if rating.result else "",
                "history": HistoryPointSerializer(rating.history, many=True).data,
                "comments": PublishedCommentSerializer(rating.comments, many=True).data,
                "disputes": rating.disputes,
                "checks": rating.checks,
            }
        )


# --- methodology and snapshots ------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Methodology versions",
        description="Every published version of the scoring method, the current one marked.",
    ),
    retrieve=extend_schema(summary="One methodology version"),
)
class MethodologyViewSet(PublicReadOnlyViewSet):
    serializer_class = MethodologySerializer
    pagination_class = None
    lookup_field = "version"
    lookup_value_regex = r"[-a-zA-Z0-9_.]{1,16}"

    def get_queryset(self):
        return selectors.methodology_versions()


@extend_schema_view(
    list=extend_schema(
        summary="Published snapshots",
        description=(
            "Published rating snapshots, newest first, with the ledger's chain head they were "
            "computed at and the Merkle root of their results: anyone can check them against "
            f"the open data. The latest {SNAPSHOTS_LISTED}."
        ),
    ),
    retrieve=extend_schema(summary="One published snapshot"),
)
class SnapshotViewSet(PublicReadOnlyViewSet):
    serializer_class = SnapshotSerializer
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return selectors.published_snapshots(limit=SNAPSHOTS_LISTED)

    def get_object(self):
        return (
            Snapshot.objects.filter(scope=Snapshot.Scope.PUBLIC, is_published=True)
            .select_related("methodology")
            .get(pk=self.kwargs["pk"])
        )


# --- the citizen's evaluations ---------------------------------------------------------------


class EvaluationSerializer(serializers.ModelSerializer):
    appeal = serializers.SerializerMethodField(help_text="Number of your appeal evaluated.")
    booking = serializers.IntegerField(source="booking_id", allow_null=True)
    person = serializers.UUIDField(source="person.public_id")

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "appeal",
            "booking",
            "person",
            "score",
            "comment",
            "comment_status",
            "status",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field({"type": ["string", "null"]})
    def get_appeal(self, evaluation):
        return evaluation.appeal.number if evaluation.appeal_id else None


class EvaluationCreateSerializer(StrictInputSerializer):
    appeal = serializers.CharField(
        required=False, max_length=24, help_text="Number of your answered appeal."
    )
    booking = serializers.IntegerField(
        required=False, min_value=1, help_text="Id of your attended reception booking."
    )
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def validate(self, data):
        if ("appeal" in data) == ("booking" in data):
            raise serializers.ValidationError(
                {"appeal": _("Give either an appeal's number or a booking's id.")}
            )
        return data


class EvaluationUpdateSerializer(StrictInputSerializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


@extend_schema_view(
    list=extend_schema(summary="My evaluations", tags=["me"]),
    retrieve=extend_schema(summary="One of my evaluations", tags=["me"]),
    create=extend_schema(
        summary="Evaluate an answered appeal or an attended reception",
        description=(
            "Once per appeal or visit, by its citizen, with a confirmed email. A comment is "
            "published only after moderation, never with your name."
        ),
        request=EvaluationCreateSerializer,
        responses={201: EvaluationSerializer},
        examples=[
            OpenApiExample(
                "An appeal",
                request_only=True,
                value={"appeal": "AST-2026-000123", "score": 5, "comment": "Помогли быстро."},
            )
        ],
        tags=["me"],
    ),
    partial_update=extend_schema(
        summary="Change my evaluation",
        description="Within the edit window; a changed comment is moderated again.",
        request=EvaluationUpdateSerializer,
        responses={200: EvaluationSerializer},
        tags=["me"],
    ),
)
class OwnEvaluationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ApiGenericViewSet,
):
    serializer_class = EvaluationSerializer
    queryset = Evaluation.objects.none()  # for the schema; reads use get_queryset()
    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Evaluation.objects.none()
        return (
            Evaluation.objects.filter(author=self.request.user)
            .select_related("appeal", "person")
            .order_by("-created_at", "-id")
        )

    def create(self, request):
        from halyq.appeals import selectors as appeal_selectors
        from halyq.receptions import selectors as reception_selectors

        payload = EvaluationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        appeal = booking = None
        if "appeal" in data:
            appeal = appeal_selectors.appeal_get(user=request.user, number=data["appeal"])
        else:
            booking = reception_selectors.booking_get(user=request.user, booking_id=data["booking"])
        evaluation = services.evaluation_submit(
            user=request.user,
            score=data["score"],
            comment=data.get("comment", ""),
            appeal=appeal,
            booking=booking,
            network_key=network_key(request),
        )
        evaluation = self.get_queryset().get(pk=evaluation.pk)
        return Response(EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        evaluation = self.get_object()
        payload = EvaluationUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.evaluation_update(
            user=request.user,
            evaluation=evaluation,
            score=payload.validated_data["score"],
            comment=payload.validated_data.get("comment", ""),
        )
        return Response(EvaluationSerializer(self.get_queryset().get(pk=evaluation.pk)).data)


# --- the moderators --------------------------------------------------------------------------


class SignalSerializer(serializers.Serializer):
    rule = serializers.CharField()
    evidence = serializers.JSONField()


class ModeratedEvaluationSerializer(serializers.ModelSerializer):
    person = serializers.UUIDField(source="person.public_id")
    region = serializers.CharField(source="person.region.code")
    signals = SignalSerializer(many=True, read_only=True, source="signals.all")

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "person",
            "region",
            "score",
            "comment",
            "comment_status",
            "status",
            "created_at",
            "signals",
        ]


class ModeratedDisputeSerializer(serializers.ModelSerializer):
    person = serializers.UUIDField(source="person.public_id")
    region = serializers.CharField(source="person.region.code")
    evaluation = ModeratedEvaluationSerializer(
        allow_null=True, help_text="The disputed evaluation; null for a disputed outcome."
    )
    appeal = serializers.CharField(
        source="appeal.number",
        allow_null=True,
        default=None,
        help_text="For a disputed outcome: the appeal's registration number; else null.",
    )
    outcome = serializers.CharField(
        allow_blank=True,
        help_text="For a disputed outcome: the citizen's verdict (`no` or `partly`); else empty.",
    )

    class Meta:
        model = Dispute
        fields = [
            "id",
            "person",
            "region",
            "reason",
            "status",
            "opened_at",
            "evaluation",
            "appeal",
            "outcome",
        ]


class EvaluationDecisionSerializer(StrictInputSerializer):
    decision = serializers.ChoiceField(
        choices=["restore", "exclude"], help_text="For a held evaluation."
    )
    reason = serializers.CharField(max_length=2000)


class CommentDecisionSerializer(StrictInputSerializer):
    decision = serializers.ChoiceField(choices=["publish", "reject"])


class DisputeDecisionSerializer(StrictInputSerializer):
    decision = serializers.ChoiceField(choices=["uphold", "reject"])
    reason = serializers.CharField(max_length=2000)


def _moderator_or_404(user) -> None:
    if not (roles.is_administrator(user) or roles.moderated_region_ids(user)):
        raise NotFound()


class ModerationQueueSerializer(serializers.Serializer):
    held = ModeratedEvaluationSerializer(many=True)
    comments = ModeratedEvaluationSerializer(many=True)
    disputes = ModeratedDisputeSerializer(many=True)


class RatingModerationQueueView(ApiView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _moderator_or_404(request.user)

    @extend_schema(
        operation_id="staff_moderation_evaluations_queue",
        summary="The rating moderation queue",
        description=(
            "Held evaluations with the checks' evidence, comments awaiting moderation and "
            "open disputes, in your regions only. 404 unless you moderate a region."
        ),
        responses=ModerationQueueSerializer,
        tags=["staff"],
    )
    def get(self, request):
        queue = selectors.moderation_queue(request.user)
        return Response(ModerationQueueSerializer(queue).data)


class RatingModerationDecisions(ApiGenericViewSet):
    """Decisions on one evaluation: a held one restored or excluded, a comment published."""

    pagination_class = None
    queryset = Evaluation.objects.none()  # for the schema; reads use the selectors
    lookup_value_regex = r"[0-9]{1,18}"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _moderator_or_404(request.user)

    def _evaluation(self, pk):
        evaluation = selectors.moderated_evaluation(self.request.user, int(pk))
        if evaluation is None:
            raise NotFound()
        return evaluation

    @extend_schema(
        summary="Decide on a held evaluation",
        request=EvaluationDecisionSerializer,
        responses=ModeratedEvaluationSerializer,
        tags=["staff"],
    )
    @action(detail=True, methods=["post"], url_path="decision")
    def decision(self, request, pk=None):
        evaluation = self._evaluation(pk)
        payload = EvaluationDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        decided = services.evaluation_decide(
            moderator=request.user,
            evaluation=evaluation,
            restore=payload.validated_data["decision"] == "restore",
            reason=payload.validated_data["reason"],
        )
        return Response(ModeratedEvaluationSerializer(self._evaluation(decided.pk)).data)

    @extend_schema(
        summary="Publish or reject an evaluation's comment",
        request=CommentDecisionSerializer,
        responses=ModeratedEvaluationSerializer,
        tags=["staff"],
    )
    @action(detail=True, methods=["post"], url_path="comment")
    def comment(self, request, pk=None):
        evaluation = self._evaluation(pk)
        payload = CommentDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.evaluation_moderate_comment(
            moderator=request.user,
            evaluation=evaluation,
            publish=payload.validated_data["decision"] == "publish",
        )
        return Response(ModeratedEvaluationSerializer(self._evaluation(evaluation.pk)).data)


class DisputeDecisionView(ApiGenericViewSet):
    queryset = Dispute.objects.none()  # for the schema; reads use the selectors
    lookup_value_regex = r"[0-9]{1,18}"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _moderator_or_404(request.user)

    @extend_schema(
        summary="Decide on a dispute",
        description="Uphold (the evaluation is excluded) or reject (it counts again).",
        request=DisputeDecisionSerializer,
        responses=ModeratedDisputeSerializer,
        tags=["staff"],
    )
    @action(detail=True, methods=["post"], url_path="decision")
    def decision(self, request, pk=None):
        dispute = selectors.moderated_dispute(request.user, int(pk))
        if dispute is None:
            raise NotFound()
        payload = DisputeDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        disputes.dispute_decide(
            moderator=request.user,
            dispute=dispute,
            uphold=payload.validated_data["decision"] == "uphold",
            reason=payload.validated_data["reason"],
        )
        return Response(
            ModeratedDisputeSerializer(selectors.moderated_dispute(request.user, dispute.pk)).data
        )


router_entries = [
    ("ratings", RatingViewSet, "rating"),
    ("methodology", MethodologyViewSet, "methodology"),
    ("snapshots", SnapshotViewSet, "snapshot"),
    ("me/evaluations", OwnEvaluationViewSet, "own-evaluation"),
    ("staff/moderation/evaluations", RatingModerationDecisions, "moderated-evaluation"),
    ("staff/moderation/disputes", DisputeDecisionView, "moderated-dispute"),
]
urlpatterns = [
    re_path(
        r"^staff/moderation/evaluations/$",
        RatingModerationQueueView.as_view(),
        name="moderation-queue",
    ),
    re_path(
        rf"^persons/(?P<id>{UUID_PATTERN})/rating/$",
        PersonRatingView.as_view(),
        name="person-rating",
    ),
]
