"""The programme-delivery records the rating engine reads, on a hand-computed roadmap."""

from __future__ import annotations

from datetime import date

import pytest

from halyq.programmes import services
from halyq.programmes.models import Confirmation, Status, TrackedItem
from halyq.programmes.selectors import delivery_records
from halyq.scoring import METHODOLOGY_V2, PersonRecord, compute
from tests.programmes import factories as make

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 1, 31)


def report(item, status, *, progress=None, completed_on=None):
    services.item_report(
        actor=None,
        item=item,
        status=status,
        progress=progress,
        completed_on=completed_on,
        evidence=[make.link(day=completed_on or date(2024, 6, 1))]
        if status in (Status.DONE, Status.PARTLY_DONE)
        else [],
    )


@pytest.fixture
def roadmap(tracker):
    """Astana programme:

    A (w2, Dana) ── A1 (w1, Aigul) done 20 Jun, due 28 Jun 2024       -> on time
                 └─ A2 (w3, Aigul) partly done 10 Dec, due 20 Dec     -> half on time
    B (w1, Aigul) in progress, due 20 Dec 2024                        -> late
    C (w1, Aigul) not started, due 30 Jun 2025                        -> not due yet: no record
    D (w1, Aigul) done 10 Jan 2025, due 30 Jun 2025                   -> delivered early: record
    E (w1, Aigul) cancelled                                            -> no record
    F (w1, Aigul) done 27 Dec, due 20 Dec 2024                        -> late
    M (mandate, w1, Aigul) done 2 Dec, due 20 Dec 2024; residents: yes, partly, no, no
    """
    programme = tracker["programme"]
    aigul, dana = tracker["people"]["aigul"], tracker["people"]["dana"]
    parent_start = date(2024, 1, 10)
    a = make.item(programme, "A", weight=2, monitors=[dana], end=date(2024, 12, 20))
    a1 = make.item(programme, "A1", parent=a, weight=1, monitors=[aigul], end=date(2024, 6, 28))
    a2 = make.item(programme, "A2", parent=a, weight=3, monitors=[aigul], end=date(2024, 12, 20))
    b = make.item(programme, "B", monitors=[aigul], end=date(2024, 12, 20))
    c = make.item(programme, "C", monitors=[aigul], end=date(2025, 6, 30))
    d = make.item(programme, "D", monitors=[aigul], end=date(2025, 6, 30))
    e = make.item(programme, "E", monitors=[aigul], end=date(2024, 12, 20))
    f = make.item(programme, "F", monitors=[aigul], end=date(2024, 12, 20))
    m = make.item(
        programme, "M", kind=TrackedItem.Kind.MANDATE, monitors=[aigul], end=date(2024, 12, 20)
    )
    report(a1, Status.DONE, completed_on=date(2024, 6, 20))
    report(a2, Status.PARTLY_DONE, progress=50, completed_on=date(2024, 12, 10))
    report(a, Status.IN_PROGRESS)
    report(b, Status.IN_PROGRESS, progress=70)
    report(d, Status.DONE, completed_on=date(2025, 1, 10))
    services.item_cancel(actor=None, item=e, reason="Merged into B")
    report(f, Status.DONE, completed_on=date(2024, 12, 27))
    report(m, Status.DONE, completed_on=date(2024, 12, 2))
    m.refresh_from_db()
    for user, answer in zip(
        [tracker["users"]["erlan"], tracker["users"]["saule"], *make_residents(tracker, 2)],
        ["yes", "partly", "no", "no"],
        strict=True,
    ):
        Confirmation.objects.create(item=m, round=m.report_round, user=user, answer=answer)
    services._recount(m)
    assert parent_start  # the items start on 10 Jan 2024 (the factory's default)
    return {"a": a, "c": c, "e": e, "aigul": aigul, "dana": dana}


def make_residents(tracker, count):
    from tests.programmes.conftest import residents

    return residents(count, region=tracker["astana"])


def test_one_record_per_monitor_and_due_or_delivered_item(roadmap):
    aigul = str(roadmap["aigul"].public_id)
    dana = str(roadmap["dana"].public_id)
    records = {(r.person_id, r.item_id): r for r in delivery_records(as_of=AS_OF)}
    expected = {
        # (person, item): (weight, due_on, on_time, dispute_share)
        (dana, "71-viii:A"): (2.0, date(2024, 12, 20), False, 0.0),
        (aigul, "71-viii:A1"): (0.5, date(2024, 6, 28), True, 0.0),  # 2 * 1/4
        (aigul, "71-viii:A2#delivered-part"): (0.75, date(2024, 12, 20), True, 0.0),  # 2*3/4 /2
        (aigul, "71-viii:A2#undelivered-part"): (0.75, date(2024, 12, 20), False, 0.0),
        (aigul, "71-viii:B"): (1.0, date(2024, 12, 20), False, 0.0),
        (aigul, "71-viii:D"): (1.0, date(2025, 6, 30), True, 0.0),
        (aigul, "71-viii:F"): (1.0, date(2024, 12, 20), False, 0.0),
        (aigul, "71-viii:M"): (1.0, date(2024, 12, 20), True, 0.625),  # (2 + 0.5) / 4
    }
    assert set(records) == set(expected)
    for key, (weight, due, on_time, dispute) in expected.items():
        record = records[key]
        assert record.weight == pytest.approx(weight), key
        assert record.due_on == due, key
        assert record.delivered_on_time is on_time, key
        assert record.dispute_share == pytest.approx(dispute), key


def test_as_of_decides_what_is_due_and_what_was_delivered_in_time(roadmap):
    aigul = str(roadmap["aigul"].public_id)
    records = {
        r.item_id: r for r in delivery_records(as_of=date(2024, 6, 25)) if r.person_id == aigul
    }
    # On 25 June only A1 was delivered (20 June); nothing else was due yet.
    assert set(records) == {"71-viii:A1"}
    assert records["71-viii:A1"].delivered_on_time


def test_the_engine_credits_the_hand_computed_delivery_share(roadmap):
    aigul = str(roadmap["aigul"].public_id)
    records = delivery_records(as_of=AS_OF)
    people = [
        PersonRecord(person_id=p, group="regional:71")
        for p in sorted({r.person_id for r in records})
    ]
    result = compute(people, [], [], records, METHODOLOGY_V2, AS_OF).by_person()
    evidence = result[aigul].components["delivery"].evidence
    # weights in the window: A1 .5 + A2 .75 + .75 + B 1 + F 1 + M 1 = 5 (D is due after as_of)
    assert evidence["weight"] == pytest.approx(5.0)
    # success: A1 .5 + A2's delivered half .75 + M 1 * (1 - 0.625) = 1.625
    assert evidence["weighted_success"] == pytest.approx(1.625)


def test_one_monitors_records_are_exactly_their_part_of_all_records(roadmap):
    for name in ("aigul", "dana"):
        person = roadmap[name]
        theirs = delivery_records(as_of=AS_OF, person_ids=[person.id])
        assert theirs
        assert theirs == [
            r for r in delivery_records(as_of=AS_OF) if r.person_id == str(person.public_id)
        ]
