"""Forms of the rating pages: the leaderboard's filters, evaluations, disputes and decisions.

Query parameters are validated here: anything invalid is a 400 page, never a 500.
Only public regions (and the factions of public regions) are offered as filters.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from halyq.directory.models import CouncilLevel, Organization, Person, Region
from halyq.ratings.disputes import REASON_LIMIT
from halyq.ratings.selectors import SORTS, LeaderboardFilters
from halyq.ratings.visibility import public_region_ids

SORT_CHOICES = [
    ("rank", _("Rank")),
    ("score", _("Score")),
    ("name", _("Name")),
    ("appeals", _("Number of appeals")),
]
assert tuple(value for value, _label in SORT_CHOICES) == SORTS


class LeaderboardForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All regions"),
    )
    level = forms.ModelChoiceField(
        label=_("Council"),
        queryset=CouncilLevel.objects.order_by("order", "code"),
        to_field_name="code",
        required=False,
        empty_label=_("All councils"),
    )
    faction = forms.ModelChoiceField(
        label=_("Faction"),
        queryset=Organization.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All factions"),
    )
    kind = forms.ChoiceField(
        label=_("Who"), choices=[("", _("Everyone")), *Person.Kind.choices], required=False
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        public = public_region_ids()
        self.fields["region"].queryset = Region.objects.filter(id__in=public).order_by("code")
        self.fields["faction"].queryset = Organization.objects.filter(
            Q(region_id__in=public) | Q(region__isnull=True),
            classification=Organization.Classification.FACTION,
        ).order_by("name_ru", "id")

    def selects(self) -> list[dict]:
        """The select fields as plain options, for a cheap hand-written rendering (the
        filters show on every leaderboard page; their choices are cached briefly)."""
        from django.core.cache import cache

        from halyq.core.i18n import current_language
        from halyq.ratings.selectors import regions_fingerprint

        names = ("region", "level", "faction", "kind", "sort")
        key = f"ratings:filter-choices:{current_language()}:{regions_fingerprint(public_region_ids())}"
        choices = cache.get(key)
        if choices is None:
            choices = {
                name: [
                    (str(value), capfirst(str(label))) for value, label in self.fields[name].choices
                ]
                for name in names
            }
            cache.set(key, choices, 600)
        chosen = {
            "region": self.data.get("region", ""),
            "level": self.data.get("level", ""),
            "faction": self.data.get("faction", ""),
            "kind": self.data.get("kind", ""),
            "sort": self.data.get("sort", "") or "rank",
        }
        return [
            {
                "name": name,
                "id": self[name].id_for_label,
                "label": self.fields[name].label,
                "options": [
                    (value, label, value == chosen[name]) for value, label in choices[name]
                ],
            }
            for name in names
        ]

    def filters(self) -> LeaderboardFilters:
        data = self.cleaned_data
        return LeaderboardFilters(
            region=data["region"].code if data["region"] else "",
            level=data["level"].code if data["level"] else "",
            faction=data["faction"].slug if data["faction"] else "",
            kind=data["kind"],
            q=data["q"].strip(),
            sort=data["sort"] or "rank",
        )


class CheckedPeopleForm(forms.Form):
    """The methodology page's table of people with held or excluded evaluations."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)


MARK_CHOICES = [
    (5, _("5 — excellent")),
    (4, _("4 — good")),
    (3, _("3 — acceptable")),
    (2, _("2 — poor")),
    (1, _("1 — very poor")),
]


class EvaluationForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your mark"),
        choices=MARK_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a mark from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Published only after moderation, and never with your name. "
            "Do not write personal details."
        ),
    )


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this evaluation is wrong"),
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason.")},
    )


class OutcomeDisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this outcome should not count against you"),
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason.")},
    )


class EvaluationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("restore", _("Restore: it counts")), ("exclude", _("Exclude it"))],
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for the decision.")},
    )


class CommentDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("publish", _("Publish")), ("reject", _("Reject"))]
    )


class DisputeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("uphold", _("Uphold: exclude the evaluation")),
            ("reject", _("Reject: it counts")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for the decision.")},
    )
