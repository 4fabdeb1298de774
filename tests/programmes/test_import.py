"""`halyq import roadmap FILE`: all rows or none, problems with row and column,
re-import updates matched items and records the changes."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from halyq.directory.importing import ImportFailed
from halyq.integrity.models import LedgerEntry
from halyq.programmes.importing import roadmap_import
from halyq.programmes.models import Evidence, ItemChange, Status, TrackedItem

pytestmark = pytest.mark.django_db

HEADER = [
    "programme", "code", "parent", "title_ru", "title_en", "region", "district", "monitors",
    "weight", "start_date", "planned_end_date", "status", "progress", "completed_on",
    "evidence_url", "evidence_date", "cancellation_reason",
]  # fmt: skip


def row(**values) -> dict:
    base = {
        "programme": "71-viii",
        "region": "71",
        "start_date": "2024-01-10",
        "planned_end_date": "31.12.2024",
        "weight": "1",
    }
    return {**base, **values}


def write_csv(path: Path, rows: list[dict], header=HEADER, delimiter=";") -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, delimiter=delimiter)
        writer.writeheader()
        for values in rows:
            writer.writerow({key: values.get(key, "") for key in header})
    return path


@pytest.fixture
def people_keys(tracker):
    for name in ("aigul", "bolat", "gulnar"):
        person = tracker["people"][name]
        person.external_key = f"key-{name}"
        person.save()
    return tracker


def good_rows():
    return [
        row(code="1", title_ru="Ремонт дорог", title_en="Road repairs", monitors="key-aigul", status="в работе"),
        row(code="1.1", parent="1", title_ru="Проектирование", weight="1", status="done", progress="100",
            completed_on="2024-06-01", evidence_url="https://akimat.example.kz/act/1", evidence_date="2024-06-01"),
        row(code="1.2", parent="1", title_ru="Строительство", weight="3", status="in_progress", progress="40%"),
        row(code="2", title_ru="Освещение", region="Астана", district="711000001", monitors="key-bolat; key-aigul"),
    ]  # fmt: skip


def test_a_valid_file_is_imported_with_its_tree_roll_up_and_history(people_keys, tmp_path):
    report = roadmap_import(write_csv(tmp_path / "roadmap.csv", good_rows()))
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    items = {item.code: item for item in TrackedItem.objects.all()}
    assert items["1.1"].parent == items["1"] and items["1.2"].parent == items["1"]
    assert items["1.1"].status == Status.DONE and items["1.1"].completed_on == date(2024, 6, 1)
    assert items["1"].rolled_up_progress == pytest.approx(55.0)  # (1*100 + 3*40) / 4
    assert items["2"].district.code == "711000001"
    assert sorted(p.external_key for p in items["2"].monitors.all()) == ["key-aigul", "key-bolat"]
    assert Evidence.objects.get(item=items["1.1"]).url == "https://akimat.example.kz/act/1"
    assert ItemChange.objects.filter(item=items["1.1"], kind="imported").exists()
    assert LedgerEntry.objects.filter(kind="programme.measure.status").count() == 3


def test_reimporting_the_same_file_changes_nothing(people_keys, tmp_path):
    path = write_csv(tmp_path / "roadmap.csv", good_rows())
    roadmap_import(path)
    changes, entries = ItemChange.objects.count(), LedgerEntry.objects.count()
    report = roadmap_import(path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert ItemChange.objects.count() == changes and LedgerEntry.objects.count() == entries


def test_an_updated_file_updates_matched_items_and_records_the_changes(people_keys, tmp_path):
    roadmap_import(write_csv(tmp_path / "v1.csv", good_rows()))
    updated = good_rows()
    updated[2].update(status="done", progress="100", completed_on="2024-11-20",
                      evidence_url="https://akimat.example.kz/act/2", evidence_date="2024-11-20")  # fmt: skip
    updated[3].update(planned_end_date="2025-03-31")
    report = roadmap_import(write_csv(tmp_path / "v2.csv", updated))
    assert (report.created, report.updated, report.unchanged) == (0, 2, 2)
    part = TrackedItem.objects.get(code="1.2")
    assert part.status == Status.DONE
    assert part.changes.filter(kind="imported").last().changes["status"] == ["in_progress", "done"]
    lighting = TrackedItem.objects.get(code="2")
    assert lighting.planned_end_date == date(2025, 3, 31)
    assert lighting.changes.get(kind="imported").changes["planned_end_date"] == [
        "2024-12-31",
        "2025-03-31",
    ]
    assert TrackedItem.objects.get(code="1").rolled_up_progress == pytest.approx(100.0)


def test_every_problem_is_reported_and_nothing_is_imported(people_keys, tmp_path):
    bad = [
        *good_rows(),
        row(code="3", title_ru="Школа", progress="150"),  # row 6
        row(code="4", title_ru="Сад", status="done"),  # row 7: no evidence
        row(
            code="5", title_ru="Парк", start_date="2024-05-01", planned_end_date="2024-04-01"
        ),  # row 8
        row(code="6", title_ru="Мост", region="99"),  # row 9: unknown territory
        row(code="7", title_ru="Вода", monitors="key-gulnar"),  # row 10: another region's deputy
        row(code="8", title_ru="Баня", status="просрочено"),  # row 11
        row(code="9", title_ru="Каток", district="Нигде"),  # row 12
        row(code="1", title_ru="Дубль"),  # row 13
        row(code="10", title_ru="Клуб", programme="no-such"),  # row 14
    ]
    with pytest.raises(ImportFailed) as failure:
        roadmap_import(write_csv(tmp_path / "bad.csv", bad))
    found = {(p.row, p.column) for p in failure.value.problems}
    assert {
        (6, "progress"),
        (7, "evidence_url"),
        (8, "planned_end_date"),
        (9, "region"),
        (10, "monitors"),
        (11, "status"),
        (12, "district"),
        (13, "code"),
        (14, "programme"),
    } <= found
    messages = " ".join(str(p) for p in failure.value.problems)
    assert (
        "outside 0-100" in messages
        and "before the start" in messages
        and "unknown region" in messages
    )
    assert not TrackedItem.objects.exists()
    assert not LedgerEntry.objects.filter(kind__startswith="programme").exists()


def test_a_cycle_in_the_file_is_refused(people_keys, tmp_path):
    rows = [
        row(code="A", parent="C", title_ru="А"),
        row(code="B", parent="A", title_ru="Б"),
        row(code="C", parent="B", title_ru="В"),
    ]
    with pytest.raises(ImportFailed, match="problem") as failure:
        roadmap_import(write_csv(tmp_path / "cycle.csv", rows))
    assert any("cycle" in p.message for p in failure.value.problems)
    assert not TrackedItem.objects.exists()


def test_a_cycle_with_items_already_imported_is_refused(people_keys, tmp_path):
    roadmap_import(write_csv(tmp_path / "v1.csv", good_rows()))
    rows = good_rows()
    rows[0]["parent"] = "1.2"  # 1 -> 1.2 -> 1
    with pytest.raises(ImportFailed) as failure:
        roadmap_import(write_csv(tmp_path / "v2.csv", rows))
    assert any(p.column == "parent" and "cycle" in p.message for p in failure.value.problems)
    assert TrackedItem.objects.get(code="1").parent is None


def test_a_parent_done_while_a_part_is_not_is_refused(people_keys, tmp_path):
    rows = good_rows()
    rows[0].update(
        status="done", evidence_url="https://akimat.example.kz/a", evidence_date="2024-07-01"
    )
    with pytest.raises(ImportFailed) as failure:
        roadmap_import(write_csv(tmp_path / "parent.csv", rows))
    assert any(p.row == 2 and "parts done" in p.message for p in failure.value.problems)


def test_unknown_and_missing_columns_are_reported(tracker, tmp_path):
    path = write_csv(
        tmp_path / "cols.csv", [row(code="1", title_ru="Х")], header=["programme", "code", "colour"]
    )
    with pytest.raises(ImportFailed) as failure:
        roadmap_import(path)
    found = {(p.row, p.column, p.message) for p in failure.value.problems}
    assert (1, "colour", "unknown column") in found
    assert (1, "title_ru", "required column is missing") in found


def test_xlsx_with_russian_headers_and_excel_dates(people_keys, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Программа",
            "Код",
            "Наименование",
            "Регион",
            "Начало",
            "Срок исполнения",
            "Статус",
            "Процент",
        ]
    )
    sheet.append(
        [
            "71-viii",
            "1",
            "Ремонт",
            "город Астана",
            date(2024, 1, 10),
            date(2024, 12, 31),
            "в работе",
            35,
        ]
    )
    path = tmp_path / "roadmap.xlsx"
    workbook.save(path)
    report = roadmap_import(path)
    assert report.created == 1
    item = TrackedItem.objects.get()
    assert (item.start_date, item.planned_end_date, item.progress) == (
        date(2024, 1, 10),
        date(2024, 12, 31),
        35,
    )


def test_the_halyq_import_command(people_keys, tmp_path, capsys):
    path = write_csv(tmp_path / "roadmap.csv", good_rows())
    call_command("import", "roadmap", str(path))
    assert "Imported roadmap.csv: 4 created" in capsys.readouterr().out
    bad = write_csv(tmp_path / "bad.csv", [row(code="X", title_ru="Х", progress="-5")])
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", "roadmap", str(bad))
    assert "row 2, column 'progress'" in capsys.readouterr().err
