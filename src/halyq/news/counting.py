"""Honest view counting: one view per visitor per article per local day, never waited for.

How a view travels:
1. The article page decides whether the request may count (`visitors.countable`: no
   bots, no prefetches, GET only, published article) and, *after the response is sent*
   (the response's `close()`), hands a `PendingView` (article, local day, daily visitor
   hash, time) to the process's `ViewRecorder`.
2. The recorder puts it in an in-process queue; a daemon thread writes the queue in
   batches every `HALYQ_NEWS_VIEW_FLUSH_SECONDS` (default 2 s) or sooner when 2,000 are
   waiting. With `HALYQ_NEWS_VIEW_RECORDING = "immediate"` (tests, or a server without
   threads) it writes at once, still after the response. If the store fails, the batch
   is dropped and a warning with the number of views (no personal data) is logged:
   the page never depends on counting.
3. The batch goes to a `ViewCounter`:
   - `DatabaseViewCounter` (embedded path, no `REDIS_URL`): inserts (article, day,
     visitor) rows under a unique constraint, ignoring duplicates; the rows actually
     inserted (RETURNING) are the new unique views, added to the counts.
   - `RedisViewCounter` (`REDIS_URL` set): adds the visitor to a per (article, day)
     Redis set while it holds under `HALYQ_NEWS_REDIS_EXACT_LIMIT` (default 1,000)
     members, then to a HyperLogLog (0.81 % standard error) — so small counts are exact —
     and marks the key dirty. `flush()` (the `halyq news_flush_views` command, run every
     minute by cron or a systemd timer) moves the counts to the database in batches.
4. The database keeps, per article and day, the unique views (`ArticleDailyViews`), and
   per clock hour the views that were new in that hour (`ArticleHourlyViews`, the
   most-read window); `Article.view_count` is their running total.

Where an hour's views come from: a count that grows by N at a flush adds N to the hour
of the flush (for a day already over: to that day's last hour). The embedded path
flushes every few seconds, the Redis path every minute, so hours are that accurate.

Redis failure: views that reach Redis are safe until flushed; while Redis is down the
views of that time are dropped (logged) and pages keep serving; if Redis loses its data,
the views not yet flushed (at most one flush interval) are lost, nothing already
flushed is. A Redis "epoch" key (no expiry) tells a flush whether Redis still holds what
the database last saw; a new epoch means counting starts again from zero for the day
(so a visitor seen both before and after such a loss counts twice that day).
Run Redis with `maxmemory-policy noeviction` (or volatile-*) so the epoch key stays.
Redis Cluster is not supported (the dirty set and the counters live in different slots).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import uuid
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, connections, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from halyq.news.models import Article, ArticleDailyViews, ArticleHourlyViews, ArticleVisitor

logger = logging.getLogger("halyq.news.counting")

HOURLY_RETENTION = timedelta(days=8)
VISITOR_RETENTION_DAYS = 1  # today and yesterday: enough to deduplicate a late batch
DEFAULT_REDIS_PREFIX = "halyq:news:"
DEFAULT_EXACT_LIMIT = 1000
REDIS_KEY_TTL_SECONDS = 3 * 24 * 3600
FLUSH_CHUNK = 500


@dataclass(frozen=True)
class PendingView:
    article_id: int
    day: date
    visitor: str
    at: datetime


def local_day(at: datetime) -> date:
    return timezone.localtime(at).date()


def hour_start(at: datetime) -> datetime:
    """The start of the clock hour containing `at` (aware).

    Kazakhstan's offsets are whole hours, so UTC hours and local hours coincide.
    """
    return at.replace(minute=0, second=0, microsecond=0)


def attribution_hour(day: date, now: datetime) -> datetime:
    """The hour to which views of `day` that are counted at `now` belong."""
    today = local_day(now)
    if day == today:
        return hour_start(now)
    zone = timezone.get_current_timezone()
    if day < today:
        return timezone.make_aware(datetime.combine(day, time(23)), zone)
    return timezone.make_aware(datetime.combine(day, time(0)), zone)


class ViewCounter(ABC):
    """Where views are deduplicated and counted before they reach the article pages."""

    name: str

    @abstractmethod
    def ingest(self, views: Sequence[PendingView], *, now: datetime | None = None) -> None:
        """Store a batch of views; a repeated (article, day, visitor) adds nothing."""

    @abstractmethod
    def flush(self, *, now: datetime | None = None) -> int:
        """Move counts not yet in the database there; return the new unique views moved."""


# --- the database side shared by both paths ---------------------------------------------


def _locked_daily_rows(keys: set[tuple[int, date]]) -> dict[tuple[int, date], ArticleDailyViews]:
    """The daily rows for `keys`, created when missing, locked until the transaction ends."""
    ordered = sorted(keys)
    ArticleDailyViews.objects.bulk_create(
        [ArticleDailyViews(article_id=article, day=day) for article, day in ordered],
        ignore_conflicts=True,
        batch_size=500,
    )
    rows = (
        ArticleDailyViews.objects.select_for_update()
        .filter(article_id__in={a for a, _ in keys}, day__in={d for _, d in keys})
        .order_by("article_id", "day")
    )
    return {(row.article_id, row.day): row for row in rows if (row.article_id, row.day) in keys}


def _add_to_hours_and_totals(deltas: dict[tuple[int, date], int], now: datetime) -> None:
    """Add new unique views to their hour buckets and to the articles' totals.

    Called with the daily rows of `deltas` locked, so no other writer touches these
    hour buckets (an hour belongs to exactly one day) at the same time.
    """
    per_hour: dict[tuple[int, datetime], int] = defaultdict(int)
    per_article: dict[int, int] = defaultdict(int)
    for (article_id, day), delta in deltas.items():
        if delta > 0:
            per_hour[(article_id, attribution_hour(day, now))] += delta
            per_article[article_id] += delta
    if not per_hour:
        return
    existing = {
        (row.article_id, row.hour): row
        for row in ArticleHourlyViews.objects.filter(
            article_id__in=per_article, hour__in={hour for _, hour in per_hour}
        )
    }
    changed, created = [], []
    for (article_id, hour), delta in sorted(per_hour.items()):
        row = existing.get((article_id, hour))
        if row is None:
            created.append(ArticleHourlyViews(article_id=article_id, hour=hour, views=delta))
        else:
            row.views += delta
            changed.append(row)
    ArticleHourlyViews.objects.bulk_create(created, batch_size=500)
    ArticleHourlyViews.objects.bulk_update(changed, ["views"], batch_size=500)
    Article.objects.filter(pk__in=per_article).update(
        view_count=F("view_count")
        + Case(
            *(When(pk=article_id, then=Value(n)) for article_id, n in per_article.items()),
            default=Value(0),
        )
    )


def _existing_article_ids(ids: Iterable[int]) -> set[int]:
    return set(Article.objects.filter(pk__in=set(ids)).values_list("pk", flat=True))


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _increment(
    model, key_columns: tuple[str, ...], rows: list[tuple], defaults: dict | None = None
) -> None:
    """Add `rows`' last value to `views` of the rows keyed by the others, creating them
    (with `defaults` for their other columns).

    One `INSERT ... ON CONFLICT DO UPDATE` per chunk (PostgreSQL and SQLite >= 3.24).
    """
    defaults = defaults or {}
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(c) for c in (*key_columns, "views", *defaults))
    conflict = ", ".join(quote(c) for c in key_columns)
    views = quote("views")
    placeholders = "(" + ", ".join(["%s"] * (len(key_columns) + 1 + len(defaults))) + ")"
    rows = [(*row, *defaults.values()) for row in rows]
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(rows), 500):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(chunk))} "  # noqa: S608 — names from our models
                f"ON CONFLICT ({conflict}) DO UPDATE SET {views} = {table}.{views} + excluded.{views}",
                [value for row in chunk for value in row],
            )


class DatabaseViewCounter(ViewCounter):
    """The embedded path: exact uniques from a table of (article, day, visitor) rows.

    Each batch inserts its (article, day, visitor) rows with `ON CONFLICT DO NOTHING
    RETURNING`: the database's unique constraint decides, exactly once, which view is a
    visitor's first of the day, even with several processes writing at once, and only
    those rows come back to be added to the day's, the hour's and the article's counts.
    """

    name = "database"

    def ingest(self, views: Sequence[PendingView], *, now: datetime | None = None) -> None:
        if not views:
            return
        now = now or timezone.now()
        known = _existing_article_ids(v.article_id for v in views)
        # Sorted, so concurrent writers take row locks in the same order (no deadlocks).
        rows = sorted({(v.article_id, v.day, v.visitor) for v in views if v.article_id in known})
        if not rows:
            return
        quote = connection.ops.quote_name
        table = quote(ArticleVisitor._meta.db_table)
        columns = ", ".join(quote(c) for c in ("article_id", "day", "visitor"))
        adapt = connection.ops.adapt_datefield_value
        new: dict[tuple[int, date], int] = defaultdict(int)
        with transaction.atomic(), connection.cursor() as cursor:
            for chunk in _chunks(rows, 500):
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES {', '.join(['(%s, %s, %s)'] * len(chunk))} "  # noqa: S608 — names from our models
                    f"ON CONFLICT DO NOTHING RETURNING {quote('article_id')}, {quote('day')}",
                    [value for a, d, v in chunk for value in (a, adapt(d), v)],
                )
                for article_id, day in cursor.fetchall():
                    new[(article_id, _as_date(day))] += 1
            if not new:
                return
            _increment(
                ArticleDailyViews,
                ("article_id", "day"),
                [(a, adapt(d), n) for (a, d), n in new.items()],
                defaults={"redis_epoch": "", "redis_seen": 0},
            )
            per_hour: dict[tuple[int, datetime], int] = defaultdict(int)
            per_article: dict[int, int] = defaultdict(int)
            for (article_id, day), n in new.items():
                per_hour[(article_id, attribution_hour(day, now))] += n
                per_article[article_id] += n
            adapt_time = connection.ops.adapt_datetimefield_value
            _increment(
                ArticleHourlyViews,
                ("article_id", "hour"),
                [(a, adapt_time(h), n) for (a, h), n in per_hour.items()],
            )
            Article.objects.filter(pk__in=per_article).update(
                view_count=F("view_count")
                + Case(
                    *(When(pk=pk, then=Value(n)) for pk, n in sorted(per_article.items())),
                    default=Value(0),
                )
            )

    def flush(self, *, now: datetime | None = None) -> int:
        return 0  # every batch is written straight to the database


# Lua, so that "set until the limit, then HyperLogLog" is atomic per (article, day).
_RECORD_SCRIPT = """
local exact, hll, dirty = KEYS[1], KEYS[2], KEYS[3]
local limit, ttl, member = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
if redis.call('EXISTS', hll) == 1 then
  redis.call('PFADD', hll, unpack(ARGV, 4))
else
  redis.call('SADD', exact, unpack(ARGV, 4))
  if redis.call('SCARD', exact) >= limit then
    local members = redis.call('SMEMBERS', exact)
    for i = 1, #members, 1000 do
      redis.call('PFADD', hll, unpack(members, i, math.min(i + 999, #members)))
    end
    redis.call('DEL', exact)
  end
end
redis.call('EXPIRE', exact, ttl)
redis.call('EXPIRE', hll, ttl)
redis.call('SADD', dirty, member)
return 1
"""

_COUNT_SCRIPT = """
local counts = {}
for i = 1, #KEYS, 2 do
  if redis.call('EXISTS', KEYS[i + 1]) == 1 then
    counts[#counts + 1] = redis.call('PFCOUNT', KEYS[i + 1])
  else
    counts[#counts + 1] = redis.call('SCARD', KEYS[i])
  end
end
return counts
"""


class RedisViewCounter(ViewCounter):
    """Counts in Redis (exact sets, then HyperLogLog), flushed to the database in batches."""

    name = "redis"

    def __init__(
        self,
        url: str,
        *,
        prefix: str = DEFAULT_REDIS_PREFIX,
        exact_limit: int = DEFAULT_EXACT_LIMIT,
        client=None,
    ) -> None:
        import redis

        self.prefix = prefix
        self.exact_limit = exact_limit
        self.client = client or redis.Redis.from_url(
            url, socket_timeout=1.0, socket_connect_timeout=1.0
        )
        self._record = self.client.register_script(_RECORD_SCRIPT)
        self._count = self.client.register_script(_COUNT_SCRIPT)

    # keys ---------------------------------------------------------------------------
    def _member(self, article_id: int, day: date) -> str:
        return f"{article_id}:{day:%Y%m%d}"

    def _keys(self, member: str) -> tuple[str, str]:
        return f"{self.prefix}views:{member}:set", f"{self.prefix}views:{member}:hll"

    @property
    def dirty_key(self) -> str:
        return f"{self.prefix}dirty"

    @property
    def epoch_key(self) -> str:
        return f"{self.prefix}epoch"

    @property
    def lock_key(self) -> str:
        return f"{self.prefix}flush-lock"

    # writing ------------------------------------------------------------------------
    def ingest(self, views: Sequence[PendingView], *, now: datetime | None = None) -> None:
        groups: dict[str, set[str]] = defaultdict(set)
        for view in views:
            groups[self._member(view.article_id, view.day)].add(view.visitor)
        if not groups:
            return
        pipeline = self.client.pipeline(transaction=False)
        for member, visitors in groups.items():
            exact, hll = self._keys(member)
            ordered = sorted(visitors)
            for start in range(0, len(ordered), 1000):
                self._record(
                    keys=[exact, hll, self.dirty_key],
                    args=[
                        self.exact_limit,
                        REDIS_KEY_TTL_SECONDS,
                        member,
                        *ordered[start : start + 1000],
                    ],
                    client=pipeline,
                )
        pipeline.execute()

    def unique_count(self, article_id: int, day: date) -> int:
        exact, hll = self._keys(self._member(article_id, day))
        return int(self._count(keys=[exact, hll])[0])

    def _epoch(self) -> str:
        epoch = self.client.get(self.epoch_key)
        if epoch is None:
            self.client.set(self.epoch_key, uuid.uuid4().hex, nx=True)
            epoch = self.client.get(self.epoch_key)
        return epoch.decode()

    # flushing -----------------------------------------------------------------------
    def flush(self, *, now: datetime | None = None) -> int:
        """Move every dirty (article, day) count to the database; safe to repeat."""
        import redis

        now = now or timezone.now()
        token = uuid.uuid4().hex
        if not self.client.set(self.lock_key, token, nx=True, ex=300):
            logger.info("news views: another flush is running; skipped")
            return 0
        try:
            processing = f"{self.dirty_key}:{token}"
            # Keys left by a flush that crashed half-way go back into the queue.
            for stale in self.client.scan_iter(match=f"{self.dirty_key}:*", count=100):
                self.client.sunionstore(self.dirty_key, [self.dirty_key, stale])
                self.client.delete(stale)
            try:
                self.client.rename(self.dirty_key, processing)
            except redis.ResponseError:  # no such key: nothing to flush
                return 0
            members = sorted(m.decode() for m in self.client.smembers(processing))
            epoch = self._epoch()
            moved = 0
            for start in range(0, len(members), FLUSH_CHUNK):
                chunk = members[start : start + FLUSH_CHUNK]
                try:
                    moved += self._flush_chunk(chunk, epoch, now)
                except Exception:
                    # Whatever was not written goes back to be flushed next time.
                    self.client.sadd(self.dirty_key, *members[start:])
                    self.client.delete(processing)
                    raise
            self.client.delete(processing)
            return moved
        finally:
            if self.client.get(self.lock_key) == token.encode():
                self.client.delete(self.lock_key)

    def _flush_chunk(self, members: list[str], epoch: str, now: datetime) -> int:
        keys: list[str] = []
        for member in members:
            keys.extend(self._keys(member))
        counts = [int(n) for n in self._count(keys=keys)]
        parsed: dict[tuple[int, date], int] = {}
        for member, count in zip(members, counts, strict=True):
            article, day = member.split(":")
            parsed[(int(article), datetime.strptime(day, "%Y%m%d").date())] = count
        known = _existing_article_ids(a for a, _ in parsed)
        parsed = {key: n for key, n in parsed.items() if key[0] in known}
        if not parsed:
            return 0
        with transaction.atomic():
            daily = _locked_daily_rows(set(parsed))
            deltas, changed = {}, []
            for key, row in daily.items():
                count = parsed[key]
                baseline = row.redis_seen if row.redis_epoch == epoch else 0
                if count > baseline:
                    deltas[key] = count - baseline
                    row.views += count - baseline
                    row.redis_seen = count
                elif row.redis_epoch != epoch:
                    row.redis_seen = count
                row.redis_epoch = epoch
                changed.append(row)
            ArticleDailyViews.objects.bulk_update(
                changed, ["views", "redis_seen", "redis_epoch"], batch_size=500
            )
            _add_to_hours_and_totals(deltas, now)
        return sum(deltas.values())


# --- picking the path ------------------------------------------------------------------


def build_view_counter() -> ViewCounter:
    url = getattr(settings, "REDIS_URL", "")
    if url:
        return RedisViewCounter(
            url,
            prefix=getattr(settings, "HALYQ_NEWS_REDIS_PREFIX", DEFAULT_REDIS_PREFIX),
            exact_limit=getattr(settings, "HALYQ_NEWS_REDIS_EXACT_LIMIT", DEFAULT_EXACT_LIMIT),
        )
    return DatabaseViewCounter()


def _counting_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (DatabaseError, redis.RedisError, OSError)


class ViewRecorder:
    """The process's queue between pages and the counter; pages never wait for it."""

    BATCH_SIZE = 2000

    def __init__(
        self,
        counter: ViewCounter,
        *,
        background: bool = True,
        interval: float = 2.0,
        max_pending: int = 200_000,
    ) -> None:
        self.counter = counter
        self.background = background
        self.interval = interval
        self.max_pending = max_pending
        self.dropped = 0
        self._pending: list[PendingView] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._last_prune: datetime | None = None

    def record(self, view: PendingView) -> None:
        if not self.background:
            self._write([view])
            return
        with self._lock:
            if os.getpid() != self._pid:  # forked (e.g. gunicorn --preload): start afresh
                self._pending, self._thread, self._pid = [], None, os.getpid()
            if len(self._pending) >= self.max_pending:
                self.dropped += 1
                if self.dropped % 10_000 == 1:  # the first and then every 10,000th
                    logger.warning(
                        "news views: queue full (%d waiting), %d views dropped so far",
                        len(self._pending),
                        self.dropped,
                    )
                return
            self._pending.append(view)
            waiting = len(self._pending)
            if self._thread is None:
                self._start()
        if waiting >= self.BATCH_SIZE:
            self._wake.set()

    def drain(self) -> int:
        """Write everything queued now, in batches; return how many views were handed on."""
        with self._lock:
            pending, self._pending = self._pending, []
        for start in range(0, len(pending), self.BATCH_SIZE):
            self._write(pending[start : start + self.BATCH_SIZE])
        return len(pending)

    def _write(self, batch: list[PendingView]) -> None:
        try:
            self.counter.ingest(batch)
        except _counting_errors() as error:
            # The number and the kind of failure only: never a visitor or an address.
            self.dropped += len(batch)
            logger.warning(
                "news views: %s counter unavailable (%s), %d views dropped",
                self.counter.name,
                type(error).__name__,
                len(batch),
            )

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="news-view-recorder", daemon=True)
        self._thread.start()
        atexit.register(self.drain)

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                self._wake.wait(self.interval)
                self._wake.clear()
                try:
                    close_old_connections()
                    self.drain()
                    self._prune_hourly()
                except Exception:  # the writer must outlive any one failure
                    logger.exception("news views: the background writer failed; it goes on")
        finally:
            connections.close_all()  # this thread's own connections

    def stop(self) -> None:
        """Write what is queued and end the background writer (tests, shutdown)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        self._thread = None
        self.drain()

    def _prune_hourly(self) -> None:
        now = timezone.now()
        if self._last_prune and now - self._last_prune < timedelta(hours=1):
            return
        self._last_prune = now
        try:
            prune_view_records(now=now)
        except DatabaseError as error:
            logger.warning("news views: pruning failed (%s)", type(error).__name__)


def prune_view_records(*, now: datetime | None = None) -> tuple[int, int]:
    """Forget visitor hashes after a day and hour buckets after the widest window."""
    now = now or timezone.now()
    visitors, _ = ArticleVisitor.objects.filter(
        day__lt=local_day(now) - timedelta(days=VISITOR_RETENTION_DAYS)
    ).delete()
    hours, _ = ArticleHourlyViews.objects.filter(hour__lt=now - HOURLY_RETENTION).delete()
    return visitors, hours


_recorder: ViewRecorder | None = None
_recorder_signature: tuple | None = None
_recorder_lock = threading.Lock()


def _signature() -> tuple:
    return (
        getattr(settings, "REDIS_URL", ""),
        getattr(settings, "HALYQ_NEWS_REDIS_PREFIX", DEFAULT_REDIS_PREFIX),
        getattr(settings, "HALYQ_NEWS_VIEW_RECORDING", "background"),
        getattr(settings, "HALYQ_NEWS_VIEW_FLUSH_SECONDS", 2.0),
    )


def view_recorder() -> ViewRecorder:
    """The process's recorder for the current settings (rebuilt when they change)."""
    global _recorder, _recorder_signature
    signature = _signature()
    with _recorder_lock:
        if _recorder is None or _recorder_signature != signature:
            if _recorder is not None:
                _recorder.drain()
            _recorder = ViewRecorder(
                build_view_counter(),
                background=signature[2] != "immediate",
                interval=float(signature[3]),
            )
            _recorder_signature = signature
        return _recorder


def flush_views(*, now: datetime | None = None) -> int:
    """Write this process's queue, then move Redis counts (if any) to the database."""
    recorder = view_recorder()
    recorder.drain()
    return recorder.counter.flush(now=now)
