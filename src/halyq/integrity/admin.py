from django.contrib import admin

from halyq.integrity.models import LedgerEntry


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    """Read-only: the record is append-only, in the database as well as here."""

    list_display = ["seq", "kind", "occurred_at", "entry_hash"]
    list_filter = ["kind"]
    search_fields = ["entry_hash", "kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
