"""Serializer pieces shared by the apps' `api.py` modules.

- `StrictInputSerializer`: input that names a field the endpoint does not take is a
  400 (`unknown_field`), not silently ignored: a typo must not look like success.
- `LanguageMapField`: a field stored per language (`name_kk`, `name_ru`, `name_en`) is
  published as one object `{"kk": ..., "ru": ..., "en": ...}`, so public bodies do not
  depend on the reader's language (one ETag for everybody) and nothing is hidden by a
  fallback. An empty translation is "".
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from halyq.core.i18n import LANGUAGE_CODES


class StrictInputSerializer(serializers.Serializer):
    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            accepted = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(key) for key in data if key not in accepted)
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [
                            serializers.ErrorDetail(
                                str(_("This endpoint takes no such field.")), code="unknown_field"
                            )
                        ]
                        for name in unknown[:20]
                    }
                )
        return super().to_internal_value(data)


class LanguageMapSerializer(serializers.Serializer):
    """Schema of a translated text (only used to describe it)."""

    kk = serializers.CharField(help_text="Kazakh")
    ru = serializers.CharField(help_text="Russian")
    en = serializers.CharField(help_text="English")

    class Meta:
        ref_name = "LanguageMap"


@extend_schema_field(LanguageMapSerializer)
class LanguageMapField(serializers.Field):
    def __init__(self, base: str | None = None, **kwargs):
        self.base = base
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        self.base = self.base or field_name

    def to_representation(self, obj):
        return {code: getattr(obj, f"{self.base}_{code}", "") or "" for code in LANGUAGE_CODES}


def language_map(obj, base: str) -> dict[str, str]:
    return {code: getattr(obj, f"{base}_{code}", "") or "" for code in LANGUAGE_CODES}


SAFE_CODE_MAX_LENGTH = 120


def is_safe_code(value) -> bool:
    """A code, slug or id fit for a database lookup: a short string without NUL or spaces.

    Checked before querying: PostgreSQL refuses NUL characters with an error, which
    would otherwise surface as a 500 instead of "no such choice".
    """
    return (
        isinstance(value, str)
        and 0 < len(value) <= SAFE_CODE_MAX_LENGTH
        and value.isprintable()
        and not any(character.isspace() for character in value)
    )


class CodeRelatedField(serializers.SlugRelatedField):
    """A related object named by its code, slug or public id in the request body."""

    default_error_messages = {
        "does_not_exist": _("There is no “%(value)s”."),
        "invalid": _("Give the code as a short text."),
    }

    def to_internal_value(self, data):
        if not is_safe_code(data):
            self.fail("invalid")
        try:
            return self.get_queryset().get(**{self.slug_field: data})
        except (self.get_queryset().model.DoesNotExist, ValueError, TypeError):
            raise serializers.ValidationError(
                self.error_messages["does_not_exist"] % {"value": data}, code="does_not_exist"
            ) from None
        except DjangoValidationError:  # e.g. not a UUID for a UUID field
            raise serializers.ValidationError(
                self.error_messages["does_not_exist"] % {"value": data}, code="does_not_exist"
            ) from None
