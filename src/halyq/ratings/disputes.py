"""The right of reply: the rated person disputes one evaluation; the region's moderator decides.

Rules:
- Only the rated person may dispute an evaluation of themself, and only within the
  reply period (HALYQ_RATING_REPLY_DAYS, counted from the evaluation's creation):
  that is the time the draft is theirs to check before it can reach a public snapshot.
- One open dispute per evaluation; the reason is required (at most 2000 characters).
- While a dispute is open, the evaluation stays out of public snapshots (see
  ratings.inputs.counted_evaluations), however long the moderator takes.
- The moderator of the person's region (or an administrator) decides, with a reason.
  Upheld: the evaluation is excluded, with the same effect and the same recorded event
  ("evaluation.excluded") as a moderator's exclusion of a held evaluation. Rejected:
  the evaluation counts again. Either way the decision (who, when, why) stays on the
  dispute, and the published profile shows how many were upheld and rejected.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from halyq.integrity.services import event_record
from halyq.ratings.models import Dispute, Evaluation
from halyq.ratings.rules import can_moderate_person
from halyq.ratings.services import _evaluation_payload, evaluation_decide
from halyq.ratings.snapshots import reply_period

REASON_LIMIT = 2000


class DisputeRefused(ValidationError):
    pass


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DisputeRefused(_("Give the reason."))
    if len(reason) > REASON_LIMIT:
        raise DisputeRefused(_("The reason is longer than 2000 characters."))
    return reason


def dispute_window_open(evaluation: Evaluation, now=None) -> bool:
    """Whether the rated person may still dispute this evaluation."""
    return (now or timezone.now()) - evaluation.created_at <= reply_period()


def dispute_open(*, user, evaluation: Evaluation, reason: str) -> Dispute:
    """The rated person disputes one evaluation of themself, with a reason."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if (
            not user.is_authenticated
            or user.person_id is None
            or user.person_id != evaluation.person_id
        ):
            raise DisputeRefused(_("Only the person evaluated may dispute an evaluation."))
        if not dispute_window_open(evaluation):
            raise DisputeRefused(
                _("An evaluation can be disputed within %(days)s days of being made.")
                % {"days": reply_period().days}
            )
        if evaluation.status == Evaluation.Status.EXCLUDED:
            raise DisputeRefused(_("This evaluation is already excluded from the rating."))
        if evaluation.disputes.filter(status=Dispute.Status.OPEN).exists():
            raise DisputeRefused(
                _("This evaluation is already disputed; the moderator will decide.")
            )
        return Dispute.objects.create(
            person_id=evaluation.person_id, evaluation=evaluation, reason=reason
        )


def dispute_decide(*, moderator, dispute: Dispute, uphold: bool, reason: str) -> Dispute:
    """The moderator upholds (the evaluation is excluded) or rejects a dispute, logged."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().select_related("person").get(pk=dispute.pk)
        if not can_moderate_person(moderator, dispute.person):
            raise DisputeRefused(_("You do not moderate this region."))
        if dispute.status != Dispute.Status.OPEN:
            raise DisputeRefused(_("This dispute has already been decided."))
        if uphold and dispute.evaluation_id is not None:
            _exclude(moderator, dispute.evaluation_id, reason)
        dispute.status = Dispute.Status.UPHELD if uphold else Dispute.Status.REJECTED
        dispute.decided_by = moderator
        dispute.decided_at = timezone.now()
        dispute.decision_reason = reason
        dispute.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    return dispute


def _exclude(moderator, evaluation_id: int, reason: str) -> None:
    """Exclude the disputed evaluation (inside the caller's transaction)."""
    evaluation = (
        Evaluation.objects.select_for_update()
        .select_related("person__region")
        .get(pk=evaluation_id)
    )
    if evaluation.status == Evaluation.Status.HELD:
        # A held evaluation has its own logged decision: take the same path.
        evaluation_decide(moderator=moderator, evaluation=evaluation, restore=False, reason=reason)
    elif evaluation.status == Evaluation.Status.ACCEPTED:
        evaluation.status = Evaluation.Status.EXCLUDED
        evaluation.save(update_fields=["status", "updated_at"])
        event_record(kind="evaluation.excluded", payload=_evaluation_payload(evaluation))
    # Already excluded: nothing moves, and nothing more is recorded.
