from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from halyq.accounts.models import Consent, ConsentText, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


class ConsentInline(admin.TabularInline):
    """Consents are evidence: shown, never edited here."""

    model = Consent
    extra = 0
    can_delete = False
    fields = ["consent_text", "given_at", "withdrawn_at", "channel", "language"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    # The IIN (encrypted) and its lookup hash are not editable and never shown here.
    inlines = [RoleAssignmentInline, ConsentInline]
    raw_id_fields = ["person"]
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "email_confirmed_at"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["erased_at"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {
                "fields": (
                    "display_name",
                    "phone",
                    "language",
                    "email_confirmed_at",
                    "region",
                    "district",
                    "person",
                    "erased_at",
                )
            },
        ),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """A published version is never changed: publish a new version instead."""

    list_display = ["version", "published_at"]
    fields = ["version", "published_at", "text_kk", "text_ru", "text_en"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False
