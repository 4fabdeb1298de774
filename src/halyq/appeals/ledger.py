"""The appeal events the rating is computed from, appended to the integrity ledger.

Rules: called inside the service's transaction, as its *last* write (a transaction
that chains its event holds the ledger head until it commits, and other writers queue
meanwhile: appending last keeps that short). Payloads hold only
ints, strings, booleans and None, and no personal data: the appeal and the citizen
appear as keyed pseudonyms, people by their public id, places by code/slug.
docs/events.md lists every kind and its fields.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from halyq.integrity.pseudonyms import pseudonym
from halyq.integrity.services import event_record


def appeal_pseudonym(appeal_id: int) -> str:
    return pseudonym("appeal", appeal_id)


def citizen_pseudonym(appeal) -> str | None:
    """Citizens with an account by account; visitors without one by their appeal."""
    if appeal.author_id is not None:
        return pseudonym("citizen", appeal.author_id)
    return pseudonym("visitor", appeal.id)


def person_key(person_or_none) -> str | None:
    return str(person_or_none.public_id) if person_or_none is not None else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def record(kind: str, appeal, occurred_at: datetime, **fields: Any) -> None:
    # Every event names its region, so the open data can withhold a region in pilot.
    payload = {"appeal": appeal_pseudonym(appeal.id), "region": appeal.region.code, **fields}
    event_record(kind=f"appeal.{kind}", payload=payload, occurred_at=occurred_at)
