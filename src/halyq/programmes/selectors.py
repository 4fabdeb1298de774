"""Reads of programmes, items and mandates shared by pages, CSV, exports and the rating.

Every selector for the public filters through `visibility.visible_region_ids(user)`
(public regions, plus the regions the user works in), so a pilot region never leaks
to the public. Objects outside the caller's view raise `DoesNotExist` (404 on pages).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from halyq.accounts import roles
from halyq.directory.models import District, Person, Region
from halyq.directory.search import query_terms
from halyq.programmes import caching
from halyq.programmes.models import (
    DELIVERED_STATUSES,
    DISPLAY_STATUSES,
    OVERDUE,
    Confirmation,
    DisputeReview,
    Evidence,
    ItemChange,
    Mandate,
    Programme,
    Status,
    TrackedItem,
)
from halyq.programmes.rollup import Node, roll_up
from halyq.programmes.visibility import public_region_ids, visible_region_ids


# --------------------------------------------------------------------------- programmes
def programme_list(
    *, user, region: Region | None = None, district: District | None = None
) -> QuerySet[Programme]:
    programmes = Programme.objects.filter(region_id__in=visible_region_ids(user)).select_related(
        "region", "district", "convocation"
    )
    if region is not None:
        programmes = programmes.filter(region=region)
    if district is not None:
        programmes = programmes.filter(district=district)
    return programmes.order_by("region__code", "district__code", "-convocation__start_date")


def programme_get(*, user, code: str) -> Programme:
    return Programme.objects.select_related("region", "district", "convocation").get(
        code=code, region_id__in=visible_region_ids(user)
    )


def region_overview(*, user) -> list[dict]:
    """Each visible region with its item counts and average programme progress."""
    visible = visible_region_ids(user)
    public = public_region_ids()

    def compute() -> dict:
        today = timezone.localdate()
        counts = {
            row["region_id"]: row
            for row in TrackedItem.objects.filter(region_id__in=visible)
            .values("region_id")
            .annotate(
                total=Count("pk", filter=~Q(status=Status.CANCELLED)),
                delivered=Count("pk", filter=Q(status__in=list(DELIVERED_STATUSES))),
                overdue=Count("pk", filter=TrackedItem.objects.overdue_q(today)),
            )
        }
        progress = defaultdict(list)
        for region_id, value in Programme.objects.filter(region_id__in=visible).values_list(
            "region_id", "progress"
        ):
            progress[region_id].append(value)
        return {"counts": counts, "progress": dict(progress)}

    data = caching.summary(("overview", tuple(sorted(visible))), compute)
    overview = []
    for region in Region.objects.filter(pk__in=visible).order_by("code"):
        row = data["counts"].get(region.pk, {"total": 0, "delivered": 0, "overdue": 0})
        progress = data["progress"].get(region.pk, [])
        overview.append(
            {
                "region": region,
                "total": row["total"],
                "delivered": row["delivered"],
                "overdue": row["overdue"],
                "programmes": len(progress),
                "progress": round(sum(progress) / len(progress)) if progress else 0,
                "public": region.pk in public,
            }
        )
    return overview


# --------------------------------------------------------------------------- items
def _monitors_prefetch() -> Prefetch:
    return Prefetch(
        "monitors",
        queryset=Person.objects.only(
            "pk",
            "public_id",
            "family_name_kk",
            "given_name_kk",
            "patronymic_kk",
            "family_name_ru",
            "given_name_ru",
            "patronymic_ru",
            "family_name_en",
            "given_name_en",
        ).order_by("family_name_ru", "given_name_ru", "pk"),
    )


# Long texts a list never shows: leaving them out keeps the rows a database sorts small.
LIST_DEFERRED = (
    "description_kk",
    "description_ru",
    "description_en",
    "search_text",
    "cancellation_reason",
    "programme__description_kk",
    "programme__description_ru",
    "programme__description_en",
)


def visible_items(*, user) -> QuerySet[TrackedItem]:
    return TrackedItem.objects.filter(region_id__in=visible_region_ids(user))


@dataclass(frozen=True)
class ItemFilters:
    q: str = ""
    status: str = ""
    kind: str = ""
    topic: str = ""
    district: District | None = None
    programme: Programme | None = None
    overdue: bool | None = None


def filter_items(
    items: QuerySet[TrackedItem],
    *,
    region: Region | None = None,
    district: District | None = None,
    programme: Programme | None = None,
    person: Person | None = None,
    filters: ItemFilters | None = None,
    today: date | None = None,
) -> QuerySet[TrackedItem]:
    """`items` narrowed to a territory, a programme or a monitor and the list filters
    (the status filter knows "overdue", derived on `today`)."""
    day = today or timezone.localdate()
    if region is not None:
        items = items.filter(region=region)
    if district is not None:
        items = items.filter(district=district)
    if programme is not None:
        items = items.filter(programme=programme)
    if person is not None:
        items = items.filter(monitors=person)
    filters = filters or ItemFilters()
    for term in query_terms(filters.q):
        items = items.filter(search_text__contains=term)
    if filters.status:
        items = items.with_display_status_in([filters.status], day)
    if filters.overdue is not None:
        overdue = TrackedItem.objects.overdue_q(day)
        items = items.filter(overdue) if filters.overdue else items.exclude(overdue)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.topic:
        items = items.filter(topic=filters.topic)
    if filters.district is not None:
        items = items.filter(district=filters.district)
    if filters.programme is not None:
        items = items.filter(programme=filters.programme)
    return items


def item_list(
    *,
    user,
    region: Region | None = None,
    district: District | None = None,
    programme: Programme | None = None,
    person: Person | None = None,
    filters: ItemFilters | None = None,
    today: date | None = None,
) -> QuerySet[TrackedItem]:
    """Items in a territory, a programme or monitored by a person, filtered, for a list page."""
    day = today or timezone.localdate()
    items = filter_items(
        visible_items(user=user),
        region=region,
        district=district,
        programme=programme,
        person=person,
        filters=filters,
        today=day,
    )
    return (
        items.with_display_status(day)
        .select_related("programme", "region", "district")
        .defer(*LIST_DEFERRED)
        .prefetch_related(_monitors_prefetch())
        .order_by("deadline", "programme_id", "position", "pk")
    )


def status_counts(items: QuerySet[TrackedItem], today: date | None = None) -> dict[str, int]:
    """How many items show each status (overdue derived), in one query."""
    day = today or timezone.localdate()
    overdue = TrackedItem.objects.overdue_q(day)
    aggregates = {
        value: Count("pk", filter=Q(status=value) & ~overdue)
        for value, _label in DISPLAY_STATUSES
        if value != OVERDUE
    }
    aggregates[OVERDUE] = Count("pk", filter=overdue)
    counts = items.order_by().aggregate(**aggregates)
    counts["total"] = sum(counts.values())
    return counts


def tracker_summary(
    *, scope: tuple, items: QuerySet[TrackedItem], mandates: QuerySet[Mandate] | None = None
) -> dict:
    """What a tracker page shows above its list, cached briefly (see `caching`).

    `scope` must name everything that decides `items` and `mandates` (the territory,
    programme or person, and for a person the regions the visitor may see).
    """

    def compute() -> dict:
        today = timezone.localdate()
        return {
            "counts": status_counts(items, today),
            "series": delivery_timeline(items),
            "overdue": overdue_items(items, today=today),
            "mandate_counts": mandate_counts(mandates) if mandates is not None else None,
        }

    return caching.summary(scope, compute)


def overdue_items(items: QuerySet[TrackedItem], *, limit: int = 10, today: date | None = None):
    day = today or timezone.localdate()
    return list(
        items.overdue(day)
        .with_display_status(day)
        .select_related("programme", "region", "district")
        .defer(*LIST_DEFERRED)
        .prefetch_related(None)
        .order_by("deadline", "pk")[:limit]
    )


def delivery_timeline(items: QuerySet[TrackedItem], *, months: int = 24) -> list[dict]:
    """Per month: items falling due and items delivered, with running totals.

    Delivered counts "done" as 1 and "partly done" as a half. Two grouped queries by
    day (a plain GROUP BY on the date column is much cheaper than truncating dates in
    SQL, on SQLite above all); the days are bucketed into months here.
    """
    live = items.order_by().exclude(status=Status.CANCELLED)
    due_by_month: dict[date, float] = defaultdict(float)
    for day, n in live.values_list("deadline").annotate(n=Count("pk")).values_list("deadline", "n"):
        due_by_month[day.replace(day=1)] += n
    delivered_by_month: dict[date, float] = defaultdict(float)
    for day, status, n in (
        live.filter(status__in=list(DELIVERED_STATUSES), completed_on__isnull=False)
        .values_list("completed_on", "status")
        .annotate(n=Count("pk"))
        .values_list("completed_on", "status", "n")
    ):
        delivered_by_month[day.replace(day=1)] += n * (1.0 if status == Status.DONE else 0.5)
    all_months = sorted(set(due_by_month) | set(delivered_by_month))
    if not all_months:
        return []
    this_month = timezone.localdate().replace(day=1)
    first, last = all_months[0], max(all_months[-1], this_month)
    series = []
    due_total = delivered_total = 0.0
    month = first
    while month <= last:
        due_total += due_by_month.get(month, 0)
        delivered_total += delivered_by_month.get(month, 0)
        series.append(
            {
                "month": month,
                "due": due_by_month.get(month, 0),
                "delivered": delivered_by_month.get(month, 0),
                "due_total": due_total,
                "delivered_total": delivered_total,
            }
        )
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return series[-months:] if months else series


def item_get(*, user, pk: int) -> TrackedItem:
    return (
        visible_items(user=user)
        .with_display_status()
        .select_related("programme", "programme__convocation", "region", "district", "parent")
        .prefetch_related(_monitors_prefetch())
        .get(pk=pk)
    )


def item_children(item: TrackedItem) -> list[TrackedItem]:
    return list(item.children.with_display_status().order_by("position", "pk"))


def item_timeline(item: TrackedItem) -> list[ItemChange]:
    """The item's history, oldest first, with the evidence of each change."""
    return list(
        item.changes.select_related("actor_person").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("evidence_date", "pk"))
        )
    )


def roadmap(programme: Programme) -> list[tuple[TrackedItem, int]]:
    """The programme's measures in tree order with their depth (one query)."""
    items = list(
        TrackedItem.objects.filter(programme=programme, kind=TrackedItem.Kind.MEASURE)
        .with_display_status()
        .order_by("position", "pk")
    )
    children = defaultdict(list)
    ids = {item.pk for item in items}
    for item in items:
        children[item.parent_id if item.parent_id in ids else None].append(item)
    ordered: list[tuple[TrackedItem, int]] = []
    stack = [(item, 0) for item in reversed(children[None])]
    while stack:
        item, depth = stack.pop()
        ordered.append((item, depth))
        stack.extend((child, depth + 1) for child in reversed(children[item.pk]))
    return ordered


# --------------------------------------------------------------------------- mandates
def filter_mandates(
    mandates: QuerySet[Mandate],
    *,
    region: Region | None = None,
    district: District | None = None,
    programme: Programme | None = None,
    state: str = "",
    topic: str = "",
    q: str = "",
) -> QuerySet[Mandate]:
    """`mandates` narrowed to a territory, a programme, a decision, a topic and a search."""
    if region is not None:
        mandates = mandates.filter(region=region)
    if district is not None:
        mandates = mandates.filter(district=district)
    if programme is not None:
        mandates = mandates.filter(programme=programme)
    if state:
        mandates = mandates.filter(state=state)
    if topic:
        mandates = mandates.filter(topic=topic)
    for term in query_terms(q):
        mandates = mandates.filter(search_text__contains=term)
    return mandates


def mandate_list(
    *,
    user,
    region: Region | None = None,
    district: District | None = None,
    programme: Programme | None = None,
    state: str = "",
    topic: str = "",
    q: str = "",
) -> QuerySet[Mandate]:
    mandates = filter_mandates(
        Mandate.objects.filter(region_id__in=visible_region_ids(user)),
        region=region,
        district=district,
        programme=programme,
        state=state,
        topic=topic,
        q=q,
    )
    return mandates.select_related("programme", "region", "district", "item").order_by(
        "-source_date", "pk"
    )


def mandate_counts(mandates: QuerySet[Mandate]) -> dict[str, int]:
    counts = mandates.order_by().aggregate(
        **{state: Count("pk", filter=Q(state=state)) for state in Mandate.State.values}
    )
    counts["total"] = sum(counts.values())
    return counts


def mandate_get(*, user, pk: int) -> Mandate:
    return Mandate.objects.select_related("programme", "region", "district", "item").get(
        pk=pk, region_id__in=visible_region_ids(user)
    )


# --------------------------------------------------------------------------- people
def person_get(*, public_id) -> Person:
    return Person.objects.select_related("region").get(public_id=public_id)


def person_items(*, user, person: Person, limit: int | None = None) -> list[TrackedItem]:
    items = item_list(user=user, person=person)
    return list(items[:limit] if limit else items)


# --------------------------------------------------------------------------- moderation
def moderation_queue(*, user) -> dict[str, list]:
    """What waits for this moderator (or administrator): disputes, held answers, mandates."""
    if roles.is_administrator(user):
        scope = Q()
    else:
        regions = roles.moderated_region_ids(user)
        if not regions:
            return {"reviews": [], "held": [], "mandates": []}
        scope = Q(region_id__in=regions)
    item_scope = Q(item__region_id__in=roles.moderated_region_ids(user)) if scope else Q()
    reviews = list(
        DisputeReview.objects.filter(item_scope, decision=DisputeReview.Decision.PENDING)
        .select_related("item", "item__programme", "item__region", "item__district")
        .order_by("opened_at", "pk")[:200]
    )
    held = list(
        Confirmation.objects.filter(item_scope, state=Confirmation.State.HELD)
        .select_related("item", "item__programme", "item__region")
        .order_by("created_at", "pk")[:200]
    )
    mandates = list(
        Mandate.objects.filter(scope, state=Mandate.State.REGISTERED)
        .select_related("programme", "region", "district")
        .order_by("source_date", "pk")[:200]
    )
    return {"reviews": reviews, "held": held, "mandates": mandates}


# --------------------------------------------------------------------------- the rating
def delivery_records(*, as_of: date, person_ids: Collection[int] | None = None) -> list:
    """The programme-delivery inputs of the rating engine, one per monitor and item.

    An item (a roadmap measure or a mandate tracked on its own; mandates folded into
    a measure count through that measure) gives one `DeliveryRecord` per deputy
    monitoring it when it is not cancelled and either its deadline is on or before
    `as_of` or it was delivered on or before `as_of`:
    - `person_id`: the deputy's public id;
    - `item_id`: "<programme code>:<item code>";
    - `weight`: the effective roll-up weight (`rollup.roll_up`): a top-level item's own
      weight, a sub-measure's share of its parent's effective weight;
    - `due_on`: the deadline (planned completion moved to a working day);
    - `delivered_on_time`: reported done on or before both the deadline and `as_of`;
    - `dispute_share`: counted residents' answers of the current report round saying
      "no", with "partly" as half (0 when nobody answered).
    "Partly done" counts half: the item gives two records of half the weight each,
    "<id>#delivered-part" (on time if reported partly done by the deadline) and
    "<id>#undelivered-part" (never on time), so the engine credits half of it.
    The state is today's; pilot regions are included (the rating app decides what to
    publish). With `person_ids` (a live refresh) only those monitors' records, read from
    the whole programmes they monitor in, so the roll-up weights are the same.
    """
    from halyq.scoring import DeliveryRecord

    items = TrackedItem.objects.all()
    links = TrackedItem.monitors.through.objects.all()
    if person_ids is not None:
        links = links.filter(person_id__in=person_ids)
        items = items.filter(programme_id__in=links.values("trackeditem__programme_id"))
    rows = list(
        items.values_list(
            "pk",
            "parent_id",
            "programme_id",
            "weight",
            "status",
            "progress",
            "kind",
            "deadline",
            "completed_on",
            "confirmations_yes",
            "confirmations_partly",
            "confirmations_no",
            "programme__code",
            "code",
        )
    )
    measures = roll_up(
        Node(r[0], r[1], r[2], float(r[3]), r[4], r[5]) for r in rows if r[6] == "measure"
    ).effective_weight
    monitors = defaultdict(list)
    for item_id, public_id in links.values_list("trackeditem_id", "person__public_id").order_by(
        "trackeditem_id", "person__public_id"
    ):
        monitors[item_id].append(str(public_id))
    records = []
    for (
        pk,
        _parent,
        _programme,
        weight,
        status,
        _progress,
        kind,
        deadline,
        completed_on,
        yes,
        partly,
        no,
        programme_code,
        code,
    ) in rows:
        if status == Status.CANCELLED or pk not in monitors:
            continue
        delivered = status in DELIVERED_STATUSES and completed_on is not None
        if not (deadline <= as_of or (delivered and completed_on <= as_of)):
            continue
        on_time = delivered and completed_on <= deadline and completed_on <= as_of
        effective = measures.get(pk, 0.0) if kind == "measure" else float(weight)
        counted = yes + partly + no
        dispute = (no + 0.5 * partly) / counted if counted else 0.0
        item_id = f"{programme_code}:{code}"
        if status == Status.PARTLY_DONE:
            parts = [
                (f"{item_id}#delivered-part", effective / 2, on_time),
                (f"{item_id}#undelivered-part", effective / 2, False),
            ]
        else:
            parts = [(item_id, effective, on_time and status == Status.DONE)]
        for person_id in monitors[pk]:
            for part_id, part_weight, part_on_time in parts:
                records.append(
                    DeliveryRecord(
                        person_id=person_id,
                        item_id=part_id,
                        weight=part_weight,
                        due_on=deadline,
                        delivered_on_time=part_on_time,
                        dispute_share=dispute,
                    )
                )
    return records
