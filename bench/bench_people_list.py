"""People list server time with the national data set.

    HALYQ_VAR_DIR=/tmp/natvar halyq migrate && halyq seed --scale national
    HALYQ_VAR_DIR=/tmp/natvar .venv/bin/python bench/bench_people_list.py

Times the real view through Django's test client (no network), for a set of filter
combinations, and prints the median and 99th percentile per combination.
"""

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halyq.config.settings.local")
os.environ["DEBUG"] = "0"

import django

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()
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
client = Client(HTTP_HOST="127.0.0.1")
for params in QUERIES:
    client.get("/people/", params)  # warm the connection and templates
    times = []
    for _ in range(30):
        started = time.perf_counter()
        response = client.get("/people/", params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    times.sort()
    print(f"{params!s:<60} median {statistics.median(times):6.1f} ms  p99 {times[-1]:6.1f} ms")
