"""People list server time with the national data set.

    HALYQ_VAR_DIR=/tmp/natvar halyq migrate && halyq seed --scale national
    HALYQ_VAR_DIR=/tmp/natvar .venv/bin/python bench/bench_people_list.py

Times the real view through Django's test client (no network), after loading the WSGI
module as the server does, for a set of filter combinations: 200 requests each, median,
99th percentile and maximum.
"""

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halyq.config.settings.local")
os.environ["DEBUG"] = "0"

# The WSGI module as the server loads it (Django set up, views imported, gc frozen).
# No setup_test_environment(): its template instrumentation copies every context the
# page renders, which is the benchmark's cost, not the server's.
from django.test import Client

import halyq.config.wsgi  # noqa: F401

QUERIES = [
    {},
    {"page": "200"},
    {"q": "Нурланов"},
    {"q": "nurlanov"},
    {"region": "71"},
    {"region": "75", "kind": "reserve"},
    {"organization": "birlik-faction-astana"},
    {"q": "Айгуль", "region": "19", "kind": "deputy"},
]
SAMPLES = 200
client = Client(HTTP_HOST="127.0.0.1")
for params in QUERIES:
    client.get("/people/", params)  # warm the connection and templates
    times = []
    for _ in range(SAMPLES):
        started = time.perf_counter()
        response = client.get("/people/", params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    times.sort()
    p99 = times[int(len(times) * 0.99) - 1]
    print(
        f"{params!s:<56} median {statistics.median(times):6.1f} ms  p99 {p99:6.1f} ms"
        f"  max {times[-1]:6.1f} ms"
    )
