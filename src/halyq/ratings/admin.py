"""Admin views of the rating: read-only, except publication modes, which are set through
their service (so the change is validated and recorded). Evaluations, decisions and
disputes change only through the pages (ratings.views) that call the services; the
admin never shows who wrote an evaluation.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from halyq.ratings.models import (
    Dispute,
    Evaluation,
    EvaluationDecision,
    MethodologyVersion,
    PublicationMode,
    Snapshot,
)
from halyq.ratings.services import publication_mode_set


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MethodologyVersion)
class MethodologyVersionAdmin(ReadOnlyAdmin):
    list_display = ["version", "published_at", "is_current"]


class PublicationModeForm(forms.ModelForm):
    class Meta:
        model = PublicationMode
        fields = ["region", "council_level", "mode", "public_from"]

    def clean(self):
        data = super().clean()
        if data.get("mode") == PublicationMode.Mode.PUBLIC and not data.get("public_from"):
            raise ValidationError({"public_from": _("A public mode needs its go-live date.")})
        return data


@admin.register(PublicationMode)
class PublicationModeAdmin(admin.ModelAdmin):
    form = PublicationModeForm
    list_display = ["region", "council_level", "mode", "public_from"]
    list_filter = ["mode"]
    list_select_related = ["region", "council_level"]

    def get_readonly_fields(self, request, obj=None):
        # An existing row is keyed by its region and level; change only its mode.
        return ["region", "council_level"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        saved = publication_mode_set(
            region=obj.region,
            council_level=obj.council_level,
            mode=obj.mode,
            public_from=obj.public_from,
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = [
        "as_of",
        "scope",
        "methodology",
        "people_count",
        "is_published",
        "chain_head_seq",
    ]
    list_filter = ["scope", "is_published"]
    exclude = ["group_stats"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["id", "person", "score", "status", "comment_status", "created_at"]
    list_filter = ["status", "comment_status"]
    list_select_related = ["person"]
    fields = ["person", "score", "status", "comment_status", "comment", "created_at"]
    readonly_fields = fields


@admin.register(EvaluationDecision)
class EvaluationDecisionAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "moderator", "restored", "decided_at"]
    list_select_related = ["evaluation", "moderator"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ["id", "person", "status", "opened_at", "decided_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["person", "decided_by"]
    fields = [
        "person",
        "evaluation",
        "reason",
        "status",
        "opened_at",
        "decided_at",
        "decided_by",
        "decision_reason",
    ]
    readonly_fields = fields
