"""Benchmark a person's live-score refresh after an event, on the national data set.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/halyq_nat \\
        .venv/bin/python bench/bench_live.py [--events 1000]

Needs a database seeded with `halyq seed --scale national` (it holds a staff snapshot,
whose group baselines a live refresh scores against). Refreshes the live score of
people drawn at random, weighted by their workload as events are, and prints the
median, 99th percentile and maximum (target: p99 < 50 ms). Each refresh is one
transaction, as after a real event's commit.
"""

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halyq.config.settings.local")

from django.db import transaction
from django.db.models import Count

# The WSGI module as the server loads it (Django set up, views imported, gc frozen): a
# refresh runs in the web process that recorded the event.
import halyq.config.wsgi  # noqa: F401
from halyq.directory.models import Person
from halyq.ratings.live import live_refresh

parser = argparse.ArgumentParser()
parser.add_argument("--events", type=int, default=1000)
arguments = parser.parse_args()

people = list(
    Person.objects.annotate(workload=Count("answered_appeals")).values_list("public_id", "workload")
)
rng = random.Random(1)
chosen = rng.choices(
    [str(public_id) for public_id, _ in people],
    weights=[workload + 1 for _, workload in people],
    k=arguments.events,
)
times = []
for person in chosen:
    started = time.perf_counter()
    with transaction.atomic():
        assert live_refresh(person_public_id=person) is not None
    times.append((time.perf_counter() - started) * 1000)
times.sort()
p99 = times[int(len(times) * 0.99) - 1]
print(
    f"{len(times)} live refreshes: median {statistics.median(times):.1f} ms, "
    f"p99 {p99:.1f} ms, max {times[-1]:.1f} ms -> {'met' if p99 < 50 else 'NOT met'}"
)
