"""The published form of rating results: canonical-JSON-ready, no binary floats.

The ledger's canonical JSON refuses floats (their text form is the one ambiguous part
of JSON), so every published figure is a decimal string with exactly four places:
71.25 becomes "71.2500". Snapshots hash this form into their Merkle roots, the open
data carries it, and the verifier recomputes it; all three use this one function.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from halyq.scoring.model import ROUND_DIGITS, PersonResult

_FORMAT: Final[str] = f".{ROUND_DIGITS}f"


def _decimal(value: float) -> str:
    rounded = round(value, ROUND_DIGITS)
    return format(0.0 if rounded == 0 else rounded, _FORMAT)


def published(value: Any) -> Any:
    """`value` with every float replaced by its 4-decimal string, recursively."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return _decimal(value)
    if isinstance(value, int | str):
        return value
    if isinstance(value, Mapping):
        return {str(key): published(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [published(item) for item in value]
    raise TypeError(f"cannot publish a {type(value).__name__}")


def published_result(result: PersonResult) -> dict[str, Any]:
    """One person's result as the open data and the snapshot's Merkle leaf carry it."""
    return published(result.to_dict())  # type: ignore[no-any-return]
