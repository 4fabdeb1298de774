"""The promise tracker in the API: election programmes, roadmap measures, voters'
mandates and their dated histories. Public and read-only.

Rules:
- The API reads what the open data publishes, through the same querysets
  (`programmes.opendata`) and the same regions (`visibility.public_region_ids`, the
  pages' rule too: out of pilot for the rating). A programme, measure or
  mandate of a region in pilot is absent from every list and 404 by its code; a pilot
  region, its programmes and its deputies are not valid filter values (400, the same
  answer as for a code that does not exist).
- No personal data of residents: their confirmations appear only as counts and a rate.
  Deputies appear by public id (as monitors, and as the person who reported a change),
  other staff only by role. A mandate's source reference (it may be an appeal number)
  is never shown.
- Codes are the stable ones people already use: a programme by its code (`71-viii`), a
  measure by "<programme code>:<item code>" (`71-viii:1.2`), a mandate by its code.
- A page costs the same few queries whatever its size: related rows are joined,
  monitors and evidence prefetched.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers

from halyq.api.filters import CodeFilter, EnumFilter, TrueFalseFilter
from halyq.api.serializers import LanguageMapField
from halyq.api.views import PublicListViewSet, PublicReadOnlyViewSet
from halyq.directory.models import District, Person, Region
from halyq.programmes import opendata, selectors
from halyq.programmes.models import (
    DISPLAY_STATUSES,
    OVERDUE,
    Convocation,
    Evidence,
    ItemChange,
    Mandate,
    Programme,
    Status,
    Topic,
    TrackedItem,
)
from halyq.programmes.visibility import public_region_ids

# This app sits below the ratings app, whose publication modes say which regions are out
# of pilot; the API is the shell above both, so it is here that the two are wired.

PROGRAMME_CODE = r"[-a-zA-Z0-9_]{1,64}"
# An item code may hold '/' (the roadmap import allows it); the history routes are
# registered before the detail routes, so ".../history/" always means the history.
OWN_CODE = r"[-\w./]{1,64}"
ITEM_CODE = rf"{PROGRAMME_CODE}:{OWN_CODE}"
UUID = {"type": "string", "format": "uuid"}


def published_regions(request) -> frozenset[int]:
    """The regions the API publishes, read once per request (filters ask too)."""
    cached = getattr(request, "_published_programme_regions", None)
    if cached is None:
        cached = frozenset(public_region_ids())
        if request is not None:
            request._published_programme_regions = cached
    return cached


# --- serializers ------------------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$", "example": "2.5"})
class DecimalTextField(serializers.Field):
    """A decimal as a plain string without trailing zeros, as in the open data."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return opendata.decimal_text(value)


class ProgrammeSerializer(serializers.ModelSerializer):
    """An election programme of a region or a district for one convocation."""

    convocation = serializers.CharField(source="convocation.code", help_text="e.g. VIII.")
    region = serializers.CharField(source="region.code", help_text="KATO code of the region.")
    district = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="KATO code of the district for a district programme; null for a region's.",
    )
    title = LanguageMapField()
    description = LanguageMapField()
    progress = serializers.SerializerMethodField(
        help_text="Progress of its roadmap in %, rolled up from the measures by weight."
    )

    class Meta:
        model = Programme
        fields = [
            "code",
            "convocation",
            "region",
            "district",
            "title",
            "description",
            "adopted_on",
            "progress",
        ]

    def get_progress(self, programme) -> float:
        return round(programme.progress, 2)


class TrackingSerializer(serializers.ModelSerializer):
    """How an item is tracked: the state shared by measures and mandates tracked alone."""

    monitors = serializers.SerializerMethodField(
        help_text="Public ids of the deputies monitoring it (see /api/v1/persons/{id}/)."
    )
    status = serializers.ChoiceField(
        choices=Status.choices, read_only=True, help_text="The status last reported."
    )
    shown_status = serializers.ChoiceField(
        choices=DISPLAY_STATUSES,
        source="display_status",
        read_only=True,
        help_text="The status shown: the reported one, or `overdue` when an open item is "
        "past its deadline (derived today, never stored).",
    )
    overdue = serializers.SerializerMethodField(help_text="Open and past its deadline.")
    confirmation_rate = serializers.SerializerMethodField(
        help_text="Share of the counted residents' answers agreeing it is delivered "
        "(`partly` counts half), 0–1; null while nobody has answered."
    )

    class Meta:
        model = TrackedItem
        fields = [
            "monitors",
            "start_date",
            "planned_end_date",
            "deadline",
            "status",
            "shown_status",
            "overdue",
            "progress",
            "completed_on",
            "report_round",
            "confirmations_yes",
            "confirmations_partly",
            "confirmations_no",
            "confirmations_held",
            "confirmation_rate",
            "dispute_state",
        ]
        extra_kwargs = {
            "deadline": {"help_text": "The planned completion, moved to a working day."},
            "progress": {"help_text": "Progress reported for the item itself, 0–100."},
            "completed_on": {"help_text": "When delivery (done or partly done) was reported."},
            "report_round": {
                "help_text": "How many times delivery was reported; residents confirm each."
            },
            "confirmations_yes": {"help_text": "Residents' counted answers: done."},
            "confirmations_partly": {"help_text": "Residents' counted answers: partly done."},
            "confirmations_no": {"help_text": "Residents' counted answers: not done."},
            "confirmations_held": {"help_text": "Answers held for the moderator's review."},
        }

    @extend_schema_field({"type": "array", "items": UUID})
    def get_monitors(self, item) -> list[str]:
        return opendata.monitor_ids(item)

    def get_overdue(self, item) -> bool:
        return item.display_status == OVERDUE

    @extend_schema_field({"type": ["number", "null"], "minimum": 0, "maximum": 1})
    def get_confirmation_rate(self, item):
        rate = item.confirmation_rate
        return None if rate is None else round(rate, 4)


class MeasureSerializer(TrackingSerializer):
    """A roadmap measure: what, where, by whom, and how it is tracked."""

    id = serializers.SerializerMethodField(
        help_text='The stable code: "<programme code>:<item code>".'
    )
    programme = serializers.CharField(source="programme.code")
    parent = serializers.SerializerMethodField(
        help_text="The measure this one is part of (its stable code), or null."
    )
    weight = DecimalTextField(help_text="Share of the parent's progress, relative to siblings.")
    title = LanguageMapField()
    description = LanguageMapField()
    executive_body = LanguageMapField()
    indicator = LanguageMapField()
    unit = LanguageMapField(help_text="Unit of the indicator's values.")
    region = serializers.CharField(source="region.code", help_text="KATO code of the region.")
    district = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    target_value = DecimalTextField(allow_null=True)
    current_value = DecimalTextField(allow_null=True)
    rolled_up_progress = serializers.SerializerMethodField(
        help_text="Progress in % with its sub-measures rolled up by weight."
    )
    scope = serializers.SerializerMethodField()
    topic = serializers.SerializerMethodField()
    cancellation_reason = serializers.SerializerMethodField()

    class Meta(TrackingSerializer.Meta):
        fields = [
            "id",
            "code",
            "programme",
            "parent",
            "scope",
            "topic",
            "position",
            "weight",
            "title",
            "description",
            "executive_body",
            "indicator",
            "unit",
            "region",
            "district",
            "target_value",
            "current_value",
            *TrackingSerializer.Meta.fields,
            "rolled_up_progress",
            "cancellation_reason",
        ]

    def get_id(self, item) -> str:
        return opendata.item_code(item)

    @extend_schema_field({"type": ["string", "null"]})
    def get_parent(self, item):
        return opendata.parent_code(item)

    def get_rolled_up_progress(self, item) -> float:
        return round(item.rolled_up_progress, 2)

    @extend_schema_field({"type": ["string", "null"], "enum": [*TrackedItem.Scope.values, None]})
    def get_scope(self, item):
        return item.scope or None

    @extend_schema_field({"type": ["string", "null"], "enum": [*Topic.values, None]})
    def get_topic(self, item):
        return item.topic or None

    @extend_schema_field({"type": ["string", "null"]})
    def get_cancellation_reason(self, item):
        return item.cancellation_reason or None


class MandateSerializer(serializers.ModelSerializer):
    """A voters' mandate, the council's decision on it and how it is tracked."""

    programme = serializers.CharField(source="programme.code")
    region = serializers.CharField(source="region.code", help_text="KATO code of the region.")
    district = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    title = LanguageMapField()
    description = LanguageMapField()
    state = serializers.ChoiceField(
        choices=Mandate.State.choices, read_only=True, help_text="The council's decision."
    )
    decision_reason = serializers.SerializerMethodField(
        help_text="The public reason given with the decision."
    )
    decided_on = serializers.SerializerMethodField()
    item = serializers.SerializerMethodField(
        help_text="What tracks it once accepted: the measure it was folded into, or its own "
        "tracked item (`tracked_on_its_own`); the stable code either way."
    )
    tracked_on_its_own = serializers.SerializerMethodField()
    tracking = serializers.SerializerMethodField(
        help_text="How it is tracked when tracked on its own; null otherwise (a mandate "
        "folded into a measure follows that measure)."
    )

    class Meta:
        model = Mandate
        fields = [
            "code",
            "programme",
            "region",
            "district",
            "source",
            "source_date",
            "topic",
            "title",
            "description",
            "state",
            "decision_reason",
            "decided_on",
            "item",
            "tracked_on_its_own",
            "tracking",
        ]
        extra_kwargs = {
            "source": {"help_text": "Where it was received."},
            "source_date": {"help_text": "When it was received."},
        }

    @extend_schema_field({"type": ["string", "null"]})
    def get_decision_reason(self, mandate):
        return mandate.decision_reason or None

    @extend_schema_field({"type": ["string", "null"], "format": "date"})
    def get_decided_on(self, mandate):
        return opendata.decided_on(mandate)

    @extend_schema_field({"type": ["string", "null"]})
    def get_item(self, mandate):
        return opendata.item_code(mandate.item)

    def get_tracked_on_its_own(self, mandate) -> bool:
        return opendata.tracked_on_its_own(mandate)

    @extend_schema_field(TrackingSerializer(allow_null=True))
    def get_tracking(self, mandate):
        if not opendata.tracked_on_its_own(mandate):
            return None
        return TrackingSerializer(mandate.item, context=self.context).data


class EvidenceSerializer(serializers.ModelSerializer):
    """A link, document or photo given as evidence of a change (deputies', never residents')."""

    url = serializers.SerializerMethodField(help_text="A link given as evidence.")
    file = serializers.SerializerMethodField(help_text="An uploaded document or photo.")
    media_type = serializers.SerializerMethodField()
    date = serializers.DateField(source="evidence_date")
    caption = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["kind", "url", "file", "media_type", "date", "caption"]

    @extend_schema_field({"type": ["string", "null"], "format": "uri"})
    def get_url(self, evidence):
        return evidence.url or None

    @extend_schema_field({"type": ["string", "null"], "format": "uri"})
    def get_file(self, evidence):
        url = opendata.evidence_file_url(evidence)
        request = self.context.get("request")
        return request.build_absolute_uri(url) if url and request is not None else url

    @extend_schema_field({"type": ["string", "null"]})
    def get_media_type(self, evidence):
        return evidence.media_type or None

    @extend_schema_field({"type": ["string", "null"]})
    def get_caption(self, evidence):
        return evidence.caption or None


HISTORY_KINDS = [
    *ItemChange.Kind.choices,
    ("registered", "registered (a mandate)"),
    *[(value, f"{value} (a mandate)") for value in Mandate.State.values if value != "registered"],
]
CHANGED_VALUES = {
    "type": "array",
    "description": "What changed, field by field (in the order of the field names).",
    "items": {
        "type": "object",
        "properties": {
            "field": {"type": "string", "example": "status"},
            "from": {"description": "The value before (null: none).", "example": "in_progress"},
            "to": {"description": "The value after (null: none).", "example": "done"},
        },
        "required": ["field", "from", "to"],
    },
}


class HistoryEntrySerializer(serializers.Serializer):
    """One dated step of a measure's or a mandate's history."""

    occurred_at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=HISTORY_KINDS)
    actor_role = serializers.ChoiceField(
        choices=ItemChange.ActorRole.choices,
        allow_null=True,
        help_text="Who made the change, by role; null for a mandate's registration and decision.",
    )
    actor = serializers.UUIDField(
        allow_null=True,
        help_text="Public id of the deputy who made the change, if a deputy did.",
    )
    changes = serializers.SerializerMethodField()
    note = serializers.CharField(
        allow_null=True, help_text="The comment given with it (for a decision, its reason)."
    )
    evidence = EvidenceSerializer(many=True)

    @extend_schema_field(CHANGED_VALUES)
    def get_changes(self, entry):
        return [
            {"field": name, "from": values[0], "to": values[1]}
            for name, values in sorted(entry.changes.items())
        ]


# --- filters ----------------------------------------------------------------------------


def _regions(request):
    return Region.objects.filter(id__in=published_regions(request))


def _districts(request):
    return District.objects.filter(region_id__in=published_regions(request))


def _programmes(request):
    return Programme.objects.filter(region_id__in=published_regions(request))


def _deputies(request):
    return Person.objects.filter(region_id__in=published_regions(request))


def region_filter():
    return CodeFilter(
        queryset=_regions,
        to_field_name="code",
        help_text="KATO code of a region whose tracker is published (not in pilot).",
    )


class ProgrammeFilter(django_filters.FilterSet):
    region = region_filter()
    district = CodeFilter(
        queryset=_districts,
        to_field_name="code",
        help_text="KATO code of a district: its own programme.",
    )
    convocation = CodeFilter(
        queryset=Convocation.objects.all(), to_field_name="code", help_text="e.g. VIII."
    )

    class Meta:
        model = Programme
        fields = ["region", "district", "convocation"]


class TrackingFilter(django_filters.FilterSet):
    """Filters on how items are tracked, shared by measures and mandates."""

    region = region_filter()
    district = CodeFilter(
        queryset=_districts, to_field_name="code", help_text="KATO code of a district."
    )
    programme = CodeFilter(
        queryset=_programmes, to_field_name="code", help_text="Code of a programme, e.g. 71-viii."
    )
    topic = EnumFilter(choices=Topic.choices)
    status = EnumFilter(
        choices=DISPLAY_STATUSES,
        help_text="The status shown (`overdue` is derived: open and past the deadline).",
    )
    overdue = TrueFalseFilter(help_text="true: open and past the deadline; false: not.")
    deputy = CodeFilter(
        queryset=_deputies,
        to_field_name="public_id",
        help_text="Public id of a deputy monitoring it.",
    )
    q = django_filters.CharFilter(max_length=100, help_text="Words of the title or the code.")


class MeasureFilter(TrackingFilter):
    class Meta:
        model = TrackedItem
        fields = ["region", "district", "programme", "topic", "status", "overdue", "deputy", "q"]

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return selectors.filter_items(
            queryset,
            region=data.get("region"),
            district=data.get("district"),
            programme=data.get("programme"),
            person=data.get("deputy"),
            filters=selectors.ItemFilters(
                q=data.get("q") or "",
                topic=data.get("topic") or "",
                status=data.get("status") or "",
                overdue=data.get("overdue"),
            ),
        )


class MandateFilter(TrackingFilter):
    state = EnumFilter(choices=Mandate.State.choices, help_text="The council's decision.")
    source = EnumFilter(choices=Mandate.Source.choices, help_text="Where it was received.")

    class Meta:
        model = Mandate
        fields = [
            "region",
            "district",
            "programme",
            "state",
            "source",
            "topic",
            "status",
            "overdue",
            "deputy",
            "q",
        ]

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        mandates = selectors.filter_mandates(
            queryset,
            region=data.get("region"),
            district=data.get("district"),
            programme=data.get("programme"),
            state=data.get("state") or "",
            topic=data.get("topic") or "",
            q=data.get("q") or "",
        )
        if data.get("source"):
            mandates = mandates.filter(source=data["source"])
        status, overdue, deputy = data.get("status"), data.get("overdue"), data.get("deputy")
        if status or overdue is not None or deputy is not None:
            # These ask about the mandate's own tracking: a mandate folded into a measure
            # has none (it follows the measure), so it never matches them.
            tracked = selectors.filter_items(
                TrackedItem.objects.filter(kind=TrackedItem.Kind.MANDATE),
                person=deputy,
                filters=selectors.ItemFilters(status=status or "", overdue=overdue),
            )
            mandates = mandates.filter(item__in=tracked.values("pk"))
        return mandates


# --- views ------------------------------------------------------------------------------

CODE_OF_PROGRAMME = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The programme's code, e.g. 71-viii.",
)
CODE_OF_MEASURE = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description='The measure\'s stable code, "<programme code>:<item code>", e.g. 71-viii:1.2.',
)
CODE_OF_MANDATE = OpenApiParameter(
    "code", OpenApiTypes.STR, OpenApiParameter.PATH, description="The mandate's code."
)
MEASURE_EXAMPLE = {
    "id": "71-viii:1.2",
    "code": "1.2",
    "programme": "71-viii",
    "parent": "71-viii:1",
    "scope": "regional",
    "topic": "roads",
    "position": 2,
    "weight": "1",
    "title": {
        "kk": "Кенесары көшесін жөндеу",
        "ru": "Ремонт улицы Кенесары",
        "en": "Repair of Kenesary street",
    },
    "description": {"kk": "", "ru": "", "en": ""},
    "executive_body": {
        "kk": "Жолаушылар көлігі және автомобиль жолдары басқармасы",
        "ru": "Управление пассажирского транспорта и автомобильных дорог",
        "en": "Department of passenger transport and roads",
    },
    "indicator": {"kk": "Жөнделген жол", "ru": "Отремонтировано дорог", "en": "Road repaired"},
    "unit": {"kk": "км", "ru": "км", "en": "km"},
    "region": "71",
    "district": None,
    "target_value": "3.5",
    "current_value": "2",
    "monitors": ["3f2b9a4e-8c1d-4d55-9a70-2b1c8e5f6a01"],
    "start_date": "2024-01-10",
    "planned_end_date": "2024-12-20",
    "deadline": "2024-12-20",
    "status": "done",
    "shown_status": "done",
    "overdue": False,
    "progress": 100,
    "completed_on": "2024-11-02",
    "report_round": 1,
    "confirmations_yes": 14,
    "confirmations_partly": 2,
    "confirmations_no": 1,
    "confirmations_held": 0,
    "confirmation_rate": 0.8824,
    "dispute_state": "none",
    "rolled_up_progress": 100.0,
    "cancellation_reason": None,
}


class PublishedViewSetMixin:
    # The querysets come from `programmes.opendata`; the schema generator gets an empty
    # one (it must not read the database).
    model: type

    def regions(self) -> frozenset[int]:
        return published_regions(self.request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.published_queryset()


@extend_schema_view(
    list=extend_schema(
        summary="Election programmes",
        description=(
            "The party's election programmes of the regions and districts whose tracker "
            "is published (not in pilot), by code, with their roadmap's rolled-up progress."
        ),
    ),
    retrieve=extend_schema(
        summary="One election programme",
        description="A programme by its code; one of a region in pilot is 404.",
        parameters=[CODE_OF_PROGRAMME],
    ),
)
class ProgrammeViewSet(PublishedViewSetMixin, PublicReadOnlyViewSet):
    model = Programme
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter
    lookup_field = "code"
    lookup_value_regex = PROGRAMME_CODE

    def published_queryset(self):
        return opendata.public_programmes(self.regions())


@extend_schema_view(
    list=extend_schema(
        summary="Roadmap measures",
        description=(
            "The measures of the published programmes, in roadmap order (programme, "
            "position): what, where, who carries it out, the deputies monitoring it, dates, "
            "indicator, the reported and the shown status (`overdue` derived), progress "
            "with the sub-measures rolled up, and the residents' confirmations as counts "
            "and a rate (never who answered)."
        ),
        examples=[OpenApiExample("A measure", response_only=True, value=MEASURE_EXAMPLE)],
    ),
    retrieve=extend_schema(
        summary="One roadmap measure",
        description="A measure by its stable code; one of a region in pilot is 404.",
        parameters=[CODE_OF_MEASURE],
    ),
)
class MeasureViewSet(PublishedViewSetMixin, PublicReadOnlyViewSet):
    model = TrackedItem
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilter
    lookup_field = "code"
    lookup_value_regex = ITEM_CODE

    def published_queryset(self):
        return opendata.public_items(self.regions(), TrackedItem.Kind.MEASURE)

    def get_object(self):
        return opendata.item_by_code(self.get_queryset(), self.kwargs["code"])


@extend_schema_view(
    list=extend_schema(
        summary="Voters' mandates",
        description=(
            "Voters' mandates of the published programmes, by code: where each came from "
            "(never the appeal or meeting reference), the council's decision with its "
            "public reason, and, for one tracked on its own, how it is tracked. The "
            "`status`, `overdue` and `deputy` filters ask about that tracking."
        ),
    ),
    retrieve=extend_schema(
        summary="One voters' mandate",
        description="A mandate by its code; one of a region in pilot is 404.",
        parameters=[CODE_OF_MANDATE],
    ),
)
class MandateViewSet(PublishedViewSetMixin, PublicReadOnlyViewSet):
    model = Mandate
    serializer_class = MandateSerializer
    filterset_class = MandateFilter
    lookup_field = "code"
    lookup_value_regex = OWN_CODE

    def published_queryset(self):
        return opendata.public_mandates(self.regions())


class HistoryViewSet(PublicListViewSet):
    # One item's dated history, paged like every list. It is read whole and paged here:
    # an item has tens of entries, and a mandate's mixes its own with its item's.
    serializer_class = HistoryEntrySerializer
    queryset = ItemChange.objects.none()  # for the schema; `list` reads the history

    def history(self, regions: frozenset[int], code: str) -> list[opendata.HistoryEntry]:
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.history(published_regions(request), kwargs["code"]))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary="A measure's history",
        description=(
            "Every change of the measure, oldest first: when, what changed (from, to), the "
            "comment and the evidence (links, documents, photos the deputies gave). Who "
            "made it is given by role, and for a deputy by public id. An unknown measure or "
            "one of a region in pilot is 404."
        ),
        parameters=[CODE_OF_MEASURE],
    )
)
class MeasureHistoryViewSet(HistoryViewSet):
    def history(self, regions, code):
        items = TrackedItem.objects.filter(region_id__in=regions, kind=TrackedItem.Kind.MEASURE)
        item = opendata.item_by_code(items, code)
        changes = opendata.public_changes(regions).filter(item=item)
        return [opendata.change_entry(change) for change in changes]


@extend_schema_view(
    list=extend_schema(
        summary="A voters' mandate's history",
        description=(
            "The mandate's registration, the council's decision (`accepted` or "
            "`declined`, with its public reason) and, for one tracked on its own, every "
            "change of its tracking, oldest first. A mandate folded into a measure follows "
            "that measure's history. An unknown mandate or one of a region in pilot is 404."
        ),
        parameters=[CODE_OF_MANDATE],
    )
)
class MandateHistoryViewSet(HistoryViewSet):
    def history(self, regions, code):
        mandate = Mandate.objects.select_related("item__programme").get(
            code=code, region_id__in=regions
        )
        return opendata.mandate_history(mandate, regions)


# History first: its routes must win over a detail route whose code would swallow
# ".../history" (item codes may contain '/').
router_entries = [
    (rf"measures/(?P<code>{ITEM_CODE})/history", MeasureHistoryViewSet, "measure-history"),
    (rf"mandates/(?P<code>{OWN_CODE})/history", MandateHistoryViewSet, "mandate-history"),
    ("programmes", ProgrammeViewSet, "programme"),
    ("measures", MeasureViewSet, "measure"),
    ("mandates", MandateViewSet, "mandate"),
]
