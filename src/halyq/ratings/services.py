"""Writes of the rating: evaluations, publication modes, snapshots and live scores.

Every write here is atomic and validated; the ones that move a score append their
event to the tamper-evident record in the same transaction.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from halyq.integrity.pseudonyms import pseudonym
from halyq.integrity.services import event_record
from halyq.ratings.models import Evaluation, PublicationMode
from halyq.ratings.visibility import public_scope_changed


class EvaluationRefused(ValidationError):
    pass


def _edit_window() -> timedelta:
    return timedelta(days=getattr(settings, "HALYQ_EVALUATION_EDIT_DAYS", 7))


def _evaluation_payload(evaluation: Evaluation) -> dict:
    from halyq.appeals.ledger import appeal_pseudonym

    payload = {
        "evaluation": pseudonym("evaluation", evaluation.id),
        "person": str(evaluation.person.public_id),
        "region": evaluation.person.region.code,
        "score": evaluation.score,
    }
    if evaluation.appeal_id:
        payload["appeal"] = appeal_pseudonym(evaluation.appeal_id)
    else:
        payload["booking"] = pseudonym("booking", evaluation.booking_id)
    return payload


def _validate_mark(score: int, comment: str) -> None:
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise EvaluationRefused(_("Choose a mark from 1 to 5."))
    if len(comment) > 2000:
        raise EvaluationRefused(_("The comment is longer than 2000 characters."))


def evaluation_submit(
    *, user, score: int, comment: str = "", appeal=None, booking=None, network_key: str = ""
) -> Evaluation:
    """The citizen's mark for an answered appeal or an attended reception: once each."""
    from halyq.appeals.models import Appeal
    from halyq.appeals.workflow import State

    _validate_mark(score, comment)
    comment = comment.strip()
    if (appeal is None) == (booking is None):
        raise EvaluationRefused(_("Evaluate one appeal or one reception visit."))
    with transaction.atomic():
        if appeal is not None:
            appeal = Appeal.objects.select_for_update().select_related("region").get(pk=appeal.pk)
            if not user.is_authenticated or appeal.author_id != user.id:
                raise EvaluationRefused(
                    _("Only the citizen who brought the appeal may evaluate it.")
                )
            if appeal.state not in (State.ANSWERED, State.CLOSED) or appeal.answered_on is None:
                raise EvaluationRefused(_("An appeal can be evaluated once it has been answered."))
            person = appeal.answered_by or appeal.assigned_person
            if person is None:
                raise EvaluationRefused(_("This appeal was not answered by a deputy or activist."))
            if Evaluation.objects.filter(appeal=appeal).exists():
                raise EvaluationRefused(
                    _("You have already evaluated this appeal; you can edit your evaluation.")
                )
            evaluation = Evaluation(
                appeal=appeal, person=person, author=user, score=score, comment=comment
            )
        else:
            from halyq.receptions.models import Booking

            booking = (
                Booking.objects.select_for_update()
                .select_related("reception__person")
                .get(pk=booking.pk)
            )
            if not user.is_authenticated or booking.citizen_id != user.id:
                raise EvaluationRefused(_("Only the visitor may evaluate a reception visit."))
            if booking.status != Booking.Status.ATTENDED:
                raise EvaluationRefused(
                    _("A reception visit can be evaluated once you have attended it.")
                )
            if Evaluation.objects.filter(booking=booking).exists():
                raise EvaluationRefused(
                    _("You have already evaluated this visit; you can edit your evaluation.")
                )
            evaluation = Evaluation(
                booking=booking,
                person=booking.reception.person,
                author=user,
                score=score,
                comment=comment,
            )
        if not user.email_confirmed:
            raise EvaluationRefused(_("Confirm your email address before evaluating."))
        evaluation.comment_status = (
            Evaluation.CommentStatus.PENDING if comment else Evaluation.CommentStatus.NONE
        )
        evaluation.network_key = network_key
        evaluation.save()
        from halyq.ratings.defences import screen_evaluation

        evaluation.status = screen_evaluation(evaluation)
        evaluation.save(update_fields=["status"])
        kind = (
            "evaluation.accepted"
            if evaluation.status == Evaluation.Status.ACCEPTED
            else "evaluation.held"
        )
        event_record(kind=kind, payload=_evaluation_payload(evaluation))
    return evaluation


def evaluation_update(*, user, evaluation: Evaluation, score: int, comment: str = "") -> Evaluation:
    """Change one's own mark within the edit window; a changed comment is moderated again."""
    _validate_mark(score, comment)
    comment = comment.strip()
    with transaction.atomic():
        evaluation = (
            Evaluation.objects.select_for_update()
            .select_related("person__region")
            .get(pk=evaluation.pk)
        )
        if evaluation.author_id != user.id:
            raise EvaluationRefused(_("Only the author may change an evaluation."))
        if timezone.now() - evaluation.created_at > _edit_window():
            raise EvaluationRefused(
                _("An evaluation can be changed for %(days)s days only.")
                % {"days": _edit_window().days}
            )
        score_changed = evaluation.score != score
        if comment != evaluation.comment:
            evaluation.comment_status = (
                Evaluation.CommentStatus.PENDING if comment else Evaluation.CommentStatus.NONE
            )
        evaluation.score, evaluation.comment = score, comment
        evaluation.save(update_fields=["score", "comment", "comment_status", "updated_at"])
        if score_changed and evaluation.status == Evaluation.Status.ACCEPTED:
            event_record(kind="evaluation.changed", payload=_evaluation_payload(evaluation))
    return evaluation


def evaluation_moderate_comment(*, moderator, evaluation: Evaluation, publish: bool) -> Evaluation:
    from halyq.ratings.rules import can_moderate_person

    with transaction.atomic():
        evaluation = (
            Evaluation.objects.select_for_update().select_related("person").get(pk=evaluation.pk)
        )
        if not can_moderate_person(moderator, evaluation.person):
            raise EvaluationRefused(_("You do not moderate this region."))
        if evaluation.comment_status != Evaluation.CommentStatus.PENDING:
            raise EvaluationRefused(_("This comment is not awaiting moderation."))
        evaluation.comment_status = (
            Evaluation.CommentStatus.PUBLISHED if publish else Evaluation.CommentStatus.REJECTED
        )
        evaluation.save(update_fields=["comment_status"])
    return evaluation


def evaluation_decide(
    *, moderator, evaluation: Evaluation, restore: bool, reason: str
) -> Evaluation:
    """The moderator's decision on a held evaluation: restore it or exclude it, logged."""
    from halyq.ratings.models import EvaluationDecision
    from halyq.ratings.rules import can_moderate_person

    if not reason.strip():
        raise EvaluationRefused(_("Give the reason for the decision."))
    with transaction.atomic():
        evaluation = (
            Evaluation.objects.select_for_update()
            .select_related("person__region")
            .get(pk=evaluation.pk)
        )
        if not can_moderate_person(moderator, evaluation.person):
            raise EvaluationRefused(_("You do not moderate this region."))
        if evaluation.status != Evaluation.Status.HELD:
            raise EvaluationRefused(_("Only a held evaluation awaits a decision."))
        evaluation.status = Evaluation.Status.ACCEPTED if restore else Evaluation.Status.EXCLUDED
        evaluation.save(update_fields=["status"])
        EvaluationDecision.objects.create(
            evaluation=evaluation, moderator=moderator, restored=restore, reason=reason.strip()
        )
        kind = "evaluation.restored" if restore else "evaluation.excluded"
        event_record(kind=kind, payload=_evaluation_payload(evaluation))
    return evaluation


def publication_mode_set(
    *, region, mode: str, public_from: date | None = None, council_level=None
) -> PublicationMode:
    if mode not in PublicationMode.Mode.values:
        raise ValidationError(_("Unknown publication mode."))
    if mode == PublicationMode.Mode.PUBLIC and public_from is None:
        raise ValidationError(_("A public mode needs its go-live date."))
    with transaction.atomic():
        row, _created = PublicationMode.objects.update_or_create(
            region=region,
            council_level=council_level,
            defaults={"mode": mode, "public_from": public_from},
        )
        event_record(
            kind="publication.mode",
            payload={
                "region": region.code,
                "council_level": council_level.code if council_level else None,
                "mode": mode,
                "public_from": public_from.isoformat() if public_from else None,
            },
        )
    transaction.on_commit(public_scope_changed)
    return row
