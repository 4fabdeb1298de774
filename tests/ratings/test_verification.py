"""An export of a real world verifies, and every kind of tampering is caught."""

import json
import shutil
from datetime import time, timedelta

import pytest
from django.utils import timezone

from halyq.integrity.models import LedgerEntry
from halyq.ledger.canonical import canonical_json
from halyq.ratings.services import evaluation_submit, publication_mode_set
from halyq.ratings.snapshots import inputs_directory, snapshot_compute
from halyq.verification import main as verify

pytestmark = pytest.mark.django_db


def export(directory, snapshot):
    with (directory / "events.jsonl").open("wb") as handle:
        for entry in LedgerEntry.objects.order_by("seq"):
            handle.write(canonical_json(entry.to_dict()) + b"\n")
    results = sorted((row.data for row in snapshot.results.all()), key=lambda r: r["person_id"])
    snapshots = [
        {
            "snapshot_id": snapshot.id,
            "as_of": snapshot.as_of.isoformat(),
            "chain_head_seq": snapshot.chain_head_seq,
            "chain_head_hash": snapshot.chain_head_hash,
            "merkle_root": snapshot.merkle_root,
            "inputs_hash": snapshot.inputs_hash,
            "results": results,
        }
    ]
    (directory / "snapshots.json").write_text(json.dumps(snapshots, ensure_ascii=False))
    shutil.copytree(inputs_directory(snapshot.id), directory / "snapshot_inputs" / str(snapshot.id))


@pytest.fixture
def exported(tmp_path, methodology, answered_appeal, astana, django_capture_on_commit_callbacks):
    publication_mode_set(region=astana, mode="public", public_from=timezone.localdate())
    for resolution, score in [
        ("yes", 5),
        ("partly", 3),
        ("no", 1),
        ("yes", 4),
        ("yes", 5),
        ("no", 2),
    ]:
        appeal = answered_appeal(resolution=resolution)
        evaluation_submit(user=appeal.author, appeal=appeal, score=score)
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = snapshot_compute(now=timezone.now() + timedelta(days=6))
    export(tmp_path, snapshot)
    return tmp_path


def test_an_untampered_export_verifies_and_recomputes_identically(exported, capsys):
    assert verify([str(exported), "--workers", "1"]) == 0
    assert "identical" in capsys.readouterr().out


def test_a_changed_published_score_is_caught(exported, capsys):
    snapshots = json.loads((exported / "snapshots.json").read_text())
    person = next(r for r in snapshots[0]["results"] if r["status"] == "rated")
    person["score"] = "99.0000"
    (exported / "snapshots.json").write_text(json.dumps(snapshots, ensure_ascii=False))
    assert verify([str(exported), "--workers", "1"]) == 1
    out = capsys.readouterr().out
    assert person["person_id"] in out and "score" in out


def test_changed_inputs_are_caught(exported, capsys):
    [inputs] = list((exported / "snapshot_inputs").iterdir())
    appeals = inputs / "appeals.csv"
    lines = appeals.read_text().splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ",1"
    appeals.write_text("\n".join(lines) + "\n")
    assert verify([str(exported), "--workers", "1"]) == 1
    assert "appeals.csv does not match" in capsys.readouterr().out


@pytest.mark.parametrize("tamper", ["change", "delete", "reorder", "insert"])
def test_tampered_events_are_caught(exported, tamper, capsys):
    path = exported / "events.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    if tamper == "change":
        lines[2] = (
            lines[2]
            .replace(b'"score":5', b'"score":1')
            .replace(b'"counts":true', b'"counts":false')
        )
        assert lines[2] != path.read_bytes().splitlines(keepends=True)[2]
    elif tamper == "delete":
        del lines[3]
    elif tamper == "reorder":
        lines[3], lines[4] = lines[4], lines[3]
    else:
        lines.insert(3, lines[3])
    path.write_bytes(b"".join(lines))
    assert verify([str(exported), "--workers", "1"]) == 1
    assert "FAILED" in capsys.readouterr().out


def test_snapshots_published_in_one_transaction_each_keep_their_own_inputs(
    methodology, answered_appeal, astana, django_capture_on_commit_callbacks
):
    # The generator publishes a history of snapshots in one transaction.
    publication_mode_set(region=astana, mode="public", public_from=timezone.localdate())
    appeal = answered_appeal(resolution="yes")
    evaluation_submit(user=appeal.author, appeal=appeal, score=5)
    later = timezone.now() + timedelta(days=6)
    with django_capture_on_commit_callbacks(execute=True):
        first = snapshot_compute(as_of=timezone.localdate() - timedelta(days=1), now=later)
        second = snapshot_compute(now=later)
    for snapshot in (first, second):
        assert (inputs_directory(snapshot.id) / "people.csv").exists(), snapshot.id
    assert first.inputs_hash != second.inputs_hash


@pytest.fixture
def exported_v3(
    tmp_path,
    methodology,
    answered_appeal,
    astana,
    deputy,
    office,
    django_capture_on_commit_callbacks,
):
    """A published snapshot with marks of reception visits and an outcome left out."""
    from halyq.ratings.disputes import dispute_decide, outcome_dispute_open
    from halyq.receptions.models import Booking, Reception
    from tests.appeals.factories import moderator_of
    from tests.factories import UserFactory
    from tests.receptions.factories import BookingFactory, ReceptionFactory

    publication_mode_set(region=astana, mode="public", public_from=timezone.localdate())
    # Four marks in all: a fifth within a day would be held as a burst by the checks.
    for resolution in ("yes", "no", "partly", "no", "yes"):
        appeal = answered_appeal(resolution=resolution)
    evaluation_submit(user=appeal.author, appeal=appeal, score=4)
    reception = ReceptionFactory(
        office=office,
        person=deputy,
        date=timezone.localdate() - timedelta(days=2),
        status=Reception.Status.HELD,
        booked_count=3,
        attended_count=3,
    )
    for score, slot in ((5, time(10, 0)), (4, time(10, 30)), (2, time(11, 0))):
        citizen = UserFactory(date_joined=timezone.now() - timedelta(days=30))
        booking = BookingFactory(
            reception=reception, slot_start=slot, citizen=citizen, status=Booking.Status.ATTENDED
        )
        evaluation_submit(user=citizen, booking=booking, score=score)
    set_aside = answered_appeal(resolution="no")
    dispute = outcome_dispute_open(user=deputy.user, appeal=set_aside, reason="Вне компетенции")
    dispute_decide(moderator=moderator_of(astana), dispute=dispute, uphold=True, reason="Да")
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = snapshot_compute(now=timezone.now() + timedelta(days=6))
    evidence = snapshot.results.get(person=deputy).data["components"]
    assert evidence["satisfaction"]["evidence"]["reception_evaluations"] == 3
    assert evidence["resolution"]["evidence"]["not_resolved"] == 2  # not the one set aside
    export(tmp_path, snapshot)
    return tmp_path


def test_visit_marks_and_outcomes_left_out_recompute_identically(exported_v3, capsys):
    [inputs] = list((exported_v3 / "snapshot_inputs").iterdir())
    assert len((inputs / "visit_marks.csv").read_text().splitlines()) == 1 + 3
    assert len((inputs / "outcomes_left_out.csv").read_text().splitlines()) == 1 + 1
    assert json.loads((inputs / "methodology.json").read_text())["version"] == "v3"
    assert verify([str(exported_v3), "--workers", "1"]) == 0
    assert "identical" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["visit_marks.csv", "outcomes_left_out.csv"])
def test_a_changed_visit_mark_or_outcome_left_out_is_caught(exported_v3, name, capsys):
    [inputs] = list((exported_v3 / "snapshot_inputs").iterdir())
    path = inputs / name
    lines = path.read_text().splitlines()
    if "," in lines[1]:  # a visit's mark becomes a 1
        lines[1] = lines[1].rsplit(",", 1)[0] + ",1"
    else:  # another appeal's outcome is left out instead
        lines[1] = str(int(lines[1]) + 1)
    assert lines[1] != path.read_text().splitlines()[1]
    path.write_text("\n".join(lines) + "\n")
    assert verify([str(exported_v3), "--workers", "1"]) == 1
    assert f"{name} does not match" in capsys.readouterr().out
