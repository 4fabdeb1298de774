"""`halyq export opendata DIR`: atomic on disk, clear when it cannot work."""

from __future__ import annotations

import io
import json
import os
import re
import tempfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from halyq.integrity import triggers
from halyq.integrity.models import LedgerEntry
from halyq.ledger.verify import verify_export
from halyq.verification import main as verify
from tests.opendata.factories import build_world


def export(directory) -> str:
    out = io.StringIO()
    call_command("export", "opendata", str(directory), stdout=out)
    return out.getvalue()


def leftovers(parent) -> list[str]:
    return sorted(path.name for path in parent.iterdir() if path.name.startswith("."))


@pytest.mark.django_db
def test_export_writes_a_complete_package(world_without_snapshots, tmp_path):
    output = export(tmp_path / "open")
    assert "halyq verify" in output and "6 withheld" in output
    names = {path.name for path in (tmp_path / "open").iterdir()}
    assert {"datapackage.json", "events.jsonl", "snapshots.json", "README.md"} <= names
    assert leftovers(tmp_path) == []
    assert oct((tmp_path / "open").stat().st_mode & 0o777) == "0o755"


@pytest.mark.django_db
def test_an_earlier_export_is_replaced_in_one_step(world_without_snapshots, tmp_path):
    target = tmp_path / "open"
    export(target)
    first = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    (target / "persons.json").write_text("stale")
    export(target)
    second = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    assert (target / "persons.json").read_text(encoding="utf-8") != "stale"
    assert second["halyq"]["chain_head"] == first["halyq"]["chain_head"]
    assert leftovers(tmp_path) == []


@pytest.mark.django_db
def test_a_directory_holding_other_files_is_refused_and_left_alone(
    world_without_snapshots, tmp_path
):
    target = tmp_path / "documents"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="not a Halyq open-data export"):
        export(target)
    assert [path.name for path in target.iterdir()] == ["notes.txt"]
    assert leftovers(tmp_path) == []


@pytest.mark.django_db
def test_a_missing_parent_is_named(tmp_path):
    with pytest.raises(
        CommandError, match=re.escape(f"the directory {tmp_path / 'missing'} does not exist")
    ):
        export(tmp_path / "missing" / "open")


@pytest.mark.django_db
def test_a_file_in_the_way_is_named(tmp_path):
    (tmp_path / "open").write_text("a file")
    with pytest.raises(CommandError, match="it is a file, not a directory"):
        export(tmp_path / "open")


@pytest.mark.django_db
def test_a_parent_that_cannot_be_written_is_named(tmp_path, monkeypatch):
    def refuse(**kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    with pytest.raises(CommandError, match=re.escape(f"{tmp_path}: Permission denied")):
        export(tmp_path / "open")
    assert not (tmp_path / "open").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
@pytest.mark.django_db
def test_a_read_only_parent_is_refused(tmp_path):
    parent = tmp_path / "read-only"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        with pytest.raises(CommandError, match="is not writable"):
            export(parent / "open")
    finally:
        parent.chmod(0o755)


@pytest.mark.django_db
def test_only_opendata_can_be_exported(tmp_path):
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("export", "people", str(tmp_path / "open"))


@pytest.mark.django_db
def test_a_damaged_record_fails_the_command_and_writes_nothing(world_without_snapshots, tmp_path):
    entry = LedgerEntry.objects.filter(kind="appeal.answered").first()
    triggers.uninstall(connection)
    try:
        LedgerEntry.objects.filter(seq=entry.seq).update(content_hash="f" * 64)
    finally:
        triggers.install(connection)
    with pytest.raises(CommandError, match=f"The event record does not verify: Entry {entry.seq}"):
        export(tmp_path / "open")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_export_outside_a_transaction_reads_one_consistent_state(astana, almaty, tmp_path):
    """The command's real path: on PostgreSQL a REPEATABLE READ, READ ONLY transaction."""
    build_world(astana, almaty, with_pilot_region=False)
    output = export(tmp_path / "open")
    assert "withheld" not in output and "2 published snapshot(s)" in output
    report = verify_export(tmp_path / "open", workers=1)
    assert report.ok, report.messages
    assert report.entries_checked == LedgerEntry.objects.count()
    assert verify([str(tmp_path / "open"), "--workers", "1"]) == 0
