"""Canonical JSON: the one byte string that Halyq hashes for a given value.

Every hash in the ledger (entry content hashes, Merkle leaves) is computed over the
*canonical JSON* form of a value. Two programs that follow the rules below produce
byte-identical output for the same value, so anyone can recompute our hashes. The
rules are those of RFC 8785 (JSON Canonicalization Scheme, "JCS") restricted to a
subset of JSON values on which JCS needs no floating-point formatting.

Specification
=============

1. Allowed values (anything else is refused with an error, never coerced):

   * ``null``, ``true``, ``false``;
   * integers ``i`` with ``-(2**53 - 1) <= i <= 2**53 - 1`` (the range in which every
     JSON implementation, including JavaScript's, represents integers exactly).
     Larger integers must be sent as strings;
   * strings of Unicode scalar values (unpaired surrogates U+D800..U+DFFF are refused);
   * arrays of allowed values;
   * objects whose member names are strings and whose member values are allowed values.
     A name may occur only once in an object.

   **Numbers with a fraction or exponent are refused**, as are NaN and the infinities,
   and so are integral floats such as ``1.0``. A quantity that is not an integer (a
   score of 71.25, a rate) must be published either as an integer in a stated unit
   (7125 hundredths) or as a decimal *string* (``"71.25"``). This keeps the format free
   of binary floating point, whose text form is the one hard part of JCS.

2. Serialisation:

   * no whitespace anywhere outside strings (no spaces, no newlines, no trailing
     newline, no byte order mark);
   * ``null``/``true``/``false`` are written as those words;
   * an integer is written in plain decimal: optional ``-``, no leading zeros, no ``+``,
     no fraction, no exponent (``0``, ``-17``, ``9007199254740991``);
   * a string is written between ``"`` quotes with exactly these escapes:
     ``"`` -> ``\\"``, ``\\`` -> ``\\\\``, U+0008 -> ``\\b``, U+0009 -> ``\\t``,
     U+000A -> ``\\n``, U+000C -> ``\\f``, U+000D -> ``\\r``, every other character
     below U+0020 -> ``\\u00xx`` with **lowercase** hex digits (U+001F -> ``\\u001f``).
     Every other character, including ``/``, U+007F, U+2028, U+2029, Cyrillic and
     Kazakh letters (``Әлия``, ``Қазақстан``, ``Өскемен``) and emoji, is written as itself;
   * an array is ``[`` + its elements separated by ``,`` + ``]``, order preserved;
   * an object is ``{`` + ``"name":value`` members separated by ``,`` + ``}``, with the
     members **sorted by name, comparing names as sequences of UTF-16 code units**
     (this is what JCS and JavaScript's default sort do). For names made only of
     characters below U+10000 this is simply ordering by Unicode code point, which is
     what Python's ``sorted()`` on strings does; names containing characters at or
     above U+10000 (e.g. emoji) sort by their UTF-16 surrogate pairs.

3. The resulting text is encoded as UTF-8. Those bytes are the canonical JSON.

For the allowed values this is exactly RFC 8785: JCS serialises strings as ECMAScript
``JSON.stringify`` does (the escapes above), numbers as ECMAScript ``Number.toString``
(which for safe integers is the plain decimal form), and sorts member names by UTF-16
code units. In Python, for values that contain no object member name with a character
at or above U+10000, the canonical form is::

    json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True,
               allow_nan=False).encode("utf-8")

after checking that the value contains no float and no integer outside the safe range.

Examples::

    {"b": 1, "a": [true, null, "x"]}   ->  {"a":[true,null,"x"],"b":1}
    {"аты": "Әлия", "id": 7}           ->  {"id":7,"аты":"Әлия"}
    "tab\\there \\"quoted\\""            ->  "tab\\there \\"quoted\\""
    {"score": 71.25}                   ->  refused (float); use {"score": "71.25"}
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

__all__ = [
    "MAX_SAFE_INTEGER",
    "CanonicalJSONError",
    "canonical_json",
    "encode_sorted_unchecked",
    "loads_canonical",
    "utf16_key",
]

MAX_SAFE_INTEGER: Final = 2**53 - 1
"""Largest integer magnitude allowed in canonical JSON (JavaScript's safe integers)."""

_MAX_DEPTH: Final = 200


class CanonicalJSONError(ValueError):
    """The value cannot be written as canonical JSON, or bytes are not canonical JSON.

    ``reason`` says what is wrong; ``path`` locates the offending value in JSONPath-like
    notation, e.g. ``$.payload.scores[3]`` (empty when the problem is the whole text).
    """

    def __init__(self, reason: str, path: str = "$") -> None:
        super().__init__(reason)
        self.reason = reason
        self._root = path
        self._segments: list[str] = []

    def _prepend(self, segment: str) -> None:
        self._segments.append(segment)

    @property
    def path(self) -> str:
        return self._root + "".join(reversed(self._segments))

    def __str__(self) -> str:
        path = self.path
        return f"{path}: {self.reason}" if path else self.reason


def utf16_key(name: str) -> bytes:
    """Sort key ordering strings by UTF-16 code units, as RFC 8785 requires.

    Big-endian UTF-16 bytes compare exactly like the sequence of 16-bit code units.
    """
    return name.encode("utf-16-be", "surrogatepass")


# One encoder instance: JSONEncoder.encode uses the C accelerator when available.
_ENCODER: Final = json.JSONEncoder(
    ensure_ascii=False,
    separators=(",", ":"),
    sort_keys=True,
    allow_nan=False,
    check_circular=True,
)
_ENCODER_KEEP_ORDER: Final = json.JSONEncoder(
    ensure_ascii=False,
    separators=(",", ":"),
    sort_keys=False,
    allow_nan=False,
    check_circular=True,
)


def _refuse_unknown(value: object) -> object:
    raise TypeError(f"values of type {type(value).__name__} are not allowed")


def _make_encode_sorted() -> Callable[[object], str]:
    """``json.dumps(..., ensure_ascii=False, separators=(",", ":"), sort_keys=True)``.

    ``JSONEncoder.encode`` builds a new C encoder on every call; building it once makes
    encoding small objects about twice as fast. Falls back to the pure-Python encoder.
    """
    make: Any = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _ENCODER.encode
    encoder = make(
        None,  # markers: no circularity check (callers validate depth first)
        _refuse_unknown,
        json.encoder.encode_basestring,  # the C escaper when available, ensure_ascii=False
        None,  # indent
        ":",
        ",",
        True,  # sort_keys
        False,  # skipkeys
        False,  # allow_nan
    )

    def encode(value: object) -> str:
        return "".join(encoder(value, 0))

    return encode


encode_sorted_unchecked: Final = _make_encode_sorted()
"""Encode with sort_keys=True WITHOUT validating values: only for values already known to
be allowed and to have no member name outside the BMP (then this is canonical JSON)."""

_ASTRAL: Final = re.compile("[\U00010000-\U0010ffff]")


def _describe(value: object) -> str:
    return type(value).__name__


def _is_scalar_string(s: str) -> bool:
    """True if ``s`` has no unpaired surrogate (cheap for ASCII and most text)."""
    if s.isascii():
        return True
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _has_astral(s: str) -> bool:
    return not s.isascii() and _ASTRAL.search(s) is not None


def _member_segment(key: str) -> str:
    return f".{key}" if key.isidentifier() else f"[{key!r}]"


def _check(value: object, depth: int) -> bool:
    """Validate ``value``; return True if the fast ``sort_keys=True`` encoding is not exact.

    That happens when an object has a member name outside the BMP (UTF-16 order differs
    from code point order) or when a non-dict Mapping or a tuple must be normalised.
    """
    if value is None or value is True or value is False:
        return False
    if isinstance(value, str):
        if not _is_scalar_string(value):
            raise CanonicalJSONError("string contains an unpaired surrogate")
        return False
    if isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return False
        raise CanonicalJSONError(f"integer {value} is outside ±(2**53-1); publish it as a string")
    if isinstance(value, float):
        raise CanonicalJSONError(
            f"floating-point number {value!r} is not allowed; use an integer or a "
            'decimal string such as "71.25"'
        )
    if depth >= _MAX_DEPTH:
        raise CanonicalJSONError(f"nesting deeper than {_MAX_DEPTH} levels")
    if isinstance(value, list | tuple):
        needs_copy = isinstance(value, tuple)
        for index, item in enumerate(value):
            try:
                if _check(item, depth + 1):
                    needs_copy = True
            except CanonicalJSONError as error:
                error._prepend(f"[{index}]")
                raise
        return needs_copy
    if isinstance(value, Mapping):
        needs_copy = not isinstance(value, dict)
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalJSONError(
                    f"object member name {key!r} is a {_describe(key)}, not a string"
                )
            if not _is_scalar_string(key):
                raise CanonicalJSONError(
                    f"object member name {key!r} contains an unpaired surrogate"
                )
            if _has_astral(key):
                needs_copy = True
            try:
                if _check(item, depth + 1):
                    needs_copy = True
            except CanonicalJSONError as error:
                error._prepend(_member_segment(key))
                raise
        return needs_copy
    raise CanonicalJSONError(f"values of type {_describe(value)} are not allowed")


def _normalise(value: Any) -> Any:
    """Copy with objects as dicts ordered by UTF-16 code units and arrays as lists."""
    if isinstance(value, list | tuple):
        return [_normalise(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _normalise(value[key]) for key in sorted(value, key=utf16_key)}
    return value


def canonical_json(obj: object) -> bytes:
    """Return the canonical JSON bytes of ``obj`` (see the module docstring).

    Accepts ``None``, ``bool``, ``int`` (safe range), ``str``, ``list``/``tuple`` and
    ``Mapping`` with string keys. Raises :class:`CanonicalJSONError` (a ``ValueError``)
    for anything else, including every ``float``.
    """
    try:
        if _check(obj, 0):
            return _ENCODER_KEEP_ORDER.encode(_normalise(obj)).encode("utf-8")
        return encode_sorted_unchecked(obj).encode("utf-8")
    except RecursionError:
        raise CanonicalJSONError("value is nested too deeply or is circular") from None
    except ValueError as error:  # circular reference reported by the encoder
        if isinstance(error, CanonicalJSONError):
            raise
        raise CanonicalJSONError(str(error)) from None


def _refuse_float(text: str) -> object:
    raise CanonicalJSONError(f"number {text} has a fraction or exponent; not allowed")


def _refuse_constant(text: str) -> object:
    raise CanonicalJSONError(f"{text} is not valid JSON")


def _parse_int(text: str) -> int:
    value = int(text)
    if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return value
    raise CanonicalJSONError(f"integer {text} is outside ±(2**53-1)")


LENIENT_INT_DECODER: Final = json.JSONDecoder(
    parse_float=_refuse_float,
    parse_constant=_refuse_constant,
)
"""Like :data:`STRICT_DECODER` but accepts integers of any size (check them afterwards)."""

STRICT_DECODER: Final = json.JSONDecoder(
    parse_float=_refuse_float,
    parse_int=_parse_int,
    parse_constant=_refuse_constant,
)
"""A JSON decoder that refuses floats, NaN/Infinity and integers outside the safe range."""


def loads_canonical(data: bytes) -> Any:
    """Parse ``data`` and check that it is exactly the canonical JSON of the result.

    Raises :class:`CanonicalJSONError` with a specific reason if ``data`` is not UTF-8,
    not JSON, uses a disallowed value, or is JSON but not in canonical form (whitespace,
    member order, escaping, duplicate member names, ``1.0`` for ``1``, ...).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CanonicalJSONError(
            f"not valid UTF-8 (byte {error.start}: {error.reason})", ""
        ) from None
    try:
        value = STRICT_DECODER.decode(text)
    except CanonicalJSONError as error:
        raise CanonicalJSONError(error.reason, "") from None
    except json.JSONDecodeError as error:
        raise CanonicalJSONError(
            f"not valid JSON: {error.msg} at column {error.colno}", ""
        ) from None
    except RecursionError:
        raise CanonicalJSONError("JSON nested too deeply", "") from None
    canonical = canonical_json(value)
    if canonical != data:
        raise CanonicalJSONError(
            "valid JSON but not in canonical form (whitespace, member order, string "
            "escaping or a repeated member name differ from the canonical encoding)",
            "",
        )
    return value
