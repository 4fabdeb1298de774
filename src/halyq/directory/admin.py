from django.contrib import admin

from halyq.directory.models import (
    CouncilLevel,
    District,
    Membership,
    Organization,
    Person,
    Post,
    Region,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ru", "name_kk", "name_en", "abbreviation", "is_city"]
    search_fields = ["code", "name_ru", "name_kk", "name_en"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ru", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name_ru", "name_kk", "name_en"]


@admin.register(CouncilLevel)
class CouncilLevelAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ru", "order"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "classification", "region", "council_level", "parent"]
    list_filter = ["classification", "council_level", "region"]
    search_fields = ["name_ru", "name_kk", "name_en", "slug"]
    list_select_related = ["region", "council_level", "parent"]
    raw_id_fields = ["parent"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "person"
    extra = 0
    raw_id_fields = ["organization", "post", "on_behalf_of"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["family_name_ru", "given_name_ru", "kind", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["search_text", "external_key"]
    list_select_related = ["region"]
    inlines = [MembershipInline]
    readonly_fields = ["public_id"]

    def get_search_results(self, request, queryset, search_term):
        # Search in any script: fold the query the same way names are folded.
        from halyq.directory.search import search_key

        return super().get_search_results(request, queryset, search_key(search_term))

    def save_model(self, request, obj, form, change):
        from halyq.directory.services import person_refresh_search_text

        person_refresh_search_text(person=obj)
        super().save_model(request, obj, form, change)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["label_ru", "organization", "role"]
    search_fields = ["label_ru", "label_kk", "label_en"]
    raw_id_fields = ["organization"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "organization", "role", "start_date", "end_date"]
    list_filter = ["organization__classification", "role"]
    raw_id_fields = ["person", "organization", "post", "on_behalf_of"]
    list_select_related = ["person", "organization"]
