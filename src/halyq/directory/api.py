"""The public directory in the API: regions, districts, council levels, organisations,
people, posts and memberships, shaped after Popolo.

Rules:
- Everything here is public and read-only (every field of these models may be published).
- Translated texts are language maps (`{"kk", "ru", "en"}`); codes and slugs are the ids
  people already use: a region by its KATO code, an organisation by its slug, a person by
  their public UUID (never the database id).
- People are listed and read through `directory.selectors` (the same reads as the pages);
  their memberships come prefetched, so a page of people costs the same few queries
  whatever its length.
"""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers

from halyq.api.filters import CodeFilter, EnumFilter, TrueFalseFilter
from halyq.api.serializers import LanguageMapField, LanguageMapSerializer
from halyq.api.views import PublicReadOnlyViewSet
from halyq.core.i18n import LANGUAGE_CODES
from halyq.directory import selectors
from halyq.directory.models import (
    CouncilLevel,
    District,
    Membership,
    Organization,
    Person,
    Post,
    Region,
)

UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

# --- serializers ------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    name = LanguageMapField()

    class Meta:
        model = Region
        fields = ["code", "slug", "abbreviation", "name", "is_city"]


class DistrictSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", help_text="KATO code of the region.")
    name = LanguageMapField()

    class Meta:
        model = District
        fields = ["code", "region", "name", "is_city"]


class CouncilLevelSerializer(serializers.ModelSerializer):
    name = LanguageMapField()

    class Meta:
        model = CouncilLevel
        fields = ["code", "name", "order"]


class OrganizationSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="slug", help_text="The organisation's slug.")
    name = LanguageMapField()
    parent_id = serializers.SlugRelatedField(
        source="parent", slug_field="slug", read_only=True, allow_null=True
    )
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    district = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    council_level = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "classification",
            "name",
            "parent_id",
            "region",
            "district",
            "council_level",
            "founding_date",
            "dissolution_date",
        ]


class PostSerializer(serializers.ModelSerializer):
    organization_id = serializers.CharField(source="organization.slug")
    label = LanguageMapField()
    district = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Post
        fields = ["id", "organization_id", "role", "label", "district"]


class MembershipSerializer(serializers.ModelSerializer):
    person_id = serializers.UUIDField(source="person.public_id")
    organization_id = serializers.CharField(source="organization.slug")
    post_id = serializers.IntegerField(allow_null=True)
    on_behalf_of_id = serializers.SlugRelatedField(
        source="on_behalf_of", slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Membership
        fields = [
            "id",
            "person_id",
            "organization_id",
            "post_id",
            "role",
            "on_behalf_of_id",
            "start_date",
            "end_date",
        ]


class PersonMembershipSerializer(MembershipSerializer):
    """A membership inside its person (no need to repeat the person)."""

    class Meta(MembershipSerializer.Meta):
        fields = [name for name in MembershipSerializer.Meta.fields if name != "person_id"]


@extend_schema_field(LanguageMapSerializer)
class FullNameField(serializers.Field):
    """The person's full name in each language ("" where not written)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, person):
        return {code: person.full_name(code) for code in LANGUAGE_CODES}


class PersonSerializer(serializers.ModelSerializer):
    """A person in a list: names, where they are from, their current memberships."""

    id = serializers.UUIDField(source="public_id", help_text="The person's public id.")
    name = FullNameField()
    family_name = LanguageMapField()
    given_name = LanguageMapField()
    patronymic_name = LanguageMapField("patronymic")
    region = serializers.CharField(source="region.code", help_text="KATO code of the region.")
    image = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    memberships = serializers.SerializerMethodField(
        help_text="Current memberships (all of them, past ones too, on the person's own page)."
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "kind",
            "name",
            "family_name",
            "given_name",
            "patronymic_name",
            "region",
            "image",
            "email",
            "memberships",
        ]

    @extend_schema_field({"type": ["string", "null"], "format": "uri"})
    def get_image(self, person):
        if not person.photo:
            return None
        request = self.context.get("request")
        url = person.photo.url
        return request.build_absolute_uri(url) if request is not None else url

    @extend_schema_field({"type": ["string", "null"], "format": "email"})
    def get_email(self, person):
        return person.public_email or None

    @extend_schema_field(PersonMembershipSerializer(many=True))
    def get_memberships(self, person):
        memberships = getattr(person, "current_memberships", None)
        if memberships is None:
            memberships = list(person.memberships.all())
        return PersonMembershipSerializer(memberships, many=True).data


class PersonDetailSerializer(PersonSerializer):
    """A person with their biography and whole membership history."""

    biography = LanguageMapField()

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "biography"]


# --- filters ----------------------------------------------------------------------------


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        max_length=100, help_text="A name in any script (Kazakh, Russian or Latin)."
    )
    region = CodeFilter(
        queryset=Region.objects.all(), to_field_name="code", help_text="KATO code of the region."
    )
    organization = CodeFilter(
        queryset=Organization.objects.all(),
        to_field_name="slug",
        help_text="Slug of an organisation the person currently belongs to or sits for.",
    )
    kind = EnumFilter(choices=Person.Kind.choices)

    class Meta:
        model = Person
        fields = ["q", "region", "organization", "kind"]

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return selectors.person_list(
            query=data.get("q") or "",
            region=data.get("region"),
            organization=data.get("organization"),
            kind=data.get("kind") or "",
        )


class DistrictFilter(django_filters.FilterSet):
    region = CodeFilter(
        queryset=Region.objects.all(), to_field_name="code", help_text="KATO code of the region."
    )

    class Meta:
        model = District
        fields = ["region"]


class OrganizationFilter(django_filters.FilterSet):
    classification = EnumFilter(choices=Organization.Classification.choices)
    region = CodeFilter(
        queryset=Region.objects.all(), to_field_name="code", help_text="KATO code of the region."
    )
    council_level = CodeFilter(queryset=CouncilLevel.objects.all(), to_field_name="code")
    parent = CodeFilter(
        queryset=Organization.objects.all(), to_field_name="slug", help_text="Slug of the parent."
    )

    class Meta:
        model = Organization
        fields = ["classification", "region", "council_level", "parent"]


class PostFilter(django_filters.FilterSet):
    organization = CodeFilter(queryset=Organization.objects.all(), to_field_name="slug")

    class Meta:
        model = Post
        fields = ["organization"]


class MembershipFilter(django_filters.FilterSet):
    person = CodeFilter(
        queryset=Person.objects.all(), to_field_name="public_id", help_text="Public id of a person."
    )
    organization = CodeFilter(queryset=Organization.objects.all(), to_field_name="slug")
    current = TrueFalseFilter(
        method="filter_current", help_text="true: held today; false: ended or not yet begun."
    )

    class Meta:
        model = Membership
        fields = ["person", "organization", "current"]

    def filter_current(self, queryset, name, value):
        current = Membership.objects.current(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


# --- views ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Regions", description="The 20 regions with their KATO codes."),
    retrieve=extend_schema(summary="One region"),
)
class RegionViewSet(PublicReadOnlyViewSet):
    serializer_class = RegionSerializer
    pagination_class = None
    lookup_field = "code"
    lookup_value_regex = r"[0-9]{2}"

    def get_queryset(self):
        return selectors.region_list()


@extend_schema_view(
    list=extend_schema(summary="Districts", description="Districts and cities of the regions."),
    retrieve=extend_schema(summary="One district"),
)
class DistrictViewSet(PublicReadOnlyViewSet):
    serializer_class = DistrictSerializer
    filterset_class = DistrictFilter
    lookup_field = "code"
    lookup_value_regex = r"[0-9]{1,9}"

    def get_queryset(self):
        return District.objects.select_related("region").order_by("region__code", "code")


@extend_schema_view(
    list=extend_schema(summary="Council levels", description="Levels of representative bodies."),
    retrieve=extend_schema(summary="One council level"),
)
class CouncilLevelViewSet(PublicReadOnlyViewSet):
    serializer_class = CouncilLevelSerializer
    pagination_class = None
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return CouncilLevel.objects.order_by("order", "code")


@extend_schema_view(
    list=extend_schema(
        summary="Organisations",
        description="The party, its regional branches, deputy factions and councils (Popolo).",
    ),
    retrieve=extend_schema(summary="One organisation"),
)
class OrganizationViewSet(PublicReadOnlyViewSet):
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return Organization.objects.select_related(
            "parent", "region", "district", "council_level"
        ).order_by("classification", "name_ru", "id")


@extend_schema_view(
    list=extend_schema(
        summary="People",
        description=(
            "Deputies and reserve activists (Popolo persons) with their current memberships. "
            "`q` finds a name written in any script."
        ),
        examples=[
            OpenApiExample(
                "A person",
                response_only=True,
                value={
                    "id": "3f2b9a4e-8c1d-4d55-9a70-2b1c8e5f6a01",
                    "kind": "deputy",
                    "name": {
                        "kk": "Нұрланов Әлихан",
                        "ru": "Нурланов Алихан",
                        "en": "Nurlanov Alikhan",
                    },
                    "family_name": {"kk": "Нұрланов", "ru": "Нурланов", "en": "Nurlanov"},
                    "given_name": {"kk": "Әлихан", "ru": "Алихан", "en": "Alikhan"},
                    "patronymic_name": {"kk": "", "ru": "", "en": ""},
                    "region": "71",
                    "image": None,
                    "email": None,
                    "memberships": [
                        {
                            "id": 12,
                            "organization_id": "faction-astana",
                            "post_id": None,
                            "role": "member",
                            "on_behalf_of_id": None,
                            "start_date": "2026-01-01",
                            "end_date": None,
                        }
                    ],
                },
            )
        ],
    ),
    retrieve=extend_schema(
        summary="One person",
        description="A person with their biography and whole membership history.",
    ),
)
class PersonViewSet(PublicReadOnlyViewSet):
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        return Person.objects.all()

    def get_serializer_class(self):
        return PersonDetailSerializer if self.action == "retrieve" else PersonSerializer

    def get_object(self):
        return selectors.person_get(public_id=self.kwargs["id"])


@extend_schema_view(
    list=extend_schema(summary="Posts", description="Seats and roles in organisations."),
    retrieve=extend_schema(summary="One post"),
)
class PostViewSet(PublicReadOnlyViewSet):
    serializer_class = PostSerializer
    filterset_class = PostFilter

    def get_queryset(self):
        return Post.objects.select_related("organization", "district").order_by(
            "organization__slug", "id"
        )


@extend_schema_view(
    list=extend_schema(
        summary="Memberships",
        description="Who held which post or role in which organisation, and when (history kept).",
    ),
    retrieve=extend_schema(summary="One membership"),
)
class MembershipViewSet(PublicReadOnlyViewSet):
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter

    def get_queryset(self):
        return Membership.objects.select_related("person", "organization", "on_behalf_of").order_by(
            "-start_date", "id"
        )


router_entries = [
    ("regions", RegionViewSet, "region"),
    ("districts", DistrictViewSet, "district"),
    ("council-levels", CouncilLevelViewSet, "council-level"),
    ("organizations", OrganizationViewSet, "organization"),
    ("persons", PersonViewSet, "person"),
    ("posts", PostViewSet, "post"),
    ("memberships", MembershipViewSet, "membership"),
]
