"""Appeals in the API: public offices and categories, the citizen's own appeals, the staff queue.

Rules:
- Every read goes through `appeals.selectors` (the reach of each role is decided by
  `appeals.rules`, as for the pages); every change through `appeals.services`. Nothing
  here decides who may do what: it translates requests and refusals.
- The citizen's endpoints (/me/appeals/) show only appeals the user wrote; the staff's
  (/staff/appeals/) only appeals in the user's staff reach. Anything else is 404, the
  same answer as for an appeal that does not exist. Users without any staff workspace
  get 404 for the whole staff queue, as on the site.
- Filing needs an idempotency key (a UUID, in the body or the `Idempotency-Key`
  header): sending the same appeal again returns the stored one (200) instead of a
  second appeal (201).
- The citizen sees no other citizen's data: a duplicate's original is not named.
  Staff see the citizen's contacts as on the staff page (unless erased), never in lists.
- Attachments are listed (name, type, size); files are uploaded and downloaded on the site.
"""

from __future__ import annotations

import uuid

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from halyq.api.filters import CodeFilter, EnumFilter
from halyq.api.problems import ApiProblem
from halyq.api.serializers import CodeRelatedField, LanguageMapField, StrictInputSerializer
from halyq.api.views import ApiGenericViewSet, PublicReadOnlyViewSet
from halyq.appeals import deadlines, selectors, services, workflow
from halyq.appeals.models import Appeal, Category, ReceptionOffice
from halyq.appeals.rules import appeal_relations, is_staff_user
from halyq.appeals.workflow import STAFF_RELATIONS, Relation, Resolution, State, TransitionRefused
from halyq.directory.models import Person, Region

NUMBER_PATTERN = r"[A-Za-z0-9-]{1,24}"
PERSON_REF = {"type": ["string", "null"], "format": "uuid", "description": "Public id of a person."}
# What the workflow lets an author do (confirm_resolution, reopen), and the staff.
CITIZEN_ACTIONS = tuple(
    name
    for name, transition in workflow.TRANSITIONS.items()
    if Relation.AUTHOR in transition.actors
)
STAFF_ACTIONS = tuple(
    name for name, transition in workflow.TRANSITIONS.items() if transition.actors & STAFF_RELATIONS
)
# Event details a citizen may see; the original of a duplicate is another citizen's appeal.
CITIZEN_EVENT_DETAILS = frozenset(
    {
        "channel",
        "person",
        "person_name",
        "office",
        "office_name",
        "due_on",
        "previous_due_on",
        "resolution",
        "within_term",
        "out_of_competence",
        "how",
    }
)

# --- public: offices and categories -----------------------------------------------------


class OfficeSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="slug", help_text="The office's slug.")
    region = serializers.CharField(source="region.code", help_text="KATO code of the region.")
    district = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    name = LanguageMapField()
    address = LanguageMapField()
    opening_hours = LanguageMapField()
    receiving_people = serializers.SerializerMethodField(
        help_text="Public ids of the deputies and activists who receive citizens here."
    )

    class Meta:
        model = ReceptionOffice
        fields = [
            "id",
            "region",
            "district",
            "name",
            "address",
            "opening_hours",
            "phone",
            "email",
            "receiving_people",
        ]

    @extend_schema_field({"type": "array", "items": {"type": "string", "format": "uuid"}})
    def get_receiving_people(self, office):
        return [str(person.public_id) for person in office.receiving_people.all()]


class CategorySerializer(serializers.ModelSerializer):
    name = LanguageMapField()

    class Meta:
        model = Category
        fields = ["code", "name", "order"]


class OfficeFilter(django_filters.FilterSet):
    region = CodeFilter(
        queryset=Region.objects.all(), to_field_name="code", help_text="KATO code of the region."
    )

    class Meta:
        model = ReceptionOffice
        fields = ["region"]

    def filter_queryset(self, queryset):
        return selectors.office_list(region=self.form.cleaned_data.get("region"))


@extend_schema_view(
    list=extend_schema(
        summary="Reception offices",
        description="Open public reception offices and who receives citizens there.",
    ),
    retrieve=extend_schema(summary="One reception office"),
)
class OfficeViewSet(PublicReadOnlyViewSet):
    serializer_class = OfficeSerializer
    filterset_class = OfficeFilter
    lookup_field = "slug"
    lookup_url_kwarg = "id"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,120}"

    def get_queryset(self):
        return selectors.office_list()


@extend_schema_view(
    list=extend_schema(
        summary="Appeal categories",
        description="What appeals are about; `code` is the `category` of a new appeal and the "
        "Open311 `service_code`.",
    ),
    retrieve=extend_schema(summary="One appeal category"),
)
class CategoryViewSet(PublicReadOnlyViewSet):
    serializer_class = CategorySerializer
    pagination_class = None
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,40}"

    def get_queryset(self):
        return Category.objects.filter(is_active=True).order_by("order", "code")


# --- appeals: shared pieces -------------------------------------------------------------


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class ActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    requires = serializers.ListField(child=serializers.CharField())


class EventSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField()
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor_role = serializers.CharField()
    reason = serializers.CharField()
    details = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_details(self, event):
        return {k: v for k, v in (event.details or {}).items() if k in CITIZEN_EVENT_DETAILS}


class StaffEventSerializer(EventSerializer):
    actor = serializers.SerializerMethodField(help_text="Who acted (staff only).")

    @extend_schema_field({"type": ["string", "null"]})
    def get_actor(self, event):
        return str(event.actor) if event.actor_id else None

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_details(self, event):
        return dict(event.details or {})


def _person(person) -> str | None:
    return str(person.public_id) if person is not None else None


def _actions(appeal, relations) -> list[dict]:
    today = deadlines.local_date()
    return [
        {"action": t.action, "requires": sorted(r.value for r in t.requires)}
        for t in workflow.actions_for(appeal, relations, today)
    ]


class AppealSerializer(serializers.ModelSerializer):
    """A citizen's own appeal."""

    region = serializers.CharField(source="region.code")
    office = serializers.CharField(source="office.slug")
    category = serializers.CharField(source="category.code")
    addressed_person = serializers.SerializerMethodField()
    assigned_person = serializers.SerializerMethodField()
    answered_by = serializers.SerializerMethodField()
    extended = serializers.SerializerMethodField()

    class Meta:
        model = Appeal
        fields = [
            "number",
            "state",
            "resolution",
            "channel",
            "region",
            "office",
            "category",
            "addressed_person",
            "assigned_person",
            "answered_by",
            "language",
            "received_at",
            "registered_on",
            "due_on",
            "extended",
            "answered_on",
            "closed_on",
            "reopened_count",
            "version",
        ]

    @extend_schema_field(PERSON_REF)
    def get_addressed_person(self, appeal):
        return _person(appeal.addressed_person)

    @extend_schema_field(PERSON_REF)
    def get_assigned_person(self, appeal):
        return _person(appeal.assigned_person)

    @extend_schema_field(PERSON_REF)
    def get_answered_by(self, appeal):
        return _person(appeal.answered_by)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_extended(self, appeal):
        return appeal.extended_at is not None


class AppealDetailSerializer(AppealSerializer):
    """A citizen's own appeal with its text, answer, attachments, history and actions."""

    attachments = AttachmentSerializer(many=True, read_only=True, source="attachments.all")
    history = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(
        help_text="What the citizen may do now (see POST …/transitions/)."
    )

    class Meta(AppealSerializer.Meta):
        fields = [
            *AppealSerializer.Meta.fields,
            "text",
            "answer_text",
            "extension_reason",
            "rejection_reason",
            "attachments",
            "history",
            "actions",
        ]

    @extend_schema_field(EventSerializer(many=True))
    def get_history(self, appeal):
        return EventSerializer(selectors.appeal_history(appeal), many=True).data

    @extend_schema_field(ActionSerializer(many=True))
    def get_actions(self, appeal):
        relations = frozenset({Relation.AUTHOR})
        return [a for a in _actions(appeal, relations) if a["action"] in CITIZEN_ACTIONS]


class StaffAppealSerializer(AppealSerializer):
    """An appeal in the staff queue: no personal data of the citizen."""

    overdue = serializers.SerializerMethodField()

    class Meta(AppealSerializer.Meta):
        fields = [name for name in AppealSerializer.Meta.fields if name != "language"] + ["overdue"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, appeal):
        return appeal.is_open and appeal.due_on < deadlines.local_date()


class CitizenContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()


class StaffAppealDetailSerializer(StaffAppealSerializer):
    """An appeal on the staff page: text, the citizen's contacts, history (with names), actions."""

    attachments = AttachmentSerializer(many=True, read_only=True, source="attachments.all")
    citizen = serializers.SerializerMethodField(
        help_text="The citizen's contacts; null once erased at their request."
    )
    visitor_confirmed = serializers.SerializerMethodField()
    duplicate_of = serializers.SerializerMethodField()
    transfer_due = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(
        help_text="What you may do now (see POST …/transitions/)."
    )

    class Meta(StaffAppealSerializer.Meta):
        fields = [
            *StaffAppealSerializer.Meta.fields,
            "language",
            "text",
            "answer_text",
            "extension_reason",
            "rejection_reason",
            "citizen",
            "visitor_confirmed",
            "duplicate_of",
            "transfer_due",
            "attachments",
            "history",
            "actions",
        ]

    @extend_schema_field(CitizenContactSerializer(allow_null=True))
    def get_citizen(self, appeal):
        if appeal.personal_data_erased_at is not None:
            return None
        if appeal.author is not None:
            author = appeal.author
            return {"name": author.display_name, "email": author.email, "phone": author.phone}
        return {
            "name": appeal.citizen_name,
            "email": appeal.citizen_email,
            "phone": appeal.citizen_phone,
        }

    @extend_schema_field({"type": ["boolean", "null"]})
    def get_visitor_confirmed(self, appeal):
        if appeal.channel == "web":
            return None
        return appeal.visitor_confirmed_at is not None

    @extend_schema_field({"type": ["string", "null"]})
    def get_duplicate_of(self, appeal):
        return appeal.duplicate_of.number if appeal.duplicate_of_id else None

    @extend_schema_field({"type": ["string", "null"], "format": "date"})
    def get_transfer_due(self, appeal):
        if appeal.state != State.REGISTERED:
            return None
        return deadlines.transfer_due(appeal.term_started_on).isoformat()

    @extend_schema_field(StaffEventSerializer(many=True))
    def get_history(self, appeal):
        return StaffEventSerializer(selectors.appeal_history(appeal), many=True).data

    @extend_schema_field(ActionSerializer(many=True))
    def get_actions(self, appeal):
        user = self.context["request"].user
        return _actions(appeal, appeal_relations(user, appeal) & STAFF_RELATIONS)


# --- input -------------------------------------------------------------------------------


class AppealCreateSerializer(StrictInputSerializer):
    office = CodeRelatedField(
        slug_field="slug",
        queryset=ReceptionOffice.objects.all(),
        help_text="Slug of an open office.",
    )
    category = CodeRelatedField(
        slug_field="code", queryset=Category.objects.all(), help_text="Code of a category."
    )
    text = serializers.CharField(
        max_length=services.TEXT_MAX_LENGTH,
        help_text=f"The problem, {services.TEXT_MIN_LENGTH}–{services.TEXT_MAX_LENGTH} characters.",
    )
    addressed_person = CodeRelatedField(
        slug_field="public_id",
        queryset=Person.objects.all(),
        required=False,
        allow_null=True,
        help_text="Public id of the deputy or activist the appeal is addressed to (optional).",
    )
    idempotency_key = serializers.UUIDField(
        required=False,
        help_text="A UUID you make once per appeal; or send it as the `Idempotency-Key` header.",
    )


class CitizenTransitionSerializer(StrictInputSerializer):
    action = serializers.ChoiceField(choices=CITIZEN_ACTIONS)
    version = serializers.IntegerField(
        min_value=1, max_value=2_147_483_647, help_text="The `version` of the appeal you saw."
    )
    resolution = serializers.ChoiceField(
        choices=[Resolution.YES.value, Resolution.PARTLY.value, Resolution.NO.value],
        required=False,
        help_text="For confirm_resolution: was the problem resolved?",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=services.REASON_MAX_LENGTH,
        help_text="Why you reopen (required), or a comment on the resolution (optional).",
    )


class StaffTransitionSerializer(StrictInputSerializer):
    action = serializers.ChoiceField(choices=STAFF_ACTIONS)
    version = serializers.IntegerField(
        min_value=1, max_value=2_147_483_647, help_text="The `version` of the appeal you saw."
    )
    person = CodeRelatedField(
        slug_field="public_id",
        queryset=Person.objects.all(),
        required=False,
        allow_null=True,
        help_text="assign, transfer: public id of the person.",
    )
    office = CodeRelatedField(
        slug_field="slug",
        queryset=ReceptionOffice.objects.all(),
        required=False,
        allow_null=True,
        help_text="transfer: slug of the other office.",
    )
    out_of_competence = serializers.BooleanField(
        required=False, default=False, help_text="transfer: it belongs elsewhere."
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=services.REASON_MAX_LENGTH
    )
    answer = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=services.ANSWER_MAX_LENGTH,
        help_text="answer: the answer to the citizen.",
    )
    due_on = serializers.DateField(
        required=False, allow_null=True, help_text="extend: the new deadline (a working day)."
    )
    duplicate_of = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=24,
        help_text="merge_duplicate: the number of the original appeal.",
    )


TRANSITION_REFUSALS = {
    "not_allowed_for_role": "not_allowed_for_role",
    "wrong_state": "wrong_state",
    "condition": "wrong_state",
    "confirmation_window_open": "wrong_state",
}


def run_transition(*, user, appeal: Appeal, data: dict) -> Appeal:
    """Call the one service for transitions; its refusals become problems."""
    try:
        return services.appeal_transition(
            appeal_id=appeal.pk,
            action=data["action"],
            user=user,
            version=data["version"],
            data=services.TransitionInput(
                person=data.get("person"),
                office=data.get("office"),
                reason=data.get("reason", ""),
                answer=data.get("answer", ""),
                due_on=data.get("due_on"),
                duplicate_of=data.get("duplicate_of", ""),
                resolution=data.get("resolution", ""),
                out_of_competence=bool(data.get("out_of_competence")),
            ),
        )
    except services.AppealChanged as changed:
        raise ApiProblem(code="appeal_changed", detail=changed.message) from None
    except TransitionRefused as refusal:
        raise ApiProblem(
            code=TRANSITION_REFUSALS.get(refusal.code, "wrong_state"), detail=refusal.message
        ) from None
    except Appeal.DoesNotExist:
        raise NotFound() from None


# --- citizen -----------------------------------------------------------------------------


class OwnAppealFilter(django_filters.FilterSet):
    state = EnumFilter(
        choices=[("open", "open"), *State.choices],
        help_text="open: registered or assigned; or one state.",
    )

    class Meta:
        model = Appeal
        fields = ["state"]

    def filter_queryset(self, queryset):
        user = self.request.user
        filters = selectors.AppealFilters(state=self.form.cleaned_data.get("state") or "")
        return selectors.appeal_list(user=user, filters=filters, staff_only=False).order_by(
            "-received_at", "-id"
        )


def _idempotency_key(request, given) -> uuid.UUID:
    if given is not None:
        return given
    header = request.headers.get("Idempotency-Key", "")
    try:
        return uuid.UUID(header.strip())
    except ValueError:
        raise serializers.ValidationError(
            {
                "idempotency_key": [
                    serializers.ErrorDetail(
                        str(
                            _(
                                "Send an idempotency key: a UUID made once for this appeal, "
                                "in the body or the Idempotency-Key header."
                            )
                        ),
                        code="required",
                    )
                ]
            }
        ) from None


APPEAL_CREATE_EXAMPLE = {
    "office": "astana-main",
    "category": "housing",
    "text": "В нашем доме третий месяц нет горячей воды.",
    "idempotency_key": "0b8e4f7a-52c1-4b0e-9a37-2f61a9d0c4e5",
}


@extend_schema_view(
    list=extend_schema(summary="My appeals", tags=["me"]),
    retrieve=extend_schema(
        summary="One of my appeals",
        description="With its text, the answer, its history and what you may do now.",
        tags=["me"],
    ),
)
class OwnAppealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiGenericViewSet):
    serializer_class = AppealSerializer
    filterset_class = OwnAppealFilter
    lookup_field = "number"
    lookup_value_regex = NUMBER_PATTERN

    def get_queryset(self):
        return Appeal.objects.all()

    def get_serializer_class(self):
        return AppealSerializer if self.action == "list" else AppealDetailSerializer

    def get_object(self):
        appeal = selectors.appeal_get(user=self.request.user, number=self.kwargs["number"])
        if Relation.AUTHOR not in appeal_relations(self.request.user, appeal):
            raise NotFound()
        return appeal

    @extend_schema(
        summary="File an appeal",
        description=(
            "Registers an appeal from the signed-in citizen. The same idempotency key sent "
            "again returns the stored appeal (200) instead of filing a second one (201). "
            "It counts for the rating once the account's email is confirmed."
        ),
        request=AppealCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.UUID,
                OpenApiParameter.HEADER,
                description="Instead of `idempotency_key` in the body.",
            )
        ],
        responses={201: AppealDetailSerializer, 200: AppealDetailSerializer},
        examples=[OpenApiExample("A new appeal", request_only=True, value=APPEAL_CREATE_EXAMPLE)],
        tags=["me"],
    )
    def create(self, request):
        payload = AppealCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        appeal = services.appeal_register(
            author=request.user,
            office=data["office"],
            category=data["category"],
            text=data["text"],
            addressed_person=data.get("addressed_person"),
            idempotency_key=_idempotency_key(request, data.get("idempotency_key")),
            language=request.LANGUAGE_CODE,
        )
        created = getattr(appeal, "just_created", False)
        appeal = selectors.appeal_get(user=request.user, number=appeal.number)
        return Response(
            AppealDetailSerializer(appeal, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        summary="Act on my appeal",
        description=(
            "`confirm_resolution` (after the answer: `resolution` yes/partly/no) or `reopen` "
            "(once, after a “no”, with a `reason`). Send the `version` you saw: if the appeal "
            "changed meanwhile the answer is 409 and nothing is written."
        ),
        request=CitizenTransitionSerializer,
        responses={200: AppealDetailSerializer, 409: OpenApiResponse(description="Conflict.")},
        examples=[
            OpenApiExample(
                "Resolved",
                request_only=True,
                value={"action": "confirm_resolution", "version": 4, "resolution": "yes"},
            )
        ],
        tags=["me"],
    )
    @action(detail=True, methods=["post"], url_path="transitions")
    def transitions(self, request, number=None):
        appeal = self.get_object()
        payload = CitizenTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        run_transition(user=request.user, appeal=appeal, data=payload.validated_data)
        appeal = self.get_object()
        return Response(AppealDetailSerializer(appeal, context={"request": request}).data)


# --- staff -------------------------------------------------------------------------------


class QueueFilter(django_filters.FilterSet):
    state = EnumFilter(
        choices=[("open", "open"), ("all", "all"), *State.choices],
        help_text="open (the default): registered or assigned; all; or one state.",
    )
    due = EnumFilter(
        choices=[("soon", "soon"), ("overdue", "overdue")], help_text="Deadline soon or passed."
    )
    category = CodeFilter(queryset=Category.objects.all(), to_field_name="code")
    office = CodeFilter(queryset=ReceptionOffice.objects.all(), to_field_name="slug")

    class Meta:
        model = Appeal
        fields = ["state", "due", "category", "office"]

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        state = data.get("state") or "open"
        filters = selectors.AppealFilters(
            state="" if state == "all" else state,
            due=data.get("due") or "",
            category=data["category"].pk if data.get("category") else None,
            office=data["office"].pk if data.get("office") else None,
        )
        return selectors.appeal_list(user=self.request.user, filters=filters)


class QueueCountsSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    soon = serializers.IntegerField()
    overdue = serializers.IntegerField()
    unassigned = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(
        summary="The staff queue",
        description=(
            "Appeals in your reach (your offices as an operator, assigned to you as a deputy, "
            "your region as a moderator, all as an administrator), soonest deadline first. "
            "404 when you have no staff workspace."
        ),
        tags=["staff"],
    ),
    retrieve=extend_schema(
        summary="One appeal in your reach",
        description="With the text, the citizen's contacts, the history and your actions.",
        tags=["staff"],
    ),
)
class StaffAppealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiGenericViewSet):
    serializer_class = StaffAppealSerializer
    filterset_class = QueueFilter
    lookup_field = "number"
    lookup_value_regex = NUMBER_PATTERN

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not is_staff_user(request.user):
            raise NotFound()

    def get_queryset(self):
        return Appeal.objects.all()

    def get_serializer_class(self):
        return StaffAppealSerializer if self.action == "list" else StaffAppealDetailSerializer

    def get_object(self):
        return selectors.appeal_get(
            user=self.request.user, number=self.kwargs["number"], staff_only=True
        )

    @extend_schema(
        summary="Counts of the queue",
        description="Open, due soon, overdue and unassigned appeals in your reach.",
        responses=QueueCountsSerializer,
        tags=["staff"],
    )
    @action(detail=False, methods=["get"], url_path="counts", filterset_class=None)
    def counts(self, request):
        return Response(selectors.staff_queue_counts(user=request.user))

    @extend_schema(
        summary="Act on an appeal",
        description=(
            "One workflow step: assign, transfer, extend, answer, reject, merge_duplicate. "
            "`actions` of the appeal says which you may take now and what each requires. "
            "Send the `version` you saw: if the appeal changed meanwhile the answer is 409 "
            "and nothing is written. A role that may not take the step gets 403. The answer "
            "is the appeal's summary (a transfer may take it out of your reach)."
        ),
        request=StaffTransitionSerializer,
        responses={200: StaffAppealSerializer, 409: OpenApiResponse(description="Conflict.")},
        examples=[
            OpenApiExample(
                "Answer",
                request_only=True,
                value={
                    "action": "answer",
                    "version": 3,
                    "answer": "Подача горячей воды восстановлена 12 марта.",
                },
            ),
            OpenApiExample(
                "Extend",
                request_only=True,
                value={
                    "action": "extend",
                    "version": 3,
                    "due_on": "2026-04-10",
                    "reason": "Ждём ответа акимата.",
                },
            ),
        ],
        tags=["staff"],
    )
    @action(detail=True, methods=["post"], url_path="transitions", filterset_class=None)
    def transitions(self, request, number=None):
        appeal = self.get_object()
        payload = StaffTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        changed = run_transition(user=request.user, appeal=appeal, data=payload.validated_data)
        # The summary, not the detail: a transfer may take the appeal out of your reach.
        return Response(StaffAppealSerializer(changed, context={"request": request}).data)


router_entries = [
    ("offices", OfficeViewSet, "office"),
    ("categories", CategoryViewSet, "category"),
    ("me/appeals", OwnAppealViewSet, "own-appeal"),
    ("staff/appeals", StaffAppealViewSet, "staff-appeal"),
]
