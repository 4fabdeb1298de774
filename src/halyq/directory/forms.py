from django import forms
from django.utils.translation import gettext_lazy as _

from halyq.directory.models import Organization, Person, Region


class PeopleFilterForm(forms.Form):
    """The people list's query parameters; anything invalid is a 400, never a 500."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("All regions"),
    )
    organization = forms.ModelChoiceField(
        label=_("Faction"),
        queryset=Organization.objects.filter(classification=Organization.Classification.FACTION),
        to_field_name="slug",
        required=False,
        empty_label=_("All factions"),
    )
    kind = forms.ChoiceField(
        label=_("Who"), choices=[("", _("Everyone")), *Person.Kind.choices], required=False
    )
    page = forms.IntegerField(min_value=1, required=False)
