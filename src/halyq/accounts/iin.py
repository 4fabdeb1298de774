"""The Kazakhstan individual identification number (IIN, ЖСН/ИИН): validation by checksum.

An IIN has 12 digits; the last is a check digit:
1. weight the first 11 digits by 1, 2, ..., 11, sum, take the remainder mod 11;
2. if that is 10, weight them instead by 3, 4, ..., 11, 1, 2, sum, take mod 11;
3. if it is still 10 the number is invalid (no such IIN is ever issued);
4. otherwise the result must equal the twelfth digit.

Since 2013 the first six digits need not be a real birth date (and the seventh need
not encode the century and sex), so only the checksum is checked.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

IIN_LENGTH = 12
FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_SEPARATORS = re.compile(r"[\s\-]")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def check_digit(first_eleven: str) -> int | None:
    """The check digit for 11 ASCII digits, or None when no valid IIN starts with them."""
    digits = [int(character) for character in first_eleven]
    remainder = sum(d * w for d, w in zip(digits, FIRST_WEIGHTS, strict=True)) % 11
    if remainder == 10:
        remainder = sum(d * w for d, w in zip(digits, SECOND_WEIGHTS, strict=True)) % 11
    return None if remainder == 10 else remainder


def validate_iin(value: str) -> str:
    """The IIN with spaces and dashes removed; ValidationError with a reason otherwise."""
    normalised = _SEPARATORS.sub("", value or "")
    if not _ASCII_DIGITS.fullmatch(normalised):
        if not normalised:
            raise ValidationError(_("Enter your IIN: 12 digits."), code="required")
        raise ValidationError(_("An IIN is made of digits only."), code="not_digits")
    if len(normalised) != IIN_LENGTH:
        raise ValidationError(
            _("An IIN has exactly 12 digits; this one has %(count)d."),
            code="length",
            params={"count": len(normalised)},
        )
    expected = check_digit(normalised[:11])
    if expected is None:
        raise ValidationError(
            _("This is not a valid IIN: no IIN can start with these 11 digits."),
            code="no_check_digit",
        )
    if expected != int(normalised[11]):
        raise ValidationError(
            _("This is not a valid IIN: the last digit does not match. Check for a typo."),
            code="check_digit",
        )
    return normalised


def mask_iin(iin: str) -> str:
    """Only the last four digits visible, for showing the owner which IIN is on file."""
    return "•" * (len(iin) - 4) + iin[-4:]
