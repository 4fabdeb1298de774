"""Reads of appeals and offices shared by pages, exports, commands and the rating.

Every read of appeals for a user goes through `appeal_list` / `appeal_get`, which apply
`rules.visible_appeals_q`: what a user may not see does not exist for them (404).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet
from django.http import Http404

from halyq.appeals import deadlines
from halyq.appeals.models import Appeal, AppealEvent, Category, Channel, ReceptionOffice
from halyq.appeals.rules import visible_appeals_q
from halyq.appeals.workflow import OPEN_STATES, VOID_STATES, State
from halyq.directory.models import Person, Region


@dataclass(frozen=True)
class AppealFilters:
    state: str = ""  # a State value, "open" or ""
    due: str = ""  # "overdue", "soon" or ""
    category: int | None = None
    office: int | None = None
    person: int | None = None
    region: int | None = None


def _visible(user, *, staff_only: bool) -> QuerySet[Appeal]:
    reach = visible_appeals_q(user, staff_only=staff_only)
    appeals = Appeal.objects.all()
    return appeals if reach is None else appeals.filter(reach)


def appeal_list(
    *,
    user,
    filters: AppealFilters | None = None,
    staff_only: bool = True,
    today: date | None = None,
) -> QuerySet[Appeal]:
    """Appeals the user may see, filtered, soonest deadline first.

    `staff_only=False` is the citizen's own list (only appeals they wrote).
    """
    filters = filters or AppealFilters()
    today = today or deadlines.local_date()
    if staff_only:
        appeals = _visible(user, staff_only=True)
    else:
        appeals = (
            Appeal.objects.filter(author_id=user.id)
            if user.is_authenticated
            else Appeal.objects.none()
        )
    if filters.state == "open":
        appeals = appeals.filter(state__in=OPEN_STATES)
    elif filters.state:
        appeals = appeals.filter(state=filters.state)
    if filters.due == "overdue":
        appeals = appeals.filter(state__in=OPEN_STATES, due_on__lt=today)
    elif filters.due == "soon":
        appeals = appeals.filter(
            state__in=OPEN_STATES, due_on__gte=today, due_on__lte=deadlines.due_soon_limit(today)
        )
    if filters.category:
        appeals = appeals.filter(category_id=filters.category)
    if filters.office:
        appeals = appeals.filter(office_id=filters.office)
    if filters.person:
        appeals = appeals.filter(assigned_person_id=filters.person)
    if filters.region:
        appeals = appeals.filter(region_id=filters.region)
    return appeals.select_related("office", "category", "assigned_person", "region").order_by(
        "due_on", "id"
    )


def appeal_get(*, user, number: str, staff_only: bool = False) -> Appeal:
    """One appeal the user may see, with what its page shows; Http404 otherwise."""
    appeals = _visible(user, staff_only=staff_only)
    try:
        return appeals.select_related(
            "office",
            "office__region",
            "category",
            "region",
            "assigned_person",
            "addressed_person",
            "answered_by",
            "author",
            "duplicate_of",
        ).get(number=number)
    except Appeal.DoesNotExist:
        raise Http404 from None


def appeal_history(appeal: Appeal) -> list[AppealEvent]:
    return list(appeal.events.select_related("actor").order_by("occurred_at", "id"))


def office_list(*, region=None) -> QuerySet[ReceptionOffice]:
    """Open offices with the public directory people who receive there."""
    offices = ReceptionOffice.objects.filter(is_active=True).select_related("region", "district")
    if region is not None:
        offices = offices.filter(region=region)
    return offices.prefetch_related(
        Prefetch(
            "receiving_people",
            queryset=Person.objects.order_by("family_name_ru", "given_name_ru"),
        )
    ).order_by("region__code", "district__code", "name_ru")


def offices_for_registration(user) -> QuerySet[ReceptionOffice]:
    """The offices an operator (or a moderator, an administrator) may register for."""
    from halyq.accounts import roles
    from halyq.appeals.rules import operated_office_ids

    offices = ReceptionOffice.objects.filter(is_active=True).select_related("region")
    if roles.is_administrator(user):
        return offices
    return offices.filter(
        Q(id__in=operated_office_ids(user)) | Q(region_id__in=roles.moderated_region_ids(user))
    )


def overdue_overview(*, user, today: date | None = None) -> dict[str, list[dict]]:
    """Overdue open appeals per office and per person, within the user's reach."""
    today = today or deadlines.local_date()
    overdue = _visible(user, staff_only=True).filter(state__in=OPEN_STATES, due_on__lt=today)
    open_appeals = _visible(user, staff_only=True).filter(state__in=OPEN_STATES)
    open_by_office = dict(
        open_appeals.values("office_id").annotate(n=Count("id")).values_list("office_id", "n")
    )
    by_office = list(
        overdue.values("office_id", "office__name_ru", "office__name_kk", "office__name_en")
        .annotate(overdue=Count("id"))
        .order_by("-overdue", "office_id")
    )
    for row in by_office:
        row["open"] = open_by_office.get(row["office_id"], 0)
    by_person = list(
        overdue.filter(assigned_person__isnull=False)
        .values("assigned_person_id")
        .annotate(overdue=Count("id"))
        .order_by("-overdue", "assigned_person_id")[:200]
    )
    people = Person.objects.in_bulk([row["assigned_person_id"] for row in by_person])
    for row in by_person:
        row["person"] = people.get(row["assigned_person_id"])
    return {"offices": by_office, "people": by_person}


# ------------------------------------------------------------------------ rating feed


def counts_q() -> Q:
    """Appeals a real, confirmed citizen stands behind, and that were not voided.

    Web appeals count when the author's email is confirmed; appeals an operator
    registered count only once the visitor confirmed them themselves.
    """
    return ~Q(state__in=VOID_STATES) & (
        Q(citizen_confirmed_at__isnull=False)
        | Q(channel=Channel.WEB, author__email_confirmed_at__isnull=False)
    )


RATING_FIELDS = (
    "appeal",
    "person",
    "region",
    "category",
    "registered_on",
    "due_on",
    "answered_on",
    "working_days_to_answer",
    "resolution",
    "transferred_out_of_competence",
    "counts",
)


def rating_appeals(
    *,
    since: date,
    until: date,
    include_not_counting: bool = False,
    person_ids: Collection[int] | None = None,
    chunk_size: int = 20_000,
) -> Iterator[dict]:
    """One plain dict per appeal registered in [since, until] (see RATING_FIELDS).

    `appeal` is the ledger pseudonym; `person` the public id of the person who answered
    (or is assigned, or was addressed); `working_days_to_answer` counts from the start
    of the running term. Streams with a server-side cursor: fit for millions of rows.
    Only counting appeals unless `include_not_counting`; only those of `person_ids`
    when given (a live refresh reads one person's appeals, not the country's).
    """
    from halyq.appeals.ledger import appeal_pseudonym

    appeals = Appeal.objects.filter(registered_on__gte=since, registered_on__lte=until)
    counting = counts_q()
    if not include_not_counting:
        appeals = appeals.filter(counting)
    # The database decides what counts: parsing two timestamps per row in Python cost
    # more than the rest of the row.
    appeals = appeals.annotate(counting=ExpressionWrapper(counting, output_field=BooleanField()))
    # Ids, not joined public ids and codes: parsing millions of UUIDs cost more than
    # the query. The small tables are read once and looked up.
    people = Person.objects.all()
    if person_ids is not None:
        # The person is the first of answered_by, assigned_person, addressed_person;
        # spelled out so that each foreign key's own index serves it.
        appeals = appeals.filter(
            Q(answered_by__in=person_ids)
            | Q(answered_by__isnull=True, assigned_person__in=person_ids)
            | Q(
                answered_by__isnull=True,
                assigned_person__isnull=True,
                addressed_person__in=person_ids,
            )
        )
        people = people.filter(id__in=person_ids)
    public_ids = {pk: str(public_id) for pk, public_id in people.values_list("id", "public_id")}
    region_codes = dict(Region.objects.values_list("id", "code"))
    category_codes = dict(Category.objects.values_list("id", "code"))
    rows = appeals.order_by().values_list(
        "id",
        "answered_by_id",
        "assigned_person_id",
        "addressed_person_id",
        "region_id",
        "category_id",
        "registered_on",
        "term_started_on",
        "due_on",
        "answered_on",
        "resolution",
        "transferred_out_of_competence",
        "counting",
    )
    from halyq.appeals.calendar import current_calendar

    calendar = current_calendar()
    for (
        appeal_id,
        answered_by,
        assigned,
        addressed,
        region,
        category,
        registered_on,
        term_started_on,
        due_on,
        answered_on,
        resolution,
        out_of_competence,
        counts,
    ) in rows.iterator(chunk_size=chunk_size):
        person = answered_by or assigned or addressed
        yield {
            "appeal": appeal_pseudonym(appeal_id),
            "person": public_ids[person] if person else None,
            "region": region_codes[region],
            "category": category_codes[category],
            "registered_on": registered_on,
            "due_on": due_on,
            "answered_on": answered_on,
            "working_days_to_answer": (
                max(0, calendar.working_days_between(term_started_on, answered_on))
                if answered_on
                else None
            ),
            "resolution": resolution or None,
            "transferred_out_of_competence": out_of_competence,
            "counts": counts,
        }


def staff_queue_counts(*, user, today: date | None = None) -> dict[str, int]:
    """The small numbers at the top of a queue: open, due soon, overdue."""
    today = today or deadlines.local_date()
    visible = _visible(user, staff_only=True).filter(state__in=OPEN_STATES)
    return visible.aggregate(
        open=Count("id"),
        soon=Count("id", filter=Q(due_on__gte=today, due_on__lte=deadlines.due_soon_limit(today))),
        overdue=Count("id", filter=Q(due_on__lt=today)),
        unassigned=Count("id", filter=Q(state=State.REGISTERED)),
    )
