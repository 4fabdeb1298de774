"""Import of deputy and reserve lists from the regional branches' spreadsheets.

Rules:
- CSV (UTF-8, with or without BOM; `,` or `;`) and XLSX are accepted. Headers may be
  in English, Russian or Kazakh (see COLUMN_ALIASES); docs/import.md lists them.
- Every row is validated before anything is written. One problem anywhere means
  nothing is imported, and every problem is reported with its row and column.
- Each person is matched on the stable `key` column, so re-importing the same file
  changes nothing, and an updated file updates the people it names.
- Posts are history: a changed post ends the old membership and starts a new one.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from halyq.directory.models import Membership, Organization, Person, Region
from halyq.directory.search import search_key
from halyq.directory.services import person_refresh_search_text

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "key": ("key", "id", "ключ", "кілт", "идентификатор"),
    "kind": ("kind", "type", "тип", "түрі", "категория", "санаты"),
    "family_name_ru": ("family_name_ru", "фамилия", "тегі (орыс.)", "surname_ru"),
    "given_name_ru": ("given_name_ru", "имя", "аты (орыс.)", "name_ru"),
    "patronymic_ru": ("patronymic_ru", "отчество", "әкесінің аты (орыс.)"),
    "family_name_kk": ("family_name_kk", "фамилия (каз.)", "тегі"),
    "given_name_kk": ("given_name_kk", "имя (каз.)", "аты"),
    "patronymic_kk": ("patronymic_kk", "отчество (каз.)", "әкесінің аты"),
    "family_name_en": ("family_name_en", "фамилия (англ.)", "тегі (ағыл.)", "surname"),
    "given_name_en": ("given_name_en", "имя (англ.)", "аты (ағыл.)", "given name"),
    "region": ("region", "регион", "область", "өңір", "облыс"),
    "organization": ("organization", "organisation", "орган", "организация", "ұйым"),
    "faction": ("faction", "фракция"),
    "role": ("role", "должность", "роль", "лауазымы"),
    "start_date": ("start_date", "from", "с", "дата начала", "басталған күні"),
    "email": ("email", "e-mail", "почта", "пошта"),
}
REQUIRED_COLUMNS = ("key", "kind", "family_name_ru", "given_name_ru", "region")
KIND_ALIASES = {
    "deputy": Person.Kind.DEPUTY,
    "депутат": Person.Kind.DEPUTY,
    "reserve": Person.Kind.RESERVE,
    "резерв": Person.Kind.RESERVE,
    "кадровый резерв": Person.Kind.RESERVE,
    "кадрлық резерв": Person.Kind.RESERVE,
}
_KEY_PATTERN = re.compile(r"^[\w.\-/]{1,64}$")
_PERSON_FIELDS = (
    "kind",
    "family_name_ru",
    "given_name_ru",
    "patronymic_ru",
    "family_name_kk",
    "given_name_kk",
    "patronymic_kk",
    "family_name_en",
    "given_name_en",
    "public_email",
)


class ImportFailed(Exception):
    """Nothing was imported; `problems` says why, row by row."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = problems


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where) or 'file'}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    memberships_started: int = 0
    memberships_ended: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class PersonRow:
    line: int
    key: str
    person: dict[str, Any]
    region: Region
    organization: Organization | None
    faction: Organization | None
    role: str
    start_date: date | None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def read_table(
    path: Path,
    *,
    aliases: dict[str, tuple[str, ...]] = COLUMN_ALIASES,
    required: tuple[str, ...] | list[str] = REQUIRED_COLUMNS,
    cell: Callable[[Any], str] = _text,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV or XLSX file as (row number in the file, {canonical column: text}).

    `aliases` maps each canonical column to the headers accepted for it (any case);
    `cell` turns a cell's value into text. Other importers (roadmaps) pass their own.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _read_csv(path)
    elif suffix in {".xlsx", ".xlsm"}:
        rows = _read_xlsx(path)
    else:
        raise ImportFailed(
            [Problem(None, None, f"unsupported file type '{suffix}'; use .csv or .xlsx")]
        )
    header = next(rows, None)
    if header is None:
        raise ImportFailed([Problem(None, None, "the file is empty")])
    columns = _map_header(header, aliases, required)
    for number, values in enumerate(rows, start=2):
        if not any(str(v).strip() for v in values):
            continue
        yield (
            number,
            {
                name: cell(values[index]) if index < len(values) else ""
                for index, name in columns.items()
            },
        )


def _read_csv(path: Path) -> Iterator[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportFailed(
            [Problem(line, None, "wrong encoding: the file is not UTF-8; save it as 'CSV UTF-8'")]
        ) from error
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text), dialect)


def _read_xlsx(path: Path) -> Iterator[list[Any]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise ImportFailed([Problem(None, None, f"not a readable Excel file ({error})")]) from error
    try:
        for row in workbook.active.iter_rows(values_only=True):
            yield ["" if value is None else value for value in row]
    finally:
        workbook.close()


def _map_header(header: list[Any], aliases, required) -> dict[int, str]:
    lookup = {alias.lower(): name for name, names in aliases.items() for alias in names}
    columns: dict[int, str] = {}
    problems = []
    for index, title in enumerate(header):
        text = str(title or "").strip().lower()
        if not text:
            continue
        name = lookup.get(text)
        if name is None:
            problems.append(Problem(1, str(title), "unknown column"))
        elif name in columns.values():
            problems.append(Problem(1, str(title), "column given twice"))
        else:
            columns[index] = name
    missing = [name for name in required if name not in columns.values()]
    problems += [Problem(1, name, "required column is missing") for name in missing]
    if problems:
        raise ImportFailed(problems)
    return columns


def _region_aliases(region: Region) -> set[str]:
    """A region as people write it: "Астана", "город Астана", "Astana", "Ақмола облысы"..."""
    names = {region.name_ru, region.name_kk, region.name_en, region.slug}
    for name in list(names):
        for word in ("город ", " қаласы", " облысы", " Region", "Область ", " область"):
            names.add(name.replace(word, ""))
    return {search_key(name) for name in names}


def _parse_date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def validate_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
) -> tuple[list[PersonRow], list[Problem]]:
    regions = {r.code: r for r in Region.objects.all()}
    regions_by_name = {alias: r for r in regions.values() for alias in _region_aliases(r)}
    organizations = {o.slug: o for o in Organization.objects.all()}
    valid: list[PersonRow] = []
    problems: list[Problem] = []
    first_line_of_key: dict[str, int] = {}
    for line, row in rows:
        row_problems: list[Problem] = []

        def problem(column: str, message: str, line: int = line, row_problems=row_problems) -> None:
            row_problems.append(Problem(line, column, message))

        key = row.get("key", "")
        if not key:
            problem("key", "empty key")
        elif not _KEY_PATTERN.match(key):
            problem("key", "a key has letters, digits, '.', '-', '/' only, up to 64 characters")
        elif key in first_line_of_key:
            problem(
                "key", f"duplicate person: key '{key}' is already on row {first_line_of_key[key]}"
            )
        else:
            first_line_of_key[key] = line
        kind = KIND_ALIASES.get(row.get("kind", "").lower())
        if kind is None:
            problem("kind", f"unknown kind '{row.get('kind', '')}'; use deputy or reserve")
        for column in ("family_name_ru", "given_name_ru"):
            if not row.get(column):
                problem(column, "empty name")
        for column in COLUMN_ALIASES:
            if (
                column.startswith(("family_name", "given_name", "patronymic"))
                and len(row.get(column, "")) > 100
            ):
                problem(column, "longer than 100 characters")
        region_text = row.get("region", "")
        region = regions.get(
            region_text.zfill(2) if region_text.isdigit() else ""
        ) or regions_by_name.get(search_key(region_text))
        if region is None:
            problem(
                "region", f"unknown region '{region_text}'; use its KATO code, e.g. 71 for Astana"
            )
        organization = faction = None
        for column in ("organization", "faction"):
            slug = row.get(column, "")
            if slug:
                found = organizations.get(slug)
                if found is None:
                    problem(column, f"unknown organisation '{slug}'")
                elif (
                    column == "faction"
                    and found.classification != Organization.Classification.FACTION
                ):
                    problem(column, f"'{slug}' is not a faction")
                elif column == "organization":
                    organization = found
                else:
                    faction = found
        start_date = None
        if row.get("start_date"):
            try:
                start_date = _parse_date(row["start_date"])
            except ValueError:
                problem(
                    "start_date", f"bad date '{row['start_date']}'; use YYYY-MM-DD or DD.MM.YYYY"
                )
            else:
                if start_date > timezone.localdate():
                    problem("start_date", "the date is in the future")
        if (faction or row.get("role")) and organization is None and not row_problems:
            problem("organization", "a role or faction needs the organisation it belongs to")
        email = row.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problem("email", f"not an email address: '{email}'")
        if row_problems:
            problems += row_problems
            continue
        valid.append(
            PersonRow(
                line=line,
                key=key,
                person={
                    "kind": kind,
                    **{
                        name: row.get(name, "")
                        for name in _PERSON_FIELDS
                        if name not in {"kind", "public_email"}
                    },
                    "public_email": email,
                },
                region=region,
                organization=organization,
                faction=faction,
                role=row.get("role", "") or ("member" if organization else ""),
                start_date=start_date,
            )
        )
    return valid, problems


def people_import(path: Path) -> ImportReport:
    """Import a list all-or-nothing; raises ImportFailed with every problem found."""
    if not path.exists():
        raise ImportFailed([Problem(None, None, f"file not found: {path}")])
    rows, problems = validate_rows(read_table(path))
    if problems:
        raise ImportFailed(problems)
    if not rows:
        raise ImportFailed([Problem(None, None, "the file has a header but no rows")])
    report = ImportReport()
    with transaction.atomic():
        existing = {
            p.external_key: p for p in Person.objects.filter(external_key__in=[r.key for r in rows])
        }
        for row in rows:
            person = existing.get(row.key)
            if person is None:
                person = Person(external_key=row.key, region=row.region, **row.person)
                person_refresh_search_text(person=person)
                person.full_clean()
                person.save()
                report.created += 1
            else:
                changed = [
                    name for name, value in row.person.items() if getattr(person, name) != value
                ]
                if person.region_id != row.region.id:
                    changed.append("region")
                if changed:
                    for name, value in row.person.items():
                        setattr(person, name, value)
                    person.region = row.region
                    person_refresh_search_text(person=person)
                    person.save()
                    report.updated += 1
                else:
                    report.unchanged += 1
            if row.organization is not None:
                _sync_membership(person, row, report)
    return report


def _sync_membership(person: Person, row: PersonRow, report: ImportReport) -> None:
    """Keep the person's current membership in the row's organisation as the file says."""
    current = Membership.objects.current().filter(person=person, organization=row.organization)
    if current.filter(role=row.role, on_behalf_of=row.faction).exists():
        return
    start = row.start_date or timezone.localdate()
    for membership in current:
        membership.end_date = max(start, membership.start_date or start)
        membership.save(update_fields=["end_date"])
        report.memberships_ended += 1
    Membership.objects.create(
        person=person,
        organization=row.organization,
        role=row.role,
        on_behalf_of=row.faction,
        start_date=start,
    )
    report.memberships_started += 1
    if (
        row.faction is not None
        and not Membership.objects.current()
        .filter(person=person, organization=row.faction)
        .exists()
    ):
        Membership.objects.create(
            person=person, organization=row.faction, role="member", start_date=start
        )
        report.memberships_started += 1
