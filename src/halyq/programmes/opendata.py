"""What the tracker publishes: programmes, measures, mandates and their histories.

The open-data export and the public API read the tracker through this module (its
`public_*` querysets; the export also through the row generators), so both publish the
same things under the same rules:
- only the regions they are given, which is `visibility.public_region_ids()`: out of
  pilot for the rating (and listed in HALYQ_PUBLIC_REGION_CODES where that is set);
- no personal data: no resident, no account, no email; deputies appear by public id
  (as monitors, and in histories as the person who reported), and only those of the
  published regions; staff only by their role; a mandate's source reference (it may be
  an appeal number) is left out; residents' confirmations only as counts;
- items are identified by "<programme code>:<item code>", mandates by their code;
- decimals are strings, dates ISO strings, progress rounded to 2 decimals.

The querysets fetch what their rows need up front (related rows joined, monitors and
evidence prefetched), so a page or a chunk of any size costs the same few queries.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Case, F, Prefetch, QuerySet, UUIDField, When
from django.utils import timezone

from halyq.directory.models import Person
from halyq.programmes.models import Evidence, ItemChange, Mandate, Programme, TrackedItem

CHUNK = 2000


def decimal_text(value: Decimal | None) -> str | None:
    """A decimal as published: a plain string without trailing zeros ("2.5", not "2.500")."""
    return None if value is None else format(value.normalize(), "f")


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _texts(obj, *names: str) -> dict[str, str]:
    return {
        f"{name}_{lang}": getattr(obj, f"{name}_{lang}")
        for name in names
        for lang in ("kk", "ru", "en")
    }


# --------------------------------------------------------------------------- querysets
def _public_monitors(region_ids: Collection[int], lookup: str = "monitors") -> Prefetch:
    """The deputies monitoring an item, as `public_monitors`: those of published regions."""
    return Prefetch(
        lookup,
        queryset=Person.objects.filter(region_id__in=list(region_ids))
        .only("pk", "public_id")
        .order_by("public_id"),
        to_attr="public_monitors",
    )


def public_programmes(region_ids: Collection[int]) -> QuerySet[Programme]:
    return (
        Programme.objects.filter(region_id__in=list(region_ids))
        .select_related("region", "district", "convocation")
        .order_by("code")
    )


def public_items(region_ids: Collection[int], kind: str | None = None) -> QuerySet[TrackedItem]:
    """Tracked items (measures, or `kind` only) with their displayed status and monitors."""
    items = TrackedItem.objects.filter(region_id__in=list(region_ids))
    if kind:
        items = items.filter(kind=kind)
    return (
        items.with_display_status()
        .select_related("programme", "parent", "region", "district")
        .prefetch_related(_public_monitors(region_ids))
        .order_by("programme__code", "position", "pk")
    )


def public_mandates(region_ids: Collection[int]) -> QuerySet[Mandate]:
    """Mandates with the item tracking each (and that item's monitors) joined."""
    return (
        Mandate.objects.filter(region_id__in=list(region_ids))
        .select_related("programme", "region", "district", "item", "item__programme")
        .prefetch_related(_public_monitors(region_ids, "item__monitors"))
        .order_by("code")
    )


def public_changes(region_ids: Collection[int]) -> QuerySet[ItemChange]:
    """Changes of published items, oldest first, with their evidence.

    `public_actor` is the public id of the deputy who made the change when that deputy
    is of a published region (else None); the account that made it is never read.
    """
    return (
        ItemChange.objects.filter(item__region_id__in=list(region_ids))
        .select_related("item", "item__programme")
        .annotate(
            public_actor=Case(
                When(
                    actor_person__region_id__in=list(region_ids),
                    then=F("actor_person__public_id"),
                ),
                default=None,
                output_field=UUIDField(),
            )
        )
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("evidence_date", "pk"))
        )
        .order_by("item__programme__code", "item__code", "occurred_at", "pk")
    )


# --------------------------------------------------------------------------- values
def item_code(item: TrackedItem | None) -> str | None:
    """The item's public identifier, "<programme code>:<item code>" (None for no item)."""
    return None if item is None else item.public_code


def item_by_code(items: QuerySet[TrackedItem], code: str) -> TrackedItem:
    """The item of `items` named "<programme code>:<item code>"; else `DoesNotExist`."""
    programme_code, separator, own_code = code.partition(":")
    if not separator:
        raise TrackedItem.DoesNotExist(code)
    return items.get(programme__code=programme_code, code=own_code)


def parent_code(item: TrackedItem) -> str | None:
    # A sub-measure is always in its parent's programme (`services._validate_parent`).
    return f"{item.programme.code}:{item.parent.code}" if item.parent_id else None


def monitor_ids(item: TrackedItem) -> list[str]:
    """Public ids of the deputies monitoring an item from `public_items`/`public_mandates`."""
    return [str(person.public_id) for person in item.public_monitors]


def decided_on(mandate: Mandate) -> str | None:
    """The day of the decision in the site's time zone (`decided_at` is stored in UTC)."""
    return _date(timezone.localdate(mandate.decided_at)) if mandate.decided_at else None


def tracked_on_its_own(mandate: Mandate) -> bool:
    return mandate.item is not None and mandate.item.kind == TrackedItem.Kind.MANDATE


def actor_id(change: ItemChange) -> str | None:
    return str(change.public_actor) if change.public_actor else None


def evidence_file_url(evidence: Evidence) -> str | None:
    return evidence.file.url if evidence.file else None


# --------------------------------------------------------------------------- rows
def programme_rows(region_ids: Collection[int]) -> Iterator[dict[str, Any]]:
    for programme in public_programmes(region_ids).iterator(chunk_size=CHUNK):
        yield {
            "code": programme.code,
            "convocation": programme.convocation.code,
            "region": programme.region.code,
            "district": programme.district.code if programme.district else None,
            **_texts(programme, "title", "description"),
            "adopted_on": _date(programme.adopted_on),
            "progress": round(programme.progress, 2),
        }


def _item_row(item: TrackedItem) -> dict[str, Any]:
    return {
        "id": item_code(item),
        "code": item.code,
        "kind": item.kind,
        "programme": item.programme.code,
        "parent": parent_code(item),
        "scope": item.scope or None,
        "topic": item.topic or None,
        "position": item.position,
        "weight": decimal_text(item.weight),
        **_texts(item, "title", "description", "executive_body", "indicator", "unit"),
        "region": item.region.code,
        "district": item.district.code if item.district else None,
        "monitors": monitor_ids(item),
        "start_date": _date(item.start_date),
        "planned_end_date": _date(item.planned_end_date),
        "deadline": _date(item.deadline),
        "target_value": decimal_text(item.target_value),
        "current_value": decimal_text(item.current_value),
        "status": item.status,
        "shown_status": item.display_status,
        "progress": item.progress,
        "rolled_up_progress": round(item.rolled_up_progress, 2),
        "completed_on": _date(item.completed_on),
        "cancellation_reason": item.cancellation_reason or None,
        "report_round": item.report_round,
        "confirmations_yes": item.confirmations_yes,
        "confirmations_partly": item.confirmations_partly,
        "confirmations_no": item.confirmations_no,
        "confirmations_held": item.confirmations_held,
        "dispute_state": item.dispute_state,
    }


def measure_rows(region_ids: Collection[int]) -> Iterator[dict[str, Any]]:
    """Roadmap measures (kind "measure"), with their tracking state."""
    for item in public_items(region_ids, TrackedItem.Kind.MEASURE).iterator(chunk_size=CHUNK):
        yield _item_row(item)


def mandate_rows(region_ids: Collection[int]) -> Iterator[dict[str, Any]]:
    """Voters' mandates with the decision and, when accepted, how they are tracked."""
    for mandate in public_mandates(region_ids).iterator(chunk_size=CHUNK):
        item = mandate.item
        row = {
            "code": mandate.code,
            "programme": mandate.programme.code,
            "region": mandate.region.code,
            "district": mandate.district.code if mandate.district else None,
            "source": mandate.source,
            "source_date": _date(mandate.source_date),
            "topic": mandate.topic,
            **_texts(mandate, "title", "description"),
            "state": mandate.state,
            "decision_reason": mandate.decision_reason or None,
            "decided_on": decided_on(mandate),
            "item": item_code(item),
            "tracked_on_its_own": tracked_on_its_own(mandate),
        }
        if tracked_on_its_own(mandate):
            row.update(
                {
                    "monitors": monitor_ids(item),
                    "start_date": _date(item.start_date),
                    "planned_end_date": _date(item.planned_end_date),
                    "deadline": _date(item.deadline),
                    "status": item.status,
                    "shown_status": item.display_status,
                    "progress": item.progress,
                    "completed_on": _date(item.completed_on),
                    "confirmations_yes": item.confirmations_yes,
                    "confirmations_partly": item.confirmations_partly,
                    "confirmations_no": item.confirmations_no,
                    "dispute_state": item.dispute_state,
                }
            )
        yield row


@dataclass(frozen=True)
class HistoryEntry:
    """One dated step in the public history of an item or a mandate."""

    occurred_at: datetime
    kind: str
    actor_role: str | None = None
    actor: str | None = None  # a deputy's public id
    changes: dict[str, list] = field(default_factory=dict)  # {"field": [old, new]}
    note: str | None = None
    evidence: list[Evidence] = field(default_factory=list)


def change_entry(change: ItemChange) -> HistoryEntry:
    """A change from `public_changes` as published (never the account that made it)."""
    return HistoryEntry(
        occurred_at=change.occurred_at,
        kind=change.kind,
        actor_role=change.actor_role,
        actor=actor_id(change),
        changes=change.changes,
        note=change.note or None,
        evidence=list(change.evidence.all()),
    )


def mandate_history(mandate: Mandate, region_ids: Collection[int]) -> list[HistoryEntry]:
    """A mandate's registration, the decision on it and, when it is tracked on its own,
    every change of its item; oldest first.

    The registration and the decision carry no actor: the export does not say which
    staff member registered or decided a mandate, only the decision and its public
    reason. A mandate folded into a measure has that measure's history instead.
    """
    entries = [HistoryEntry(occurred_at=mandate.registered_at, kind="registered")]
    if mandate.decided_at is not None:
        decision = {"state": [Mandate.State.REGISTERED.value, mandate.state]}
        if mandate.item is not None:
            decision["item"] = [None, item_code(mandate.item)]
        entries.append(
            HistoryEntry(
                occurred_at=mandate.decided_at,
                kind=mandate.state,
                changes=decision,
                note=mandate.decision_reason or None,
            )
        )
    if tracked_on_its_own(mandate):
        changes = public_changes(region_ids).filter(item_id=mandate.item_id)
        entries += [change_entry(change) for change in changes]
    return sorted(entries, key=lambda entry: entry.occurred_at)


def history_rows(region_ids: Collection[int]) -> Iterator[dict[str, Any]]:
    """Every change of every published item (measures and mandates), with its evidence."""
    for change in public_changes(region_ids).iterator(chunk_size=CHUNK):
        entry = change_entry(change)
        yield {
            "item": item_code(change.item),
            "occurred_at": entry.occurred_at.isoformat(),
            "kind": entry.kind,
            "actor_role": entry.actor_role,
            "actor": entry.actor,
            "changes": entry.changes,
            "note": entry.note,
            "evidence": [
                {
                    "kind": evidence.kind,
                    "url": evidence.url or None,
                    "file": evidence_file_url(evidence),
                    "media_type": evidence.media_type or None,
                    "date": _date(evidence.evidence_date),
                    "caption": evidence.caption or None,
                }
                for evidence in entry.evidence
            ],
        }
