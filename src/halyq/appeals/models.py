"""Public reception offices and citizens' appeals.

Personal data of citizens (appeal text, attachments, contacts) lives here and in
`accounts` only, and never reaches a public page, the public API, an export, the
ledger or a log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from halyq.appeals.workflow import OPEN_STATES, Resolution, State
from halyq.core.i18n import localized


class ReceptionOffice(models.Model):
    """A public reception office (общественная приёмная) of a regional branch."""

    slug = models.SlugField(max_length=120, unique=True)
    region = models.ForeignKey(
        "directory.Region",
        on_delete=models.PROTECT,
        related_name="offices",
        verbose_name=_("region"),
    )
    district = models.ForeignKey(
        "directory.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offices",
        verbose_name=_("district"),
    )
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    address_kk = models.CharField(_("address (Kazakh)"), max_length=300, blank=True)
    address_ru = models.CharField(_("address (Russian)"), max_length=300)
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    opening_hours_kk = models.CharField(_("opening hours (Kazakh)"), max_length=300, blank=True)
    opening_hours_ru = models.CharField(_("opening hours (Russian)"), max_length=300)
    opening_hours_en = models.CharField(_("opening hours (English)"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    receiving_people = models.ManyToManyField(
        "directory.Person",
        blank=True,
        related_name="reception_offices",
        verbose_name=_("deputies and activists who receive here"),
    )
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="operated_offices",
        verbose_name=_("operators"),
    )
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["region__code", "name_ru"]
        verbose_name = _("reception office")
        verbose_name_plural = _("reception offices")

    def __str__(self) -> str:
        return localized(self, "name").text


class Category(models.Model):
    """A managed list of what appeals are about (housing and utilities, roads...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=120)
    name_ru = models.CharField(_("name (Russian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("appeal category")
        verbose_name_plural = _("appeal categories")

    def __str__(self) -> str:
        return localized(self, "name").text


class Channel(models.TextChoices):
    WEB = "web", _("web form")
    WALK_IN = "walk_in", _("in person at the office")
    PHONE = "phone", _("by phone")
    LETTER = "letter", _("by letter")


OPERATOR_CHANNELS = (Channel.WALK_IN, Channel.PHONE, Channel.LETTER)


def rated_person() -> Coalesce:
    """Whose work an appeal is: who answered it, else who is assigned, else who was addressed."""
    return Coalesce("answered_by_id", "assigned_person_id", "addressed_person_id")


class Appeal(models.Model):
    """A citizen's appeal. Its state only changes through `appeals.services`.

    `version` is the optimistic lock: every change is `UPDATE ... WHERE version = seen`.
    Contact fields (`citizen_*`) are filled for appeals an operator registers on a
    visitor's behalf; web appeals take the author's account details.

    Indexes are paid for on every registration, so none is kept twice: a foreign key
    that leads one of the composite indexes in Meta has no index of its own, and the
    number is unique by a constraint (a `unique` field would add a second, pattern
    index that no query uses: numbers are looked up whole).
    """

    number = models.CharField(_("registration number"), max_length=24)
    region = models.ForeignKey(
        "directory.Region",
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("region"),
        db_index=False,  # appeal_region_queue
    )
    office = models.ForeignKey(
        ReceptionOffice,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("office"),
        db_index=False,  # appeal_office_queue, appeal_office_due
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("category")
    )
    addressed_person = models.ForeignKey(
        "directory.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="addressed_appeals",
        verbose_name=_("addressed to"),
    )
    assigned_person = models.ForeignKey(
        "directory.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_appeals",
        verbose_name=_("assigned to"),
        db_index=False,  # appeal_person_queue
    )
    answered_by = models.ForeignKey(
        "directory.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answered_appeals",
        verbose_name=_("answered by"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    state = models.CharField(
        _("status"), max_length=12, choices=State.choices, default=State.REGISTERED
    )
    version = models.PositiveIntegerField(default=1)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("citizen account"),
        db_index=False,  # appeal_author
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_appeals",
        verbose_name=_("registered by"),
    )
    idempotency_key = models.UUIDField()
    citizen_name = models.CharField(_("citizen's name"), max_length=200, blank=True)
    citizen_email = models.EmailField(_("citizen's email"), blank=True)
    citizen_phone = models.CharField(_("citizen's phone"), max_length=32, blank=True)
    language = models.CharField(_("language"), max_length=2, default="ru")
    text = models.TextField(_("text"))

    received_at = models.DateTimeField(_("received"))
    registered_on = models.DateField(_("registered on"))
    # Day 0 of the running term: the registration day, or the day an appeal was
    # transferred to another office or reopened (a new term starts there).
    term_started_on = models.DateField(_("term started on"))
    due_on = models.DateField(_("due on"))
    original_due_on = models.DateField(_("original term"))
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    transferred_out_of_competence = models.BooleanField(default=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer_text = models.TextField(_("answer"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=8, choices=Resolution.choices, blank=True
    )
    reopened_count = models.PositiveSmallIntegerField(default=0)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    # The visitor's own confirmation that they brought this appeal (operator channels).
    visitor_confirmed_at = models.DateTimeField(
        _("confirmed by the visitor"), null=True, blank=True
    )
    # From when the appeal counts for the rating because a real citizen stands behind it
    # (a confirmed author, or the visitor's own confirmation); kept when data is erased.
    citizen_confirmed_at = models.DateTimeField(null=True, blank=True)
    visitor_code_hash = models.CharField(max_length=128, blank=True)
    visitor_code_attempts = models.PositiveSmallIntegerField(default=0)
    personal_data_erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.UniqueConstraint(fields=["number"], name="appeal_unique_number"),
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=models.Q(channel="web"),
                name="appeal_unique_web_submission",
            ),
            models.UniqueConstraint(
                fields=["registered_by", "idempotency_key"],
                condition=~models.Q(channel="web"),
                name="appeal_unique_operator_submission",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("registered_on")),
                name="appeal_due_after_registration",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "state", "due_on", "id"], name="appeal_office_queue"),
            # The "all states" view of a queue: an office's appeals by deadline.
            models.Index(fields=["office", "due_on", "id"], name="appeal_office_due"),
            models.Index(
                fields=["assigned_person", "state", "due_on", "id"], name="appeal_person_queue"
            ),
            models.Index(fields=["region", "state", "due_on", "id"], name="appeal_region_queue"),
            models.Index(fields=["author", "received_at"], name="appeal_author"),
            models.Index(fields=["registered_on"], name="appeal_registered_on"),
            models.Index(fields=["state", "answered_on"], name="appeal_state_answered"),
            # A live rating refresh reads one person's year of appeals: by this index
            # alone on PostgreSQL (an index-only scan; the included columns are all it
            # reads), not by thousands of heap pages. SQLite ignores `include`.
            models.Index(
                rated_person(),
                models.F("registered_on"),
                include=[
                    "id",
                    "answered_by",
                    "assigned_person",
                    "addressed_person",
                    "region",
                    "category",
                    "due_on",
                    "answered_on",
                    "term_started_on",
                    "resolution",
                    "transferred_out_of_competence",
                    "state",
                    "citizen_confirmed_at",
                ],
                name="appeal_rated_person",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def registered_by_operator(self) -> bool:
        return self.channel != Channel.WEB


class AppealEvent(models.Model):
    """One line of an appeal's visible history: who, when, what and why.

    The public, pseudonymised twin of the rating-relevant events is the integrity ledger.
    """

    appeal = models.ForeignKey(
        Appeal,
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,  # appeal_event_history
    )
    occurred_at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_role = models.CharField(max_length=16)
    action = models.CharField(_("what"), max_length=32)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    reason = models.TextField(_("why"), blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal events")
        indexes = [models.Index(fields=["appeal", "occurred_at"], name="appeal_event_history")]

    def __str__(self) -> str:
        return f"{self.action} ({self.occurred_at:%Y-%m-%d %H:%M})"


def _private_storage():
    from halyq.appeals.attachments import private_storage

    return private_storage()


class Attachment(models.Model):
    """A file attached to an appeal, stored outside the web root (PRIVATE_MEDIA_ROOT)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=_private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class RegistrationCounter(models.Model):
    """The last sequence number handed out per region and year (for `AST-2026-000123`)."""

    region = models.ForeignKey("directory.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="registration_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.year}: {self.last_number}"


class CalendarOverride(models.Model):
    """A government transfer of days decided after the `holidays` package was released."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("day off")
        WORKING_DAY = "working_day", _("working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    reason = models.CharField(
        _("reason"),
        max_length=300,
        help_text=_("For example: the government decree moving the day."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("calendar change")
        verbose_name_plural = _("calendar changes")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} — {self.get_kind_display()}"


class Notification(models.Model):
    """The outbox: an email to send, written in the same transaction as the change.

    The recipient's address is looked up when sending (from the appeal or the person),
    so the outbox holds no contact data and an erased citizen gets nothing.
    """

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("appeal registered")
        VISITOR_CONFIRMATION = "visitor_confirmation", _("confirm your appeal")
        TRANSFERRED = "transferred", _("appeal transferred")
        EXTENDED = "extended", _("term extended")
        ANSWERED = "answered", _("appeal answered")
        CLOSED = "closed", _("appeal closed")
        REJECTED = "rejected", _("appeal rejected")
        ASSIGNED = "assigned", _("appeal assigned to you")
        DEADLINE_REMINDER = "deadline_reminder", _("deadline soon")

    class Recipient(models.TextChoices):
        CITIZEN = "citizen", _("citizen")
        PERSON = "person", _("deputy or activist")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        SKIPPED = "skipped", _("no address to send to")
        FAILED = "failed", _("gave up after retries")

    kind = models.CharField(max_length=24, choices=Kind.choices)
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.CharField(max_length=8, choices=Recipient.choices)
    person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Data a message needs that is not on the appeal (the one-time code, for instance).
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()  # notification_due
    send_by = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    # NULL, not "": notifications without a key never collide in the unique constraint.
    dedup_key = models.CharField(max_length=80, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due")]
        constraints = [
            models.UniqueConstraint(fields=["dedup_key"], name="notification_unique_dedup_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient} ({self.status})"
