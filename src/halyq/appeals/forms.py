"""Forms of the appeals pages. Each names its fields; every message is translated.

Forms validate the shape of the input; the services validate the rules (and are the
last word): a form error and a service error are both shown next to the field.
"""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from halyq.accounts.phone import normalize_kazakhstan_phone
from halyq.appeals import attachments as attachment_rules
from halyq.appeals.models import Category, Channel, ReceptionOffice
from halyq.appeals.services import eligible_people
from halyq.appeals.workflow import OPEN_STATES, Requirement, Resolution, State, Transition
from halyq.core.i18n import localized
from halyq.directory.models import Person, Region


class LocalizedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return localized(obj, "name").text


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{localized(obj, 'name').text} — {localized(obj.region, 'name').text}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input, checked by content (see appeals.attachments)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,.docx"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        return attachment_rules.check_uploads(uploads)


def attachment_help():
    return _("Up to %(count)s files: photos (JPEG, PNG), PDF or Word (DOCX), %(size)s MB each.") % {
        "count": attachment_rules.max_files(),
        "size": attachment_rules.max_bytes() // (1024 * 1024),
    }


class OfficeFilterForm(forms.Form):
    region = LocalizedChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("All regions"),
    )


class RegionStepForm(forms.Form):
    """Step one of the citizen's form (without JavaScript): the region decides the rest."""

    region = LocalizedChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("Choose your region"),
    )
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)


FORM_EXPIRED = _("The form has expired: open it again and send it once more.")


class _AppealFields(forms.Form):
    idempotency_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"invalid": FORM_EXPIRED, "required": FORM_EXPIRED},
    )
    office = OfficeChoiceField(label=_("Reception office"), queryset=ReceptionOffice.objects.none())
    category = LocalizedChoiceField(
        label=_("What is it about"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("Choose a category"),
    )
    addressed_person = PersonChoiceField(
        label=_("To whom (optional)"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Whoever the office assigns"),
    )
    text = forms.CharField(
        label=_("Your appeal"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        help_text=_("Describe the problem, where and since when. At least 20 characters."),
    )
    attachments = AttachmentsField(label=_("Attachments (optional)"))

    def __init__(self, *args, offices, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["addressed_person"].queryset = people
        self.fields["attachments"].help_text = attachment_help()
        if not self.is_bound and "idempotency_key" not in self.initial:
            self.initial["idempotency_key"] = uuid.uuid4()


class CitizenAppealForm(_AppealFields):
    field_order = ["office", "category", "addressed_person", "text", "attachments"]


class OperatorAppealForm(_AppealFields):
    channel = forms.ChoiceField(
        label=_("How the appeal came in"),
        choices=[(c.value, c.label) for c in Channel if c != Channel.WEB],
        widget=forms.RadioSelect,
    )
    citizen_name = forms.CharField(label=_("Visitor's name"), max_length=200)
    citizen_email = forms.EmailField(label=_("Visitor's email"), required=False)
    citizen_phone = forms.CharField(
        label=_("Visitor's phone"),
        max_length=32,
        required=False,
        help_text=_("The confirmation code is sent to it by SMS when no email is given."),
    )
    language = forms.ChoiceField(
        label=_("Visitor's language"),
        choices=[("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")],
        initial="ru",
    )
    received_on = forms.DateField(
        label=_("Received on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a letter: the day it arrived. Empty means today."),
    )
    field_order = [
        "channel",
        "office",
        "received_on",
        "citizen_name",
        "citizen_email",
        "citizen_phone",
        "language",
        "category",
        "addressed_person",
        "text",
        "attachments",
    ]

    def clean_citizen_phone(self) -> str:
        return normalize_kazakhstan_phone(self.cleaned_data.get("citizen_phone", ""))

    def clean_received_on(self):
        day = self.cleaned_data.get("received_on")
        today = timezone.localdate()
        if day and day > today:
            raise ValidationError(_("The date cannot be in the future."))
        if day and (today - day).days > 60:
            raise ValidationError(_("An appeal older than 60 days cannot be registered here."))
        return day

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("citizen_email") and not (cleaned.get("citizen_phone") or "").strip():
            self.add_error(
                "citizen_email",
                _("Write the visitor's email or phone, so they can confirm the appeal."),
            )
        return cleaned


class QueueFilterForm(forms.Form):
    """The staff queue's query parameters: anything invalid is a 400, never a 500."""

    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Open (registered or assigned)")), ("all", _("All")), *State.choices],
    )
    due = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any")), ("soon", _("Due soon")), ("overdue", _("Overdue"))],
    )
    category = LocalizedChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("All")
    )
    office = OfficeChoiceField(
        label=_("Office"),
        queryset=ReceptionOffice.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    page = forms.IntegerField(min_value=1, required=False)
    size = forms.TypedChoiceField(
        label=_("Per page"),
        choices=[(25, "25"), (50, "50"), (100, "100")],
        coerce=int,
        required=False,
        empty_value=25,
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices

    def clean_state(self):
        # A queue opens on the open appeals; "all" lifts the filter.
        state = self.cleaned_data.get("state") or "open"
        return "" if state == "all" else state


class BulkAssignForm(forms.Form):
    appeals = forms.CharField(widget=forms.MultipleHiddenInput, required=False)
    person = PersonChoiceField(
        label=_("Assign the chosen appeals to"), queryset=Person.objects.none()
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people

    def clean_appeals(self):
        values = self.data.getlist("appeals") if hasattr(self.data, "getlist") else []
        picked = {}
        for value in values:
            appeal_id, _, version = str(value).partition(":")
            if not (appeal_id.isdigit() and version.isdigit()):
                raise ValidationError(_("The list of appeals is damaged: reload the page."))
            picked[int(appeal_id)] = int(version)
        if not picked:
            raise ValidationError(_("Tick at least one appeal."))
        if len(picked) > 100:
            raise ValidationError(_("Assign at most 100 appeals at once."))
        return picked


class TransitionForm(forms.Form):
    """The fields a workflow transition requires, and the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, transition: Transition, appeal, **kwargs):
        super().__init__(*args, prefix=transition.action, **kwargs)
        self.transition = transition
        requires = transition.requires
        people = eligible_people(appeal.office).order_by("family_name_ru", "given_name_ru")
        if Requirement.PERSON in requires:
            self.fields["person"] = PersonChoiceField(label=_("Person"), queryset=people)
        if Requirement.TARGET in requires:
            self.fields["office"] = OfficeChoiceField(
                label=_("To another office"),
                queryset=ReceptionOffice.objects.filter(is_active=True)
                .exclude(pk=appeal.office_id)
                .select_related("region"),
                required=False,
            )
            self.fields["out_of_competence"] = forms.BooleanField(
                label=_("It belongs elsewhere (outside this office's competence)"), required=False
            )
            self.fields["person"] = PersonChoiceField(
                label=_("Or to another person"),
                queryset=people.exclude(pk=appeal.assigned_person_id),
                required=False,
            )
        if Requirement.ANSWER in requires:
            self.fields["answer"] = forms.CharField(
                label=_("Answer to the citizen"), widget=forms.Textarea(attrs={"rows": 8})
            )
        if Requirement.DUE_ON in requires:
            self.fields["due_on"] = forms.DateField(
                label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"})
            )
        if Requirement.DUPLICATE_OF in requires:
            self.fields["duplicate_of"] = forms.CharField(
                label=_("Number of the original appeal"), max_length=24
            )
        if Requirement.RESOLUTION in requires:
            self.fields["resolution"] = forms.ChoiceField(
                label=_("Was your problem resolved?"),
                choices=[
                    (Resolution.YES.value, _("Yes")),
                    (Resolution.PARTLY.value, _("Partly")),
                    (Resolution.NO.value, _("No")),
                ],
                widget=forms.RadioSelect,
            )
        if (
            Requirement.REASON in requires
            or Requirement.RESOLUTION in requires
            or (Requirement.DUPLICATE_OF in requires)
        ):
            self.fields["reason"] = forms.CharField(
                label=_("Reason") if Requirement.REASON in requires else _("Comment (optional)"),
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=2_000,
                required=Requirement.REASON in requires,
            )
        if not self.is_bound:
            self.initial["version"] = appeal.version


class VisitorCodeForm(forms.Form):
    number = forms.CharField(
        label=_("Appeal number"), max_length=24, help_text=_("For example AST-2026-000123")
    )
    code = forms.RegexField(
        label=_("Code from the email or SMS"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code is six digits.")},
    )


OPEN_STATE_VALUES = [s.value for s in OPEN_STATES]
