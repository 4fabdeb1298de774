"""Benchmark of news view counting: views ingested per second on both paths, then an
exact check of the unique counts.

A stream of article views is generated: articles drawn with a heavy tail (Zipf), each
visitor reading several articles and re-opening some (the repeats must not count).
The stream goes through the process's `ViewRecorder` exactly as the pages use it
(queue + background writer thread); the clock stops when everything is in the store.
On the Redis path the flush to the database is timed separately. Afterwards each
article's count in the database is compared with the true number of distinct visitors:
the embedded path must be exact; the Redis path exact for articles under the exact-set
limit and within HyperLogLog's error (0.81 % standard error; checked at 3 sigma) above.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/halyq_news_bench \\
        .venv/bin/python bench/bench_news_counting.py [--path database|redis|both]
        [--views 60000] [--redis-views 300000] [--articles 200] [--processes 1]

`--processes 2` runs two writer processes at once on overlapping visitors (as two
gunicorn workers would) to show that concurrent writers still count exactly.
Targets (issue): >= 5,000 views/s with Redis, >= 1,000 views/s embedded.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import time
import uuid
from collections import defaultdict

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halyq.config.settings.local")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def setup_django() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_articles(count: int) -> list[int]:
    from django.utils import timezone

    from halyq.news.models import Article

    tag = uuid.uuid4().hex[:8]
    Article.objects.bulk_create(
        [
            Article(
                slug=f"bench-{tag}-{n}",
                title_ru=f"Bench {n}",
                status="published",
                published_at=timezone.now(),
            )
            for n in range(count)
        ]
    )
    return list(
        Article.objects.filter(slug__startswith=f"bench-{tag}-").values_list("pk", flat=True)
    )


def make_stream(article_ids: list[int], views: int, seed: int = 7):
    """(article, visitor) pairs: Zipf-popular articles, ~40 % of opens are repeats."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(article_ids))]
    visitors = max(1, views // 4)
    stream = []
    seen: list[tuple[int, int]] = []
    for _ in range(views):
        if seen and rng.random() < 0.4:
            stream.append(rng.choice(seen))  # the same visitor opens the same article again
        else:
            pair = (rng.choices(article_ids, weights)[0], rng.randrange(visitors))
            seen.append(pair)
            stream.append(pair)
    return stream


def pending_views(stream):
    from django.utils import timezone

    from halyq.news.counting import PendingView, local_day

    now = timezone.now()
    day = local_day(now)
    return [PendingView(article, day, f"{visitor:032x}", now) for article, visitor in stream]


def run_recorder(views, *, redis: bool, prefix: str) -> float:
    """Push `views` through a background ViewRecorder; seconds until all are stored."""
    from halyq.news.counting import DatabaseViewCounter, RedisViewCounter, ViewRecorder

    counter = RedisViewCounter(REDIS_URL, prefix=prefix) if redis else DatabaseViewCounter()
    recorder = ViewRecorder(counter, background=True, interval=0.5, max_pending=len(views) + 1)
    started = time.perf_counter()
    for view in views:
        recorder.record(view)
    recorder.drain()  # whatever the thread has not written yet
    while recorder._thread is not None and recorder._pending:
        time.sleep(0.01)
    elapsed = time.perf_counter() - started
    assert recorder.dropped == 0, f"{recorder.dropped} views dropped"
    return elapsed


def _child(views, redis, prefix, queue):
    from django.db import connections

    connections.close_all()
    queue.put(run_recorder(views, redis=redis, prefix=prefix))


def ingest(views, *, redis: bool, prefix: str, processes: int) -> float:
    if processes == 1:
        return run_recorder(views, redis=redis, prefix=prefix)
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    # overlapping shares: every process also sees part of the others' visitors
    shares = [
        views[n::processes] + views[(n + 1) % processes :: processes * 3] for n in range(processes)
    ]
    started = time.perf_counter()
    workers = [
        context.Process(target=_child, args=(share, redis, prefix, queue)) for share in shares
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    for _ in workers:
        queue.get()
    return elapsed, sum(len(share) for share in shares)


def check(stream, article_ids, *, exact_limit: int | None) -> dict:
    from halyq.news.models import Article

    truth: dict[int, set[int]] = defaultdict(set)
    for article, visitor in stream:
        truth[article].add(visitor)
    counted = dict(Article.objects.filter(pk__in=article_ids).values_list("pk", "view_count"))
    worst, exact_ok, hll_articles = 0.0, True, 0
    for article in article_ids:
        true = len(truth.get(article, ()))
        got = counted[article]
        if exact_limit is None or true < exact_limit:
            exact_ok &= got == true
        else:
            hll_articles += 1
            worst = max(worst, abs(got - true) / true)
    return {
        "true_total": sum(len(v) for v in truth.values()),
        "counted_total": sum(counted.values()),
        "exact": exact_ok,
        "hll_articles": hll_articles,
        "hll_worst_error": worst,
    }


def cleanup(article_ids, prefix):
    from halyq.news.models import Article

    Article.objects.filter(pk__in=article_ids).delete()
    if prefix:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)


def bench_path(path: str, views: int, articles: int, processes: int) -> bool:
    from halyq.news.counting import DEFAULT_EXACT_LIMIT, RedisViewCounter

    article_ids = make_articles(articles)
    stream = make_stream(article_ids, views)
    pending = pending_views(stream)
    redis = path == "redis"
    prefix = f"halyq-bench:{uuid.uuid4().hex}:" if redis else ""
    try:
        result = ingest(pending, redis=redis, prefix=prefix, processes=processes)
        elapsed, handled = result if isinstance(result, tuple) else (result, len(pending))
        flush_seconds = 0.0
        if redis:
            started = time.perf_counter()
            moved = RedisViewCounter(REDIS_URL, prefix=prefix).flush()
            flush_seconds = time.perf_counter() - started
        outcome = check(stream, article_ids, exact_limit=DEFAULT_EXACT_LIMIT if redis else None)
        rate = handled / elapsed
        target = 5000 if redis else 1000
        within = outcome["hll_worst_error"] <= 3 * 0.0081
        ok = rate >= target and outcome["exact"] and within
        print(
            f"{path:8} processes={processes} views={handled:,} unique={outcome['true_total']:,} "
            f"ingested in {elapsed:.2f} s = {rate:,.0f} views/s (target {target:,})"
        )
        if redis:
            print(
                f"         flush of {moved:,} unique views to the database: {flush_seconds:.2f} s; "
                f"articles counted by HyperLogLog: {outcome['hll_articles']}, "
                f"worst error {outcome['hll_worst_error'] * 100:.2f} % (3 sigma = 2.43 %)"
            )
        print(
            f"         counted {outcome['counted_total']:,} of {outcome['true_total']:,} unique views; "
            f"exact where exact is promised: {'yes' if outcome['exact'] else 'NO'} -> {'OK' if ok else 'FAIL'}"
        )
        return ok
    finally:
        cleanup(article_ids, prefix)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", choices=["database", "redis", "both"], default="both")
    parser.add_argument("--views", type=int, default=60_000, help="views on the embedded path")
    parser.add_argument("--redis-views", type=int, default=300_000, help="views on the Redis path")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection

    print(f"database: {connection.vendor}; redis: {REDIS_URL}; cpus: {os.cpu_count()}")
    results = []
    if args.path in ("database", "both"):
        results.append(bench_path("database", args.views, args.articles, args.processes))
    if args.path in ("redis", "both"):
        results.append(bench_path("redis", args.redis_views, args.articles, args.processes))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
