import re
import threading
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, InternalError, connection, connections, transaction

from halyq.integrity.models import LedgerEntry, PendingEvent
from halyq.integrity.pseudonyms import pseudonym
from halyq.integrity.selectors import chain_head, entries_up_to
from halyq.integrity.services import LedgerError, event_record
from halyq.ledger.chain import GENESIS_HASH, verify_chain

WHEN = datetime(2026, 3, 2, 4, 15, tzinfo=UTC)
REFUSED = (IntegrityError, InternalError, Exception)


def record(kind="appeal.registered", **payload):
    with transaction.atomic():
        return event_record(kind=kind, payload=payload or {"appeal": "a1"}, occurred_at=WHEN)


@pytest.mark.django_db
def test_appends_form_a_valid_chain_whose_head_is_published():
    first = record(appeal="a1")
    second = record(appeal="a2", region="71")
    assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
    assert second.prev_hash == first.entry_hash
    assert chain_head().seq == 2 and chain_head().entry_hash == second.entry_hash
    report = verify_chain(entries_up_to(2))
    assert report.ok, report
    assert first.occurred_at == "2026-03-02T04:15:00Z"


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_entry_and_a_valid_chain():
    record(appeal="kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        event_record(kind="appeal.registered", payload={"appeal": "lost"}, occurred_at=WHEN)
        raise RuntimeError("the change failed after its event was written")
    assert LedgerEntry.objects.count() == 1
    after = record(appeal="next")
    assert after.seq == 2
    assert verify_chain(entries_up_to(2)).ok


@pytest.mark.django_db
@pytest.mark.parametrize("payload", [{"score": 71.25}, {"nan": float("nan")}, {"object": object()}])
def test_non_canonical_payloads_are_refused_and_nothing_is_written(payload):
    with pytest.raises(LedgerError), transaction.atomic():
        event_record(kind="appeal.registered", payload=payload, occurred_at=WHEN)
    assert LedgerEntry.objects.count() == 0
    assert chain_head().seq == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_recording_outside_a_transaction_is_refused():
    with pytest.raises(LedgerError, match="inside the transaction"):
        event_record(kind="appeal.registered", payload={}, occurred_at=WHEN)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE integrity_ledgerentry SET kind = 'forged' WHERE seq = 1",
        "UPDATE integrity_ledgerentry SET payload = '{}'",
        "DELETE FROM integrity_ledgerentry WHERE seq = 1",
        "DELETE FROM integrity_ledgerentry",
    ],
)
def test_the_database_itself_refuses_update_and_delete(statement):
    record()
    with (
        pytest.raises(REFUSED, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert LedgerEntry.objects.get(seq=1).kind == "appeal.registered"


@pytest.mark.django_db
def test_the_orm_cannot_change_or_delete_entries_either():
    entry = record()
    entry.kind = "forged"
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
        entry.save()
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
        LedgerEntry.objects.all().delete()
    assert LedgerEntry.objects.count() == 1


def test_pseudonyms_are_stable_keyed_and_namespaced(settings):
    first = pseudonym("citizen", 42)
    assert first == pseudonym("citizen", 42)
    assert first != pseudonym("appeal", 42)
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    from halyq.integrity import pseudonyms

    pseudonyms._key.cache_clear()
    settings.HALYQ_PSEUDONYM_KEY = "another-key-held-outside-the-database"
    try:
        assert pseudonym("citizen", 42) != first
    finally:
        pseudonyms._key.cache_clear()
    with pytest.raises(ValueError):
        pseudonym("bad:namespace", 1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_writers_never_fork_the_chain():
    writers, events_each = 8, 15
    errors = []

    def write(worker):
        try:
            for number in range(events_each):
                with transaction.atomic():
                    event_record(
                        kind="evaluation.accepted",
                        payload={"worker": worker, "number": number},
                        occurred_at=WHEN,
                    )
        except Exception as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    total = writers * events_each
    assert list(LedgerEntry.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    assert verify_chain(entries_up_to(total)).ok
    assert chain_head().seq == total
    assert not PendingEvent.objects.exists()  # every queued event was chained
    assert (
        len({(e["payload"]["worker"], e["payload"]["number"]) for e in entries_up_to(total)})
        == total
    )
