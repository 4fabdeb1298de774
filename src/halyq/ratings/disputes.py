"""The right of reply: the rated person disputes one evaluation or one appeal's outcome; the
region's moderator decides.

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

Outcomes (the citizen's verdict on a closed appeal), the same way:
- The person the appeal counts for (who answered it, else who it is assigned to) may
  dispute a "not resolved" or "partly resolved" verdict -- the only ones that count
  against them -- for instance because the problem was outside their competence, within
  the reply period counted from the moment the appeal was closed. Appeals transferred
  out of competence are not in the resolution component: there is nothing to dispute.
- One open dispute per appeal (a database constraint too); an outcome already left out
  cannot be disputed again. The dispute names the verdict and the closing it came from
  (`outcome_round`): if the citizen reopens the appeal, the new outcome is not covered.
- While open, the outcome is left out of snapshots (ratings.inputs).
- Upheld: the outcome no longer counts against the person -- the appeal is left out of
  the resolution component (it is no case there at all); its timeliness and any mark
  of it are unaffected (a mark has its own dispute). Recorded in the ledger as
  "appeal.outcome_set_aside" (pseudonyms only, see docs/events.md), unless the citizen
  reopened the appeal meanwhile (then that outcome no longer counts anyway). Rejected:
  the outcome counts again.
"""

from __future__ import annotations

from datetime import datetime, time

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


# --------------------------------------------------------------------------- outcomes
def outcome_person_id(appeal) -> int | None:
    """The person an appeal's outcome counts for (as the rating reads it)."""
    return appeal.answered_by_id or appeal.assigned_person_id


def outcome_closed_at(appeal) -> datetime:
    """When the appeal's current outcome was given: its last closing (the start of its
    closing day if the history has no such event)."""
    from halyq.appeals.workflow import State

    moment = (
        appeal.events.filter(to_state=State.CLOSED)
        .order_by("-occurred_at", "-id")
        .values_list("occurred_at", flat=True)
        .first()
    )
    return closing_moment(appeal, moment)


def closing_moment(appeal, last_closing_event: datetime | None) -> datetime:
    """The last closing event's time, else the start of the appeal's closing day."""
    if last_closing_event is not None:
        return last_closing_event
    return timezone.make_aware(datetime.combine(appeal.closed_on, time.min))


def outcome_dispute_window_open(appeal, now=None, closed_at: datetime | None = None) -> bool:
    """Whether the person may still dispute the appeal's current outcome."""
    closed_at = closed_at or outcome_closed_at(appeal)
    return (now or timezone.now()) - closed_at <= reply_period()


def disputable_outcomes() -> tuple[str, ...]:
    from halyq.appeals.workflow import Resolution

    return (Resolution.NO, Resolution.PARTLY)


def outcome_dispute_open(*, user, appeal, reason: str) -> Dispute:
    """The person an appeal counts for disputes its outcome, with a reason."""
    from halyq.appeals.models import Appeal
    from halyq.appeals.workflow import State

    reason = _clean_reason(reason)
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        person_id = outcome_person_id(appeal)
        if not user.is_authenticated or user.person_id is None or user.person_id != person_id:
            raise DisputeRefused(
                _("Only the person the appeal counts for may dispute its outcome.")
            )
        if appeal.state != State.CLOSED or appeal.resolution not in disputable_outcomes():
            raise DisputeRefused(
                _(
                    "Only an outcome the citizen confirmed as not resolved or partly resolved "
                    "can be disputed."
                )
            )
        if appeal.transferred_out_of_competence:
            raise DisputeRefused(
                _("This appeal was transferred out of your competence: its outcome does not count.")
            )
        if not outcome_dispute_window_open(appeal):
            raise DisputeRefused(
                _("An outcome can be disputed within %(days)s days of the appeal being closed.")
                % {"days": reply_period().days}
            )
        disputes = Dispute.objects.filter(appeal=appeal)
        if disputes.filter(status=Dispute.Status.OPEN).exists():
            raise DisputeRefused(_("This outcome is already disputed; the moderator will decide."))
        if disputes.filter(
            status=Dispute.Status.UPHELD, outcome_round=appeal.reopened_count
        ).exists():
            raise DisputeRefused(_("This outcome is already left out of the rating."))
        return Dispute.objects.create(
            person_id=person_id,
            appeal=appeal,
            outcome=appeal.resolution,
            outcome_round=appeal.reopened_count,
            reason=reason,
        )


def _set_aside(dispute: Dispute) -> None:
    """Record that the disputed outcome no longer counts (inside the caller's transaction,
    as its last write); nothing when the citizen has reopened the appeal since."""
    from halyq.appeals import ledger
    from halyq.appeals.models import Appeal
    from halyq.appeals.workflow import State

    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("region", "answered_by", "assigned_person")
        .get(pk=dispute.appeal_id)
    )
    if appeal.state != State.CLOSED or appeal.reopened_count != dispute.outcome_round:
        return
    ledger.record(
        "outcome_set_aside",
        appeal,
        timezone.now(),
        person=ledger.person_key(appeal.answered_by or appeal.assigned_person),
        resolution=dispute.outcome,
        closed_on=ledger.day(appeal.closed_on),
    )


# --------------------------------------------------------------------------- decisions
def dispute_decide(*, moderator, dispute: Dispute, uphold: bool, reason: str) -> Dispute:
    """The moderator upholds or rejects a dispute, logged. Upheld: the evaluation is
    excluded, or the outcome is left out of the resolution component."""
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
        if uphold and dispute.appeal_id is not None:
            _set_aside(dispute)
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
