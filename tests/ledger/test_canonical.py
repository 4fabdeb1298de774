"""Canonical JSON (RFC 8785 subset without floats)."""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from datetime import date
from decimal import Decimal
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from halyq.ledger.canonical import (
    MAX_SAFE_INTEGER,
    CanonicalJSONError,
    canonical_json,
    loads_canonical,
)


def test_keys_sorted_no_whitespace():
    assert canonical_json({"b": 1, "a": [True, None, "x"], "c": {"z": 0, "y": -1}}) == (
        b'{"a":[true,null,"x"],"b":1,"c":{"y":-1,"z":0}}'
    )


def test_array_order_kept_and_tuples_are_arrays():
    assert canonical_json([3, 1, 2]) == b"[3,1,2]"
    assert canonical_json((3, 1)) == b"[3,1]"
    assert canonical_json({"k": ()}) == b'{"k":[]}'


def test_empty_containers_and_scalars():
    assert canonical_json({}) == b"{}"
    assert canonical_json([]) == b"[]"
    assert canonical_json("") == b'""'
    assert canonical_json(0) == b"0"
    assert canonical_json(-17) == b"-17"
    assert canonical_json(None) == b"null"
    assert canonical_json(False) == b"false"


def test_kazakh_and_cyrillic_written_as_utf8_and_sorted_by_code_point():
    value = {"аты": "Әлия Қасымқызы", "id": 7, "қала": "Өскемен", "ауыл": "Ұлытау"}
    # т (U+0442) < у (U+0443) < қ (U+049B)
    expected = '{"id":7,"аты":"Әлия Қасымқызы","ауыл":"Ұлытау","қала":"Өскемен"}'
    assert canonical_json(value) == expected.encode("utf-8")


def test_string_escaping_is_minimal():
    value = '"\\\b\f\n\r\t\x00\x1f\x7f/\u2028\u2029é😀'
    expected = '"\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\x7f/\u2028\u2029é😀"'
    assert canonical_json(value) == expected.encode("utf-8")


def test_rfc8785_string_and_literals_example():
    # RFC 8785 section 3.2.2 example, without its "numbers" member (floats are refused).
    source = '{"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}'
    expected = '{"literals":[null,true,false],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    assert canonical_json(json.loads(source)) == expected.encode("utf-8")


def test_rfc8785_member_sorting_example_uses_utf16_order():
    # RFC 8785 section 3.2.3: names are compared as UTF-16 code units, so the emoji
    # (surrogates D83D DE00) sorts before U+FB33 although its code point is larger.
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    names = list(json.loads(canonical_json(value)))
    assert names == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


def test_nested_astral_keys_sorted_by_utf16():
    value = {"outer": [{"\ufb01": 1, "\U0001f600": 2}]}
    assert canonical_json(value) == '{"outer":[{"😀":2,"ﬁ":1}]}'.encode()


def test_other_mappings_accepted():
    assert canonical_json(OrderedDict([("b", 1), ("a", 2)])) == b'{"a":2,"b":1}'
    assert canonical_json(MappingProxyType({"b": 1, "a": 2})) == b'{"a":2,"b":1}'


def test_safe_integer_range():
    assert canonical_json(MAX_SAFE_INTEGER) == b"9007199254740991"
    assert canonical_json(-MAX_SAFE_INTEGER) == b"-9007199254740991"
    with pytest.raises(CanonicalJSONError, match="outside"):
        canonical_json(MAX_SAFE_INTEGER + 1)
    with pytest.raises(CanonicalJSONError, match=r"\$\.payload\.big"):
        canonical_json({"payload": {"big": -(2**60)}})


@pytest.mark.parametrize("number", [1.5, 1.0, 0.0, -0.0, math.nan, math.inf, -math.inf, 1e30])
def test_floats_refused(number):
    with pytest.raises(CanonicalJSONError, match="not allowed"):
        canonical_json({"score": number})


def test_error_names_the_path():
    with pytest.raises(CanonicalJSONError) as error:
        canonical_json({"results": [{"person_id": 1, "score": 71.25}]})
    assert error.value.path == "$.results[0].score"
    assert "decimal string" in str(error.value)


@pytest.mark.parametrize(
    "value",
    [
        {1: "x"},
        {("a",): 1},
        b"bytes",
        {1, 2},
        Decimal("1.5"),
        date(2026, 1, 1),
        object(),
        "\ud800",
        {"\udc00": 1},
    ],
)
def test_other_types_and_lone_surrogates_refused(value):
    with pytest.raises(CanonicalJSONError):
        canonical_json(value)


def test_circular_reference_refused():
    value: list[object] = []
    value.append(value)
    with pytest.raises(CanonicalJSONError, match="nesting"):
        canonical_json(value)


def test_loads_canonical_round_trip():
    data = canonical_json({"b": [1, "ә"], "a": None})
    assert loads_canonical(data) == {"a": None, "b": [1, "ә"]}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"a": 1}', "canonical form"),
        (b'{"b":1,"a":2}', "canonical form"),
        (b'{"a":1,"a":1}', "canonical form"),  # repeated member name
        (b'{"a":"\\u0430"}', "canonical form"),  # needless \u escape
        (b'{"a":1.0}', "fraction"),
        (b'{"a":NaN}', "not valid JSON"),
        (b'{"a":12345678901234567890}', "outside"),
        (b'{"a":1}\n', "canonical form"),
        (b'\xef\xbb\xbf{"a":1}', "not valid JSON"),
        (b'{"a":\xff}', "UTF-8"),
        (b'{"a":', "not valid JSON"),
    ],
)
def test_loads_canonical_refuses(data, reason):
    with pytest.raises(CanonicalJSONError, match=reason):
        loads_canonical(data)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300)
@given(json_values)
def test_round_trip_and_agreement_with_json_dumps(value):
    data = canonical_json(value)
    assert loads_canonical(data) == value
    assert canonical_json(json.loads(data)) == data
    if "😀" not in data.decode() and not any(ord(c) > 0xFFFF for c in data.decode()):
        # without characters outside the BMP, JCS order is Python's sort order
        expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        assert data == expected.encode("utf-8")
