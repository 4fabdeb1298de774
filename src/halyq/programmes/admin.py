"""Read-only admin views: every change goes through the services (pages and import)."""

from django.contrib import admin

from halyq.programmes.models import (
    Confirmation,
    Convocation,
    DisputeReview,
    ItemChange,
    Mandate,
    Programme,
    TrackedItem,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Convocation)
class ConvocationAdmin(ReadOnlyAdmin):
    list_display = ["code", "start_date", "end_date"]


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["code", "title_ru", "region", "district", "convocation", "progress"]
    list_filter = ["convocation", "region"]
    search_fields = ["code", "title_ru"]
    list_select_related = ["region", "district", "convocation"]


@admin.register(TrackedItem)
class TrackedItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "title_ru", "kind", "programme", "status", "progress", "deadline"]
    list_filter = ["kind", "status", "region"]
    search_fields = ["code", "title_ru"]
    list_select_related = ["programme"]
    raw_id_fields = ["parent", "programme", "monitors"]


@admin.register(Mandate)
class MandateAdmin(ReadOnlyAdmin):
    list_display = ["code", "title_ru", "region", "source", "topic", "state"]
    list_filter = ["state", "source", "topic", "region"]
    search_fields = ["code", "title_ru"]
    list_select_related = ["region"]


@admin.register(ItemChange)
class ItemChangeAdmin(ReadOnlyAdmin):
    list_display = ["item", "kind", "actor_role", "occurred_at"]
    list_filter = ["kind", "actor_role"]
    raw_id_fields = ["item"]


@admin.register(DisputeReview)
class DisputeReviewAdmin(ReadOnlyAdmin):
    list_display = ["item", "round", "decision", "opened_at", "decided_at"]
    list_filter = ["decision"]
    raw_id_fields = ["item"]


@admin.register(Confirmation)
class ConfirmationAdmin(ReadOnlyAdmin):
    # Residents' answers are personal: the list shows no account, only the answer.
    list_display = ["item", "round", "answer", "state", "created_at"]
    list_filter = ["state", "answer"]
    exclude = ["user"]
    raw_id_fields = ["item"]
