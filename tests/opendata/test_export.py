"""The open-data export: what goes out, what never does, and that it verifies."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from django.db import connection
from frictionless import validate

from halyq.accounts.models import User
from halyq.appeals.ledger import appeal_pseudonym
from halyq.appeals.models import Appeal
from halyq.integrity import triggers
from halyq.integrity.models import LedgerEntry
from halyq.ledger.canonical import canonical_json
from halyq.ledger.chain import GENESIS_HASH, entry_hash
from halyq.ledger.verify import snapshot_merkle_root, verify_export
from halyq.opendata.export import ExportError, export_opendata
from halyq.ratings.models import Snapshot
from halyq.verification import main as verify
from tests.opendata.factories import (
    PERSONAL_VALUES,
    PILOT_APPEAL_TEXT,
    PUBLIC_CITIZEN,
    VISITOR,
)

# The world's snapshots need a transactional test on PostgreSQL (see factories.build_world);
# it also runs the export's own REPEATABLE READ transaction, as in production.
TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def export_dir(world, tmp_path) -> Path:
    directory = tmp_path / "export"
    export_opendata(directory)
    return directory


def files_of(directory: Path) -> dict[str, bytes]:
    """Every file of the export by its path inside it ("snapshot_inputs/3/appeals.csv")."""
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def read_json(directory: Path, name: str):
    return json.loads((directory / name).read_text(encoding="utf-8"))


def csv_rows(directory: Path, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((directory / name).read_text(encoding="utf-8"))))


@TRANSACTIONAL
def test_every_file_is_described_and_the_package_validates(export_dir):
    package = read_json(export_dir, "datapackage.json")
    assert package["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0",
        }
    ]
    described = {resource["path"]: resource for resource in package["resources"]}
    on_disk = files_of(export_dir)
    assert set(on_disk) == set(described) | {"datapackage.json"}
    assert {"events.jsonl", "snapshots.json", "appeals_by_district.csv", "README.md"} <= set(
        on_disk
    )
    assert sum(name.startswith("snapshot_inputs/") for name in on_disk) == 2 * 9
    for name, resource in described.items():
        data = on_disk[name]
        assert resource["bytes"] == len(data), name
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest(), name
        assert resource["format"] and resource["mediatype"] and resource["encoding"] == "utf-8"
        if name.endswith(".csv"):
            header = next(csv.reader(io.StringIO(data.decode("utf-8"))))
            assert [field["name"] for field in resource["schema"]["fields"]] == header
            assert all(field["type"] for field in resource["schema"]["fields"])
        elif name.endswith(".json"):
            json.loads(data)  # frictionless does not parse JSON resources: we do
    report = validate(str(export_dir / "datapackage.json"))
    problems = [
        (task.name, error.type, error.note) for task in report.tasks for error in task.errors
    ]
    assert report.valid, problems
    assert {task.name for task in report.tasks} == {r["name"] for r in package["resources"]}
    readme = on_disk["README.md"].decode()
    assert "halyq verify" in readme and "CC-BY-4.0" in readme
    assert package["halyq"]["latest_snapshot"]["merkle_root"] in readme


@TRANSACTIONAL
def test_no_personal_data_and_nothing_of_the_pilot_region_in_any_byte(world, export_dir):
    pilot = world.pilot_deputy
    pilot_appeal = Appeal.objects.get(text=PILOT_APPEAL_TEXT)
    # the seeded values really are in the database (otherwise this test proves nothing)
    assert User.objects.filter(**PUBLIC_CITIZEN).exclude(iin_digest=None).exists()
    assert Appeal.objects.filter(citizen_phone=VISITOR["citizen_phone"]).exists()
    forbidden = [
        *PERSONAL_VALUES,
        str(pilot.public_id),
        pilot.public_id.hex,
        pilot.family_name_ru,
        pilot.family_name_en,
        pilot.given_name_ru,
        world.pilot_faction.slug,
        world.pilot_faction.name_ru,
        appeal_pseudonym(pilot_appeal.id),
    ]
    everything = files_of(export_dir)
    for name, data in everything.items():
        text = data.decode("utf-8").casefold()
        for value in forbidden:
            assert value.encode("utf-8") not in data, (value, name)
            assert value.casefold() not in text, (value, name)
    # and the scan does see what is public
    assert str(world.public_deputy.public_id).encode() in everything["persons.json"]
    assert "Депутатов".encode() in everything["rating_latest.csv"]


@TRANSACTIONAL
def test_pilot_events_are_withheld_the_chain_links_and_the_export_verifies(
    world, export_dir, capsys
):
    lines = (export_dir / "events.jsonl").read_bytes().splitlines(keepends=True)
    rows = {row.seq: row for row in LedgerEntry.objects.all()}
    assert len(lines) == len(rows)
    pilot_tokens = {str(world.pilot_deputy.public_id)} | {
        appeal_pseudonym(appeal.id)
        for appeal in world.appeals
        if appeal.region_id == world.pilot_region.id
    }
    previous = GENESIS_HASH
    withheld = 0
    for seq, line in enumerate(lines, start=1):
        entry = json.loads(line)
        row = rows[seq]
        assert canonical_json(entry) + b"\n" == line
        assert entry["prev_hash"] == previous
        assert entry_hash(entry["prev_hash"], entry["content_hash"]) == entry["entry_hash"]
        about_pilot = row.region == world.pilot_region.code or any(
            token in json.dumps(row.payload) for token in pilot_tokens
        )
        if about_pilot:
            withheld += 1
            assert entry == {
                "seq": seq,
                "prev_hash": row.prev_hash,
                "content_hash": row.content_hash,
                "entry_hash": row.entry_hash,
                "withheld": True,
            }
        else:
            assert line == canonical_json(row.to_dict()) + b"\n"
        previous = entry["entry_hash"]
    # the pilot region's mode, registration, assignment, answer, closing and evaluation
    assert withheld == 6
    package = read_json(export_dir, "datapackage.json")
    assert package["halyq"]["events"] == {"entries": len(rows), "withheld": 6}
    assert package["halyq"]["public_regions"] == [world.public_region.code]

    report = verify_export(export_dir, workers=1)
    assert report.ok, report.messages
    assert report.snapshots_checked == 2 and report.entries_checked == len(rows)
    # `halyq verify`: chain, anchors, announcements and the rating recomputed from inputs
    assert verify([str(export_dir), "--workers", "1"]) == 0, capsys.readouterr().out
    assert "identical" in capsys.readouterr().out


@TRANSACTIONAL
def test_tampering_with_a_copy_of_the_export_is_caught(export_dir, tmp_path, capsys):
    def tampered(name: str) -> Path:
        copy = tmp_path / name
        shutil.copytree(export_dir, copy)
        return copy

    edited = tampered("edited-file")
    path = edited / "rating_history.csv"
    path.write_bytes(path.read_bytes().replace(b"Deputatov", b"Deputatoff"))
    report = validate(str(edited / "datapackage.json"))
    assert "hash-count" in {error.type for task in report.tasks for error in task.errors}

    event = tampered("edited-event")
    events = event / "events.jsonl"
    events.write_bytes(events.read_bytes().replace(b'"resolution":"yes"', b'"resolution":"no"', 1))
    assert "content_hash_mismatch" in verify_export(event, workers=1).codes

    hidden = tampered("withheld-hash")
    events = hidden / "events.jsonl"
    lines = events.read_bytes().splitlines(keepends=True)
    position = next(i for i, line in enumerate(lines) if b'"withheld":true' in line)
    entry = json.loads(lines[position])
    entry["content_hash"] = "0" * 64
    lines[position] = canonical_json(entry) + b"\n"
    events.write_bytes(b"".join(lines))
    assert "entry_hash_mismatch" in verify_export(hidden, workers=1).codes

    result = tampered("changed-result")
    snapshots = read_json(result, "snapshots.json")
    snapshots[-1]["results"][0]["status"] = "rated"
    (result / "snapshots.json").write_text(json.dumps(snapshots), encoding="utf-8")
    assert "merkle_root_mismatch" in verify_export(result, workers=1).codes

    inputs = tampered("changed-inputs")
    [appeals] = sorted(inputs.glob("snapshot_inputs/*/appeals.csv"))[-1:]
    appeals.write_text(appeals.read_text() + "0,0,0,0,0,0,0,0,0,0\n")
    assert verify([str(inputs), "--workers", "1", "--no-recompute"]) == 0
    capsys.readouterr()
    assert verify([str(inputs), "--workers", "1"]) == 1
    assert "appeals.csv does not match" in capsys.readouterr().out


@TRANSACTIONAL
def test_popolo_and_rating_files(world, export_dir):
    persons = read_json(export_dir, "persons.json")
    organizations = read_json(export_dir, "organizations.json")
    memberships = read_json(export_dir, "memberships.json")
    posts = read_json(export_dir, "posts.json")
    areas = read_json(export_dir, "areas.json")

    [person] = persons
    assert person["id"] == str(world.public_deputy.public_id)
    assert person["name"] == "Депутатов Публий"
    assert {name["lang"]: name["name"] for name in person["other_names"]} == {
        "kk": "Депутатов Публий",
        "ru": "Депутатов Публий",
        "en": "Deputatov Publiy",
    }
    assert person["area_id"] == "kato:71"
    assert {org["id"] for org in organizations} == {"party", "maslikhat-astana"}
    council = next(org for org in organizations if org["id"] == "maslikhat-astana")
    assert council["parent_id"] == "party" and council["classification"] == "council"
    assert {"lang": "kk", "name": "Астана мәслихаты"} in council["other_names"]
    [post] = posts
    assert post["organization_id"] == "maslikhat-astana" and post["label"] == "Депутат"
    assert {m["person_id"] for m in memberships} == {person["id"]}
    assert {m["organization_id"] for m in memberships} == {"party", "maslikhat-astana"}
    seat = next(m for m in memberships if m["organization_id"] == "maslikhat-astana")
    assert seat["post_id"] == post["id"] and seat["on_behalf_of_id"] == "party"
    assert [area["id"] for area in areas] == ["kato:71"]
    assert areas[0]["identifiers"] == [{"scheme": "kato", "identifier": "71"}]

    published = list(Snapshot.objects.filter(scope="public", is_published=True).order_by("id"))
    snapshots = read_json(export_dir, "snapshots.json")
    assert [s["snapshot_id"] for s in snapshots] == [s.id for s in published]
    for exported, snapshot in zip(snapshots, published, strict=True):
        assert exported["merkle_root"] == snapshot.merkle_root
        assert exported["merkle_root"] == snapshot_merkle_root(exported["results"])
        assert exported["chain_head_hash"] == snapshot.chain_head_hash
        assert exported["inputs_hash"] == snapshot.inputs_hash != ""
        assert exported["results"] == [row.data for row in snapshot.results.order_by("id")]
    assert read_json(export_dir, "rating_latest.json") == snapshots[-1]

    history = csv_rows(export_dir, "rating_history.csv")
    assert [int(row["snapshot_id"]) for row in history] == [s.id for s in published]
    [latest_row] = csv_rows(export_dir, "rating_latest.csv")
    result = published[-1].results.get()
    assert latest_row["person_id"] == str(world.public_deputy.public_id)
    assert latest_row["name_en"] == "Deputatov Publiy"
    assert latest_row["status"] == result.data["status"]
    assert latest_row["score"] == (result.data["score"] or "")
    assert latest_row["satisfaction"] == result.data["components"]["satisfaction"]["value"]
    assert latest_row["appeals"] == str(result.appeals)

    [methodology] = read_json(export_dir, "methodology.json")
    assert methodology["version"] == "v3" and methodology["parameters"]["weights"]


@pytest.mark.django_db
def test_a_damaged_record_stops_the_export(world_without_snapshots, tmp_path):
    entry = LedgerEntry.objects.filter(kind="appeal.closed").first()
    triggers.uninstall(connection)
    try:
        LedgerEntry.objects.filter(seq=entry.seq).update(
            payload={**entry.payload, "resolution": "no"}
        )
    finally:
        triggers.install(connection)
    with pytest.raises(ExportError, match=f"Entry {entry.seq} does not match its content hash"):
        export_opendata(tmp_path / "export")


@pytest.mark.django_db
def test_a_missing_entry_stops_the_export(world_without_snapshots, tmp_path):
    triggers.uninstall(connection)
    try:
        LedgerEntry.objects.filter(seq=4).delete()
    finally:
        triggers.install(connection)
    with pytest.raises(ExportError, match="has no entry 4"):
        export_opendata(tmp_path / "export")


@pytest.mark.django_db
def test_the_export_directory_must_be_new_or_empty(tmp_path):
    directory = tmp_path / "export"
    directory.mkdir()
    (directory / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="not empty"):
        export_opendata(directory)
    assert [path.name for path in directory.iterdir()] == ["notes.txt"]


@pytest.mark.django_db
def test_an_export_before_any_event_or_snapshot(tmp_path):
    directory = tmp_path / "export"
    report = export_opendata(directory)
    assert report.chain_head.seq == 0 and report.latest_snapshot_id is None
    assert (directory / "events.jsonl").read_bytes() == b""
    assert read_json(directory, "snapshots.json") == []
    assert read_json(directory, "rating_latest.json") is None
    assert validate(str(directory / "datapackage.json")).valid
    assert verify_export(directory, workers=1).ok


@pytest.mark.django_db
def test_programmes_of_pilot_regions_stay_out(world_without_snapshots, tmp_path):
    from tests.programmes import factories as programme_factories

    world = world_without_snapshots
    public = programme_factories.programme(world.public_region)
    pilot = programme_factories.programme(world.pilot_region)
    programme_factories.item(public, "1")
    programme_factories.item(pilot, "1", title_en="Pilot measure")
    directory = tmp_path / "export"
    export_opendata(directory)
    programmes = read_json(directory, "programmes.json")
    measures = read_json(directory, "programme_measures.json")
    assert [row["code"] for row in programmes] == [public.code]
    assert [row["id"] for row in measures] == [f"{public.code}:1"]
    for data in files_of(directory).values():
        assert pilot.code.encode() not in data
        assert b"Pilot measure" not in data


@pytest.mark.django_db
def test_lines_are_canonical_even_where_the_fast_encoding_is_not(tmp_path):
    """Member names beyond the Basic Multilingual Plane sort by UTF-16 in canonical JSON."""
    from django.db import transaction

    from halyq.integrity.services import event_record

    with transaction.atomic():
        event_record(kind="test.note", payload={"\U0001f600": 1, "\uff5e": 2, "text": "Әлия 😀"})
    directory = tmp_path / "export"
    export_opendata(directory)
    [line] = (directory / "events.jsonl").read_bytes().splitlines(keepends=True)
    assert line == canonical_json(LedgerEntry.objects.get().to_dict()) + b"\n"
    assert line.index("\U0001f600".encode()) < line.index("\uff5e".encode())
