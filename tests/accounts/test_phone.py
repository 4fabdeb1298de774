import pytest
from django.core.exceptions import ValidationError

from halyq.accounts.phone import format_kazakhstan_phone, normalize_kazakhstan_phone


@pytest.mark.parametrize(
    "written",
    [
        "+7 701 234 56 78",
        "+77012345678",
        "8 (701) 234-56-78",
        "87012345678",
        "7012345678",
        "77012345678",
        "+7-701-234-56-78",
    ],
)
def test_the_usual_ways_of_writing_a_number_normalise_to_e164(written):
    assert normalize_kazakhstan_phone(written) == "+77012345678"


def test_a_landline_of_astana_is_accepted():
    assert normalize_kazakhstan_phone("8 7172 55 66 77") == "+77172556677"


def test_empty_stays_empty():
    assert normalize_kazakhstan_phone("  ") == ""


@pytest.mark.parametrize(
    "written",
    [
        "+7 916 123 45 67",
        "+996 555 123 456",
        "701234567",
        "+7 701 234 56 789",
        "phone",
        "+7 7o1 234 56 78",
        "+8 701 234 56 78",
    ],
)
def test_numbers_outside_kazakhstan_or_malformed_are_refused(written):
    with pytest.raises(ValidationError) as refused:
        normalize_kazakhstan_phone(written)
    assert refused.value.code == "invalid_phone"


def test_display_form():
    assert format_kazakhstan_phone("+77012345678") == "+7 701 234 56 78"
    assert format_kazakhstan_phone("") == ""
