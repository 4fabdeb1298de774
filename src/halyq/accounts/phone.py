"""Kazakhstan phone numbers: +7 7xx xxx xx xx, stored in E.164 form (+77xxxxxxxxx).

People write the same number many ways: "+7 701 234 56 78", "8 (701) 234-56-78",
"87012345678", "7012345678". All of these normalise to "+77012345678". Numbers of
Kazakhstan's plan start with 7 after the country code (mobile 70x/747/77x, landline
71x/72x); Russian numbers (+7 9xx, +7 4xx...) are refused, as is anything else.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_DECORATION = re.compile(r"[\s\-().]")
_NATIONAL = re.compile(r"7[0-9]{9}")


def normalize_kazakhstan_phone(value: str) -> str:
    """The E.164 form of a Kazakhstan number; "" for an empty value; ValidationError otherwise."""
    text = _DECORATION.sub("", value or "")
    if not text:
        return ""
    if text.startswith("+7"):
        national = text[2:]
    elif len(text) == 11 and text[0] in "78":  # trunk prefix 8, or the country code without +
        national = text[1:]
    else:
        national = text
    if not _NATIONAL.fullmatch(national):
        raise ValidationError(
            _("Enter a Kazakhstan phone number, for example +7 701 234 56 78."),
            code="invalid_phone",
        )
    return "+7" + national


def format_kazakhstan_phone(e164: str) -> str:
    """ "+77012345678" shown as "+7 701 234 56 78" (anything else unchanged)."""
    if len(e164) == 12 and e164.startswith("+7"):
        n = e164[2:]
        return f"+7 {n[:3]} {n[3:6]} {n[6:8]} {n[8:]}"
    return e164
