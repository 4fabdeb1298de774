"""Forms of the reception pages. They check the shape of the input; the services decide.

Query-parameter forms turn bad input into a 400 page (`PublicBadRequest`), never a 500.
`apply_service_errors` puts a service's `ValidationError` on the form it came from, so
a refusal is shown next to the field it is about, in the reader's language.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from halyq.appeals.models import ReceptionOffice
from halyq.directory.models import Region
from halyq.receptions.models import Reception


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ReceptionFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("All regions"),
    )
    office = forms.ModelChoiceField(
        label=_("Office"),
        queryset=ReceptionOffice.objects.filter(is_active=True),
        to_field_name="slug",
        required=False,
        empty_label=_("All offices"),
    )
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


def _slot_choices(reception: Reception) -> list[tuple[str, str]]:
    return [(start.strftime("%H:%M"), start.strftime("%H:%M")) for start in reception.slot_starts()]


class _SlotForm(forms.Form):
    slot = forms.TypedChoiceField(label=_("Time"), choices=())

    def __init__(self, *args, reception: Reception, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = _slot_choices(reception)
        self.fields["slot"].error_messages["invalid_choice"] = _(
            "Choose one of the reception's times."
        )
        self.fields["slot"].error_messages["required"] = _("Choose a time.")

    def clean_slot(self):
        from datetime import time

        hours, minutes = self.cleaned_data["slot"].split(":")
        return time(int(hours), int(minutes))


class BookingForm(_SlotForm):
    topic = forms.CharField(
        label=_("What would you like to talk about? (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the office and the deputy see this."),
    )


class VisitorBookingForm(_SlotForm):
    visitor_name = forms.CharField(label=_("Visitor's name"), max_length=200)
    visitor_phone = forms.CharField(
        label=_("Visitor's phone (optional)"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    topic = forms.CharField(label=_("What about (optional)"), required=False, max_length=300)


class ScheduleForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Who receives"), queryset=None, empty_label=None)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    slot_minutes = forms.IntegerField(
        label=_("Minutes per visitor"), min_value=1, max_value=600, initial=20
    )

    def __init__(self, *args, office: ReceptionOffice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = office.receiving_people.order_by(
            "family_name_ru", "given_name_ru"
        )
        self.fields["person"].to_field_name = "public_id"


class CancelReceptionForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why"), choices=Reception.CancelReason.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AttendanceForm(forms.Form):
    attended = forms.TypedChoiceField(
        choices=[("yes", _("came")), ("no", _("did not come"))],
        coerce=lambda value: value == "yes",
    )


class LinkAppealForm(forms.Form):
    number = forms.CharField(label=_("Appeal number"), max_length=24)
