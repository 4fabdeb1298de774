"""Open-data rows of programmes, measures, mandates and their histories.

Plain generators of JSON-ready dicts for the open-data export and the API (which the
`opendata` and API layers wire in). Rules:
- only public regions (`visibility.public_region_ids`);
- no personal data: no resident, no account, no email; deputies appear by public id
  (and in history rows as the person who reported); a mandate's source reference
  (it may be an appeal number) is left out; residents' confirmations only as counts;
- items are identified by "<programme code>:<item code>", mandates by their code;
- decimals are strings, dates ISO strings, progress rounded to 2 decimals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from halyq.programmes.models import Evidence, ItemChange, Mandate, Programme, TrackedItem
from halyq.programmes.visibility import public_region_ids

CHUNK = 2000


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _texts(obj, *names: str) -> dict[str, str]:
    return {
        f"{name}_{lang}": getattr(obj, f"{name}_{lang}")
        for name in names
        for lang in ("kk", "ru", "en")
    }


def _monitors(item_ids=None) -> dict[int, list[str]]:
    through = TrackedItem.monitors.through.objects.all()
    if item_ids is not None:
        through = through.filter(trackeditem_id__in=item_ids)
    monitors: dict[int, list[str]] = defaultdict(list)
    for item_id, public_id in through.values_list("trackeditem_id", "person__public_id").order_by(
        "trackeditem_id", "person__public_id"
    ):
        monitors[item_id].append(str(public_id))
    return monitors


def programme_rows() -> Iterator[dict[str, Any]]:
    programmes = (
        Programme.objects.filter(region_id__in=public_region_ids())
        .select_related("region", "district", "convocation")
        .order_by("code")
    )
    for programme in programmes.iterator(chunk_size=CHUNK):
        yield {
            "code": programme.code,
            "convocation": programme.convocation.code,
            "region": programme.region.code,
            "district": programme.district.code if programme.district else None,
            **_texts(programme, "title", "description"),
            "adopted_on": _date(programme.adopted_on),
            "progress": round(programme.progress, 2),
        }


def _item_row(item: TrackedItem, monitors: dict[int, list[str]]) -> dict[str, Any]:
    return {
        "id": f"{item.programme.code}:{item.code}",
        "code": item.code,
        "kind": item.kind,
        "programme": item.programme.code,
        "parent": f"{item.programme.code}:{item.parent.code}" if item.parent_id else None,
        "scope": item.scope or None,
        "topic": item.topic or None,
        "position": item.position,
        "weight": _decimal(item.weight),
        **_texts(item, "title", "description", "executive_body", "indicator", "unit"),
        "region": item.region.code,
        "district": item.district.code if item.district else None,
        "monitors": monitors.get(item.pk, []),
        "start_date": _date(item.start_date),
        "planned_end_date": _date(item.planned_end_date),
        "deadline": _date(item.deadline),
        "target_value": _decimal(item.target_value),
        "current_value": _decimal(item.current_value),
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


def _items(kind: str | None = None):
    items = TrackedItem.objects.filter(region_id__in=public_region_ids())
    if kind:
        items = items.filter(kind=kind)
    return (
        items.with_display_status()
        .select_related("programme", "parent", "region", "district")
        .order_by("programme__code", "position", "pk")
    )


def measure_rows() -> Iterator[dict[str, Any]]:
    """Roadmap measures (kind "measure"), with their tracking state."""
    monitors = _monitors()
    for item in _items(TrackedItem.Kind.MEASURE).iterator(chunk_size=CHUNK):
        yield _item_row(item, monitors)


def mandate_rows() -> Iterator[dict[str, Any]]:
    """Voters' mandates with the decision and, when accepted, how they are tracked."""
    monitors = _monitors()
    mandates = (
        Mandate.objects.filter(region_id__in=public_region_ids())
        .select_related("programme", "region", "district", "item", "item__programme")
        .order_by("code")
    )
    for mandate in mandates.iterator(chunk_size=CHUNK):
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
            "decided_on": _date(mandate.decided_at.date()) if mandate.decided_at else None,
            "item": f"{item.programme.code}:{item.code}" if item else None,
            "tracked_on_its_own": bool(item and item.kind == TrackedItem.Kind.MANDATE),
        }
        if item is not None and item.kind == TrackedItem.Kind.MANDATE:
            row.update(
                {
                    "monitors": monitors.get(item.pk, []),
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


def history_rows() -> Iterator[dict[str, Any]]:
    """Every change of every public item (measures and mandates), with its evidence."""
    changes = (
        ItemChange.objects.filter(item__region_id__in=public_region_ids())
        .select_related("item", "item__programme", "actor_person")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("evidence_date", "pk"))
        )
        .order_by("item__programme__code", "item__code", "occurred_at", "pk")
    )
    for change in changes.iterator(chunk_size=CHUNK):
        yield {
            "item": f"{change.item.programme.code}:{change.item.code}",
            "occurred_at": change.occurred_at.isoformat(),
            "kind": change.kind,
            "actor_role": change.actor_role,
            "actor": str(change.actor_person.public_id) if change.actor_person else None,
            "changes": change.changes,
            "note": change.note or None,
            "evidence": [
                {
                    "kind": evidence.kind,
                    "url": evidence.url or None,
                    "file": evidence.file.url if evidence.file else None,
                    "media_type": evidence.media_type or None,
                    "date": _date(evidence.evidence_date),
                    "caption": evidence.caption or None,
                }
                for evidence in change.evidence.all()
            ],
        }
