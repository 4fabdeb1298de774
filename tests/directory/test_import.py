import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from halyq.directory.importing import ImportFailed, people_import
from halyq.directory.models import Membership, Person
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = [
    "key",
    "kind",
    "family_name_ru",
    "given_name_ru",
    "family_name_kk",
    "given_name_kk",
    "region",
    "organization",
    "faction",
    "role",
    "start_date",
    "email",
]
GOOD_ROWS = [
    [
        "AST-001",
        "deputy",
        "Нурланов",
        "Алихан",
        "Нұрланов",
        "Әлихан",
        "71",
        "maslikhat-astana",
        "faction-astana",
        "deputy",
        "2023-03-29",
        "nurlanov@example.kz",
    ],
    ["AST-002", "reserve", "Ким", "Ольга", "", "", "Астана", "", "", "", "", ""],
    ["ALA-001", "депутат", "Касымова", "Гульнар", "Қасымова", "Гүлнар", "75", "", "", "", "", ""],
]


def write_csv(path: Path, rows, header=HEADER, encoding="utf-8", delimiter=","):
    with path.open("w", encoding=encoding, newline="") as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def organisations(db, astana):
    from halyq.directory.models import Organization

    factories.OrganizationFactory(slug="faction-astana", region=astana)
    factories.OrganizationFactory(
        slug="maslikhat-astana", classification=Organization.Classification.COUNCIL, region=astana
    )


def test_a_good_csv_imports_every_row(tmp_path, organisations):
    report = people_import(write_csv(tmp_path / "people.csv", GOOD_ROWS))
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    alikhan = Person.objects.get(external_key="AST-001")
    assert alikhan.family_name_kk == "Нұрланов"
    assert alikhan.region.code == "71"
    assert alikhan.public_email == "nurlanov@example.kz"
    assert set(
        Membership.objects.filter(person=alikhan).values_list("organization__slug", "role")
    ) == {
        ("maslikhat-astana", "deputy"),
        ("faction-astana", "member"),
    }
    assert Person.objects.get(external_key="ALA-001").kind == "deputy"
    assert Person.objects.get(external_key="AST-002").region.code == "71"


def test_reimporting_the_same_file_changes_nothing(tmp_path, organisations):
    path = write_csv(tmp_path / "people.csv", GOOD_ROWS)
    people_import(path)
    before = list(Membership.objects.order_by("id").values())
    report = people_import(path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert report.memberships_started == report.memberships_ended == 0
    assert list(Membership.objects.order_by("id").values()) == before


def test_an_updated_file_updates_and_keeps_post_history(tmp_path, organisations):
    people_import(write_csv(tmp_path / "v1.csv", GOOD_ROWS))
    changed = [row[:] for row in GOOD_ROWS]
    changed[0][9] = "chair"
    changed[0][10] = "2025-01-15"
    changed[2][3] = "Гульнара"
    report = people_import(write_csv(tmp_path / "v2.csv", changed))
    assert report.updated == 1 and report.memberships_started == 1 and report.memberships_ended == 1
    roles = Membership.objects.filter(
        person__external_key="AST-001", organization__slug="maslikhat-astana"
    )
    assert sorted((m.role, str(m.end_date)) for m in roles) == [
        ("chair", "None"),
        ("deputy", "2025-01-15"),
    ]


def test_xlsx_with_kazakh_and_russian_headers(tmp_path, organisations):
    header = [
        "кілт",
        "түрі",
        "фамилия",
        "имя",
        "тегі",
        "аты",
        "облыс",
        "ұйым",
        "фракция",
        "лауазымы",
        "басталған күні",
        "пошта",
    ]
    rows = [row[:] for row in GOOD_ROWS]
    rows[0][10] = "29.03.2023"
    report = people_import(write_xlsx(tmp_path / "people.xlsx", rows, header=header))
    assert report.created == 3
    assert (
        Membership.objects.get(person__external_key="AST-001", role="deputy").start_date.isoformat()
        == "2023-03-29"
    )


def test_semicolon_csv_with_bom_from_excel(tmp_path, organisations):
    path = write_csv(tmp_path / "excel.csv", GOOD_ROWS, encoding="utf-8-sig", delimiter=";")
    assert people_import(path).created == 3


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda rows: rows[1].__setitem__(6, "99"), "row 3, column 'region': unknown region '99'"),
        (lambda rows: rows[2].__setitem__(0, "AST-001"), "row 4, column 'key': duplicate person"),
        (
            lambda rows: rows[0].__setitem__(10, "2023-13-45"),
            "row 2, column 'start_date': bad date",
        ),
        (lambda rows: rows[1].__setitem__(2, ""), "row 3, column 'family_name_ru': empty name"),
        (lambda rows: rows[1].__setitem__(1, "senator"), "row 3, column 'kind': unknown kind"),
        (
            lambda rows: rows[0].__setitem__(8, "no-such-faction"),
            "row 2, column 'faction': unknown organisation",
        ),
        (
            lambda rows: rows[0].__setitem__(11, "not-an-email"),
            "row 2, column 'email': not an email",
        ),
        (lambda rows: rows[0].__setitem__(0, ""), "row 2, column 'key': empty key"),
    ],
)
def test_one_bad_row_imports_nothing_and_names_row_and_column(
    tmp_path, organisations, change, expected
):
    rows = [row[:] for row in GOOD_ROWS]
    change(rows)
    with pytest.raises(ImportFailed) as failure:
        people_import(write_csv(tmp_path / "bad.csv", rows))
    assert any(str(problem).startswith(expected) for problem in failure.value.problems), (
        failure.value.problems
    )
    assert Person.objects.count() == 0
    assert Membership.objects.count() == 0


def test_every_problem_is_reported_at_once(tmp_path, organisations):
    rows = [row[:] for row in GOOD_ROWS]
    rows[0][6] = "00"
    rows[2][3] = ""
    with pytest.raises(ImportFailed) as failure:
        people_import(write_csv(tmp_path / "bad.csv", rows))
    assert [(p.row, p.column) for p in failure.value.problems] == [
        (2, "region"),
        (4, "given_name_ru"),
    ]


def test_wrong_encoding_is_named(tmp_path, organisations):
    rows = [["AST-009", "deputy", "Нурланов", "Алихан", "", "", "71", "", "", "", "", ""]]
    path = write_csv(tmp_path / "cp1251.csv", rows, encoding="cp1251")
    with pytest.raises(ImportFailed) as failure:
        people_import(path)
    assert "wrong encoding" in str(failure.value.problems[0])
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("people.txt", b"key\n", "unsupported file type"),
        ("people.csv", b"", "the file is empty"),
        ("people.csv", b"key,kind,family_name_ru\n", "required column is missing"),
        (
            "people.csv",
            b"key,kind,family_name_ru,given_name_ru,region,shoe_size\n",
            "unknown column",
        ),
        ("people.xlsx", b"this is not a zip", "not a readable Excel file"),
        ("people.csv", b"key,kind,family_name_ru,given_name_ru,region\n", "no rows"),
    ],
)
def test_bad_files(tmp_path, db, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFailed) as failure:
        people_import(path)
    assert expected in " ".join(str(problem) for problem in failure.value.problems)
    assert Person.objects.count() == 0


def test_the_command_prints_every_problem_and_fails(tmp_path, organisations, capsys):
    rows = [row[:] for row in GOOD_ROWS]
    rows[1][6] = "99"
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", "people", str(write_csv(tmp_path / "bad.csv", rows)))
    assert "row 3, column 'region'" in capsys.readouterr().err
    assert Person.objects.count() == 0


def test_the_command_reports_what_it_did(tmp_path, organisations, capsys):
    call_command("import", "people", str(write_csv(tmp_path / "good.csv", GOOD_ROWS)))
    assert "3 created, 0 updated, 0 unchanged" in capsys.readouterr().out
