"""The rating: citizens' evaluations, methodology versions, publication modes, snapshots.

Rules:
- Only the author of an answered appeal (or the visitor of a held reception) may
  evaluate it, once; the evaluation may be edited for a set number of days. There is
  no other way to rate anybody.
- A comment is published only after moderation and never with the author's identity.
- A methodology version is data (the parameters of halyq.scoring), validated when it
  is loaded; a published version never changes.
- Each region (and council level) is in pilot (visible to its staff only) or public
  from a go-live date; nothing of a region in pilot reaches a public output.
- A snapshot is immutable once published; a failed snapshot leaves the previous one
  published and nothing half written.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Evaluation(models.Model):
    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("counted")
        HELD = "held", _("held for review")
        EXCLUDED = "excluded", _("excluded")

    class CommentStatus(models.TextChoices):
        NONE = "none", _("no comment")
        PENDING = "pending", _("awaiting moderation")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("rejected")

    appeal = models.OneToOneField(
        "appeals.Appeal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluation",
    )
    booking = models.OneToOneField(
        "receptions.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluation",
    )
    person = models.ForeignKey(
        "directory.Person",
        on_delete=models.PROTECT,
        related_name="evaluations",
        db_index=False,  # evaluation_person_marks leads with it
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="evaluations",
    )
    score = models.PositiveSmallIntegerField(_("mark"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    comment_status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.NONE
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACCEPTED)
    network_key = models.CharField(
        max_length=32,
        blank=True,
        help_text="Keyed hash of the client's network and browser, to see many accounts "
        "acting from one place; never the address itself.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        indexes = [
            # A live refresh reads a person's counted marks by an index-only scan.
            models.Index(
                fields=["person", "status"],
                include=["appeal", "score"],
                name="evaluation_person_marks",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="score_1_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(appeal__isnull=False, booking__isnull=True)
                | models.Q(appeal__isnull=True, booking__isnull=False),
                name="evaluates_an_appeal_or_a_reception",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}★ #{self.pk}"


class EvaluationSignal(models.Model):
    """Why the checks against manipulation held an evaluation (the evidence for the moderator)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="signals")
    rule = models.CharField(max_length=32)
    evidence = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.rule


class EvaluationDecision(models.Model):
    """A moderator's logged decision on a held evaluation."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="decisions")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    restored = models.BooleanField()
    reason = models.TextField(max_length=2000)
    decided_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{'restored' if self.restored else 'excluded'} #{self.evaluation_id}"


class MethodologyVersion(models.Model):
    version = models.CharField(max_length=16, unique=True)
    parameters = models.JSONField()
    published_at = models.DateTimeField(null=True, blank=True)
    is_current = models.BooleanField(default=False)

    class Meta:
        ordering = ["published_at", "id"]
        verbose_name = _("methodology version")
        verbose_name_plural = _("methodology versions")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_methodology",
            )
        ]

    def __str__(self) -> str:
        return self.version


class PublicationMode(models.Model):
    """Whether a region (optionally one council level in it) is in pilot or public."""

    class Mode(models.TextChoices):
        PILOT = "pilot", _("pilot")
        PUBLIC = "public", _("public")

    region = models.ForeignKey(
        "directory.Region", on_delete=models.CASCADE, related_name="publication_modes"
    )
    council_level = models.ForeignKey(
        "directory.CouncilLevel",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="publication_modes",
        help_text=_("Empty: the whole region."),
    )
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.PILOT)
    public_from = models.DateField(
        _("public from"), null=True, blank=True, help_text=_("Go-live date of the public mode.")
    )

    class Meta:
        verbose_name = _("publication mode")
        verbose_name_plural = _("publication modes")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "council_level"], name="one_mode_per_region_level"
            ),
            models.UniqueConstraint(
                fields=["region"],
                condition=models.Q(council_level__isnull=True),
                name="one_mode_per_region",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} — {self.get_mode_display()}"


class Snapshot(models.Model):
    class Scope(models.TextChoices):
        PUBLIC = "public", _("public")
        PILOT = "pilot", _("pilot preview for staff")

    methodology = models.ForeignKey(MethodologyVersion, on_delete=models.PROTECT)
    scope = models.CharField(max_length=8, choices=Scope.choices)
    as_of = models.DateField()
    computed_at = models.DateTimeField(auto_now_add=True)
    chain_head_seq = models.PositiveBigIntegerField()
    chain_head_hash = models.CharField(max_length=64)
    merkle_root = models.CharField(max_length=64)
    people_count = models.PositiveIntegerField(default=0)
    evidence_cutoff = models.DateTimeField(
        help_text="Evaluations made after this moment were still in their reply period."
    )
    inputs_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the published inputs' manifest."
    )
    group_stats = models.JSONField(
        default=dict, help_text="The engine's group baselines, for live updates."
    )
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("rating snapshot")
        verbose_name_plural = _("rating snapshots")
        indexes = [models.Index(fields=["scope", "is_published", "-as_of"])]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.as_of}"


class SnapshotResult(models.Model):
    """One person's result in a snapshot, as the engine returned it."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="results")
    person = models.ForeignKey("directory.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16)
    score = models.FloatField(null=True)
    low = models.FloatField(null=True)
    high = models.FloatField(null=True)
    rank = models.PositiveIntegerField(null=True)
    band = models.PositiveIntegerField(null=True)
    appeals = models.PositiveIntegerField(default=0)
    data = models.JSONField(help_text="The engine's full result for this person.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "person"], name="one_result_per_person")
        ]
        indexes = [
            models.Index(fields=["snapshot", "status", "rank"]),
            models.Index(fields=["person", "snapshot"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in snapshot {self.snapshot_id}: {self.status}"


class LiveScore(models.Model):
    """A person's draft score, refreshed right after each event that changes it.

    It is scored against the group baselines of the latest snapshot, so it equals what
    a full computation with those baselines gives. The person and their moderators see
    it; the public sees published snapshots.
    """

    person = models.OneToOneField(
        "directory.Person", on_delete=models.CASCADE, related_name="live_score"
    )
    status = models.CharField(max_length=16)
    score = models.FloatField(null=True)
    low = models.FloatField(null=True)
    high = models.FloatField(null=True)
    data = models.JSONField()
    refreshed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.person_id}: {self.status} (live)"


class Dispute(models.Model):
    """The rated person's right of reply against one evaluation or one appeal outcome.

    An outcome dispute names the appeal, the citizen's verdict it disputes (`outcome`)
    and which closing of the appeal that verdict came from (`outcome_round`: the appeal's
    `reopened_count` then), so that a reopened and newly closed appeal's new outcome is
    never covered by a dispute of the old one.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        UPHELD = "upheld", _("upheld")
        REJECTED = "rejected", _("rejected")

    person = models.ForeignKey(
        "directory.Person", on_delete=models.PROTECT, related_name="disputes"
    )
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.PROTECT, null=True, blank=True, related_name="disputes"
    )
    appeal = models.ForeignKey(
        "appeals.Appeal", on_delete=models.PROTECT, null=True, blank=True, related_name="disputes"
    )
    outcome = models.CharField(_("disputed outcome"), max_length=8, blank=True)
    outcome_round = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(_("decision"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(evaluation__isnull=False, appeal__isnull=True)
                | models.Q(
                    evaluation__isnull=True, appeal__isnull=False, outcome_round__isnull=False
                ),
                name="disputes_an_evaluation_or_an_outcome",
            ),
            models.UniqueConstraint(
                fields=["appeal"],
                condition=models.Q(status="open", appeal__isnull=False),
                name="one_open_dispute_per_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} dispute #{self.pk}"

    @property
    def outcome_label(self) -> str:
        """The disputed verdict in words ("not resolved"), for an outcome dispute."""
        from halyq.appeals.workflow import Resolution

        return str(Resolution(self.outcome).label) if self.outcome else ""
