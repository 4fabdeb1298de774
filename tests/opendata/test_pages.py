"""The open-data page, the served export and its downloads."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from halyq.opendata import services
from halyq.opendata.export import ExportError
from halyq.opendata.selectors import ExportFileMissing, current_export, export_file
from halyq.opendata.services import opendata_refresh
from halyq.ratings.snapshots import latest_public_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(settings, tmp_path):
    settings.HALYQ_OPENDATA_DIR = tmp_path / "opendata"
    return settings.HALYQ_OPENDATA_DIR


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


def test_before_the_first_export_the_page_says_so(served, client):
    response = client.get("/en/open-data/")
    assert response.status_code == 200
    assert "The first export has not been published yet." in response.content.decode()
    assert client.get("/en/open-data/files/persons.json").status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_page_lists_the_files_with_sizes_and_hashes_and_the_anchors(world, served, client):
    report = opendata_refresh()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/open-data/")
    page = response.content.decode()
    assert response.status_code == 200
    assert len(queries) <= 3  # the latest snapshot; the files come from disk
    latest_inputs = f"snapshot_inputs/{latest_public_snapshot().id}/"
    shown = [
        written
        for written in report.files
        if "/" not in written.name or written.name.startswith(latest_inputs)
    ]
    assert len(shown) > 20  # the package's files and the latest snapshot's inputs
    for written in shown:
        assert f"/en/open-data/files/{written.name}" in page
        if written.name != "datapackage.json":
            assert written.sha256 in page
    assert "Creative Commons Attribution 4.0" in page
    snapshot = latest_public_snapshot()
    assert snapshot.chain_head_hash in page and snapshot.merkle_root in page
    assert "halyq verify" in page
    for secret in (world.pilot_deputy.family_name_en, str(world.pilot_deputy.public_id)):
        assert secret not in page
    assert client.get("/open-data/").status_code == 200  # Russian, the default
    assert client.get("/kk/open-data/").status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_file_downloads_exactly_as_exported(world, served, client):
    opendata_refresh()
    export = current_export()
    latest = latest_public_snapshot().id
    for name in (
        "persons.json",
        "events.jsonl",
        "rating_latest.csv",
        "README.md",
        "datapackage.json",
        f"snapshot_inputs/{latest}/appeals.csv",
        f"snapshot_inputs/{latest}/manifest.json",
    ):
        response = client.get(f"/en/open-data/files/{name}")
        assert response.status_code == 200, name
        body = downloaded(response)
        assert body == (export.directory / name).read_bytes()
        assert "attachment" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        listed = {file.name: file.sha256 for file in export.files}
        if name in listed:
            assert hashlib.sha256(body).hexdigest() == listed[name]
    assert client.get("/en/open-data/files/rating_latest.csv")["Content-Type"].startswith(
        "text/csv"
    )
    assert client.post("/en/open-data/files/persons.json").status_code == 405


@pytest.mark.parametrize(
    "name",
    [
        "..",
        "..%2F..%2Fcurrent",
        "%2e%2e%2fcurrent",
        "../current",
        "..%5Cdatapackage.json",
        "%2Fetc%2Fpasswd",
        "current",
        ".lock",
        "notes.txt",
        "unlisted.json",
        "PERSONS.JSON",
        "persons.json%00.csv",
        "persons.json/",
        "snapshot_inputs/../current",
        "snapshot_inputs/1/../../current",
        "snapshot_inputs/1/notes.txt",
        "snapshot_inputs//persons.json",
        "/persons.json",
    ],
)
def test_only_listed_files_of_the_export_are_served(db, served, client, name):
    opendata_refresh()
    directory = current_export().directory
    (directory / "notes.txt").write_text("not part of the export")
    (directory / "unlisted.json").write_text("{}")
    assert client.get(f"/en/open-data/files/{name}").status_code == 404


def test_a_symbolic_link_out_of_the_export_is_not_followed(db, served, client, tmp_path):
    opendata_refresh()
    directory = current_export().directory
    secret = tmp_path / "secret.json"
    secret.write_text('{"secret": true}')
    (directory / "persons.json").unlink()
    (directory / "persons.json").symlink_to(secret)
    assert client.get("/en/open-data/files/persons.json").status_code == 404
    with pytest.raises(ExportFileMissing):
        export_file("persons.json")
    with pytest.raises(ExportFileMissing):
        export_file("../../secret.json")


def test_refreshing_publishes_the_new_export_and_keeps_two(db, served):
    names = []
    for _ in range(3):
        opendata_refresh()
        names.append(current_export().name)
    assert len(set(names)) == 3
    kept = sorted(path.name for path in (served / "exports").iterdir())
    assert kept == sorted(names[1:])
    assert (served / "current").read_text().strip() == names[-1]


def test_a_failed_refresh_leaves_the_published_export(db, served, monkeypatch):
    opendata_refresh()
    before = current_export()

    def broken(directory):
        (directory / "persons.json").write_text("[")
        raise ExportError("The event record does not verify: Entry 3 was changed.")

    monkeypatch.setattr(services, "export_opendata", broken)
    with pytest.raises(ExportError, match="Entry 3"):
        opendata_refresh()
    after = current_export()
    assert after.name == before.name
    assert json.loads((after.directory / "persons.json").read_text(encoding="utf-8")) == []
    assert [path.name for path in (served / "exports").iterdir()] == [before.name]
