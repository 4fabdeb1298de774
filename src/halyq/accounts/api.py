"""The signed-in person in the API: who they are, what roles they hold, their own data.

Rules:
- Only about the caller: nobody reads another account here.
- `/me/data/` is the same download as on the site (`accounts.personal_data.export_all`:
  every app's section of the caller's own data, in full).
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from halyq.accounts import personal_data
from halyq.accounts.models import RoleAssignment
from halyq.api.views import ApiView


class RoleSerializer(serializers.Serializer):
    role = serializers.CharField()
    region = serializers.CharField(allow_null=True, help_text="KATO code, for moderators.")


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    display_name = serializers.CharField()
    language = serializers.CharField()
    email_confirmed = serializers.BooleanField()
    person = serializers.UUIDField(
        allow_null=True, help_text="The directory person you sign in as (deputies, activists)."
    )
    offices = serializers.ListField(
        child=serializers.CharField(), help_text="Slugs of the offices you operate."
    )
    roles = RoleSerializer(many=True)


class MeView(ApiView):
    @extend_schema(
        operation_id="me_retrieve",
        summary="Who am I",
        description="Your account and your staff roles (what the staff endpoints will show you).",
        responses=MeSerializer,
        tags=["me"],
    )
    def get(self, request):
        user = request.user
        assignments = (
            RoleAssignment.objects.filter(user=user).select_related("region").order_by("role", "id")
        )
        return Response(
            {
                "email": user.email,
                "display_name": user.display_name,
                "language": user.language,
                "email_confirmed": user.email_confirmed,
                "person": str(user.person.public_id) if user.person_id else None,
                "offices": list(
                    user.operated_offices.order_by("slug").values_list("slug", flat=True)
                ),
                "roles": [
                    {
                        "role": assignment.role,
                        "region": assignment.region.code if assignment.region_id else None,
                    }
                    for assignment in assignments
                ]
                + ([{"role": "administrator", "region": None}] if user.is_superuser else []),
            }
        )


class MyDataView(ApiView):
    @extend_schema(
        operation_id="me_data_retrieve",
        summary="Download my data",
        description=(
            "Everything Halyq keeps about you, one section per part of the site (your "
            "account, consents, appeals, bookings…): the same as the site's download."
        ),
        responses={200: OpenApiTypes.OBJECT},
        tags=["me"],
    )
    def get(self, request):
        response = Response(personal_data.export_all(request.user))
        response["Cache-Control"] = "private, no-store"
        response["Content-Disposition"] = 'attachment; filename="halyq-my-data.json"'
        return response


urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("me/data/", MyDataView.as_view(), name="me-data"),
]
