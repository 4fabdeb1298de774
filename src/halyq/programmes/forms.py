"""Forms of the tracker: query parameters of the public pages and the staff's actions.

Query-parameter forms turn bad input into a 400 page (never a 500). Action forms only
parse; the rules live in the services, whose `ValidationError`s are shown on the form.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from halyq.directory.models import District, Person, Region
from halyq.programmes.models import (
    DISPLAY_STATUSES,
    Confirmation,
    Convocation,
    Mandate,
    Programme,
    Status,
    Topic,
    TrackedItem,
)


class ItemFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *DISPLAY_STATUSES]
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Measures and mandates")), *TrackedItem.Kind.choices],
    )
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", _("Any topic")), *Topic.choices]
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Whole region"),
    )
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        if region is None:
            del self.fields["district"]
        else:
            self.fields["district"].queryset = District.objects.filter(region=region).order_by(
                "code"
            )


class MandateFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("Decision"), required=False, choices=[("", _("Any")), *Mandate.State.choices]
    )
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", _("Any topic")), *Topic.choices]
    )
    page = forms.IntegerField(min_value=1, required=False)


REPORTABLE_STATUSES = [
    (value, label) for value, label in Status.choices if value != Status.CANCELLED
]


class ReportForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=REPORTABLE_STATUSES)
    progress = forms.IntegerField(
        label=_("Progress, %"), min_value=0, max_value=100, required=False
    )
    current_value = forms.DecimalField(
        label=_("Current value of the indicator"), required=False, max_digits=16, decimal_places=2
    )
    note = forms.CharField(
        label=_("Comment (public)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    evidence_file = forms.FileField(
        label=_("Photo or PDF document"),
        required=False,
        help_text=_("JPEG, PNG, WebP or PDF. Location data is removed from photos."),
    )
    evidence_link = forms.URLField(
        label=_("…or a link"), required=False, max_length=500, assume_scheme="https"
    )
    evidence_date = forms.DateField(
        label=_("Date of the evidence"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    evidence_caption = forms.CharField(label=_("What it shows"), required=False, max_length=200)

    def __init__(self, *args, item: TrackedItem, has_children: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].initial = item.status
        if has_children:
            del self.fields["progress"]
        else:
            self.fields["progress"].initial = item.progress
        if item.target_value is None and not (
            item.indicator_ru or item.indicator_kk or item.indicator_en
        ):
            del self.fields["current_value"]  # nothing is measured on this item
        else:
            self.fields["current_value"].initial = item.current_value
        self.fields["evidence_date"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        has_file = bool(data.get("evidence_file"))
        has_link = bool(data.get("evidence_link"))
        if (has_file or has_link) and not data.get("evidence_date"):
            self.add_error("evidence_date", _("Give the date of the evidence."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Public reason"), widget=forms.Textarea, max_length=4000)


class ConfirmForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Is it really done?"), choices=Confirmation.Answer.choices, widget=forms.RadioSelect
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("Location data is removed from the photo. It is shown to the moderator only."),
    )


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Programme) -> str:
        return f"{obj.code} — {obj}"


class MandateRegisterForm(forms.Form):
    programme = ProgrammeChoiceField(
        label=_("Programme (territory)"), queryset=Programme.objects.none(), to_field_name="code"
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Whole territory of the programme"),
    )
    source = forms.ChoiceField(label=_("Received at"), choices=Mandate.Source.choices)
    source_date = forms.DateField(
        label=_("Date received"), widget=forms.DateInput(attrs={"type": "date"})
    )
    source_reference = forms.CharField(
        label=_("Reference (meeting, primary, appeal number)"),
        required=False,
        max_length=200,
        help_text=_("Shown to staff only."),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=300)
    title_kk = forms.CharField(label=_("Title (Kazakh)"), max_length=300, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    description_ru = forms.CharField(
        label=_("Description (Russian)"), widget=forms.Textarea, required=False
    )
    description_kk = forms.CharField(
        label=_("Description (Kazakh)"), widget=forms.Textarea, required=False
    )
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea, required=False
    )

    def __init__(self, *args, programmes, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["district"].queryset = districts


class MandateDecisionForm(forms.Form):
    ACCEPT_OWN = "accept_own"
    ACCEPT_LINK = "accept_link"
    DECLINE = "decline"

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (ACCEPT_OWN, _("Accept and track it as an item of its own")),
            (ACCEPT_LINK, _("Accept as part of an existing measure")),
            (DECLINE, _("Decline")),
        ],
    )
    measure = forms.ModelChoiceField(
        label=_("Measure"), queryset=TrackedItem.objects.none(), required=False
    )
    monitors = forms.ModelMultipleChoiceField(
        label=_("Deputies responsible"), queryset=Person.objects.none(), required=False
    )
    start_date = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    planned_end_date = forms.DateField(
        label=_("Planned completion"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=_("Public reason"), widget=forms.Textarea, required=False, max_length=4000
    )

    def __init__(self, *args, measures, deputies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = measures
        self.fields["measure"].label_from_instance = lambda item: f"{item.code} — {item}"
        self.fields["monitors"].queryset = deputies


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("upheld", _("Delivery stands")),
            ("overturned", _("Delivery is not confirmed")),
        ],
    )
    status_after = forms.ChoiceField(
        label=_("If not confirmed, the item goes back to"),
        required=False,
        choices=[
            (Status.IN_PROGRESS, Status.IN_PROGRESS.label),
            (Status.PARTLY_DONE, Status.PARTLY_DONE.label),
            (Status.STALLED, Status.STALLED.label),
        ],
    )
    progress = forms.IntegerField(label=_("Progress, %"), min_value=0, max_value=99, required=False)
    reason = forms.CharField(label=_("Public reason"), widget=forms.Textarea, max_length=4000)


class ConfirmationDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("count", _("Count it")), ("exclude", _("Exclude it"))])


class ProgrammeForm(forms.Form):
    """A moderator adds their territory's programme (roadmaps are then imported)."""

    code = forms.SlugField(
        label=_("Code"), max_length=64, help_text=_("Used by roadmap imports, e.g. 71-viii.")
    )
    convocation = forms.ModelChoiceField(
        label=_("Convocation"),
        queryset=Convocation.objects.order_by("-start_date"),
        to_field_name="code",
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), to_field_name="code"
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Whole region"),
    )
    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=255)
    title_kk = forms.CharField(label=_("Title (Kazakh)"), max_length=255, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=255, required=False)
    description_ru = forms.CharField(
        label=_("Description (Russian)"), widget=forms.Textarea, required=False
    )
    description_kk = forms.CharField(
        label=_("Description (Kazakh)"), widget=forms.Textarea, required=False
    )
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea, required=False
    )
    adopted_on = forms.DateField(
        label=_("Adopted"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["district"].queryset = District.objects.filter(region__in=regions).order_by(
            "code"
        )


class ItemEditForm(forms.Form):
    """A moderator's edit of an item's details (not its status)."""

    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=300)
    title_kk = forms.CharField(label=_("Title (Kazakh)"), max_length=300, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    executive_body_ru = forms.CharField(
        label=_("Executive body (Russian)"), max_length=255, required=False
    )
    executive_body_kk = forms.CharField(
        label=_("Executive body (Kazakh)"), max_length=255, required=False
    )
    executive_body_en = forms.CharField(
        label=_("Executive body (English)"), max_length=255, required=False
    )
    start_date = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    planned_end_date = forms.DateField(
        label=_("Planned completion"), widget=forms.DateInput(attrs={"type": "date"})
    )
    weight = forms.DecimalField(label=_("Weight"), max_digits=7, decimal_places=3, min_value=0.001)
    parent = forms.ModelChoiceField(
        label=_("Part of"),
        queryset=TrackedItem.objects.none(),
        required=False,
        empty_label=_("Top level"),
    )
    monitors = forms.ModelMultipleChoiceField(
        label=_("Deputies monitoring it"), queryset=Person.objects.none(), required=False
    )
    note = forms.CharField(label=_("Comment (public)"), required=False, max_length=4000)

    def __init__(self, *args, item: TrackedItem, deputies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = TrackedItem.objects.filter(
            programme_id=item.programme_id, kind=TrackedItem.Kind.MEASURE
        ).exclude(pk=item.pk)
        self.fields["parent"].label_from_instance = lambda other: f"{other.code} — {other}"
        self.fields["monitors"].queryset = deputies
        if item.kind != TrackedItem.Kind.MEASURE:
            del self.fields["parent"]
