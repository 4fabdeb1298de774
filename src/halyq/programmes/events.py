"""Events this app appends to the tamper-evident ledger.

Payloads hold ints, strings, booleans and None only (no floats: progress is an integer
percent), and no personal data: deputies appear by their public id, residents by a
keyed pseudonym (`integrity.pseudonyms`), items by their public code.

Kinds:
- "programme.measure.status"         status/progress of a measure or mandate item changed
- "programme.mandate.accepted"       the council accepted a voters' mandate
- "programme.mandate.declined"       ... or declined it, with a public reason
- "programme.confirmation.counted"   a resident's confirmation counts
- "programme.confirmation.held"      ... is held for review (burst from new accounts)
- "programme.confirmation.restored"  the moderator counted a held confirmation
- "programme.confirmation.excluded"  the moderator excluded it
- "programme.review.decided"         the moderator's decision on a disputed delivery
"""

from __future__ import annotations

from typing import Any


def record(kind: str, payload: dict[str, Any]) -> None:
    """Append one event in the caller's transaction (the ledger refuses otherwise)."""
    from halyq.integrity.services import event_record

    event_record(kind=kind, payload=payload)


def citizen_pseudonym(user_id: int) -> str:
    from halyq.integrity.pseudonyms import pseudonym

    return pseudonym("citizen", user_id)
