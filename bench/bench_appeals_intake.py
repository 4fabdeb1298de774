"""Benchmark appeal intake through the service layer on PostgreSQL (target: ≥ 300 per second).

    createdb -h 127.0.0.1 -U postgres halyq_bench_appeals
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/halyq_bench_appeals \\
        .venv/bin/python bench/bench_appeals_intake.py [--workers 4] [--appeals 12000] \\
        [--mail after_commit|sender]
    dropdb -h 127.0.0.1 -U postgres halyq_bench_appeals

Several worker processes call `appeals.services.appeal_register` as the web form does
(a citizen, an office, a category, a text, an idempotency key), each in its own
transaction with its history event, outbox row and ledger event; 5% of submissions are
sent twice (a double click). Mail goes to Django's dummy backend: with `--mail sender`
(production's way, the default) a `halyq appeals send` process runs alongside and
sends it, and the run ends when it has sent every confirmation (its delay is printed);
with `--mail after_commit` each worker sends its own right after commit. Then the count
check: every acknowledged appeal is stored exactly once, no key twice, numbers unique
and gap-free per region, one `appeal.registered` ledger event per appeal, one
confirmation sent per appeal.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halyq.config.settings.local")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
os.environ.setdefault("HALYQ_LOG_LEVEL", "WARNING")
os.environ.setdefault("DEBUG", "0")

TEXT = "Во дворе дома по улице Абая, 12 третью неделю не вывозят мусор. Прошу принять меры."


def _setup():
    import django

    django.setup()


def prepare(citizens: int) -> None:
    _setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from halyq.accounts.models import User
    from halyq.appeals.models import Appeal, ReceptionOffice
    from halyq.directory.models import Region

    call_command("migrate", verbosity=0)
    if Appeal.objects.exists():
        sys.exit("The database already holds appeals: use a fresh scratch database.")
    for region in Region.objects.all():
        ReceptionOffice.objects.get_or_create(
            slug=f"bench-{region.slug}",
            defaults={
                "region": region,
                "name_ru": f"Приёмная {region.name_ru}",
                "address_ru": "ул. Абая, 1",
                "opening_hours_ru": "Пн–Пт 9–18",
            },
        )
    password = make_password(None)
    now = timezone.now()
    User.objects.bulk_create(
        [
            User(email=f"bench{n}@example.kz", password=password, email_confirmed_at=now)
            for n in range(citizens)
        ],
        ignore_conflicts=True,
    )


def worker(index: int, count: int, queue) -> None:
    _setup()
    import random

    from django.db import connection

    from halyq.accounts.models import User
    from halyq.appeals.models import Category, ReceptionOffice
    from halyq.appeals.services import appeal_register

    rng = random.Random(index)
    offices = list(
        ReceptionOffice.objects.filter(slug__startswith="bench-").select_related("region")
    )
    categories = list(Category.objects.all())
    users = list(User.objects.filter(email__startswith="bench").order_by("id")[index::8][:500])
    acknowledged = []
    latencies = []
    connection.ensure_connection()
    queue.put(("ready", index))
    started = time.perf_counter()
    cpu_started = time.process_time()
    for _ in range(count):
        key = uuid.uuid4()
        author = rng.choice(users)
        office = rng.choice(offices)
        category = rng.choice(categories)
        for _attempt in range(2 if rng.random() < 0.05 else 1):
            t0 = time.perf_counter()
            appeal = appeal_register(
                author=author, office=office, category=category, text=TEXT, idempotency_key=key
            )
            latencies.append(time.perf_counter() - t0)
            acknowledged.append((appeal.pk, appeal.number, str(key)))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    queue.put(("done", index, acknowledged, elapsed, latencies, cpu))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--appeals", type=int, default=12_000, help="in total")
    parser.add_argument("--mail", choices=["sender", "after_commit"], default="sender")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database (see the docstring).")
    os.environ["HALYQ_APPEAL_MAIL_SENDING"] = args.mail
    prepare(citizens=4_000)
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    per_worker = args.appeals // args.workers
    processes = [
        context.Process(target=worker, args=(i, per_worker, queue)) for i in range(args.workers)
    ]
    sender = None
    if args.mail == "sender":
        sender = subprocess.Popen(
            [sys.executable, "-m", "halyq", "appeals", "send"],
            stdout=subprocess.DEVNULL,
        )
    for process in processes:
        process.start()
    results = []
    while len(results) < args.workers:
        message = queue.get()
        if message[0] == "done":
            results.append(message)
    for process in processes:
        process.join()
    from halyq.appeals.models import Notification

    registered_by = time.perf_counter()
    if sender is not None:
        while Notification.objects.filter(status=Notification.Status.PENDING).exists():
            time.sleep(0.1)
        drained = time.perf_counter() - registered_by
        sender.send_signal(signal.SIGTERM)
        sender.wait(30)
    acknowledged = [item for result in results for item in result[2]]
    slowest = max(result[3] for result in results)
    latencies = sorted(latency for result in results for latency in result[4])
    unique_ids = {pk for pk, _, _ in acknowledged}

    from django.db.models import Count

    from halyq.appeals.models import Appeal
    from halyq.integrity.models import LedgerEntry

    stored = Appeal.objects.count()
    keys_twice = (
        Appeal.objects.values("author_id", "idempotency_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    numbers = Appeal.objects.values("number").distinct().count()
    ledger = LedgerEntry.objects.filter(kind="appeal.registered").count()
    by_key = {}
    consistent = True
    for pk, _number, key in acknowledged:
        consistent &= by_key.setdefault(key, pk) == pk  # a retried key gave the same appeal
    rate = len(unique_ids) / slowest
    print(
        f"workers: {args.workers}, submissions: {len(acknowledged):,} "
        f"({len(acknowledged) - len(unique_ids):,} double clicks)"
    )
    print(
        f"registered {len(unique_ids):,} appeals in {slowest:.1f} s: {rate:,.0f} appeals per second"
    )
    cpu = sum(result[5] for result in results)
    print(
        f"application CPU per appeal: {cpu / len(acknowledged) * 1000:.2f} ms "
        "(the database's own CPU comes on top)"
    )
    print(
        f"latency per call: median {latencies[len(latencies) // 2] * 1000:.1f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms"
    )
    print(
        f"stored {stored:,}; acknowledged distinct {len(unique_ids):,}; numbers {numbers:,}; "
        f"keys stored twice {keys_twice}; ledger events {ledger:,}; retries consistent {consistent}"
    )
    mail = Notification.objects.filter(status=Notification.Status.SENT)
    if sender is not None:
        delays = sorted(
            (sent_at - created_at).total_seconds()
            for created_at, sent_at in mail.values_list("created_at", "sent_at")
        )
        print(
            f"confirmations sent by the sender: {len(delays):,}; delay from registration: "
            f"median {delays[len(delays) // 2]:.2f} s, p99 {delays[int(len(delays) * 0.99)]:.2f} s; "
            f"all sent {drained:.1f} s after the last registration"
        )
    ok = stored == len(unique_ids) == numbers == ledger == mail.count()
    ok = ok and keys_twice == 0 and consistent
    ok = ok and set(Appeal.objects.values_list("id", flat=True)) == unique_ids
    print("count check:", "OK (every acknowledged appeal stored exactly once)" if ok else "FAILED")
    print("target 300/s:", "met" if rate >= 300 else "NOT met")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
