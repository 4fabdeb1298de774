"""Appending never waits: a writer that finds the head held queues its event, chained soon after.

PostgreSQL only: SQLite serialises whole write transactions, so there the head is
always free and every event is chained at once (tests/integrity/test_record.py).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction  # noqa: F401 (skipif)

from halyq.integrity.models import LedgerEntry, PendingEvent
from halyq.integrity.selectors import chain_head, entries_up_to
from halyq.integrity.services import LedgerError, event_record, head_held
from halyq.ledger.chain import verify_chain

WHEN = datetime(2026, 3, 2, 4, 15, tzinfo=UTC)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
]


def record(name: str):
    return event_record(kind="appeal.answered", payload={"appeal": name}, occurred_at=WHEN)


class Holder(threading.Thread):
    """Another transaction that chains an event and keeps the head until told to end."""

    def __init__(self, *, commit: bool = True) -> None:
        super().__init__()
        self.commit = commit
        self.holding = threading.Event()
        self.release = threading.Event()
        self.errors: list[Exception] = []

    def run(self) -> None:
        try:
            with transaction.atomic():
                record("holder")
                self.holding.set()
                self.release.wait(10)
                if not self.commit:
                    raise _RolledBack
        except _RolledBack:
            pass
        except Exception as error:  # asserted on by the test
            self.errors.append(error)
        finally:
            self.holding.set()
            connections.close_all()

    def __enter__(self) -> Holder:
        self.start()
        assert self.holding.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.join(10)
        assert self.errors == []


class _RolledBack(Exception):
    pass


def chained_appeals() -> list[str]:
    return [entry["payload"]["appeal"] for entry in entries_up_to(chain_head().seq)]


def test_a_writer_behind_a_holder_queues_at_once_and_is_chained_after_the_holder_commits():
    with Holder():
        started = time.perf_counter()
        with transaction.atomic():
            queued = record("queued")
        waited = time.perf_counter() - started
        assert isinstance(queued, PendingEvent)
        assert waited < 1, "the writer waited for the holder"
        assert PendingEvent.objects.count() == 1
        assert LedgerEntry.objects.count() == 0  # the holder has not committed yet
    assert chained_appeals() == ["holder", "queued"]
    assert PendingEvent.objects.count() == 0
    assert verify_chain(entries_up_to(2)).ok


def test_an_event_queued_behind_a_holder_that_rolls_back_is_chained_by_the_next_writer():
    with Holder(commit=False), transaction.atomic():
        record("first")
    assert PendingEvent.objects.count() == 1 and chain_head().seq == 0
    with transaction.atomic():
        record("second")
    assert chained_appeals() == ["first", "second"]  # the queue goes first: cause before effect
    assert PendingEvent.objects.count() == 0


def test_the_sequence_command_chains_what_a_rolled_back_holder_left_queued():
    with Holder(commit=False), transaction.atomic():
        record("left behind")
    out = StringIO()
    call_command("ledger", "sequence", stdout=out)
    assert "Chained 1 queued events; head #1" in out.getvalue()
    assert chained_appeals() == ["left behind"]
    assert PendingEvent.objects.count() == 0


def test_a_queued_transaction_keeps_its_own_order_when_it_later_gets_the_head():
    holder = Holder(commit=False)
    with holder, transaction.atomic():
        record("one")
        holder.release.set()
        holder.join(10)  # the head is free now, inside this transaction
        two = record("two")
        assert isinstance(two, PendingEvent)  # behind its own queued event, not before it
    assert chained_appeals() == ["one", "two"]


def test_a_bad_event_is_refused_when_queued_too_and_nothing_is_queued():
    with Holder():
        with pytest.raises(LedgerError, match="float"), transaction.atomic():
            event_record(kind="appeal.answered", payload={"score": 1.5}, occurred_at=WHEN)
        assert PendingEvent.objects.count() == 0
    assert chained_appeals() == ["holder"]


def test_a_rolled_back_writer_leaves_nothing_queued():
    with Holder():
        with pytest.raises(RuntimeError), transaction.atomic():
            record("lost")
            raise RuntimeError("the change failed")
        assert PendingEvent.objects.count() == 0
    assert chained_appeals() == ["holder"]


def test_while_the_head_is_held_for_a_block_writers_queue_and_are_chained_when_it_ends():
    errors = []

    def writer():
        try:
            with transaction.atomic():
                errors.append(type(record("during")).__name__)
        finally:
            connections.close_all()

    with head_held():
        with transaction.atomic():
            record("reader's own")
        thread = threading.Thread(target=writer)
        thread.start()
        thread.join(10)
        assert errors == ["PendingEvent"]
        assert chained_appeals() == ["reader's own"]
    assert chained_appeals() == ["reader's own", "during"]
    assert PendingEvent.objects.count() == 0
