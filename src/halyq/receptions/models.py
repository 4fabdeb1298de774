"""Personal receptions: a deputy (or reserve activist) receives citizens at an office.

Rules of this module:
- A `Reception` is one sitting: a person, an office, a date, a start and end time cut
  into equal slots. It is *scheduled*, then either *held* or *cancelled*; both are final.
  Its counts (`booked_count`, `attended_count`) are frozen when it is decided, so the
  rating and the ledger event read the same numbers.
- A `Booking` takes one slot of a reception, either online by a signed-in citizen or by
  an operator for a visitor (name and phone are then kept here as personal data).
  The database itself refuses a second active booking of one slot and a second active
  booking of one citizen at one reception (partial unique constraints), so a race can
  never double-book even if a service check is skipped.
- Every change goes through `receptions.services`; nothing else saves these models.
- Names of deputies and offices are public; everything about a booking is not.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# A slot is taken while its booking is in one of these states; a cancelled one frees it.
ACTIVE_BOOKING_STATES = ("booked", "attended", "no_show")


class Reception(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    class CancelReason(models.TextChoices):
        ILLNESS = "illness", _("illness")
        OFFICIAL_DUTY = "official_duty", _("official duties")
        OFFICE_CLOSED = "office_closed", _("the office is closed")
        NOT_HELD = "not_held", _("did not take place")
        OTHER = "other", _("other reason")

    office = models.ForeignKey(
        "appeals.ReceptionOffice",
        on_delete=models.PROTECT,
        related_name="receptions",
        verbose_name=_("office"),
    )
    person = models.ForeignKey(
        "directory.Person",
        on_delete=models.PROTECT,
        related_name="receptions",
        verbose_name=_("receiving deputy"),
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per visitor"))
    slot_count = models.PositiveSmallIntegerField(_("number of slots"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    cancel_reason = models.CharField(
        _("reason for cancelling"), max_length=16, choices=CancelReason.choices, blank=True
    )
    # Frozen when the reception is decided (held or cancelled); None while scheduled.
    booked_count = models.PositiveSmallIntegerField(null=True, blank=True)
    attended_count = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "start_time", "id"]
        verbose_name = _("personal reception")
        verbose_name_plural = _("personal receptions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="reception_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5) & models.Q(slot_count__gte=1),
                name="reception_has_slots",
            ),
            models.CheckConstraint(
                condition=models.Q(status="cancelled", cancel_reason__gt="")
                | (~models.Q(status="cancelled") & models.Q(cancel_reason="")),
                name="reception_cancel_reason_iff_cancelled",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "date"], name="reception_status_date"),
            models.Index(fields=["person", "date"], name="reception_person_date"),
            models.Index(fields=["office", "date"], name="reception_office_date"),
            models.Index(fields=["date", "start_time", "id"], name="reception_upcoming"),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.start_time:%H:%M} — {self.person}"

    def slot_starts(self) -> list[time]:
        """The start time of every slot, in order."""
        first = datetime.combine(date.min, self.start_time)
        return [
            (first + timedelta(minutes=self.slot_minutes * number)).time()
            for number in range(self.slot_count)
        ]

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.SCHEDULED

    @property
    def free_slots(self) -> int:
        """Slots not taken; uses the `taken` annotation of the selectors when present."""
        taken = getattr(self, "taken", None)
        if taken is None:
            taken = self.bookings.filter(status__in=ACTIVE_BOOKING_STATES).count()
        return max(self.slot_count - taken, 0)


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", _("cancelled")
        ATTENDED = "attended", _("came")
        NO_SHOW = "no_show", _("did not come")

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        OPERATOR = "operator", _("by the office operator")

    reception = models.ForeignKey(
        Reception, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("reception")
    )
    slot_start = models.TimeField(_("time"))
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reception_bookings",
        verbose_name=_("citizen account"),
    )
    # Filled only for visitors an operator books (no account); personal data.
    visitor_name = models.CharField(_("visitor's name"), max_length=200, blank=True)
    visitor_phone = models.CharField(_("visitor's phone"), max_length=32, blank=True)
    topic = models.CharField(_("what about"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    personal_data_erased_at = models.DateTimeField(null=True, blank=True)
    appeals = models.ManyToManyField(
        "appeals.Appeal",
        blank=True,
        related_name="reception_bookings",
        verbose_name=_("appeals registered at this visit"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reception", "slot_start", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["reception", "slot_start"],
                condition=models.Q(status__in=ACTIVE_BOOKING_STATES),
                name="booking_one_active_per_slot",
            ),
            models.UniqueConstraint(
                fields=["reception", "citizen"],
                condition=models.Q(status__in=ACTIVE_BOOKING_STATES, citizen__isnull=False),
                name="booking_one_active_per_citizen",
            ),
            models.CheckConstraint(
                condition=models.Q(citizen__isnull=False)
                | ~models.Q(visitor_name="")
                | models.Q(personal_data_erased_at__isnull=False),
                name="booking_names_someone",
            ),
        ]
        indexes = [
            models.Index(fields=["citizen", "status"], name="booking_citizen"),
            models.Index(fields=["status", "reminder_sent_at"], name="booking_reminder_due"),
        ]

    def __str__(self) -> str:
        return f"{self.reception_id} {self.slot_start:%H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_BOOKING_STATES
