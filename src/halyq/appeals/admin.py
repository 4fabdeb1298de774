"""Django admin: for administrators only (offices, categories, calendar changes, outbox).

Appeals are read-only here: every change to an appeal goes through the services (the
staff pages), so the history and the ledger are never bypassed. Citizens' texts and
contacts are not shown in the admin lists.
"""

from django.contrib import admin

from halyq.appeals.models import (
    Appeal,
    CalendarOverride,
    Category,
    Notification,
    ReceptionOffice,
)


@admin.register(ReceptionOffice)
class ReceptionOfficeAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "region", "district", "phone", "is_active"]
    list_filter = ["is_active", "region"]
    search_fields = ["name_ru", "name_kk", "name_en", "slug"]
    list_select_related = ["region", "district"]
    autocomplete_fields = ["receiving_people"]
    raw_id_fields = ["operators"]
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ru", "name_kk", "name_en", "order", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Government transfers of days off announced after the `holidays` release.

    Saving or deleting one clears the cached calendar (appeals.calendar) and moves the
    deadlines of the open appeals whose term runs over that day
    (`services.appeals_follow_calendar`). The date of a saved change is fixed: to move
    it, delete the change and add another, so both days' appeals follow.
    """

    def get_readonly_fields(self, request, obj=None):
        return ["date"] if obj is not None else []

    list_display = ["date", "kind", "reason"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["number", "state", "office", "category", "registered_on", "due_on"]
    list_filter = ["state", "channel", "region"]
    search_fields = ["number"]
    list_select_related = ["office", "category"]
    show_full_result_count = False
    fields = [
        "number",
        "state",
        "version",
        "region",
        "office",
        "category",
        "channel",
        "assigned_person",
        "registered_on",
        "due_on",
        "answered_on",
        "closed_on",
        "resolution",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "recipient",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "kind"]
    fields = ["kind", "appeal", "recipient", "status", "attempts", "next_attempt_at", "last_error"]
    readonly_fields = fields
    raw_id_fields = ["appeal"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False
