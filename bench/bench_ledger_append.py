"""Benchmark appending to the record under 8 concurrent writers (issue 5: p99 < 2 ms).

    createdb -h 127.0.0.1 -U postgres halyq_bench_ledger
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/halyq_bench_ledger \\
        .venv/bin/python bench/bench_ledger_append.py [--writers 8] [--events 500]
    dropdb -h 127.0.0.1 -U postgres halyq_bench_ledger

Migrates the scratch database, then starts `--writers` processes that each append
`--events` events, one transaction each, as the services do (`event_record` inside
`transaction.atomic()`): as fast as each can (a closed loop that keeps both cores
saturated), or with `--rate` at that many events per second from all writers together
(Poisson arrivals, an open loop as a site's traffic is). Prints the time of
`event_record` itself (the append: head lock, hashing, insert) and of the whole
transaction (commit included, which waits for the other writers holding the head), as
median and 99th percentile, then checks the chain: one entry per event, sequence numbers
without gaps, every link valid. With `--baseline` each transaction times a `SELECT 1`
instead of the append: the floor that the same load puts under any statement.
"""

import argparse
import multiprocessing
import os
import statistics
import time
from datetime import UTC, datetime

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halyq.config.settings.local")


def _setup():
    import django

    django.setup()


def write(args):
    worker, events, rate, baseline = args
    _setup()
    import random

    from django.db import connection, transaction

    from halyq.integrity.services import event_record

    def append(number):
        if baseline:  # the floor: one trivial round trip in the same transaction shape
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return
        event_record(
            kind="appeal.answered",
            payload={"appeal": f"w{worker}-{number}", "person": "p", "region": "71"},
            occurred_at=when,
        )

    appends, transactions = [], []
    when = datetime(2026, 3, 2, 4, 15, tzinfo=UTC)
    arrivals = random.Random(worker)
    next_at = time.perf_counter()
    for number in range(events):
        if rate:  # open loop: Poisson arrivals at this writer's share of the rate
            next_at += arrivals.expovariate(rate)
            time.sleep(max(0.0, next_at - time.perf_counter()))
        started = time.perf_counter()
        with transaction.atomic():
            before = time.perf_counter()
            append(number)
            appends.append((time.perf_counter() - before) * 1000)
        transactions.append((time.perf_counter() - started) * 1000)
    connection.close()
    return appends, transactions


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="events per second from all writers together (0: each as fast as it can)",
    )
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="time a SELECT 1 instead of the append: what the same load costs any statement",
    )
    arguments = parser.parse_args()
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from halyq.integrity.models import LedgerEntry
    from halyq.integrity.selectors import entries_up_to
    from halyq.ledger.chain import verify_chain

    call_command("migrate", verbosity=0)
    if connection.vendor != "postgresql":
        raise SystemExit("Run it on PostgreSQL (DATABASE_URL).")
    already = LedgerEntry.objects.count()
    connection.close()
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(arguments.writers) as pool:
        share = arguments.rate / arguments.writers
        results = pool.map(
            write,
            [(w, arguments.events, share, arguments.baseline) for w in range(arguments.writers)],
        )
    seconds = time.perf_counter() - started
    appends = [value for result in results for value in result[0]]
    transactions = [value for result in results for value in result[1]]
    total = already + (0 if arguments.baseline else arguments.writers * arguments.events)
    print(
        f"{arguments.writers} writers x {arguments.events} events in {seconds:.1f} s "
        f"({len(appends) / seconds:.0f} events/s)"
    )
    timed = "SELECT 1 (baseline):  " if arguments.baseline else "append (event_record):"
    print(
        f"{timed} median {statistics.median(appends):.2f} ms, "
        f"p99 {percentile(appends, 0.99):.2f} ms"
    )
    print(
        f"whole transaction:     median {statistics.median(transactions):.2f} ms, "
        f"p99 {percentile(transactions, 0.99):.2f} ms"
    )
    seqs = list(LedgerEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, total + 1)), "the chain has gaps or forks"
    assert verify_chain(entries_up_to(total)).ok, "the chain does not verify"
    print(f"chain: {total} entries, no gaps, every link valid")
    if not arguments.baseline:
        met = percentile(appends, 0.99) < 2
        print("target (append p99 < 2 ms): " + ("met" if met else "NOT met"))


if __name__ == "__main__":
    main()
