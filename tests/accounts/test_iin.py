"""The IIN checksum, each way a number can fail, and its masking."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from halyq.accounts.iin import check_digit, mask_iin, validate_iin

# Worked by hand, first weighting 1..11:
# 880101439151: 8·1+8·2+0·3+1·4+0·5+1·6+4·7+3·8+9·9+1·10+5·11 = 232; 232 mod 11 = 1 → check digit 1.
FIRST_WEIGHTING_VALID = ["880101439151", "710315776313", "710315608372"]
# 041231344979: first weighting gives 296 mod 11 = 10, so the second weighting decides:
# 0·3+4·4+1·5+2·6+3·7+1·8+3·9+4·10+4·11+9·1+7·2 = 196; 196 mod 11 = 9 → check digit 9.
SECOND_WEIGHTING_VALID = ["041231344979", "710315244750", "041231551432"]
# 00022991957?: first weighting 351 mod 11 = 10, second 307 mod 11 = 10 → never valid.
BOTH_WEIGHTINGS_TEN = ["00022991957", "04123146741", "04123138641"]


@pytest.mark.parametrize("iin", FIRST_WEIGHTING_VALID + SECOND_WEIGHTING_VALID)
def test_valid_numbers_are_accepted_unchanged(iin):
    assert validate_iin(iin) == iin


def test_spaces_and_dashes_are_removed():
    assert validate_iin(" 880101 439151 ") == "880101439151"
    assert validate_iin("880101-439-151") == "880101439151"


def test_the_second_weighting_is_used_when_the_first_gives_ten():
    first_eleven = "04123134497"
    first = sum(int(d) * w for d, w in zip(first_eleven, range(1, 12), strict=True)) % 11
    assert first == 10
    assert check_digit(first_eleven) == 9
    with pytest.raises(ValidationError) as refused:
        validate_iin("041231344970")  # 0 would be "10 mod 10": the naive reading
    assert refused.value.code == "check_digit"


@pytest.mark.parametrize("first_eleven", BOTH_WEIGHTINGS_TEN)
def test_numbers_whose_both_weightings_give_ten_are_never_valid(first_eleven):
    assert check_digit(first_eleven) is None
    for last in "0123456789":
        with pytest.raises(ValidationError) as refused:
            validate_iin(first_eleven + last)
        assert refused.value.code == "no_check_digit"


@pytest.mark.parametrize("iin", ["880101439152", "880101439150", "041231344978"])
def test_a_wrong_check_digit_is_refused(iin):
    with pytest.raises(ValidationError) as refused:
        validate_iin(iin)
    assert refused.value.code == "check_digit"


@pytest.mark.parametrize("iin", ["88010143915", "8801014391511", "8", "880101 43915"])
def test_the_wrong_length_is_refused_and_says_how_many_digits(iin):
    with pytest.raises(ValidationError) as refused:
        validate_iin(iin)
    assert refused.value.code == "length"
    digits = len(iin.replace(" ", ""))
    assert str(digits) in refused.value.messages[0]


@pytest.mark.parametrize(
    "iin",
    ["88010143915a", "IIN880101439", "８８０１０１４３９１５１", "٨٨٠١٠١٤٣٩١٥١", "880101.439151"],
)
def test_anything_but_ascii_digits_is_refused(iin):
    with pytest.raises(ValidationError) as refused:
        validate_iin(iin)
    assert refused.value.code == "not_digits"


@pytest.mark.parametrize("iin", ["", "   ", None])
def test_an_empty_value_is_refused(iin):
    with pytest.raises(ValidationError) as refused:
        validate_iin(iin)
    assert refused.value.code == "required"


def test_dates_are_not_checked_since_2013():
    # "991345": month 13, day 45 is no birth date, but the checksum is right
    # (9·1+9·2+1·3+3·4+4·5+5·6+1·7+2·8+3·9+4·10+5·11 = 237; 237 mod 11 = 6).
    assert validate_iin("991345123456") == "991345123456"


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_exactly_one_last_digit_completes_any_eleven_digits_unless_none_can(first_eleven):
    valid = []
    for last in "0123456789":
        try:
            validate_iin(first_eleven + last)
            valid.append(last)
        except ValidationError:
            pass
    expected = check_digit(first_eleven)
    assert valid == ([] if expected is None else [str(expected)])


def test_masking_shows_only_the_last_four_digits():
    assert mask_iin("880101439151") == "••••••••9151"
