"""Writes through the services: good reports, and every kind of bad input refused
with a clear message and nothing changed."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from halyq.integrity.models import LedgerEntry
from halyq.programmes import services
from halyq.programmes.evidence import EvidenceInput
from halyq.programmes.models import Evidence, ItemChange, Status, TrackedItem
from tests.programmes import factories as make

pytestmark = pytest.mark.django_db


def snapshot(item: TrackedItem) -> tuple:
    item.refresh_from_db()
    return (
        item.status,
        item.progress,
        item.planned_end_date,
        item.parent_id,
        item.completed_on,
        sorted(item.monitors.values_list("pk", flat=True)),
        item.changes.count(),
        Evidence.objects.filter(item=item).count(),
        LedgerEntry.objects.count(),
    )


def refused(call, item, *, match: str):
    before = snapshot(item)
    with pytest.raises(ValidationError, match=match):
        call()
    assert snapshot(item) == before, "a refused change must leave everything as it was"


@pytest.fixture
def measure(tracker):
    return make.item(tracker["programme"], monitors=[tracker["people"]["aigul"]])


# ------------------------------------------------------------------ reporting
def test_a_deputy_reports_done_with_a_photo_and_the_history_keeps_it(tracker, measure):
    aigul = tracker["users"]["aigul"]
    change = services.item_report(
        actor=aigul,
        item=measure,
        status=Status.DONE,
        note="Road handed over",
        evidence=[EvidenceInput(evidence_date=date(2024, 12, 1), upload=make.jpeg_with_gps())],
    )
    measure.refresh_from_db()
    assert measure.status == Status.DONE
    assert measure.progress == 100
    assert measure.completed_on == timezone.localdate()
    assert measure.report_round == 1
    assert change.actor_role == ItemChange.ActorRole.DEPUTY
    assert change.actor_person == tracker["people"]["aigul"]
    assert change.changes["status"] == ["not_started", "done"]
    evidence = change.evidence.get()
    assert evidence.kind == "photo" and evidence.media_type == "image/jpeg"
    assert "photo" not in evidence.file.name and evidence.file.name.startswith(
        "programmes/evidence/"
    )
    with evidence.file.open("rb") as stored, Image.open(stored) as image:
        assert not image.getexif(), "EXIF (GPS, owner's name) must be stripped"
    entry = LedgerEntry.objects.get(kind="programme.measure.status")
    assert entry.payload["to_status"] == "done"
    assert entry.payload["reported_by"] == str(tracker["people"]["aigul"].public_id)
    assert entry.payload["item"] == "71-viii:1"
    assert "aigul@example.kz" not in str(entry.payload)


def test_pdf_documents_and_links_are_evidence_too(tracker, measure):
    services.item_report(
        actor=None,
        item=measure,
        status=Status.PARTLY_DONE,
        progress=60,
        evidence=[
            EvidenceInput(evidence_date=date(2024, 6, 1), upload=make.pdf()),
            make.link(),
        ],
    )
    kinds = sorted(Evidence.objects.filter(item=measure).values_list("kind", flat=True))
    assert kinds == ["document", "link"]


@pytest.mark.parametrize("progress", [-1, 101, 250, "abc", "50.5"])
def test_progress_outside_0_to_100_is_refused(tracker, measure, progress):
    refused(
        lambda: services.item_report(
            actor=None, item=measure, status=Status.IN_PROGRESS, progress=progress
        ),
        measure,
        match="Progress",
    )


@pytest.mark.parametrize("status", [Status.DONE, Status.PARTLY_DONE])
def test_done_or_partly_done_without_evidence_is_refused(tracker, measure, status):
    refused(
        lambda: services.item_report(actor=None, item=measure, status=status, progress=50),
        measure,
        match="need evidence",
    )


def test_overdue_cannot_be_set_by_hand(tracker, measure):
    refused(
        lambda: services.item_report(actor=None, item=measure, status="overdue"),
        measure,
        match="cannot be set by hand",
    )


def test_cancelling_needs_a_public_reason(tracker, measure):
    moderator = tracker["users"]["moderator"]
    refused(
        lambda: services.item_cancel(actor=moderator, item=measure, reason="  "),
        measure,
        match="reason",
    )
    services.item_cancel(actor=moderator, item=measure, reason="Funded by the state programme")
    measure.refresh_from_db()
    assert measure.status == Status.CANCELLED
    assert measure.cancellation_reason == "Funded by the state programme"
    refused(
        lambda: services.item_report(
            actor=None, item=measure, status=Status.IN_PROGRESS, progress=5
        ),
        measure,
        match="cancelled",
    )


def test_a_bad_file_or_a_non_http_link_is_refused(tracker, measure):
    fake = SimpleUploadedFile("act.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    for piece, message in (
        (EvidenceInput(evidence_date=date(2024, 6, 1), upload=fake), "not a photo or a PDF"),
        (EvidenceInput(evidence_date=date(2024, 6, 1), url="javascript:alert(1)"), "http"),
        (EvidenceInput(evidence_date=date(2024, 6, 1), url="ftp://example.kz/x"), "http"),
        (
            EvidenceInput(
                evidence_date=timezone.localdate() + timedelta(days=2), url="https://a.kz"
            ),
            "future",
        ),
    ):
        refused(
            lambda piece=piece: services.item_report(
                actor=None, item=measure, status=Status.DONE, evidence=[piece]
            ),
            measure,
            match=message,
        )


def test_a_file_over_the_size_limit_is_refused(tracker, measure, settings):
    settings.HALYQ_PROGRAMMES_EVIDENCE_MAX_BYTES = 1024
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 50).convert("RGB").save(buffer, format="PNG")
    big = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    refused(
        lambda: services.item_report(
            actor=None,
            item=measure,
            status=Status.DONE,
            evidence=[EvidenceInput(evidence_date=date(2024, 6, 1), upload=big)],
        ),
        measure,
        match="larger than",
    )


def test_reporting_done_again_after_an_overturn_opens_a_new_round(tracker, measure):
    services.item_report(actor=None, item=measure, status=Status.DONE, evidence=[make.link()])
    services.item_report(actor=None, item=measure, status=Status.IN_PROGRESS, progress=80)
    measure.refresh_from_db()
    assert measure.completed_on is None
    services.item_report(actor=None, item=measure, status=Status.DONE, evidence=[make.link()])
    measure.refresh_from_db()
    assert measure.report_round == 2


def test_nothing_to_report_is_refused(tracker, measure):
    refused(
        lambda: services.item_report(actor=None, item=measure, status=Status.NOT_STARTED),
        measure,
        match="Nothing to report",
    )


# ------------------------------------------------------------------ roadmap details
def test_a_completion_date_before_the_start_is_refused(tracker, measure):
    with pytest.raises(ValidationError, match="before the start"):
        make.item(tracker["programme"], "2", start=date(2024, 5, 1), end=date(2024, 4, 30))
    assert not TrackedItem.objects.filter(code="2").exists()
    refused(
        lambda: services.item_update(actor=None, item=measure, planned_end_date=date(2023, 12, 31)),
        measure,
        match="before the start",
    )


def test_a_cycle_in_the_roadmap_tree_is_refused(tracker):
    programme = tracker["programme"]
    top = make.item(programme, "1")
    middle = make.item(programme, "1.1", parent=top)
    leaf = make.item(programme, "1.1.1", parent=middle)
    refused(
        lambda: services.item_update(actor=None, item=top, parent=leaf),
        top,
        match="cycle",
    )
    refused(lambda: services.item_update(actor=None, item=top, parent=top), top, match="itself")
    other = make.item(tracker["almaty_programme"], "9")
    refused(
        lambda: services.item_update(actor=None, item=leaf, parent=other),
        leaf,
        match="another programme",
    )


def test_a_deputy_outside_the_territory_is_refused(tracker, measure):
    people = tracker["people"]
    refused(
        lambda: services.item_update(actor=None, item=measure, monitors=[people["gulnar"]]),
        measure,
        match="another region",
    )
    refused(
        lambda: services.item_update(actor=None, item=measure, monitors=[people["olga"]]),
        measure,
        match="not a deputy",
    )
    district_item = make.item(tracker["yesil_programme"], "D1")
    # Dana sits on Saryarka's maslikhat, not Yesil's; Bolat (Yesil) and Aigul (the
    # regional maslikhat) may monitor a Yesil measure.
    refused(
        lambda: services.item_update(actor=None, item=district_item, monitors=[people["dana"]]),
        district_item,
        match="neither this district",
    )
    services.item_update(
        actor=None, item=district_item, monitors=[people["bolat"], people["aigul"]]
    )
    assert district_item.monitors.count() == 2
    change = district_item.changes.get(kind="updated")
    assert sorted(change.changes["monitors"][1]) == sorted(
        [str(people["bolat"].public_id), str(people["aigul"].public_id)]
    )


def test_a_parent_is_done_only_when_its_live_parts_are(tracker):
    programme = tracker["programme"]
    top = make.item(programme, "1")
    first = make.item(programme, "1.1", parent=top)
    second = make.item(programme, "1.2", parent=top)
    refused(
        lambda: services.item_report(
            actor=None, item=top, status=Status.DONE, evidence=[make.link()]
        ),
        top,
        match="all its sub-measures",
    )
    refused(
        lambda: services.item_report(actor=None, item=top, status=Status.IN_PROGRESS, progress=40),
        top,
        match="takes its progress",
    )
    services.item_report(actor=None, item=first, status=Status.DONE, evidence=[make.link()])
    services.item_cancel(actor=None, item=second, reason="Merged into 1.1")
    services.item_report(actor=None, item=top, status=Status.DONE, evidence=[make.link()])
    top.refresh_from_db()
    assert top.status == Status.DONE and top.rolled_up_progress == 100


def test_reports_roll_up_to_the_parent_and_the_programme(tracker):
    programme = tracker["programme"]
    top = make.item(programme, "1")
    make.item(programme, "2", weight=3)
    first = make.item(programme, "1.1", parent=top, weight=1)
    second = make.item(programme, "1.2", parent=top, weight=3)
    services.item_report(actor=None, item=first, status=Status.IN_PROGRESS, progress=40)
    services.item_report(actor=None, item=second, status=Status.IN_PROGRESS, progress=80)
    top.refresh_from_db()
    programme.refresh_from_db()
    assert top.rolled_up_progress == pytest.approx(70.0)  # (1*40 + 3*80) / 4
    assert programme.progress == pytest.approx(17.5)  # (1*70 + 3*0) / 4


# ------------------------------------------------------------------ permissions in services
def test_services_check_who_acts(tracker, measure):
    users = tracker["users"]
    for outsider in (users["bolat"], users["gulnar"], users["almaty_moderator"], users["erlan"]):
        with pytest.raises(PermissionDenied):
            services.item_report(
                actor=outsider, item=measure, status=Status.IN_PROGRESS, progress=5
            )
    with pytest.raises(PermissionDenied):
        services.item_cancel(actor=users["aigul"], item=measure, reason="no")
    services.item_report(actor=users["moderator"], item=measure, status=Status.STALLED, progress=5)
    assert measure.changes.last().actor_role == "moderator"


# ------------------------------------------------------------------ mandates
def test_a_mandate_is_accepted_as_its_own_item_and_tracked_like_a_measure(tracker):
    users, people = tracker["users"], tracker["people"]
    mandate = services.mandate_register(
        actor=users["bolat"],
        programme=tracker["yesil_programme"],
        source="meeting",
        source_date=date(2023, 2, 1),
        source_reference="Meeting at school 12",
        topic="roads",
        title_ru="Сделать переход",
        title_en="Build a crossing",
    )
    assert mandate.code.startswith("M") and mandate.district == tracker["yesil"]
    services.mandate_accept(
        actor=users["moderator"],
        mandate=mandate,
        monitors=[people["bolat"]],
        start_date=date(2024, 3, 1),
        planned_end_date=date(2024, 9, 1),
    )
    mandate.refresh_from_db()
    item = mandate.item
    assert mandate.state == "accepted" and item.kind == "mandate"
    assert list(item.monitors.all()) == [people["bolat"]]
    assert item.changes.get().actor_role == "moderator"
    entry = LedgerEntry.objects.get(kind="programme.mandate.accepted")
    assert entry.payload["tracked_on_its_own"] is True
    assert "School" not in str(entry.payload)
    with pytest.raises(ValidationError, match="already been decided"):
        services.mandate_decline(actor=users["moderator"], mandate=mandate, reason="no")


def test_a_mandate_can_be_folded_into_a_measure_or_declined_with_a_reason(tracker, measure):
    users = tracker["users"]

    def register():
        return services.mandate_register(
            actor=users["moderator"],
            programme=tracker["programme"],
            source="primary",
            source_date=date(2023, 1, 15),
            topic="utilities",
            title_ru="Водопровод",
        )

    folded = services.mandate_accept(actor=users["moderator"], mandate=register(), measure=measure)
    assert folded.item == measure
    declined = register()
    with pytest.raises(ValidationError, match="reason"):
        services.mandate_decline(actor=users["moderator"], mandate=declined, reason="")
    services.mandate_decline(actor=users["moderator"], mandate=declined, reason="Not our remit")
    declined.refresh_from_db()
    assert declined.state == "declined" and declined.decision_reason == "Not our remit"
    assert LedgerEntry.objects.filter(kind="programme.mandate.declined").count() == 1
    with pytest.raises(PermissionDenied):
        services.mandate_accept(
            actor=users["almaty_moderator"], mandate=register(), measure=measure
        )
    with pytest.raises(ValidationError, match="another territory"):
        services.mandate_accept(
            actor=users["admin"],
            mandate=register(),
            measure=make.item(tracker["almaty_programme"], "A1"),
        )


def test_accepting_a_mandate_on_its_own_needs_deputies_and_sane_dates(tracker):
    users, people = tracker["users"], tracker["people"]
    mandate = services.mandate_register(
        actor=None,
        programme=tracker["programme"],
        source="appeal",
        source_date=date(2024, 1, 5),
        topic="social",
        title_ru="Клуб",
    )
    with pytest.raises(ValidationError, match="at least one deputy"):
        services.mandate_accept(
            actor=users["moderator"],
            mandate=mandate,
            start_date=date(2024, 2, 1),
            planned_end_date=date(2024, 5, 1),
        )
    with pytest.raises(ValidationError, match="before the start"):
        services.mandate_accept(
            actor=users["moderator"],
            mandate=mandate,
            monitors=[people["aigul"]],
            start_date=date(2024, 2, 1),
            planned_end_date=date(2024, 1, 1),
        )
    with pytest.raises(ValidationError, match="another region"):
        services.mandate_accept(
            actor=users["moderator"],
            mandate=mandate,
            monitors=[people["gulnar"]],
            start_date=date(2024, 2, 1),
            planned_end_date=date(2024, 5, 1),
        )
    mandate.refresh_from_db()
    assert mandate.state == "registered" and mandate.item is None
    assert not TrackedItem.objects.filter(kind="mandate").exists()
