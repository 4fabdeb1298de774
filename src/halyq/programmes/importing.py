"""Import of roadmaps from the executive bodies' spreadsheets: `halyq import roadmap FILE`.

Rules (docs/roadmap-import.md lists the columns):
- CSV (UTF-8, `,` or `;`) and XLSX, headers in English, Russian or Kazakh; the reading
  and the problem format are the people import's (`directory.importing`).
- Every row is validated against the database and the rest of the file before
  anything is written. One problem anywhere means nothing is imported; every problem
  is reported with its row and column.
- Items are matched on (programme, code). A new code creates a measure; a known one
  updates it. Every change goes through the services, so it is validated again and
  recorded in the item's history as "updated by import" (with the evidence link), and
  its status change reaches the ledger. Re-importing the same file changes nothing.
- The programme must exist (moderators create programmes); the region (and district)
  named on a row must be the programme's territory.
- Rows are applied parents first (so a new sub-measure finds its new parent) and
  statuses children first (so a parent can be reported done after its parts).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from halyq.directory.importing import (
    ImportFailed,
    ImportReport,
    Problem,
    _parse_date,
    _region_aliases,
    read_table,
)
from halyq.directory.models import District, Person, Region
from halyq.directory.search import search_key
from halyq.programmes import services
from halyq.programmes.evidence import EvidenceInput
from halyq.programmes.models import OVERDUE, Evidence, Programme, Status, Topic, TrackedItem
from halyq.programmes.rollup import find_cycle

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "programme": ("programme", "program", "программа", "бағдарлама", "код программы"),
    "code": ("code", "код", "коды", "номер", "№", "n"),
    "parent": ("parent", "parent_code", "входит в", "родитель", "құрамында"),
    "scope": ("scope", "уровень", "деңгейі"),
    "topic": ("topic", "тема", "тақырып", "сфера"),
    "title_ru": ("title_ru", "наименование", "мероприятие", "атауы (орыс.)"),
    "title_kk": ("title_kk", "наименование (каз.)", "атауы", "іс-шара"),
    "title_en": ("title_en", "title", "наименование (англ.)", "атауы (ағыл.)"),
    "description_ru": ("description_ru", "описание", "сипаттамасы (орыс.)"),
    "description_kk": ("description_kk", "описание (каз.)", "сипаттамасы"),
    "description_en": ("description_en", "description", "описание (англ.)"),
    "region": ("region", "регион", "область", "өңір", "облыс"),
    "district": ("district", "район", "аудан"),
    "executive_body_ru": (
        "executive_body_ru",
        "executive_body",
        "исполнитель",
        "ответственный орган",
    ),
    "executive_body_kk": ("executive_body_kk", "исполнитель (каз.)", "орындаушы"),
    "executive_body_en": ("executive_body_en", "исполнитель (англ.)"),
    "monitors": ("monitors", "депутаты", "ответственные депутаты", "депутаттар"),
    "weight": ("weight", "вес", "салмағы"),
    "start_date": ("start_date", "start", "начало", "срок начала", "басталуы"),
    "planned_end_date": (
        "planned_end_date",
        "end",
        "срок исполнения",
        "срок",
        "окончание",
        "мерзімі",
        "аяқталуы",
    ),
    "indicator_ru": ("indicator_ru", "indicator", "показатель", "көрсеткіш (орыс.)"),
    "indicator_kk": ("indicator_kk", "показатель (каз.)", "көрсеткіш"),
    "indicator_en": ("indicator_en", "показатель (англ.)"),
    "unit_ru": ("unit_ru", "unit", "единица", "ед. изм.", "өлшем бірлігі (орыс.)"),
    "unit_kk": ("unit_kk", "единица (каз.)", "өлшем бірлігі"),
    "unit_en": ("unit_en", "единица (англ.)"),
    "target_value": ("target_value", "target", "целевое значение", "план", "жоспар"),
    "current_value": ("current_value", "current", "текущее значение", "факт"),
    "status": ("status", "статус", "мәртебесі", "состояние"),
    "progress": ("progress", "процент", "прогресс", "%", "орындалуы"),
    "completed_on": ("completed_on", "дата исполнения", "орындалған күні"),
    "cancellation_reason": ("cancellation_reason", "причина отмены", "тоқтату себебі"),
    "evidence_url": ("evidence_url", "evidence", "подтверждение", "ссылка", "дәлел"),
    "evidence_date": ("evidence_date", "дата подтверждения", "дәлел күні"),
    "note": ("note", "примечание", "комментарий", "ескерту"),
}
REQUIRED_COLUMNS = ("programme", "code", "title_ru", "region", "start_date", "planned_end_date")
STATUS_ALIASES = {
    **{value: value for value in Status.values},
    "не начато": Status.NOT_STARTED,
    "не начат": Status.NOT_STARTED,
    "басталмаған": Status.NOT_STARTED,
    "в работе": Status.IN_PROGRESS,
    "в процессе": Status.IN_PROGRESS,
    "исполняется": Status.IN_PROGRESS,
    "орындалуда": Status.IN_PROGRESS,
    "исполнено": Status.DONE,
    "выполнено": Status.DONE,
    "орындалды": Status.DONE,
    "частично исполнено": Status.PARTLY_DONE,
    "частично выполнено": Status.PARTLY_DONE,
    "ішінара орындалды": Status.PARTLY_DONE,
    "приостановлено": Status.STALLED,
    "тоқтатылды": Status.STALLED,
    "отменено": Status.CANCELLED,
    "күші жойылды": Status.CANCELLED,
}
OVERDUE_WORDS = {OVERDUE, "просрочено", "мерзімі өтті"}
SCOPE_ALIASES = {
    "national": TrackedItem.Scope.NATIONAL,
    "республиканское": TrackedItem.Scope.NATIONAL,
    "общенациональное": TrackedItem.Scope.NATIONAL,
    "республикалық": TrackedItem.Scope.NATIONAL,
    "regional": TrackedItem.Scope.REGIONAL,
    "региональное": TrackedItem.Scope.REGIONAL,
    "өңірлік": TrackedItem.Scope.REGIONAL,
}
_CODE_PATTERN = re.compile(r"^[\w.\-/]{1,64}$")
TEXT_LIMITS = {
    "title": 300,
    "executive_body": 255,
    "indicator": 255,
    "unit": 32,
}
DETAIL_FIELDS = (
    "title_ru",
    "title_kk",
    "title_en",
    "description_ru",
    "description_kk",
    "description_en",
    "executive_body_ru",
    "executive_body_kk",
    "executive_body_en",
    "indicator_ru",
    "indicator_kk",
    "indicator_en",
    "unit_ru",
    "unit_kk",
    "unit_en",
)


@dataclass
class RoadmapRow:
    line: int
    programme: Programme
    code: str
    parent_code: str
    district: District | None
    details: dict[str, Any]
    monitors: list[Person]
    start_date: date
    planned_end_date: date
    weight: Decimal
    target_value: Decimal | None
    current_value: Decimal | None
    status: str | None
    progress: int | None
    completed_on: date | None
    cancellation_reason: str
    evidence_url: str
    evidence_date: date | None
    note: str
    present: frozenset[str] = frozenset()
    existing: TrackedItem | None = None
    problems: list[Problem] = field(default_factory=list)


def _decimal(text: str) -> Decimal:
    number = Decimal(text.replace(" ", "").replace(",", "."))
    if not number.is_finite():
        raise InvalidOperation
    return number


def _topic(text: str) -> str | None:
    lowered = text.lower()
    for value, label in Topic.choices:
        if lowered in {value, str(label).lower()}:
            return value
    return None


def validate_rows(rows) -> tuple[list[RoadmapRow], list[Problem]]:
    """Check every row against the database and the rest of the file."""
    rows = list(rows)
    programmes = {p.code: p for p in Programme.objects.select_related("region", "district")}
    regions = {r.code: r for r in Region.objects.all()}
    regions_by_name = {alias: r for r in regions.values() for alias in _region_aliases(r)}
    districts = {d.code: d for d in District.objects.all()}
    districts_by_name = {}
    for district in districts.values():
        for name in (district.name_ru, district.name_kk, district.name_en):
            districts_by_name[(district.region_id, search_key(name))] = district
    tokens = {
        token.strip()
        for _line, row in rows
        for token in re.split(r"[;,\n]", row.get("monitors", ""))
        if token.strip()
    }
    uuids = set()
    for token in tokens:
        try:
            uuids.add(uuid.UUID(token))
        except ValueError:
            continue
    people_by_key = {p.external_key: p for p in Person.objects.filter(external_key__in=tokens)}
    people_by_key.update({str(p.public_id): p for p in Person.objects.filter(public_id__in=uuids)})
    territories = services.deputy_territories(p.pk for p in people_by_key.values())
    existing = {
        (item.programme_id, item.code): item
        for item in TrackedItem.objects.filter(
            programme__code__in={row.get("programme", "") for _line, row in rows}
        )
    }
    existing_evidence = {
        (item_id, url)
        for item_id, url in Evidence.objects.filter(
            item__in=existing.values(), kind="link"
        ).values_list("item_id", "url")
    }
    validator = URLValidator(schemes=["http", "https"])
    today = timezone.localdate()

    valid: list[RoadmapRow] = []
    problems: list[Problem] = []
    first_line: dict[tuple[str, str], int] = {}
    for line, row in rows:
        row_problems: list[Problem] = []

        def problem(column: str, message: str, line=line, row_problems=row_problems) -> None:
            row_problems.append(Problem(line, column, message))

        programme = programmes.get(row.get("programme", ""))
        if programme is None:
            problem(
                "programme",
                f"unknown programme '{row.get('programme', '')}'; a moderator creates it first",
            )
        code = row.get("code", "")
        if not code:
            problem("code", "empty code")
        elif not _CODE_PATTERN.match(code):
            problem("code", "a code has letters, digits, '.', '-', '/' only, up to 64 characters")
        elif (row.get("programme", ""), code) in first_line:
            problem(
                "code",
                f"duplicate item: code '{code}' is already on row "
                f"{first_line[(row.get('programme', ''), code)]}",
            )
        else:
            first_line[(row.get("programme", ""), code)] = line
        region_text = row.get("region", "")
        region = regions.get(
            region_text.zfill(2) if region_text.isdigit() else ""
        ) or regions_by_name.get(search_key(region_text))
        if region is None:
            problem(
                "region", f"unknown region '{region_text}'; use its KATO code, e.g. 71 for Astana"
            )
        elif programme is not None and region.pk != programme.region_id:
            problem("region", f"the programme '{programme.code}' is for another region")
        district = None
        district_text = row.get("district", "")
        if district_text:
            district = districts.get(district_text) or (
                districts_by_name.get((region.pk, search_key(district_text))) if region else None
            )
            if district is None:
                problem("district", f"unknown district '{district_text}'; use its KATO code")
            elif region is not None and district.region_id != region.pk:
                problem("district", f"the district '{district_text}' is not in the region")
        if programme is not None and programme.district_id is not None:
            if district is None and not district_text:
                district = programme.district
            elif district is not None and district.pk != programme.district_id:
                problem("district", "a district programme's items are in its own district")
        details = {name: row.get(name, "") for name in DETAIL_FIELDS}
        if not details["title_ru"]:
            problem("title_ru", "empty title")
        for name, value in details.items():
            limit = TEXT_LIMITS.get(name.rsplit("_", 1)[0])
            if limit and len(value) > limit:
                problem(name, f"longer than {limit} characters")
        scope_text = row.get("scope", "").lower()
        if scope_text:
            scope = SCOPE_ALIASES.get(scope_text)
            if scope is None:
                problem("scope", f"unknown scope '{row['scope']}'; use national or regional")
            else:
                details["scope"] = scope
        topic_text = row.get("topic", "")
        if topic_text:
            topic = _topic(topic_text)
            if topic is None:
                problem(
                    "topic", f"unknown topic '{topic_text}'; use one of {', '.join(Topic.values)}"
                )
            else:
                details["topic"] = topic
        dates: dict[str, date | None] = {}
        for column in ("start_date", "planned_end_date", "completed_on", "evidence_date"):
            text = row.get(column, "")
            dates[column] = None
            if text:
                try:
                    dates[column] = _parse_date(text)
                except ValueError:
                    problem(column, f"bad date '{text}'; use YYYY-MM-DD or DD.MM.YYYY")
            elif column in REQUIRED_COLUMNS:
                problem(column, "empty date")
        start, end = dates["start_date"], dates["planned_end_date"]
        if start and end and end < start:
            problem("planned_end_date", "the planned completion date is before the start")
        numbers: dict[str, Decimal | None] = {}
        for column in ("weight", "target_value", "current_value"):
            text = row.get(column, "")
            numbers[column] = None
            if text:
                try:
                    numbers[column] = _decimal(text)
                except InvalidOperation:
                    problem(column, f"not a number: '{text}'")
        weight = numbers["weight"] if numbers["weight"] is not None else Decimal(1)
        if weight <= 0:
            problem("weight", "the weight must be greater than 0")
        status = None
        status_text = row.get("status", "").strip().lower()
        if status_text:
            if status_text in OVERDUE_WORDS:
                problem(
                    "status",
                    "overdue follows from the dates and cannot be set; give the real status",
                )
            else:
                status = STATUS_ALIASES.get(status_text)
                if status is None:
                    problem("status", f"unknown status '{row['status']}'")
        progress = None
        progress_text = row.get("progress", "").strip().rstrip("%").strip()
        if progress_text:
            try:
                value = float(progress_text.replace(",", "."))
            except ValueError:
                value = None
            if value is None or not value.is_integer():
                problem(
                    "progress", f"progress is a whole number from 0 to 100, not '{row['progress']}'"
                )
            elif not 0 <= value <= 100:
                problem("progress", f"progress {int(value)} is outside 0-100")
            else:
                progress = int(value)
        if status == Status.DONE and progress not in (None, 100):
            problem("progress", "a done item has progress 100")
        if status == Status.PARTLY_DONE and (progress is None or not 1 <= progress <= 99):
            problem("progress", "partly done needs progress between 1 and 99")
        if status == Status.NOT_STARTED and progress not in (None, 0):
            problem("progress", "an item not started has progress 0")
        if status in (Status.IN_PROGRESS, Status.STALLED) and progress == 100:
            problem("progress", "progress 100 means done: give the status done")
        evidence_url = row.get("evidence_url", "")
        if evidence_url:
            try:
                validator(evidence_url)
            except ValidationError:
                problem(
                    "evidence_url", "the evidence link must be a full http:// or https:// address"
                )
            if dates["evidence_date"] is None and not row.get("evidence_date"):
                problem("evidence_date", "give the date of the evidence")
        if dates["evidence_date"] and dates["evidence_date"] > today:
            problem("evidence_date", "the evidence date is in the future")
        completed_on = dates["completed_on"]
        if completed_on is not None:
            if status not in (Status.DONE, Status.PARTLY_DONE):
                problem("completed_on", "only a done or partly done item has a delivery date")
            elif completed_on > today:
                problem("completed_on", "the delivery date is in the future")
            elif start and completed_on < start:
                problem("completed_on", "the delivery date is before the start")
        reason = row.get("cancellation_reason", "")
        if status == Status.CANCELLED and not reason:
            problem("cancellation_reason", "a cancelled item needs the public reason")
        monitors: list[Person] = []
        for token in (t.strip() for t in re.split(r"[;,\n]", row.get("monitors", ""))):
            if not token:
                continue
            person = people_by_key.get(token)
            if person is None:
                problem("monitors", f"unknown deputy '{token}' (use the import key or public id)")
                continue
            if region is not None:
                refusal = services.monitor_territory_problem(
                    person,
                    territories.get(person.pk),
                    region.pk,
                    district.pk if district else None,
                )
                if refusal:
                    problem("monitors", f"'{token}': {refusal}")
            monitors.append(person)
        item = existing.get((programme.pk, code)) if programme is not None else None
        if item is not None:
            if item.kind != TrackedItem.Kind.MEASURE:
                problem("code", f"'{code}' is a voters' mandate, not a roadmap measure")
            elif item.status == Status.CANCELLED and status not in (None, Status.CANCELLED):
                problem("status", "the item is cancelled and cannot be reopened")
        delivered_now = status in (Status.DONE, Status.PARTLY_DONE)
        status_changes = item is None or (status is not None and status != item.status)
        if delivered_now and status_changes and not evidence_url:
            problem("evidence_url", "done and partly done need evidence: give a link and its date")
        if row_problems:
            problems += row_problems
            continue
        valid.append(
            RoadmapRow(
                line=line,
                programme=programme,
                code=code,
                parent_code=row.get("parent", ""),
                district=district,
                details=details,
                monitors=monitors,
                start_date=start,
                planned_end_date=end,
                weight=weight,
                target_value=numbers["target_value"],
                current_value=numbers["current_value"],
                status=status,
                progress=progress,
                completed_on=completed_on,
                cancellation_reason=reason,
                evidence_url=evidence_url
                if not (item and (item.pk, evidence_url) in existing_evidence)
                else "",
                evidence_date=dates["evidence_date"],
                note=row.get("note", ""),
                present=frozenset(row),
                existing=item,
            )
        )
    problems += _check_tree(valid, existing)
    return valid, problems


def _check_tree(rows: list[RoadmapRow], existing: dict) -> list[Problem]:
    """Parents exist, are measures of the same programme, and the tree has no cycle."""
    problems = []
    by_programme: dict[int, dict[str, RoadmapRow]] = {}
    for row in rows:
        by_programme.setdefault(row.programme.pk, {})[row.code] = row
    stored = {}
    for (programme_id, code), item in existing.items():
        stored.setdefault(programme_id, {})[code] = item
    for programme_id, in_file in by_programme.items():
        in_db = stored.get(programme_id, {})
        parent_of: dict[str, str | None] = {}
        codes_by_pk = {item.pk: code for code, item in in_db.items()}
        for code, item in in_db.items():
            parent_of[code] = codes_by_pk.get(item.parent_id)
        for code, row in in_file.items():
            if row.parent_code:
                if row.parent_code == code:
                    problems.append(Problem(row.line, "parent", "an item cannot be part of itself"))
                    continue
                parent = in_file.get(row.parent_code)
                if parent is None and row.parent_code not in in_db:
                    problems.append(
                        Problem(
                            row.line,
                            "parent",
                            f"unknown parent '{row.parent_code}' in this programme",
                        )
                    )
                    continue
                if parent is None and in_db[row.parent_code].kind != TrackedItem.Kind.MEASURE:
                    problems.append(Problem(row.line, "parent", "the parent is not a measure"))
                    continue
            parent_of[code] = row.parent_code or None
        cycle = find_cycle(parent_of)
        if cycle:
            first = next((in_file[c] for c in cycle if c in in_file), None)
            problems.append(
                Problem(
                    first.line if first else None,
                    "parent",
                    f"the roadmap would have a cycle: {' → '.join(str(c) for c in cycle)}",
                )
            )
        # A measure reported done needs every live part done, in the file's final state.
        final_status = {code: item.status for code, item in in_db.items()}
        final_status.update(
            {code: row.status or final_status.get(code) for code, row in in_file.items()}
        )
        for code, row in in_file.items():
            if row.status != Status.DONE:
                continue
            parts = [c for c, parent in parent_of.items() if parent == code]
            unfinished = [
                c for c in parts if final_status.get(c) not in (Status.DONE, Status.CANCELLED)
            ]
            if unfinished:
                problems.append(
                    Problem(
                        row.line,
                        "status",
                        f"done needs all parts done or cancelled; not yet: {', '.join(sorted(unfinished)[:5])}",
                    )
                )
    return problems


def _depth_order(rows: list[RoadmapRow]) -> list[RoadmapRow]:
    """Rows sorted so that a parent in the file comes before its parts."""
    by_key = {(row.programme.pk, row.code): row for row in rows}

    def depth(row: RoadmapRow) -> int:
        steps, seen = 0, set()
        current = row
        while current.parent_code and (current.programme.pk, current.parent_code) in by_key:
            key = (current.programme.pk, current.parent_code)
            if key in seen:
                break
            seen.add(key)
            current = by_key[key]
            steps += 1
        return steps

    return sorted(rows, key=lambda row: (depth(row), row.line))


def _apply(row: RoadmapRow, report: ImportReport, items: dict) -> bool:
    """Create or update one item's details; True if anything changed."""
    programme = row.programme
    parent = items.get((programme.pk, row.parent_code)) if row.parent_code else None
    fields = {
        **row.details,
        "district": row.district,
        "start_date": row.start_date,
        "planned_end_date": row.planned_end_date,
        "weight": row.weight,
        "target_value": row.target_value,
        "parent": parent,
    }
    if row.existing is None:
        title_ru = fields.pop("title_ru")
        fields.pop("district")
        item = services.item_create(
            actor=None,
            programme=programme,
            code=row.code,
            title_ru=title_ru,
            district=row.district,
            monitors=row.monitors,
            via_import=True,
            **fields,
        )
        items[(programme.pk, row.code)] = item
        report.created += 1
        return True
    optional = {
        "district": "district",
        "weight": "weight",
        "target_value": "target_value",
        "parent": "parent",
        "scope": "scope",
        "topic": "topic",
        **{name: name for name in DETAIL_FIELDS},
    }
    # A column missing from the file leaves the field as it is.
    updates = {
        key: value
        for key, value in fields.items()
        if key not in optional or optional[key] in row.present
    }
    change = services.item_update(
        actor=None,
        item=row.existing,
        monitors=row.monitors if "monitors" in row.present else None,
        via_import=True,
        **updates,
    )
    items[(programme.pk, row.code)] = TrackedItem.objects.get(pk=row.existing.pk)
    return change is not None


def _apply_status(row: RoadmapRow, item: TrackedItem) -> bool:
    if row.status is None and row.progress is None and row.current_value is None:
        return False
    status = row.status or item.status
    if status == Status.CANCELLED:
        if item.status == Status.CANCELLED:
            return False
        services.item_cancel(actor=None, item=item, reason=row.cancellation_reason, via_import=True)
        return True
    has_children = item.children.exclude(status=Status.CANCELLED).exists()
    progress = row.progress
    if status == Status.DONE:
        progress = 100
    if has_children:
        progress = None
    unchanged = (
        status == item.status
        and (progress is None or progress == item.progress)
        and (row.current_value is None or row.current_value == item.current_value)
        and not row.evidence_url
    )
    if unchanged:
        return False
    evidence = (
        [EvidenceInput(evidence_date=row.evidence_date, url=row.evidence_url)]
        if row.evidence_url
        else []
    )
    services.item_report(
        actor=None,
        item=item,
        status=status,
        progress=progress,
        current_value=row.current_value,
        note=row.note,
        evidence=evidence,
        completed_on=row.completed_on if status in (Status.DONE, Status.PARTLY_DONE) else None,
        via_import=True,
    )
    return True


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def roadmap_import(path: Path) -> ImportReport:
    """Import a roadmap all-or-nothing; raises ImportFailed with every problem found."""
    if not path.exists():
        raise ImportFailed([Problem(None, None, f"file not found: {path}")])
    table = list(read_table(path, aliases=COLUMN_ALIASES, required=REQUIRED_COLUMNS, cell=_cell))
    rows, problems = validate_rows(table)
    if problems:
        raise ImportFailed(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    if not rows:
        raise ImportFailed([Problem(None, None, "the file has a header but no rows")])
    report = ImportReport()
    items: dict[tuple[int, str], TrackedItem] = {
        (row.programme.pk, row.existing.code): row.existing for row in rows if row.existing
    }
    for item in TrackedItem.objects.filter(programme__in={row.programme.pk for row in rows}):
        items.setdefault((item.programme_id, item.code), item)
    ordered = _depth_order(rows)
    with transaction.atomic():
        changed: dict[int, bool] = {}
        for row in ordered:
            try:
                changed[row.line] = _apply(row, report, items)
            except ValidationError as error:
                raise ImportFailed([Problem(row.line, None, " ".join(error.messages))]) from None
        for row in reversed(ordered):
            item = TrackedItem.objects.get(pk=items[(row.programme.pk, row.code)].pk)
            try:
                changed[row.line] = _apply_status(row, item) or changed[row.line]
            except ValidationError as error:
                raise ImportFailed([Problem(row.line, None, " ".join(error.messages))]) from None
        for row in rows:
            if row.existing is None:
                continue
            if changed[row.line]:
                report.updated += 1
            else:
                report.unchanged += 1
    return report
