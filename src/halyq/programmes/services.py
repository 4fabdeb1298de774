"""Every write to programmes, roadmaps, mandates and confirmations goes through here.

Each service is keyword-only and atomic; it checks the permission rules (`rules.py`)
unless `actor` is None, which means a trusted caller (a management command such as the
roadmap import, or the seed generator), validates everything before it writes,
raises `ValidationError` with a translated message and changes nothing when the input
is bad, keeps the item's history (`ItemChange`) and appends its event to the ledger.

Rules enforced here (beyond the database constraints):
- progress is 0-100; "done" means 100; "partly done" is 1-99; "not started" is 0;
- reporting an item "done" or "partly done" needs at least one piece of evidence in
  the same report (later reports that keep the status may add more or none);
  a measure with sub-measures is done only when all its live sub-measures are done,
  and its progress is never reported: it rolls up from them;
- "overdue" cannot be set: it is derived from the deadline; "cancelled" is set only by
  `item_cancel`, with a public reason;
- the planned completion date is not before the start;
- the roadmap is a tree: a parent is a measure of the same programme and never a
  descendant of the item;
- a deputy monitoring an item belongs to its territory (`monitor_territory_problem`);
- a resident confirms a reported delivery once per report round, from the item's
  territory, with a confirmed account; a burst of confirmations from new accounts is
  held (`confirmation_submit`); a "no" majority from enough residents opens a dispute
  review for the regional moderator.

Settings read here (name, default):
- HALYQ_PROGRAMMES_DISPUTE_MIN_CONFIRMATIONS (5): counted answers needed before a "no"
  majority flags an item;
- HALYQ_PROGRAMMES_BURST_COUNT (5), HALYQ_PROGRAMMES_BURST_HOURS (24),
  HALYQ_PROGRAMMES_NEW_ACCOUNT_DAYS (14): when an account younger than NEW_ACCOUNT_DAYS
  confirms an item and, with it, at least BURST_COUNT confirmations of that item's
  current round came from such young accounts within BURST_HOURS, all of them are held
  (not counted) until the moderator restores or excludes each one.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from halyq.accounts import roles
from halyq.directory.models import District, Membership, Organization, Person, Region
from halyq.directory.search import search_key
from halyq.programmes import caching, events
from halyq.programmes.calendar import deadline_for, working_calendar
from halyq.programmes.evidence import (
    EvidenceInput,
    clean_evidence_date,
    clean_file,
    clean_link,
    clean_photo,
)
from halyq.programmes.models import (
    DELIVERED_STATUSES,
    OVERDUE,
    Confirmation,
    Convocation,
    DisputeReview,
    Evidence,
    ItemChange,
    Mandate,
    Programme,
    Status,
    Topic,
    TrackedItem,
)
from halyq.programmes.rollup import Node, find_cycle, roll_up
from halyq.programmes.rules import monitor_ids

TEXT_FIELDS = (
    "title_kk",
    "title_ru",
    "title_en",
    "description_kk",
    "description_ru",
    "description_en",
    "executive_body_kk",
    "executive_body_ru",
    "executive_body_en",
    "indicator_kk",
    "indicator_ru",
    "indicator_en",
    "unit_kk",
    "unit_ru",
    "unit_en",
)
EDITABLE_FIELDS = (
    *TEXT_FIELDS,
    "scope",
    "topic",
    "position",
    "weight",
    "start_date",
    "planned_end_date",
    "target_value",
    "district",
    "parent",
)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _require(user, permission: str, obj) -> None:
    if user is not None and not rules.test_rule(permission, user, obj):
        raise PermissionDenied(permission)


def _user_or_none(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _actor_role(
    actor, region_id: int | None, *, via_import: bool = False
) -> tuple[str, int | None]:
    """The public label of who made a change, and the deputy's person id if a deputy."""
    if actor is None:
        return (ItemChange.ActorRole.IMPORT if via_import else ItemChange.ActorRole.SYSTEM), None
    if roles.is_administrator(actor):
        return ItemChange.ActorRole.ADMINISTRATOR, None
    if region_id in roles.moderated_region_ids(actor):
        return ItemChange.ActorRole.MODERATOR, None
    return ItemChange.ActorRole.DEPUTY, actor.person_id


def _json_value(value: Any) -> Any:
    """A value as the history and the ledger keep it: no floats, no objects."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal | float):
        return format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "code"):
        return value.code
    return str(value)


def item_search_text(item: TrackedItem) -> str:
    return search_key(item.code, item.title_kk, item.title_ru, item.title_en)


def mandate_search_text(mandate: Mandate) -> str:
    return search_key(mandate.code, mandate.title_kk, mandate.title_ru, mandate.title_en)


# --------------------------------------------------------------------------- territory
@dataclass(frozen=True)
class DeputyTerritory:
    kind: str
    region_id: int
    council_district_ids: frozenset[int]
    sits_on_regional_council: bool


def deputy_territories(
    person_ids: Iterable[int], on: date | None = None
) -> dict[int, DeputyTerritory]:
    """Each person's region and the districts of the councils they currently sit on."""
    ids = set(person_ids)
    people = dict(Person.objects.filter(pk__in=ids).values_list("pk", "kind"))
    regions = dict(Person.objects.filter(pk__in=ids).values_list("pk", "region_id"))
    districts: dict[int, set[int]] = {pk: set() for pk in people}
    regional: dict[int, bool] = dict.fromkeys(people, False)
    memberships = (
        Membership.objects.current(on)
        .filter(person_id__in=ids, organization__classification=Organization.Classification.COUNCIL)
        .values_list("person_id", "organization__district_id", "organization__region_id")
    )
    for person_id, district_id, region_id in memberships:
        if district_id is not None:
            districts[person_id].add(district_id)
        elif region_id is not None:
            regional[person_id] = True
    return {
        pk: DeputyTerritory(
            kind=people[pk],
            region_id=regions[pk],
            council_district_ids=frozenset(districts[pk]),
            sits_on_regional_council=regional[pk],
        )
        for pk in people
    }


def monitor_territory_problem(
    person: Person, territory: DeputyTerritory | None, region_id: int, district_id: int | None
) -> str | None:
    """Why a person may not monitor an item in this territory, or None if they may.

    The rule: the person is a deputy whose region is the item's region; for an item of
    a district, the deputy currently sits either on that district's maslikhat or on the
    region's own (regional-level) maslikhat, which oversees all its districts.
    """
    if territory is None or territory.kind != Person.Kind.DEPUTY:
        return _("%(name)s is not a deputy.") % {"name": person.name}
    if territory.region_id != region_id:
        return _("%(name)s is a deputy of another region.") % {"name": person.name}
    if district_id is not None and not (
        district_id in territory.council_district_ids or territory.sits_on_regional_council
    ):
        return _("%(name)s sits on neither this district's maslikhat nor the regional one.") % {
            "name": person.name
        }
    return None


def _check_monitors(monitors: Sequence[Person], region_id: int, district_id: int | None) -> None:
    territories = deputy_territories([p.pk for p in monitors])
    problems = [
        problem
        for person in monitors
        if (
            problem := monitor_territory_problem(
                person, territories.get(person.pk), region_id, district_id
            )
        )
    ]
    if problems:
        raise ValidationError({"monitors": problems})


# --------------------------------------------------------------------------- programmes
@transaction.atomic
def convocation_create(*, code: str, start_date: date, end_date: date | None = None) -> Convocation:
    if end_date is not None and end_date < start_date:
        raise ValidationError(_("A convocation cannot end before it starts."))
    convocation = Convocation(code=code.strip(), start_date=start_date, end_date=end_date)
    convocation.full_clean()
    convocation.save()
    return convocation


@transaction.atomic
def programme_create(
    *,
    actor,
    code: str,
    convocation: Convocation,
    region: Region,
    district: District | None = None,
    title_ru: str,
    title_kk: str = "",
    title_en: str = "",
    description_ru: str = "",
    description_kk: str = "",
    description_en: str = "",
    adopted_on: date | None = None,
) -> Programme:
    programme = Programme(
        code=code.strip(),
        convocation=convocation,
        region=region,
        district=district,
        title_ru=title_ru.strip(),
        title_kk=title_kk.strip(),
        title_en=title_en.strip(),
        description_ru=description_ru,
        description_kk=description_kk,
        description_en=description_en,
        adopted_on=adopted_on,
    )
    _require(actor, "programmes.manage", programme)
    if district is not None and district.region_id != region.pk:
        raise ValidationError({"district": _("The district is not in this region.")})
    clash = Programme.objects.filter(convocation=convocation, region=region, district=district)
    if clash.exists():
        raise ValidationError(_("This territory already has a programme for this convocation."))
    programme.full_clean()
    programme.save()
    caching.invalidate()
    return programme


# --------------------------------------------------------------------------- items
def _clean_decimal(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    return number


def _clean_progress(value) -> int:
    message = _("Progress is a whole number from 0 to 100.")
    if isinstance(value, bool):
        raise ValidationError({"progress": message})
    if isinstance(value, int):
        progress = value
    else:
        text = str(value).strip()
        if not re.fullmatch(r"-?\d+", text):
            raise ValidationError({"progress": message})
        progress = int(text)
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": _("Progress must be between 0 and 100.")})
    return progress


def _validate_territory(programme: Programme, district: District | None) -> None:
    if (
        programme.district_id is not None
        and district is not None
        and district.pk != programme.district_id
    ):
        raise ValidationError({"district": _("A district programme's items are in its district.")})
    if district is not None and district.region_id != programme.region_id:
        raise ValidationError({"district": _("The district is not in the programme's region.")})


def _validate_dates(start: date | None, end: date | None) -> None:
    if start is None or end is None:
        raise ValidationError(_("Give both the start and the planned completion date."))
    if end < start:
        raise ValidationError(
            {"planned_end_date": _("The planned completion date is before the start.")}
        )


def _validate_parent(item: TrackedItem, parent: TrackedItem | None) -> None:
    if parent is None:
        return
    if item.kind != TrackedItem.Kind.MEASURE or parent.kind != TrackedItem.Kind.MEASURE:
        raise ValidationError({"parent": _("Only measures form the roadmap tree.")})
    if parent.programme_id != item.programme_id:
        raise ValidationError({"parent": _("The parent measure is in another programme.")})
    if item.pk is None:
        return
    if parent.pk == item.pk:
        raise ValidationError({"parent": _("A measure cannot be part of itself.")})
    parent_of = dict(
        TrackedItem.objects.filter(
            programme_id=item.programme_id, kind=TrackedItem.Kind.MEASURE
        ).values_list("pk", "parent_id")
    )
    parent_of[item.pk] = parent.pk
    if find_cycle(parent_of):
        raise ValidationError(
            {"parent": _("This would make a cycle: the parent is one of the measure's own parts.")}
        )


@transaction.atomic
def item_create(
    *,
    actor,
    programme: Programme,
    code: str,
    title_ru: str,
    start_date: date,
    planned_end_date: date,
    kind: str = TrackedItem.Kind.MEASURE,
    parent: TrackedItem | None = None,
    district: District | None = None,
    monitors: Sequence[Person] = (),
    weight: Decimal | int | str = 1,
    via_import: bool = False,
    **details: Any,
) -> TrackedItem:
    """A new measure (or mandate item) in a programme's roadmap, not started."""
    _require(actor, "programmes.manage", programme)
    unknown = set(details) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")
    district = district or programme.district
    _validate_territory(programme, district)
    _validate_dates(start_date, planned_end_date)
    weight_value = _clean_decimal(weight, "weight")
    if weight_value is None or weight_value <= 0:
        raise ValidationError({"weight": _("The weight must be greater than 0.")})
    for field in ("target_value", "current_value"):
        if field in details:
            details[field] = _clean_decimal(details[field], field)
    item = TrackedItem(
        programme=programme,
        kind=kind,
        code=code.strip(),
        parent=parent,
        region_id=programme.region_id,
        district=district,
        title_ru=title_ru.strip(),
        start_date=start_date,
        planned_end_date=planned_end_date,
        deadline=deadline_for(planned_end_date),
        weight=weight_value,
        **details,
    )
    if not item.title_ru:
        raise ValidationError({"title_ru": _("The title in Russian is required.")})
    if TrackedItem.objects.filter(programme=programme, code=item.code).exists():
        raise ValidationError({"code": _("This code is already used in the programme.")})
    _validate_parent(item, parent)
    _check_monitors(list(monitors), programme.region_id, district.pk if district else None)
    item.search_text = item_search_text(item)
    item.full_clean(exclude=["deadline", "monitors"])
    item.save()
    item.monitors.set(monitors)
    role, person_id = _actor_role(actor, programme.region_id, via_import=via_import)
    ItemChange.objects.create(
        item=item,
        kind=ItemChange.Kind.CREATED,
        actor=_user_or_none(actor),
        actor_person_id=person_id,
        actor_role=role,
        changes={},
    )
    rollup_refresh(programme_ids=[programme.pk])
    return item


@transaction.atomic
def item_update(
    *,
    actor,
    item: TrackedItem,
    monitors: Sequence[Person] | None = None,
    note: str = "",
    via_import: bool = False,
    **changes: Any,
) -> ItemChange | None:
    """Change an item's details (not its status: see `item_report`, `item_cancel`).

    Returns the history entry, or None when nothing changed.
    """
    _require(actor, "programmes.manage", item)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")
    item = TrackedItem.objects.select_for_update().select_related("programme").get(pk=item.pk)
    for field in ("target_value", "weight"):
        if field in changes:
            changes[field] = _clean_decimal(changes[field], field)
    if "weight" in changes and (changes["weight"] is None or changes["weight"] <= 0):
        raise ValidationError({"weight": _("The weight must be greater than 0.")})
    for field in TEXT_FIELDS:
        if field in changes:
            changes[field] = (changes[field] or "").strip()
    if "title_ru" in changes and not changes["title_ru"]:
        raise ValidationError({"title_ru": _("The title in Russian is required.")})
    difference: dict[str, list] = {}
    for field, value in changes.items():
        old = getattr(item, field)
        if old != value:
            difference[field] = [_json_value(old), _json_value(value)]
            setattr(item, field, value)
    district = item.district
    if "district" in changes:
        _validate_territory(item.programme, district)
    _validate_dates(item.start_date, item.planned_end_date)
    if "parent" in changes:
        _validate_parent(item, item.parent)
    current_monitors = list(item.monitors.all())
    if monitors is not None:
        old_ids = sorted(str(p.public_id) for p in current_monitors)
        new_ids = sorted(str(p.public_id) for p in monitors)
        if old_ids != new_ids:
            difference["monitors"] = [old_ids, new_ids]
        _check_monitors(list(monitors), item.region_id, item.district_id)
    elif "district" in changes:
        _check_monitors(current_monitors, item.region_id, item.district_id)
    if not difference:
        return None
    item.deadline = deadline_for(item.planned_end_date)
    item.search_text = item_search_text(item)
    item.updated_at = timezone.now()
    item.full_clean(exclude=["deadline", "monitors"])
    item.save()
    if monitors is not None:
        item.monitors.set(monitors)
    caching.invalidate()
    role, person_id = _actor_role(actor, item.region_id, via_import=via_import)
    change = ItemChange.objects.create(
        item=item,
        kind=ItemChange.Kind.IMPORTED if via_import else ItemChange.Kind.UPDATED,
        actor=_user_or_none(actor),
        actor_person_id=person_id,
        actor_role=role,
        changes=difference,
        note=note,
    )
    if {"weight", "parent"} & set(difference):
        rollup_refresh(programme_ids=[item.programme_id])
    return change


def _live_children(item: TrackedItem):
    return item.children.exclude(status=Status.CANCELLED)


def _store_evidence(item: TrackedItem, change: ItemChange, pieces: Sequence[EvidenceInput]) -> None:
    for piece in pieces:
        evidence = Evidence(
            item=item, change=change, evidence_date=piece.evidence_date, caption=piece.caption[:200]
        )
        if piece.upload is not None:
            clean = clean_file(piece.upload)
            evidence.kind = clean.kind
            evidence.media_type = clean.media_type
            evidence.file.save(clean.content.name, clean.content, save=False)
        else:
            evidence.kind = Evidence.Kind.LINK
            evidence.url = piece.url
        evidence.save()


def _validate_evidence(pieces: Sequence[EvidenceInput]) -> list[EvidenceInput]:
    """Check every piece before anything is written; files are read and checked here."""
    checked = []
    for piece in pieces:
        if piece.evidence_date is None:
            raise ValidationError({"evidence_date": _("Give the date of the evidence.")})
        clean_evidence_date(piece.evidence_date)
        if piece.upload is None and not piece.url:
            raise ValidationError(_("Attach a file or give a link."))
        if piece.upload is not None and piece.url:
            raise ValidationError(_("Give either a file or a link for one piece of evidence."))
        if piece.upload is not None:
            clean_file(piece.upload)  # raises on a bad file; stored later
            checked.append(piece)
        else:
            checked.append(
                EvidenceInput(
                    evidence_date=piece.evidence_date,
                    url=clean_link(piece.url),
                    caption=piece.caption,
                )
            )
    return checked


def _status_event(item: TrackedItem, old_status: str, role: str, person_id: int | None) -> None:
    person_public_id = None
    if person_id is not None:
        person_public_id = str(Person.objects.values_list("public_id", flat=True).get(pk=person_id))
    events.record(
        "programme.measure.status",
        {
            "item": f"{item.programme.code}:{item.code}",
            "item_kind": item.kind,
            "programme": item.programme.code,
            "region": item.region.code,
            "from_status": old_status,
            "to_status": item.status,
            "progress": int(item.progress),
            "round": int(item.report_round),
            "deadline": item.deadline.isoformat(),
            "completed_on": item.completed_on.isoformat() if item.completed_on else None,
            "reported_by": person_public_id,
            "role": role,
        },
    )


@transaction.atomic
def item_report(
    *,
    actor,
    item: TrackedItem,
    status: str,
    progress: int | None = None,
    current_value: Decimal | str | None = None,
    note: str = "",
    evidence: Sequence[EvidenceInput] = (),
    completed_on: date | None = None,
    via_import: bool = False,
) -> ItemChange:
    """Report an item's status and progress, with evidence.

    `completed_on` may only be given by a trusted caller (the import of an executive
    body's roadmap); a report on the web is dated the day it is made.
    """
    _require(actor, "programmes.report_item", item)
    item = (
        TrackedItem.objects.select_for_update()
        .select_related("programme", "region")
        .get(pk=item.pk)
    )
    if status == OVERDUE:
        raise ValidationError(
            {"status": _('"Overdue" follows from the dates and cannot be set by hand.')}
        )
    if status == Status.CANCELLED:
        raise ValidationError({"status": _("A moderator cancels an item, giving a public reason.")})
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if item.status == Status.CANCELLED:
        raise ValidationError(_("This item is cancelled; nothing more can be reported on it."))
    has_children = item.kind == TrackedItem.Kind.MEASURE and _live_children(item).exists()
    old = {"status": item.status, "progress": item.progress, "current_value": item.current_value}
    new_progress = item.progress if progress is None else _clean_progress(progress)
    if has_children and progress is not None and new_progress != item.progress:
        raise ValidationError(
            {"progress": _("A measure with sub-measures takes its progress from them.")}
        )
    if status == Status.DONE:
        new_progress = 100
        if has_children and _live_children(item).exclude(status=Status.DONE).exists():
            raise ValidationError(
                {"status": _("A measure is done when all its sub-measures are done or cancelled.")}
            )
    elif status == Status.PARTLY_DONE:
        if not has_children and not 1 <= new_progress <= 99:
            raise ValidationError(
                {"progress": _('"Partly done" needs progress between 1 and 99; 100 is "done".')}
            )
    elif status == Status.NOT_STARTED:
        if new_progress != 0 and not has_children:
            raise ValidationError({"progress": _("An item not started has progress 0.")})
    elif new_progress == 100 and not has_children:
        raise ValidationError({"progress": _("Progress 100 means done: report it as done.")})
    if has_children:
        # A parent's own progress field mirrors its parts (the ledger event shows it).
        new_progress = 100 if status == Status.DONE else min(round(item.rolled_up_progress), 99)
    pieces = _validate_evidence(evidence)
    new_round = status in DELIVERED_STATUSES and status != item.status
    if new_round and not pieces:
        raise ValidationError(
            _(
                '"Done" and "partly done" need evidence: a document, a photo or a link, with its date.'
            )
        )
    value = (
        _clean_decimal(current_value, "current_value")
        if current_value not in (None, "")
        else item.current_value
    )
    today = timezone.localdate()
    if completed_on is not None:
        if actor is not None:
            raise ValidationError(_("The delivery date is the day of the report."))
        if completed_on > today:
            raise ValidationError({"completed_on": _("The delivery date is in the future.")})
        if completed_on < item.start_date:
            raise ValidationError({"completed_on": _("The delivery date is before the start.")})
    difference: dict[str, list] = {}
    if status != old["status"]:
        difference["status"] = [old["status"], status]
    if new_progress != old["progress"]:
        difference["progress"] = [old["progress"], new_progress]
    if value != old["current_value"]:
        difference["current_value"] = [_json_value(old["current_value"]), _json_value(value)]
    if status in DELIVERED_STATUSES:
        delivered_on = completed_on or (item.completed_on if not new_round else None) or today
        if delivered_on != item.completed_on:
            difference["completed_on"] = [_json_value(item.completed_on), delivered_on.isoformat()]
        item.completed_on = delivered_on
    elif item.completed_on is not None:
        difference["completed_on"] = [item.completed_on.isoformat(), None]
        item.completed_on = None
    if not difference and not pieces and not note.strip():
        raise ValidationError(
            _("Nothing to report: change the status or progress, or add evidence or a comment.")
        )
    item.status = status
    item.progress = new_progress
    item.current_value = value
    _own_roll_up(item)
    if new_round:
        item.report_round += 1
        item.confirmations_yes = item.confirmations_partly = item.confirmations_no = 0
        item.confirmations_held = 0
        item.dispute_state = TrackedItem.DisputeState.NONE
    item.updated_at = timezone.now()
    item.save()
    role, person_id = _actor_role(actor, item.region_id, via_import=via_import)
    change = ItemChange.objects.create(
        item=item,
        kind=ItemChange.Kind.IMPORTED if via_import else ItemChange.Kind.REPORTED,
        actor=_user_or_none(actor),
        actor_person_id=person_id,
        actor_role=role,
        changes=difference,
        note=note.strip(),
    )
    _store_evidence(item, change, pieces)
    if "status" in difference or "progress" in difference:
        _status_event(item, old["status"], role, person_id)
        rollup_refresh(programme_ids=[item.programme_id])
    return change


@transaction.atomic
def item_cancel(*, actor, item: TrackedItem, reason: str, via_import: bool = False) -> ItemChange:
    """Cancel an item with a public reason (moderators and administrators)."""
    _require(actor, "programmes.cancel_item", item)
    item = (
        TrackedItem.objects.select_for_update()
        .select_related("programme", "region")
        .get(pk=item.pk)
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the public reason for the cancellation.")})
    if item.status == Status.CANCELLED:
        raise ValidationError(_("This item is already cancelled."))
    old_status = item.status
    item.status = Status.CANCELLED
    item.cancellation_reason = reason
    _own_roll_up(item)
    item.updated_at = timezone.now()
    item.save()
    role, person_id = _actor_role(actor, item.region_id, via_import=via_import)
    change = ItemChange.objects.create(
        item=item,
        kind=ItemChange.Kind.CANCELLED,
        actor=_user_or_none(actor),
        actor_person_id=person_id,
        actor_role=role,
        changes={"status": [old_status, Status.CANCELLED]},
        note=reason,
    )
    _status_event(item, old_status, role, person_id)
    rollup_refresh(programme_ids=[item.programme_id])
    return change


# --------------------------------------------------------------------------- roll-up
def rollup_refresh(*, programme_ids: Iterable[int] | None = None) -> int:
    """Recompute the roadmaps' rolled-up progress (all programmes when None).

    One query reads the whole forest of measures (never a query per node); the
    arithmetic is `rollup.roll_up`; only rows whose value changed are written, with one
    prepared UPDATE. Mandate items have no parts: their value is kept by the services
    that change them (`_own_roll_up`). Returns how many items and programmes changed.
    """
    caching.invalidate()
    items = TrackedItem.objects.filter(kind=TrackedItem.Kind.MEASURE)
    programmes = Programme.objects.all()
    if programme_ids is not None:
        ids = list(programme_ids)
        items = items.filter(programme_id__in=ids)
        programmes = programmes.filter(pk__in=ids)
    rows = list(
        items.values_list(
            "pk", "parent_id", "programme_id", "weight", "status", "progress", "rolled_up_progress"
        )
    )
    result = roll_up(Node(r[0], r[1], r[2], float(r[3]), r[4], r[5]) for r in rows)
    changed = []
    for pk, *_fields, old in rows:
        value = round(result.progress.get(pk, 0.0), 2)
        if abs(value - old) > 1e-9:
            changed.append((value, pk))
    _update_column(TrackedItem, "rolled_up_progress", changed)
    programme_changed = []
    for pk, old in programmes.values_list("pk", "progress"):
        value = round(result.programme_progress.get(pk, 0.0), 2)
        if abs(value - old) > 1e-9:
            programme_changed.append((value, pk))
    _update_column(Programme, "progress", programme_changed)
    return len(changed) + len(programme_changed)


def _update_column(model, column: str, pairs: list[tuple[float, int]]) -> None:
    """Set one float column on many rows with a few plain statements.

    bulk_update builds a CASE expression per row, which costs seconds for thousands of
    rows. SQLite runs in-process, so one prepared UPDATE with executemany is cheapest;
    PostgreSQL gets one UPDATE ... FROM (VALUES ...) per thousand rows instead of a
    round trip per row. Values are parameters; names come from the model.
    """
    if not pairs:
        return
    database = connections[router.db_for_write(model)]
    quote = database.ops.quote_name
    table, field = quote(model._meta.db_table), quote(model._meta.get_field(column).column)
    key = quote(model._meta.pk.column)
    with database.cursor() as cursor:
        if database.vendor != "postgresql":
            cursor.executemany(f"UPDATE {table} SET {field} = %s WHERE {key} = %s", pairs)  # noqa: S608
            return
        for first in range(0, len(pairs), 1000):
            chunk = pairs[first : first + 1000]
            values = ", ".join(["(%s::double precision, %s::bigint)"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {field} = v.value FROM (VALUES {values}) AS v(value, id) "  # noqa: S608
                f"WHERE {table}.{key} = v.id",
                [value for pair in chunk for value in pair],
            )


def _own_roll_up(item: TrackedItem) -> None:
    """A mandate item has no parts: its rolled-up progress is its own (not saved here)."""
    if item.kind != TrackedItem.Kind.MEASURE:
        item.rolled_up_progress = (
            0.0
            if item.status == Status.CANCELLED
            else 100.0
            if item.status == Status.DONE
            else float(item.progress)
        )


def item_refresh_deadlines() -> int:
    """Recompute every stored deadline from the planned dates and the calendar."""
    calendar = working_calendar()
    changed = []
    for pk, planned, deadline in TrackedItem.objects.values_list(
        "pk", "planned_end_date", "deadline"
    ):
        wanted = deadline_for(planned, calendar)
        if wanted != deadline:
            changed.append(TrackedItem(pk=pk, deadline=wanted))
    with transaction.atomic():
        TrackedItem.objects.bulk_update(changed, ["deadline"], batch_size=1000)
        caching.invalidate()
    return len(changed)


# --------------------------------------------------------------------------- mandates
@transaction.atomic
def mandate_register(
    *,
    actor,
    programme: Programme,
    source: str,
    source_date: date,
    topic: str,
    title_ru: str,
    title_kk: str = "",
    title_en: str = "",
    description_ru: str = "",
    description_kk: str = "",
    description_en: str = "",
    source_reference: str = "",
    district: District | None = None,
    code: str | None = None,
) -> Mandate:
    """Register a voters' mandate received at a meeting, primary, reception or appeal."""
    _require(actor, "programmes.register_mandate", programme)
    if source not in Mandate.Source.values:
        raise ValidationError({"source": _("Unknown source.")})
    if topic not in Topic.values:
        raise ValidationError({"topic": _("Unknown topic.")})
    if source_date > timezone.localdate():
        raise ValidationError({"source_date": _("The date is in the future.")})
    district = district or programme.district
    _validate_territory(programme, district)
    if not title_ru.strip():
        raise ValidationError({"title_ru": _("The title in Russian is required.")})
    mandate = Mandate(
        code=(code or f"pending-{uuid.uuid4().hex}").strip(),
        programme=programme,
        region_id=programme.region_id,
        district=district,
        source=source,
        source_date=source_date,
        source_reference=source_reference.strip(),
        topic=topic,
        title_ru=title_ru.strip(),
        title_kk=title_kk.strip(),
        title_en=title_en.strip(),
        description_ru=description_ru.strip(),
        description_kk=description_kk.strip(),
        description_en=description_en.strip(),
        registered_by=_user_or_none(actor),
    )
    if code and Mandate.objects.filter(code=mandate.code).exists():
        raise ValidationError({"code": _("This code is already used.")})
    mandate.search_text = mandate_search_text(mandate)
    mandate.full_clean(exclude=["code"] if code is None else None)
    mandate.save()
    if code is None:
        mandate.code = f"M{mandate.pk:06d}"
        mandate.search_text = mandate_search_text(mandate)
        mandate.save(update_fields=["code", "search_text"])
    caching.invalidate()
    return mandate


def _mandate_event(kind: str, mandate: Mandate, extra: dict[str, Any]) -> None:
    events.record(
        kind,
        {
            "mandate": mandate.code,
            "programme": mandate.programme.code,
            "region": mandate.region.code,
            "source": mandate.source,
            "topic": mandate.topic,
            **extra,
        },
    )


@transaction.atomic
def mandate_accept(
    *,
    actor,
    mandate: Mandate,
    measure: TrackedItem | None = None,
    monitors: Sequence[Person] = (),
    start_date: date | None = None,
    planned_end_date: date | None = None,
    weight: Decimal | int | str = 1,
    reason: str = "",
) -> Mandate:
    """Accept a mandate: fold it into an existing measure, or track it as its own item."""
    _require(actor, "programmes.decide_mandate", mandate)
    mandate = (
        Mandate.objects.select_for_update().select_related("programme", "region").get(pk=mandate.pk)
    )
    if mandate.state != Mandate.State.REGISTERED:
        raise ValidationError(_("This mandate has already been decided."))
    if measure is not None:
        if measure.kind != TrackedItem.Kind.MEASURE:
            raise ValidationError({"measure": _("Choose a roadmap measure.")})
        if measure.region_id != mandate.region_id or (
            measure.district_id is not None and measure.district_id != mandate.district_id
        ):
            raise ValidationError({"measure": _("The measure is in another territory.")})
        if measure.status == Status.CANCELLED:
            raise ValidationError({"measure": _("The measure is cancelled.")})
        item = measure
    else:
        if not monitors:
            raise ValidationError({"monitors": _("Name at least one deputy responsible for it.")})
        item = item_create(
            actor=None,
            programme=mandate.programme,
            kind=TrackedItem.Kind.MANDATE,
            code=mandate.code,
            title_ru=mandate.title_ru,
            title_kk=mandate.title_kk,
            title_en=mandate.title_en,
            description_ru=mandate.description_ru,
            description_kk=mandate.description_kk,
            description_en=mandate.description_en,
            topic=mandate.topic,
            district=mandate.district,
            monitors=monitors,
            start_date=start_date,
            planned_end_date=planned_end_date,
            weight=weight,
        )
        # item_create records the creation as "system"; say who decided instead.
        role, person_id = _actor_role(actor, mandate.region_id)
        item.changes.filter(kind=ItemChange.Kind.CREATED).update(
            actor=_user_or_none(actor), actor_role=role, actor_person_id=person_id
        )
    mandate.state = Mandate.State.ACCEPTED
    mandate.item = item
    mandate.decision_reason = reason.strip()
    mandate.decided_at = timezone.now()
    mandate.decided_by = _user_or_none(actor)
    mandate.save()
    caching.invalidate()
    _mandate_event(
        "programme.mandate.accepted",
        mandate,
        {"item": f"{item.programme.code}:{item.code}", "tracked_on_its_own": measure is None},
    )
    return mandate


@transaction.atomic
def mandate_decline(*, actor, mandate: Mandate, reason: str) -> Mandate:
    _require(actor, "programmes.decide_mandate", mandate)
    mandate = (
        Mandate.objects.select_for_update().select_related("programme", "region").get(pk=mandate.pk)
    )
    if mandate.state != Mandate.State.REGISTERED:
        raise ValidationError(_("This mandate has already been decided."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the public reason for declining it.")})
    mandate.state = Mandate.State.DECLINED
    mandate.decision_reason = reason
    mandate.decided_at = timezone.now()
    mandate.decided_by = _user_or_none(actor)
    mandate.save()
    caching.invalidate()
    _mandate_event("programme.mandate.declined", mandate, {"reason": reason})
    return mandate


# --------------------------------------------------------------------------- confirmations
def confirmation_refusal(user, item: TrackedItem) -> str | None:
    """Why this user may not confirm this item now, in words, or None if they may."""
    from halyq.programmes.visibility import visible_region_ids

    if not user.is_authenticated:
        return _("Sign in to confirm.")
    if item.region_id not in visible_region_ids(user):
        return _("This item is not published.")
    if item.status not in DELIVERED_STATUSES:
        return _("Only a delivery reported as done or partly done can be confirmed.")
    if user.email_confirmed_at is None:
        return _("Confirm your email address first.")
    if user.region_id != item.region_id or (
        item.district_id is not None and user.district_id != item.district_id
    ):
        return _("Only residents of this territory can confirm it.")
    if user.person_id is not None and user.person_id in monitor_ids(item):
        return _("The deputies responsible for an item cannot confirm it.")
    if Confirmation.objects.filter(item=item, round=item.report_round, user=user).exists():
        return _("You have already answered for this report.")
    return None


def _recount(item: TrackedItem) -> None:
    counts = Confirmation.objects.filter(item=item, round=item.report_round).aggregate(
        yes=Count("pk", filter=Q(state=Confirmation.State.COUNTED, answer=Confirmation.Answer.YES)),
        partly=Count(
            "pk", filter=Q(state=Confirmation.State.COUNTED, answer=Confirmation.Answer.PARTLY)
        ),
        no=Count("pk", filter=Q(state=Confirmation.State.COUNTED, answer=Confirmation.Answer.NO)),
        held=Count("pk", filter=Q(state=Confirmation.State.HELD)),
    )
    item.confirmations_yes = counts["yes"]
    item.confirmations_partly = counts["partly"]
    item.confirmations_no = counts["no"]
    item.confirmations_held = counts["held"]
    fields = ["confirmations_yes", "confirmations_partly", "confirmations_no", "confirmations_held"]
    counted = counts["yes"] + counts["partly"] + counts["no"]
    minimum = _setting("HALYQ_PROGRAMMES_DISPUTE_MIN_CONFIRMATIONS", 5)
    if (
        item.dispute_state == TrackedItem.DisputeState.NONE
        and item.status in DELIVERED_STATUSES
        and counted >= minimum
        and counts["no"] * 2 > counted
    ):
        DisputeReview.objects.create(
            item=item,
            round=item.report_round,
            yes_at_opening=counts["yes"],
            partly_at_opening=counts["partly"],
            no_at_opening=counts["no"],
        )
        item.dispute_state = TrackedItem.DisputeState.OPEN
        fields.append("dispute_state")
    item.save(update_fields=fields)
    caching.invalidate()


def _confirmation_event(kind: str, confirmation: Confirmation, item: TrackedItem) -> None:
    events.record(
        kind,
        {
            "confirmation": int(confirmation.pk),
            "item": f"{item.programme.code}:{item.code}",
            "round": int(confirmation.round),
            "answer": confirmation.answer,
            "citizen": events.citizen_pseudonym(confirmation.user_id),
        },
    )


@transaction.atomic
def confirmation_submit(*, user, item: TrackedItem, answer: str, photo=None) -> Confirmation:
    """A resident's answer to "is it really delivered?" (yes / partly / no)."""
    item = (
        TrackedItem.objects.select_for_update()
        .select_related("programme", "region")
        .get(pk=item.pk)
    )
    refusal = confirmation_refusal(user, item)
    if refusal:
        raise ValidationError(refusal, code="refused")
    if answer not in Confirmation.Answer.values:
        raise ValidationError({"answer": _("Choose yes, partly or no.")})
    clean = clean_photo(photo) if photo is not None else None
    now = timezone.now()
    young_since = now - timedelta(days=_setting("HALYQ_PROGRAMMES_NEW_ACCOUNT_DAYS", 14))
    confirmation = Confirmation(
        item=item, round=item.report_round, user=user, answer=answer, created_at=now
    )
    if clean is not None:
        confirmation.photo.save(clean.content.name, clean.content, save=False)
    burst: list[Confirmation] = []
    if user.date_joined > young_since:
        window_start = now - timedelta(hours=_setting("HALYQ_PROGRAMMES_BURST_HOURS", 24))
        recent_young = list(
            Confirmation.objects.select_for_update()
            .filter(
                item=item,
                round=item.report_round,
                created_at__gte=window_start,
                user__date_joined__gt=young_since,
            )
            .exclude(state=Confirmation.State.EXCLUDED)
        )
        if len(recent_young) + 1 >= _setting("HALYQ_PROGRAMMES_BURST_COUNT", 5):
            confirmation.state = Confirmation.State.HELD
            burst = [c for c in recent_young if c.state == Confirmation.State.COUNTED]
    try:
        with transaction.atomic():
            confirmation.save()
    except IntegrityError:
        raise ValidationError(
            _("You have already answered for this report."), code="refused"
        ) from None
    for earlier in burst:
        earlier.state = Confirmation.State.HELD
        earlier.save(update_fields=["state"])
        _confirmation_event("programme.confirmation.held", earlier, item)
    _confirmation_event(
        "programme.confirmation.held"
        if confirmation.state == Confirmation.State.HELD
        else "programme.confirmation.counted",
        confirmation,
        item,
    )
    _recount(item)
    return confirmation


@transaction.atomic
def confirmation_decide(*, actor, confirmation: Confirmation, count: bool) -> Confirmation:
    """The moderator restores a held confirmation (count=True) or excludes it."""
    _require(actor, "programmes.decide_confirmation", confirmation)
    confirmation = Confirmation.objects.select_for_update().get(pk=confirmation.pk)
    if confirmation.state != Confirmation.State.HELD:
        raise ValidationError(_("This confirmation is not held for review."))
    item = (
        TrackedItem.objects.select_for_update()
        .select_related("programme", "region")
        .get(pk=confirmation.item_id)
    )
    confirmation.state = Confirmation.State.COUNTED if count else Confirmation.State.EXCLUDED
    confirmation.decided_at = timezone.now()
    confirmation.decided_by = _user_or_none(actor)
    confirmation.save(update_fields=["state", "decided_at", "decided_by"])
    _confirmation_event(
        "programme.confirmation.restored" if count else "programme.confirmation.excluded",
        confirmation,
        item,
    )
    if confirmation.round == item.report_round:
        _recount(item)
    return confirmation


@transaction.atomic
def review_decide(
    *,
    actor,
    review: DisputeReview,
    upheld: bool,
    reason: str,
    status_after: str | None = None,
    progress: int | None = None,
) -> DisputeReview:
    """The moderator's decision on a disputed delivery, logged with a public reason.

    Upheld: the delivery stands. Overturned: the item goes back to `status_after`
    (in progress, stalled or partly done) with `progress` (by default what it had,
    at most 99).
    """
    _require(actor, "programmes.decide_review", review)
    review = DisputeReview.objects.select_for_update().get(pk=review.pk)
    if review.decision != DisputeReview.Decision.PENDING:
        raise ValidationError(_("This dispute has already been decided."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the public reason for the decision.")})
    item = (
        TrackedItem.objects.select_for_update()
        .select_related("programme", "region")
        .get(pk=review.item_id)
    )
    old_status = item.status
    difference: dict[str, list] = {}
    if upheld:
        review.decision = DisputeReview.Decision.UPHELD
        item.dispute_state = TrackedItem.DisputeState.UPHELD
    else:
        allowed = {Status.IN_PROGRESS, Status.STALLED, Status.PARTLY_DONE}
        if status_after not in allowed:
            raise ValidationError(
                {
                    "status_after": _(
                        "Choose what the item goes back to: in progress, stalled or partly done."
                    )
                }
            )
        new_progress = min(item.progress, 99) if progress is None else _clean_progress(progress)
        if status_after == Status.PARTLY_DONE and not 1 <= new_progress <= 99:
            raise ValidationError(
                {"progress": _('"Partly done" needs progress between 1 and 99; 100 is "done".')}
            )
        if new_progress == 100:
            raise ValidationError({"progress": _("Progress 100 means done: report it as done.")})
        review.decision = DisputeReview.Decision.OVERTURNED
        review.status_after = status_after
        difference["status"] = [old_status, status_after]
        if new_progress != item.progress:
            difference["progress"] = [item.progress, new_progress]
        if status_after != Status.PARTLY_DONE and item.completed_on is not None:
            difference["completed_on"] = [item.completed_on.isoformat(), None]
            item.completed_on = None
        item.status = status_after
        item.progress = new_progress
        _own_roll_up(item)
        item.dispute_state = TrackedItem.DisputeState.OVERTURNED
    caching.invalidate()
    review.reason = reason
    review.decided_at = timezone.now()
    review.decided_by = _user_or_none(actor)
    review.save()
    item.updated_at = timezone.now()
    item.save()
    role, _person = _actor_role(actor, item.region_id)
    ItemChange.objects.create(
        item=item,
        kind=ItemChange.Kind.REVIEWED,
        actor=_user_or_none(actor),
        actor_role=role,
        changes=difference,
        note=reason,
    )
    events.record(
        "programme.review.decided",
        {
            "review": int(review.pk),
            "item": f"{item.programme.code}:{item.code}",
            "round": int(review.round),
            "decision": review.decision,
            "status_after": item.status,
            "yes": int(review.yes_at_opening),
            "partly": int(review.partly_at_opening),
            "no": int(review.no_at_opening),
        },
    )
    if not upheld:
        _status_event(item, old_status, role, None)
        rollup_refresh(programme_ids=[item.programme_id])
    return review
