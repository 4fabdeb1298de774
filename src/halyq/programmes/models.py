"""Election programmes, their roadmaps, voters' mandates and the public's confirmations.

Rules of this module (the services in `services.py` enforce them; the database backs
the simplest ones with constraints):
- A `Programme` belongs to one territory (a region, or a district inside it) and one
  convocation; there is at most one per territory and convocation.
- Its roadmap is a tree of `TrackedItem`s of kind "measure" (national measures broken
  down into regional ones). An accepted voters' mandate that is not folded into an
  existing measure becomes a `TrackedItem` of kind "mandate", tracked exactly like a
  measure but kept out of the roadmap's roll-up.
- `status` is what people report. "Overdue" is never stored as a status: it is derived
  from `deadline` (the planned completion date moved to the next working day when it
  falls on a day off) by `TrackedItemQuerySet.with_display_status` and
  `TrackedItem.display_status`. `deadline` itself is denormalised from the planned date
  and the working-day calendar by the services (see `services.item_refresh_deadlines`).
- Every change to an item is kept in `ItemChange` (who, when, what changed, the evidence).
- Residents confirm a reported delivery once per report round (`Confirmation`); counted
  answers are denormalised into the item's `confirmations_*` counters by the services.
- Nothing here stores residents' personal data except the private link from a
  `Confirmation` (and the staff fields `*_by`) to an account; public pages, exports and
  the ledger never show them.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from halyq.core.i18n import localized

_prefixes: dict[tuple[str, str], str] = {}


def _tracker_prefix() -> str:
    """reverse("programmes:index") for the active language and script prefix, cached."""
    from django.urls import get_script_prefix
    from django.utils.translation import get_language

    key = (get_language() or "", get_script_prefix())
    prefix = _prefixes.get(key)
    if prefix is None:
        prefix = _prefixes[key] = reverse("programmes:index")
    return prefix


class Convocation(models.Model):
    """A term of the maslikhats (e.g. the VIII convocation, 2023-2028)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("convocation")
        verbose_name_plural = _("convocations")

    def __str__(self) -> str:
        years = (
            f"{self.start_date:%Y}–{self.end_date:%Y}"
            if self.end_date
            else f"{self.start_date:%Y}–"
        )
        return f"{self.code} ({years})"


class Programme(models.Model):
    """The party's election programme for one territory and convocation."""

    code = models.SlugField(
        _("code"),
        max_length=64,
        unique=True,
        help_text=_("Stable code used by roadmap imports, e.g. 71-viii."),
    )
    convocation = models.ForeignKey(
        Convocation,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("convocation"),
    )
    region = models.ForeignKey(
        "directory.Region",
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("region"),
    )
    district = models.ForeignKey(
        "directory.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("district"),
    )
    title_kk = models.CharField(_("title (Kazakh)"), max_length=255, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    adopted_on = models.DateField(_("adopted"), null=True, blank=True)
    progress = models.FloatField(
        _("progress"), default=0.0, editable=False, help_text=_("Rolled up from the roadmap.")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["region__code", "district__code", "code"]
        verbose_name = _("election programme")
        verbose_name_plural = _("election programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["convocation", "region"],
                condition=Q(district__isnull=True),
                name="one_regional_programme_per_convocation",
            ),
            models.UniqueConstraint(
                fields=["convocation", "district"],
                condition=Q(district__isnull=False),
                name="one_district_programme_per_convocation",
            ),
        ]

    def __str__(self) -> str:
        return localized(self, "title").text

    def get_absolute_url(self) -> str:
        return reverse("programmes:programme", kwargs={"code": self.code})

    @property
    def territory(self):
        return self.district or self.region


class Status(models.TextChoices):
    """What people report. "Overdue" (below) is derived, never stored."""

    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    PARTLY_DONE = "partly_done", _("partly done")
    STALLED = "stalled", _("stalled")
    CANCELLED = "cancelled", _("cancelled")


OVERDUE = "overdue"
DISPLAY_STATUSES: list[tuple[str, str]] = [
    (Status.NOT_STARTED.value, Status.NOT_STARTED.label),
    (Status.IN_PROGRESS.value, Status.IN_PROGRESS.label),
    (Status.STALLED.value, Status.STALLED.label),
    (OVERDUE, _("overdue")),
    (Status.PARTLY_DONE.value, Status.PARTLY_DONE.label),
    (Status.DONE.value, Status.DONE.label),
    (Status.CANCELLED.value, Status.CANCELLED.label),
]
DISPLAY_STATUS_LABELS = dict(DISPLAY_STATUSES)
DELIVERED_STATUSES = frozenset({Status.DONE, Status.PARTLY_DONE})
CLOSED_STATUSES = frozenset({Status.DONE, Status.PARTLY_DONE, Status.CANCELLED})
OPEN_STATUSES = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.STALLED})


class Topic(models.TextChoices):
    ROADS = "roads", _("roads and transport")
    UTILITIES = "utilities", _("housing and utilities")
    EDUCATION = "education", _("education")
    HEALTH = "health", _("health care")
    SOCIAL = "social", _("social support")
    IMPROVEMENT = "improvement", _("public spaces and improvement")
    ENVIRONMENT = "environment", _("environment")
    ECONOMY = "economy", _("jobs and economy")
    AGRICULTURE = "agriculture", _("agriculture")
    CULTURE = "culture", _("culture and sport")
    SAFETY = "safety", _("public safety")
    OTHER = "other", _("other")


class TrackedItemQuerySet(models.QuerySet["TrackedItem"]):
    def overdue_q(self, today: date) -> Q:
        return Q(deadline__lt=today, status__in=list(OPEN_STATUSES))

    def with_display_status(self, today: date | None = None):
        """Annotate `display_status`: the reported status, or "overdue" when derived."""
        day = today or timezone.localdate()
        return self.annotate(
            display_status_value=Case(
                When(self.overdue_q(day), then=Value(OVERDUE)),
                default=F("status"),
                output_field=models.CharField(),
            )
        )

    def overdue(self, today: date | None = None):
        return self.filter(self.overdue_q(today or timezone.localdate()))

    def with_display_status_in(self, statuses: list[str], today: date | None = None):
        """Items whose displayed status is one of `statuses` (overdue included)."""
        day = today or timezone.localdate()
        condition = Q(pk__in=[])
        reported = [s for s in statuses if s != OVERDUE]
        if reported:
            condition |= Q(status__in=reported) & ~self.overdue_q(day)
        if OVERDUE in statuses:
            condition |= self.overdue_q(day)
        return self.filter(condition)


class TrackedItem(models.Model):
    """A roadmap measure or an accepted voters' mandate tracked to completion."""

    class Kind(models.TextChoices):
        MEASURE = "measure", _("measure")
        MANDATE = "mandate", _("voters' mandate")

    class Scope(models.TextChoices):
        NATIONAL = "national", _("national measure")
        REGIONAL = "regional", _("regional measure")

    class DisputeState(models.TextChoices):
        NONE = "none", _("not disputed")
        OPEN = "open", _("disputed: awaiting the moderator")
        UPHELD = "upheld", _("disputed: delivery upheld by the moderator")
        OVERTURNED = "overturned", _("disputed: delivery not confirmed by the moderator")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="items", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.MEASURE)
    code = models.CharField(
        _("code"),
        max_length=64,
        help_text=_("Stable code inside the programme; roadmap re-imports match on it."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices, blank=True)
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    weight = models.DecimalField(
        _("weight"),
        max_digits=7,
        decimal_places=3,
        default=1,
        help_text=_("Share of the parent's progress, relative to its sibling measures."),
    )
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    region = models.ForeignKey(
        "directory.Region",
        on_delete=models.PROTECT,
        related_name="programme_items",
        verbose_name=_("region"),
    )
    district = models.ForeignKey(
        "directory.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programme_items",
        verbose_name=_("district"),
    )
    executive_body_kk = models.CharField(_("executive body (Kazakh)"), max_length=255, blank=True)
    executive_body_ru = models.CharField(_("executive body (Russian)"), max_length=255, blank=True)
    executive_body_en = models.CharField(_("executive body (English)"), max_length=255, blank=True)
    monitors = models.ManyToManyField(
        "directory.Person",
        blank=True,
        related_name="monitored_items",
        verbose_name=_("deputies monitoring it"),
    )
    start_date = models.DateField(_("start"))
    planned_end_date = models.DateField(_("planned completion"))
    deadline = models.DateField(
        _("deadline"),
        editable=False,
        help_text=_("The planned completion date, moved to the next working day if needed."),
    )
    indicator_kk = models.CharField(_("indicator (Kazakh)"), max_length=255, blank=True)
    indicator_ru = models.CharField(_("indicator (Russian)"), max_length=255, blank=True)
    indicator_en = models.CharField(_("indicator (English)"), max_length=255, blank=True)
    unit_kk = models.CharField(_("unit (Kazakh)"), max_length=32, blank=True)
    unit_ru = models.CharField(_("unit (Russian)"), max_length=32, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=32, blank=True)
    target_value = models.DecimalField(
        _("target value"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    current_value = models.DecimalField(
        _("current value"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    rolled_up_progress = models.FloatField(
        _("progress with sub-measures, %"), default=0.0, editable=False
    )
    completed_on = models.DateField(_("reported delivered on"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)
    report_round = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text=_("How many times delivery was reported; residents confirm each report."),
    )
    confirmations_yes = models.PositiveIntegerField(default=0, editable=False)
    confirmations_partly = models.PositiveIntegerField(default=0, editable=False)
    confirmations_no = models.PositiveIntegerField(default=0, editable=False)
    confirmations_held = models.PositiveIntegerField(default=0, editable=False)
    dispute_state = models.CharField(
        _("dispute"), max_length=16, choices=DisputeState.choices, default=DisputeState.NONE
    )
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TrackedItemQuerySet.as_manager()

    class Meta:
        ordering = ["programme_id", "position", "id"]
        verbose_name = _("tracked item")
        verbose_name_plural = _("tracked items")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_item_code"),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100), name="item_progress_0_100"
            ),
            models.CheckConstraint(
                condition=Q(planned_end_date__gte=F("start_date")), name="item_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="item_weight_positive"),
        ]
        indexes = [
            models.Index(fields=["region", "kind", "status"]),
            # The trackers list a territory's items by deadline, page by page.
            models.Index(
                fields=["region", "deadline", "programme", "position", "id"],
                name="programmes_item_region_list",
            ),
            models.Index(fields=["deadline", "status"]),
            models.Index(fields=["programme", "parent", "position"]),
            models.Index(fields=["completed_on"]),
        ]

    def __str__(self) -> str:
        return localized(self, "title").text

    def get_absolute_url(self) -> str:
        # A tracker page links dozens of items; reverse() with a language prefix is
        # costly, so the prefix is resolved once per language (see _tracker_prefix).
        return f"{_tracker_prefix()}items/{self.pk}/"

    @property
    def public_code(self) -> str:
        """Stable public identifier: programme code and item code ("71-viii:1.2")."""
        return f"{self.programme.code}:{self.code}"

    def is_overdue(self, today: date | None = None) -> bool:
        day = today or timezone.localdate()
        return self.status in OPEN_STATUSES and self.deadline < day

    @property
    def display_status(self) -> str:
        annotated = getattr(self, "display_status_value", None)
        if annotated is not None:
            return annotated
        return OVERDUE if self.is_overdue() else self.status

    @property
    def display_status_label(self) -> str:
        return str(DISPLAY_STATUS_LABELS[self.display_status])

    @property
    def confirmations_counted(self) -> int:
        return self.confirmations_yes + self.confirmations_partly + self.confirmations_no

    @property
    def confirmation_rate(self) -> float | None:
        """Share of counted residents' answers agreeing it is delivered ("partly" = half)."""
        total = self.confirmations_counted
        if not total:
            return None
        return (self.confirmations_yes + 0.5 * self.confirmations_partly) / total

    @property
    def confirmation_percent(self) -> int | None:
        rate = self.confirmation_rate
        return None if rate is None else round(rate * 100)

    @property
    def shown_progress(self) -> int:
        return round(self.rolled_up_progress)


class Mandate(models.Model):
    """A voters' mandate (наказ избирателей) and the council's decision on it."""

    class Source(models.TextChoices):
        MEETING = "meeting", _("campaign meeting")
        PRIMARY = "primary", _("primaries")
        RECEPTION = "reception", _("personal reception")
        APPEAL = "appeal", _("appeal")

    class State(models.TextChoices):
        REGISTERED = "registered", _("awaiting decision")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    code = models.CharField(_("code"), max_length=64, unique=True)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="mandates", verbose_name=_("programme")
    )
    region = models.ForeignKey(
        "directory.Region",
        on_delete=models.PROTECT,
        related_name="mandates",
        verbose_name=_("region"),
    )
    district = models.ForeignKey(
        "directory.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mandates",
        verbose_name=_("district"),
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_date = models.DateField(_("date received"))
    source_reference = models.CharField(
        _("source reference"),
        max_length=200,
        blank=True,
        help_text=_("Meeting, primary or appeal number. Shown to staff only."),
    )
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    state = models.CharField(
        _("decision"), max_length=16, choices=State.choices, default=State.REGISTERED
    )
    decision_reason = models.TextField(_("public reason"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    item = models.ForeignKey(
        TrackedItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mandates",
        verbose_name=_("tracked as"),
    )
    registered_at = models.DateTimeField(default=timezone.now, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["-source_date", "id"]
        verbose_name = _("voters' mandate")
        verbose_name_plural = _("voters' mandates")
        indexes = [
            models.Index(fields=["region", "state"]),
            models.Index(fields=["programme", "state"]),
        ]

    def __str__(self) -> str:
        return localized(self, "title").text

    def get_absolute_url(self) -> str:
        return reverse("programmes:mandate", kwargs={"pk": self.pk})


class ItemChange(models.Model):
    """One dated change of a tracked item: who made it, what changed, on what evidence."""

    class ActorRole(models.TextChoices):
        DEPUTY = "deputy", _("deputy")
        MODERATOR = "moderator", _("regional moderator")
        ADMINISTRATOR = "administrator", _("administrator")
        IMPORT = "import", _("roadmap import")
        SYSTEM = "system", _("system")

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("details changed")
        REPORTED = "reported", _("progress reported")
        CANCELLED = "cancelled", _("cancelled")
        REVIEWED = "reviewed", _("moderator's decision on a dispute")
        IMPORTED = "imported", _("updated by import")

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="changes")
    occurred_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Private: the account that made the change."),
    )
    actor_person = models.ForeignKey(
        "directory.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_changes",
        help_text=_("Public: the deputy who reported it, if a deputy did."),
    )
    actor_role = models.CharField(max_length=16, choices=ActorRole.choices)
    changes = models.JSONField(default=dict, help_text=_('{"field": [old, new]}'))
    note = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [models.Index(fields=["item", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind} {self.occurred_at:%Y-%m-%d}"


def _evidence_path(instance: Evidence, filename: str) -> str:
    # Never keep the uploaded name: it can carry a person's name or a phone's path.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"programmes/evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


def _confirmation_photo_path(instance: Confirmation, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"programmes/confirmations/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class Evidence(models.Model):
    """A document, photo or link supporting a reported change. Public by nature."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("document")
        PHOTO = "photo", _("photo")
        LINK = "link", _("link")

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="evidence")
    change = models.ForeignKey(
        ItemChange, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_evidence_path, blank=True)
    media_type = models.CharField(max_length=64, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    evidence_date = models.DateField(_("date of the evidence"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["evidence_date", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.caption or self.url or self.file.name

    @property
    def href(self) -> str:
        return self.url or (self.file.url if self.file else "")


class Confirmation(models.Model):
    """A resident's answer to "is it really done?" for one report round of an item."""

    class Answer(models.TextChoices):
        YES = "yes", _("yes, it is done")
        PARTLY = "partly", _("partly")
        NO = "no", _("no, it is not done")

    class State(models.TextChoices):
        COUNTED = "counted", _("counted")
        HELD = "held", _("held for review")
        EXCLUDED = "excluded", _("excluded by the moderator")

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="confirmations")
    round = models.PositiveIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_confirmations"
    )
    answer = models.CharField(_("answer"), max_length=8, choices=Answer.choices)
    photo = models.ImageField(_("photo"), upload_to=_confirmation_photo_path, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.COUNTED)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("resident's confirmation")
        verbose_name_plural = _("residents' confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "round", "user"], name="one_confirmation_per_resident_and_round"
            )
        ]
        indexes = [models.Index(fields=["item", "round", "state"])]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.round}: {self.answer}"


class DisputeReview(models.Model):
    """A delivery that residents dispute, put before the regional moderator."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("awaiting decision")
        UPHELD = "upheld", _("delivery upheld")
        OVERTURNED = "overturned", _("delivery not confirmed")

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveIntegerField()
    opened_at = models.DateTimeField(default=timezone.now, editable=False)
    yes_at_opening = models.PositiveIntegerField(default=0)
    partly_at_opening = models.PositiveIntegerField(default=0)
    no_at_opening = models.PositiveIntegerField(default=0)
    decision = models.CharField(
        _("decision"), max_length=16, choices=Decision.choices, default=Decision.PENDING
    )
    reason = models.TextField(_("public reason"), blank=True)
    status_after = models.CharField(max_length=16, choices=Status.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-opened_at", "id"]
        verbose_name = _("dispute review")
        verbose_name_plural = _("dispute reviews")
        constraints = [
            models.UniqueConstraint(fields=["item", "round"], name="one_review_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.round}: {self.decision}"
