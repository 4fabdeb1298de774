"""Reads of the rating for its pages: the leaderboard, profiles, drafts and the moderators' queue.

Rules:
- Public reads (leaderboard, profile, methodology figures) come from the latest
  published public snapshot only, and are filtered again by `public_region_ids()`
  (belt and braces: a region put back into pilot disappears at once, before any new
  snapshot). Nothing of a pilot region is returned, whoever asks.
- Drafts (the live score and the evaluations still in their reply period) are for the
  rated person and the moderators of their region (`ratings.view_draft`).
- The moderators' queue holds only the regions the moderator moderates.
- A citizen's identity never leaves this module with a comment: published comments
  are returned as text, mark and date only.

The leaderboard is cached (Django's cache) per latest public snapshot, the rating's
version counter (`ratings:version`, bumped after every snapshot), the set of public
regions, the language and the normalised filters; so a new snapshot or a change of
publication mode is visible on the next request. Within a snapshot, results are stored
in the engine's order (comparison group, then rank, then the unrated by person id), so
the primary key orders a snapshot's results that way and each comparison group is one
run of consecutive ids; the groups' id ranges are computed once per snapshot.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from halyq.core.i18n import current_language, localized
from halyq.directory.models import CouncilLevel, Membership, Organization, Person, Region
from halyq.directory.search import query_terms
from halyq.ratings.models import (
    Dispute,
    Evaluation,
    LiveScore,
    MethodologyVersion,
    Snapshot,
    SnapshotResult,
)
from halyq.ratings.rules import staff_region_ids
from halyq.ratings.snapshots import latest_public_snapshot, reply_period
from halyq.ratings.visibility import public_region_ids

RATED = "rated"
INSUFFICIENT = "insufficient"
SORTS = ("rank", "score", "name", "appeals")
VERSION_KEY = "ratings:version"
SNAPSHOT_KEY = "ratings:latest-public-snapshot"
LEADERBOARD_TIMEOUT = 600  # directory edits (names, factions) show within ten minutes
HISTORY_LIMIT = 60
COMMENTS_LIMIT = 20


# --------------------------------------------------------------------------- caching
def rating_version() -> int:
    """The counter snapshots bump (ratings.snapshots._rating_changed)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY) or 1
    return int(version)


def public_snapshot() -> Snapshot | None:
    """The latest published public snapshot (cached until the next snapshot)."""
    cached = cache.get(SNAPSHOT_KEY)
    if cached is not None:
        return cached or None
    snapshot = latest_public_snapshot()
    if snapshot is not None:
        snapshot = Snapshot.objects.select_related("methodology").get(pk=snapshot.pk)
    cache.set(SNAPSHOT_KEY, snapshot or False, 3600)
    return snapshot


def forget_cached_leaderboards(*, snapshot_index: bool = True) -> None:
    """For benchmarks and tests: the next read computes the leaderboard afresh (and,
    with `snapshot_index`, the once-per-snapshot index too)."""
    cache.delete_many([SNAPSHOT_KEY, VERSION_KEY])
    if snapshot_index:
        _INDEX_MEMO.clear()


def regions_fingerprint(region_ids) -> str:
    return hashlib.sha256(",".join(map(str, sorted(region_ids))).encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- snapshot index
@dataclass(frozen=True)
class SnapshotIndex:
    """What the leaderboard sorts and filters on, for every result of one snapshot.

    A published snapshot never changes, so this is read once (one query) and kept in
    the cache and in the process; each request then asks the database only which
    results match its filters, through indexes, and takes them in these orders.
    """

    snapshot_id: int
    # result id -> (0 rated / 1 not enough data, comparison group)
    keys: dict[int, tuple[int, str]]
    # every result id in each display order, the rated first: "rank", "score", "appeals"
    orders: dict[str, list[int]]
    # council level (of the comparison group) -> its result ids
    by_level: dict[str, frozenset[int]]


_INDEX_MEMO: dict[int, SnapshotIndex] = {}


def snapshot_index(snapshot: Snapshot) -> SnapshotIndex:
    index = _INDEX_MEMO.get(snapshot.pk)
    if index is not None:
        return index
    key = f"ratings:index:{snapshot.pk}"
    index = cache.get(key)
    if index is None:
        index = _build_index(snapshot)
        cache.set(key, index, 86_400)
    if len(_INDEX_MEMO) >= 2:  # the latest snapshot and the one before are enough
        _INDEX_MEMO.clear()
    _INDEX_MEMO[snapshot.pk] = index
    return index


def _build_index(snapshot: Snapshot) -> SnapshotIndex:
    rows = list(
        SnapshotResult.objects.filter(snapshot=snapshot)
        .annotate(group_key=KT("data__group"))
        .values_list("id", "status", "score", "appeals", "group_key")
        .iterator(chunk_size=5000)
    )
    keys = {
        result_id: (0 if status == RATED else 1, group or "")
        for result_id, status, _score, _appeals, group in rows
    }
    by_level: dict[str, set[int]] = {}
    for result_id, (_flag, group) in keys.items():
        by_level.setdefault(group.partition(":")[0], set()).add(result_id)
    # By rank the engine's order is the primary key's (comparison group, rank, the rest).
    return SnapshotIndex(
        snapshot.pk,
        keys,
        {
            "rank": [row[0] for row in sorted(rows, key=lambda r: (keys[r[0]][0], r[0]))],
            "score": [
                row[0] for row in sorted(rows, key=lambda r: (keys[r[0]][0], -(r[2] or 0.0), r[0]))
            ],
            "appeals": [row[0] for row in sorted(rows, key=lambda r: (keys[r[0]][0], -r[3], r[0]))],
        },
        {level: frozenset(ids) for level, ids in by_level.items()},
    )


def group_label(key: str, *, levels: dict[str, CouncilLevel], regions: dict[str, Region]) -> str:
    """The label of a comparison group: "District maslikhat · Karaganda region"."""
    level, _separator, region_code = key.partition(":")
    if level == "reserve":
        level_name = _("Party reserve")
    elif level == "unseated":
        level_name = _("Deputies without a current seat")
    elif level in levels:
        level_name = localized(levels[level], "name").text
    else:
        level_name = level
    region = regions.get(region_code)
    return f"{level_name} · {localized(region, 'name').text}" if region else level_name


def label_maps() -> tuple[dict[str, CouncilLevel], dict[str, Region]]:
    return (
        {level.code: level for level in CouncilLevel.objects.all()},
        {region.code: region for region in Region.objects.all()},
    )


# --------------------------------------------------------------------------- leaderboard
@dataclass(frozen=True)
class LeaderboardFilters:
    """The leaderboard's filters, already validated (see forms.LeaderboardForm)."""

    region: str = ""  # KATO code
    level: str = ""  # council level code
    faction: str = ""  # organisation slug (a faction or any organisation people sit for)
    kind: str = ""  # Person.Kind
    q: str = ""
    sort: str = "rank"

    def normalised(self) -> str:
        terms = " ".join(query_terms(self.q))
        return "|".join((self.region, self.level, self.faction, self.kind, terms, self.sort))


@dataclass
class Leaderboard:
    """The filtered results of the latest public snapshot, in display order."""

    snapshot: Snapshot | None
    filters: LeaderboardFilters
    result_ids: list[int] = field(default_factory=list)
    rated_count: int = 0
    insufficient_count: int = 0
    cache_key: str = ""

    @property
    def count(self) -> int:
        return len(self.result_ids)


def leaderboard(*, filters: LeaderboardFilters, user=None) -> Leaderboard:
    """The public leaderboard: the same for everybody (`user` is accepted for symmetry;
    staff see pilot regions on their own pages, never here)."""
    snapshot = public_snapshot()
    if snapshot is None:
        return Leaderboard(None, filters)
    region_ids = public_region_ids()
    key = (
        "ratings:board:"
        + hashlib.sha256(
            "|".join(
                (
                    str(rating_version()),
                    str(snapshot.pk),
                    regions_fingerprint(region_ids),
                    current_language() if filters.sort == "name" else "",
                    filters.normalised(),
                )
            ).encode()
        ).hexdigest()
    )
    cached = cache.get(key)
    if cached is None:
        cached = _ordered_ids(snapshot, filters, region_ids)
        cache.set(key, cached, LEADERBOARD_TIMEOUT)
    ids, rated, insufficient = cached
    return Leaderboard(snapshot, filters, ids, rated, insufficient, key)


def _matching(snapshot: Snapshot, filters: LeaderboardFilters, region_ids):
    """The results matching the filters that live in the directory (region, kind, name,
    faction); only the result's id and person are read, so the (snapshot, person)
    index answers without reading the stored results."""
    rows = SnapshotResult.objects.filter(snapshot=snapshot, person__region_id__in=region_ids)
    if filters.region:
        rows = rows.filter(person__region__code=filters.region)
    if filters.kind:
        rows = rows.filter(person__kind=filters.kind)
    for term in query_terms(filters.q):
        rows = rows.filter(person__search_text__contains=term)
    if filters.faction:
        # The organisation's id first: then both membership columns are searched by index.
        organization = (
            Organization.objects.filter(slug=filters.faction).values_list("id", flat=True).first()
        )
        sitting_for = (
            Membership.objects.current(timezone.localdate())
            .filter(Q(organization_id=organization) | Q(on_behalf_of_id=organization))
            .values("person_id")
        )
        rows = rows.filter(person_id__in=sitting_for)
    return rows


def _ordered_ids(
    snapshot: Snapshot, filters: LeaderboardFilters, region_ids
) -> tuple[list[int], int, int]:
    """(result ids in display order, rated count, not-enough-data count).

    The rated come first, then those with not enough data ("shown apart"). By rank: the
    engine's order, comparison group by comparison group (the primary key's order).
    """
    index = snapshot_index(snapshot)
    keys = index.keys
    rows = _matching(snapshot, filters, region_ids)
    if filters.sort == "name":
        # The database sorts by name; the rated are then put first, keeping that order.
        language = current_language()
        family = Coalesce(
            NullIf(f"person__family_name_{language}", Value("")), "person__family_name_ru"
        )
        given = Coalesce(
            NullIf(f"person__given_name_{language}", Value("")), "person__given_name_ru"
        )
        rows = rows.annotate(family=family, given=given).order_by("family", "given", "id")
    found = list(rows.values_list("id", flat=True))
    matching = set(found) & (
        index.by_level.get(filters.level, frozenset()) if filters.level else keys.keys()
    )
    if filters.sort == "name":
        ordered = [i for i in found if i in matching]
        ids = [i for i in ordered if keys[i][0] == 0] + [i for i in ordered if keys[i][0] == 1]
    else:
        ids = [i for i in index.orders[filters.sort] if i in matching]
    rated = sum(1 for i in ids if keys[i][0] == 0)
    return ids, rated, len(ids) - rated


@dataclass
class LeaderboardRow:
    result: SnapshotResult
    group: str
    group_label: str
    new_band: bool = False


@dataclass
class LeaderboardSection:
    """A run of rows shown under one heading: rated or not, and (by rank) one group."""

    rated: bool
    group: str
    heading: str
    rows: list[LeaderboardRow] = field(default_factory=list)


def leaderboard_rows(
    board: Leaderboard, result_ids: list[int], *, labels: tuple[dict, dict] | None = None
) -> list[LeaderboardRow]:
    """The given results (a page, or a chunk of the CSV) with their people, in board order.

    The stored engine record (`data`) is not read: the board's columns and the snapshot
    index hold everything a row shows.
    """
    if board.snapshot is None or not result_ids:
        return []
    levels, regions = labels or label_maps()
    keys = snapshot_index(board.snapshot).keys
    by_id = (
        SnapshotResult.objects.select_related("person__region").defer("data").in_bulk(result_ids)
    )
    rows = []
    for result_id in result_ids:
        result = by_id.get(result_id)
        if result is None:
            continue
        key = keys[result_id][1] if result_id in keys else ""
        rows.append(LeaderboardRow(result, key, group_label(key, levels=levels, regions=regions)))
    return rows


NAME_PARTS = ("family_name", "given_name", "patronymic")


def person_name(fields: dict, language: str) -> str:
    """Person.name from plain values (for long exports, where model instances cost most)."""
    for code in (language, "ru", "kk", "en"):
        if fields.get(f"family_name_{code}"):
            name = " ".join(filter(None, (fields.get(f"{part}_{code}", "") for part in NAME_PARTS)))
            return name or " ".join(
                filter(None, (fields.get(f"{part}_ru", "") for part in NAME_PARTS))
            )
    return ""


def export_rows(board: Leaderboard, chunk_size: int = 1000):
    """Every row of the board as plain values, in board order, read chunk by chunk."""
    if board.snapshot is None:
        return
    keys = snapshot_index(board.snapshot).keys
    language = current_language()
    existing = {field.name for field in Person._meta.get_fields()}
    person_fields = [
        f"person__{part}_{code}"
        for part in NAME_PARTS
        for code in ("kk", "ru", "en")
        if f"{part}_{code}" in existing
    ]
    for start in range(0, board.count, chunk_size):
        chunk = board.result_ids[start : start + chunk_size]
        found = {
            row["id"]: row
            for row in SnapshotResult.objects.filter(id__in=chunk).values(
                "id",
                "rank",
                "band",
                "status",
                "score",
                "low",
                "high",
                "appeals",
                "person__public_id",
                "person__kind",
                "person__region__code",
                *person_fields,
            )
        }
        for result_id in chunk:
            row = found.get(result_id)
            if row is None:
                continue
            names = {field.removeprefix("person__"): row[field] for field in person_fields}
            row["group"] = keys[result_id][1] if result_id in keys else ""
            row["name"] = person_name(names, language)
            yield row


def leaderboard_page(
    board: Leaderboard, number: int, per_page: int
) -> tuple[Page, list[LeaderboardSection]]:
    """One page of the board, cut into sections with band breaks (raises EmptyPage)."""
    page = Paginator(board.result_ids, per_page).page(number)
    rows = leaderboard_rows(board, list(page.object_list))
    by_group = board.filters.sort == "rank"
    sections: list[LeaderboardSection] = []
    for row in rows:
        rated = row.result.status == RATED
        group = row.group if by_group else ""
        current = sections[-1] if sections else None
        if current is None or current.rated != rated or current.group != group:
            heading = row.group_label if by_group else ""
            current = LeaderboardSection(rated, group, heading)
            sections.append(current)
        elif (
            by_group and rated and current.rows and current.rows[-1].result.band != row.result.band
        ):
            row.new_band = True
        current.rows.append(row)
    return page, sections


# --------------------------------------------------------------------------- profile
@dataclass
class HistoryPoint:
    as_of: date
    status: str
    score: float | None
    low: float | None
    high: float | None
    rank: int | None
    band: int | None


@dataclass
class PersonRating:
    snapshot: Snapshot | None
    result: SnapshotResult | None
    history: list[HistoryPoint]
    comments: list[dict]
    disputes: dict[str, int]
    checks: dict[str, int]
    group_label: str = ""


def is_public_person(person: Person) -> bool:
    return person.region_id in public_region_ids()


def person_result(person: Person, snapshot: Snapshot | None = None) -> SnapshotResult | None:
    """The person's result in the latest public snapshot, if their region is public."""
    snapshot = snapshot or public_snapshot()
    if snapshot is None or not is_public_person(person):
        return None
    return SnapshotResult.objects.filter(snapshot=snapshot, person=person).first()


def person_rating(person: Person) -> PersonRating | None:
    """Everything the public rating profile shows; None for a person of a pilot region."""
    if not is_public_person(person):
        return None
    snapshot = public_snapshot()
    result = person_result(person, snapshot)
    label = ""
    if result is not None:
        levels, regions = label_maps()
        label = group_label(str(result.data.get("group", "")), levels=levels, regions=regions)
    return PersonRating(
        snapshot=snapshot,
        result=result,
        history=person_history(person),
        comments=published_comments(person, snapshot),
        disputes=dispute_counts(person),
        checks=check_counts(person),
        group_label=label,
    )


def person_history(person: Person) -> list[HistoryPoint]:
    """The person's results in published public snapshots, one per day (the latest), oldest first."""
    rows = (
        SnapshotResult.objects.filter(
            person=person, snapshot__scope=Snapshot.Scope.PUBLIC, snapshot__is_published=True
        )
        .order_by("-snapshot__as_of", "-snapshot__published_at", "-snapshot_id")
        .values_list("snapshot__as_of", "status", "score", "low", "high", "rank", "band")
    )
    points: dict[date, HistoryPoint] = {}
    for as_of, status, score, low, high, rank, band in rows[: HISTORY_LIMIT * 4]:
        if as_of not in points:
            points[as_of] = HistoryPoint(as_of, status, score, low, high, rank, band)
        if len(points) == HISTORY_LIMIT:
            break
    return sorted(points.values(), key=lambda point: point.as_of)


def published_comments(
    person: Person, snapshot: Snapshot | None, limit: int = COMMENTS_LIMIT
) -> list[dict]:
    """Moderated comments of counted evaluations that reached the published snapshot.

    Text, mark and date only: never the author or the appeal.
    """
    if snapshot is None:
        return []
    return list(
        Evaluation.objects.filter(
            person=person,
            status=Evaluation.Status.ACCEPTED,
            comment_status=Evaluation.CommentStatus.PUBLISHED,
            created_at__lte=snapshot.evidence_cutoff,
        )
        .exclude(disputes__status=Dispute.Status.OPEN)
        .order_by("-created_at", "-id")
        .values("comment", "score", "created_at")[:limit]
    )


def dispute_counts(person: Person) -> dict[str, int]:
    counts = dict(
        Dispute.objects.filter(person=person)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Dispute.Status.values}


def check_counts(person: Person) -> dict[str, int]:
    """How many of the person's evaluations the checks against manipulation hold or excluded."""
    counts = dict(
        Evaluation.objects.filter(
            person=person, status__in=[Evaluation.Status.HELD, Evaluation.Status.EXCLUDED]
        )
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        Evaluation.Status.HELD: counts.get(Evaluation.Status.HELD, 0),
        Evaluation.Status.EXCLUDED: counts.get(Evaluation.Status.EXCLUDED, 0),
    }


# --------------------------------------------------------------------------- methodology page
def methodology_versions():
    return MethodologyVersion.objects.exclude(published_at=None).order_by("-published_at", "-id")


def published_snapshots(limit: int = 10):
    return (
        Snapshot.objects.filter(scope=Snapshot.Scope.PUBLIC, is_published=True)
        .select_related("methodology")
        .order_by("-published_at", "-id")[:limit]
    )


def check_counts_by_person(*, q: str = ""):
    """People of public regions with evaluations held or excluded by the checks, most first."""
    rows = Person.objects.filter(region_id__in=public_region_ids())
    for term in query_terms(q):
        rows = rows.filter(search_text__contains=term)
    return (
        rows.annotate(
            held=Count("evaluations", filter=Q(evaluations__status=Evaluation.Status.HELD)),
            excluded=Count("evaluations", filter=Q(evaluations__status=Evaluation.Status.EXCLUDED)),
        )
        .filter(Q(held__gt=0) | Q(excluded__gt=0))
        .annotate(checked=F("held") + F("excluded"))
        .select_related("region")
        .order_by("-checked", "family_name_ru", "id")
    )


# --------------------------------------------------------------------------- drafts
@dataclass
class DraftEvaluation:
    evaluation: Evaluation
    in_reply_period: bool
    reply_until: datetime
    open_dispute: Dispute | None
    decided_disputes: list[Dispute]

    @property
    def can_dispute(self) -> bool:
        return (
            self.in_reply_period
            and self.open_dispute is None
            and self.evaluation.status != Evaluation.Status.EXCLUDED
        )


@dataclass
class DraftOutcome:
    """A closed appeal whose verdict counts against the person, in its reply period (or
    with an open dispute)."""

    appeal: Any
    closed_at: datetime
    in_reply_period: bool
    reply_until: datetime
    open_dispute: Dispute | None
    decided_disputes: list[Dispute]

    @property
    def set_aside(self) -> bool:
        return any(
            d.status == Dispute.Status.UPHELD and d.outcome_round == self.appeal.reopened_count
            for d in self.decided_disputes
        )

    @property
    def can_dispute(self) -> bool:
        return self.in_reply_period and self.open_dispute is None and not self.set_aside


@dataclass
class PersonDraft:
    person: Person
    live: LiveScore | None
    evaluations: list[DraftEvaluation]
    reply_days: int
    public: SnapshotResult | None
    outcomes: list[DraftOutcome] = field(default_factory=list)


def person_draft(person: Person, *, now: datetime | None = None) -> PersonDraft:
    """The person's live score and the evaluations they may still see and dispute.

    For the person and their moderators only (`ratings.view_draft`): the caller checks.
    Evaluations listed: those still in their reply period and those with an open dispute.
    """
    now = now or timezone.now()
    period = reply_period()
    evaluations = (
        Evaluation.objects.filter(person=person)
        .filter(Q(created_at__gte=now - period) | Q(disputes__status=Dispute.Status.OPEN))
        .distinct()
        .select_related("appeal", "booking__reception")
        .prefetch_related("disputes")
        .order_by("-created_at", "-id")
    )
    drafts = []
    for evaluation in evaluations:
        disputes = list(evaluation.disputes.all())
        drafts.append(
            DraftEvaluation(
                evaluation=evaluation,
                in_reply_period=now - evaluation.created_at <= period,
                reply_until=evaluation.created_at + period,
                open_dispute=next((d for d in disputes if d.status == Dispute.Status.OPEN), None),
                decided_disputes=[d for d in disputes if d.status != Dispute.Status.OPEN],
            )
        )
    return PersonDraft(
        person=person,
        live=LiveScore.objects.filter(person=person).first(),
        evaluations=drafts,
        reply_days=period.days,
        public=person_result(person),
        outcomes=draft_outcomes(person, now=now),
    )


def draft_outcomes(person: Person, *, now: datetime | None = None) -> list[DraftOutcome]:
    """The person's appeals closed as "not resolved" or "partly resolved" that they may
    still dispute (closed within the reply period), or whose dispute is open."""
    from halyq.appeals.models import Appeal, AppealEvent
    from halyq.appeals.workflow import State
    from halyq.ratings.disputes import closing_moment, disputable_outcomes

    now = now or timezone.now()
    period = reply_period()
    # The closing day is a local date: a day's margin, then the exact moment decides.
    recent = timezone.localdate(now) - period - timedelta(days=1)
    appeals = (
        Appeal.objects.filter(
            Q(answered_by=person) | Q(answered_by__isnull=True, assigned_person=person),
            state=State.CLOSED,
            resolution__in=disputable_outcomes(),
            transferred_out_of_competence=False,
        )
        .filter(Q(closed_on__gte=recent) | Q(disputes__status=Dispute.Status.OPEN))
        .distinct()
        .annotate(
            closed_at=Subquery(
                AppealEvent.objects.filter(appeal=OuterRef("pk"), to_state=State.CLOSED)
                .order_by("-occurred_at", "-id")
                .values("occurred_at")[:1]
            )
        )
        .prefetch_related("disputes")
        .order_by("-closed_on", "-id")
    )
    drafts = []
    for appeal in appeals:
        closed_at = closing_moment(appeal, appeal.closed_at)
        disputes = list(appeal.disputes.all())
        open_dispute = next((d for d in disputes if d.status == Dispute.Status.OPEN), None)
        in_period = now - closed_at <= period
        if not in_period and open_dispute is None:
            continue
        drafts.append(
            DraftOutcome(
                appeal=appeal,
                closed_at=closed_at,
                in_reply_period=in_period,
                reply_until=closed_at + period,
                open_dispute=open_dispute,
                decided_disputes=[d for d in disputes if d.status != Dispute.Status.OPEN],
            )
        )
    return drafts


# --------------------------------------------------------------------------- moderation
def _moderated(rows, user, field: str):
    regions = staff_region_ids(user)
    if regions is None:
        return rows
    return rows.filter(**{f"{field}__in": regions})


def moderation_queue(moderator) -> dict:
    """Held evaluations with their evidence, comments to moderate and open disputes,
    in the moderator's regions only (all regions for an administrator)."""
    held = (
        _moderated(
            Evaluation.objects.filter(status=Evaluation.Status.HELD), moderator, "person__region_id"
        )
        .select_related("person__region", "appeal", "booking__reception")
        .prefetch_related("signals")
        .order_by("created_at", "id")
    )
    comments = (
        _moderated(
            Evaluation.objects.filter(comment_status=Evaluation.CommentStatus.PENDING),
            moderator,
            "person__region_id",
        )
        .select_related("person__region")
        .order_by("created_at", "id")
    )
    disputes = (
        _moderated(
            Dispute.objects.filter(status=Dispute.Status.OPEN), moderator, "person__region_id"
        )
        .select_related("person__region", "evaluation", "evaluation__appeal", "appeal")
        .order_by("opened_at", "id")
    )
    return {"held": list(held), "comments": list(comments), "disputes": list(disputes)}


def moderated_evaluation(moderator, pk: int) -> Evaluation | None:
    return (
        _moderated(Evaluation.objects.filter(pk=pk), moderator, "person__region_id")
        .select_related("person__region")
        .first()
    )


def moderated_dispute(moderator, pk: int) -> Dispute | None:
    return (
        _moderated(Dispute.objects.filter(pk=pk), moderator, "person__region_id")
        .select_related("person__region")
        .first()
    )
