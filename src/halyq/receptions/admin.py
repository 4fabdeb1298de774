"""Receptions in the admin: read-only. Changes go through the pages and `services`,
which check reach, validate and record the rating's events; bookings (personal data)
are not listed here at all.
"""

from django.contrib import admin

from halyq.receptions.models import Reception


@admin.register(Reception)
class ReceptionAdmin(admin.ModelAdmin):
    list_display = ("date", "start_time", "person", "office", "status", "slot_count")
    list_filter = ("status", "office__region")
    date_hierarchy = "date"
    list_select_related = ("person", "office")
    search_fields = ("person__family_name_ru", "office__name_ru")
    readonly_fields = [field.name for field in Reception._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
