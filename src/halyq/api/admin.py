"""API tokens in the admin: see who has which token, when it was last used, revoke it.

Tokens are created by their users (or `halyq api token create`); the admin never sees a
secret, and revoking goes through `halyq.api.services` like everywhere else.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from halyq.api import services
from halyq.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "user__email"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.api_token_revoke(token=token)
        self.message_user(request, _("Revoked."), messages.SUCCESS)
