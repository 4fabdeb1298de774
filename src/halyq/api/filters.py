"""Filter pieces shared by the apps' `api.py` modules (django-filter).

`CodeFilter` chooses an object by a code, slug or public id (never the database id):
`?region=71`, `?organization=faction-astana`. An unknown or malformed value is a 400
problem naming the parameter, never an empty result that looks like "nothing there",
and never reaches the database unchecked (see `serializers.is_safe_code`).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from halyq.api.serializers import is_safe_code


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not is_safe_code(value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


def _keep_help_text(filter_, schema: dict) -> None:
    # drf-spectacular takes the schema of a filter with `extend_schema_field` as given and
    # leaves out its help_text; give this filter its own copy carrying the description.
    help_text = filter_.extra.get("help_text")
    if help_text:
        extend_schema_field({**schema, "description": str(help_text)})(filter_)


@extend_schema_field(OpenApiTypes.STR)
class CodeFilter(django_filters.ModelChoiceFilter):
    """A related object by its code/slug (set `to_field_name`)."""

    field_class = SafeModelChoiceField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _keep_help_text(self, {"type": "string"})


class StrictChoiceField(django_filters.fields.ChoiceField):
    """A present but empty value is not one of the choices (`?kind=` is a 400)."""

    def to_python(self, value):
        if value == "":
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class EnumFilter(django_filters.ChoiceFilter):
    """One of a fixed set of values; absent means no filter, empty is an error."""

    field_class = StrictChoiceField


class StrictNullBooleanField(forms.NullBooleanField):
    # A plain text widget hands over the raw value: NullBooleanField's own select widget
    # turns anything it does not know into None, which would ignore `?overdue=maybe`.
    widget = forms.TextInput

    def to_python(self, value):
        if value == "":
            raise ValidationError(_("Give true or false."), code="invalid")
        if value not in (None, True, False, "true", "false", "True", "False", "1", "0"):
            raise ValidationError(_("Give true or false."), code="invalid")
        return super().to_python(value)


@extend_schema_field(OpenApiTypes.BOOL)
class TrueFalseFilter(django_filters.BooleanFilter):
    """`true` or `false` (also 1/0); anything else is a 400."""

    field_class = StrictNullBooleanField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _keep_help_text(self, {"type": "boolean"})
