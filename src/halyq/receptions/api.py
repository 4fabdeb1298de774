"""Personal receptions in the API: the public schedule and the citizen's own bookings.

Rules:
- The schedule is public and carries no citizen data: which slots are taken, never by
  whom (`receptions.selectors`' public reads, as on the pages).
- A citizen sees and cancels only their own bookings; anybody else's is 404. Booking
  and cancelling go through `receptions.services` (which check the confirmed email,
  the limits and the slot); a slot taken meanwhile or a booking no longer cancellable
  is a 409 problem, other refusals 400.
"""

from __future__ import annotations

from datetime import time

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from halyq.api.filters import CodeFilter
from halyq.api.problems import ApiProblem
from halyq.api.serializers import StrictInputSerializer
from halyq.api.views import ApiGenericViewSet, PublicReadOnlyViewSet
from halyq.appeals.models import ReceptionOffice
from halyq.directory.models import Person, Region
from halyq.receptions import selectors, services
from halyq.receptions.models import Booking, Reception

# Refusals that are about the state of things now (409), not about the input (400).
CONFLICT_CODES = frozenset(
    {
        "already_booked",
        "full",
        "slot_taken",
        "cancelled",
        "marked",
        "past",
        "held",
        "not_started",
        "stale",
    }
)


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


class ReceptionSerializer(serializers.ModelSerializer):
    office = serializers.CharField(source="office.slug", help_text="The office's slug.")
    region = serializers.CharField(source="office.region.code")
    person = serializers.UUIDField(source="person.public_id", help_text="Who receives.")
    start_time = serializers.SerializerMethodField()
    end_time = serializers.SerializerMethodField()
    free_slots = serializers.IntegerField()

    class Meta:
        model = Reception
        fields = [
            "id",
            "office",
            "region",
            "person",
            "date",
            "start_time",
            "end_time",
            "slot_minutes",
            "slot_count",
            "free_slots",
            "status",
        ]

    @extend_schema_field({"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}$"})
    def get_start_time(self, reception):
        return _hhmm(reception.start_time)

    @extend_schema_field({"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}$"})
    def get_end_time(self, reception):
        return _hhmm(reception.end_time)


class SlotSerializer(serializers.Serializer):
    start = serializers.SerializerMethodField()
    taken = serializers.BooleanField()
    past = serializers.BooleanField()

    @extend_schema_field({"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}$"})
    def get_start(self, slot):
        return _hhmm(slot["start"])


class ReceptionDetailSerializer(ReceptionSerializer):
    slots = serializers.SerializerMethodField()

    class Meta(ReceptionSerializer.Meta):
        fields = [*ReceptionSerializer.Meta.fields, "slots"]

    @extend_schema_field(SlotSerializer(many=True))
    def get_slots(self, reception):
        # No user: the public answer is the same for everybody (taken, never by whom).
        return SlotSerializer(selectors.reception_slots(reception=reception), many=True).data


class ReceptionFilter(django_filters.FilterSet):
    region = CodeFilter(
        queryset=Region.objects.all(), to_field_name="code", help_text="KATO code of the region."
    )
    office = CodeFilter(queryset=ReceptionOffice.objects.all(), to_field_name="slug")
    person = CodeFilter(
        queryset=Person.objects.all(), to_field_name="public_id", help_text="Public id of a person."
    )

    class Meta:
        model = Reception
        fields = ["region", "office", "person"]

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        person = data.get("person")
        return selectors.reception_list_upcoming(
            region=data.get("region"),
            office=data.get("office"),
            person_public_id=person.public_id if person else None,
        )


@extend_schema_view(
    list=extend_schema(
        summary="Upcoming personal receptions",
        description="Scheduled receptions from today on, soonest first, with free slots.",
    ),
    retrieve=extend_schema(
        summary="One reception and its slots",
        description="Each slot says whether it is taken (never by whom) and whether it is past.",
    ),
)
class ReceptionViewSet(PublicReadOnlyViewSet):
    serializer_class = ReceptionSerializer
    filterset_class = ReceptionFilter
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return Reception.objects.all()

    def get_serializer_class(self):
        return ReceptionDetailSerializer if self.action == "retrieve" else ReceptionSerializer

    def get_object(self):
        return selectors.reception_get_public(reception_id=int(self.kwargs["pk"]))


class BookedReceptionSerializer(ReceptionSerializer):
    class Meta(ReceptionSerializer.Meta):
        fields = [name for name in ReceptionSerializer.Meta.fields if name != "free_slots"]


class BookingSerializer(serializers.ModelSerializer):
    reception = BookedReceptionSerializer()
    slot_start = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = ["id", "reception", "slot_start", "topic", "status", "channel", "created_at"]

    @extend_schema_field({"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}$"})
    def get_slot_start(self, booking):
        return _hhmm(booking.slot_start)


class BookingCreateSerializer(StrictInputSerializer):
    reception = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The reception's id."
    )
    slot_start = serializers.TimeField(
        input_formats=["%H:%M"], help_text="The slot's start time, HH:MM."
    )
    topic = serializers.CharField(
        required=False, allow_blank=True, max_length=300, help_text="What about (optional)."
    )


def _refusal(error: DjangoValidationError):
    """A refusal about the state of things now is a 409; one about the input stays a 400."""
    items = (
        [item for errors in error.error_dict.values() for item in errors]
        if hasattr(error, "error_dict")
        else error.error_list
    )
    codes = {item.code for item in items}
    if codes & CONFLICT_CODES:
        return ApiProblem(code="conflict", detail=" ".join(error.messages))
    return error


@extend_schema_view(
    list=extend_schema(summary="My reception bookings", tags=["me"]),
    retrieve=extend_schema(summary="One of my bookings", tags=["me"]),
)
class OwnBookingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiGenericViewSet):
    serializer_class = BookingSerializer
    queryset = Booking.objects.none()  # for the schema; reads use the selectors
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Booking.objects.none()
        return selectors.booking_list_for_citizen(user=self.request.user).select_related(
            "reception__office__region"
        )

    def get_object(self):
        return self.get_queryset().get(pk=int(self.kwargs["pk"]))

    @extend_schema(
        summary="Book a reception slot",
        description=(
            "Online booking by a signed-in citizen with a confirmed email, one slot per "
            "reception. A slot taken meanwhile is 409."
        ),
        request=BookingCreateSerializer,
        responses={201: BookingSerializer},
        examples=[
            OpenApiExample(
                "Book",
                request_only=True,
                value={"reception": 42, "slot_start": "10:30", "topic": "Ремонт дороги"},
            )
        ],
        tags=["me"],
    )
    def create(self, request):
        payload = BookingCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        reception = selectors.reception_get_public(reception_id=data["reception"])
        try:
            booking = services.booking_create(
                citizen=request.user,
                reception=reception,
                slot_start=data["slot_start"],
                topic=data.get("topic", ""),
            )
        except DjangoValidationError as error:
            raise _refusal(error) from None
        booking = self.get_queryset().get(pk=booking.pk)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cancel my booking",
        description="Before your time; the slot frees up. Cancelling twice is 409.",
        request=None,
        responses={200: BookingSerializer},
        tags=["me"],
    )
    @action(detail=True, methods=["post"], url_path="cancel")
    def cancel(self, request, pk=None):
        booking = self.get_object()
        try:
            services.booking_cancel(actor=request.user, booking=booking)
        except DjangoValidationError as error:
            raise _refusal(error) from None
        return Response(BookingSerializer(self.get_object()).data)


router_entries = [
    ("receptions", ReceptionViewSet, "reception"),
    ("me/bookings", OwnBookingViewSet, "own-booking"),
]
