"""The appeals section of "download my data" and "delete my account".

Export: the citizen's own appeals in full (texts, answers, history, attachment names).
Erase: blank the texts, the answer, the reasons, the contact fields and the history's
free text; delete the attachment files (after the deletion commits, so an aborted
deletion deletes nothing). The pseudonymised record stays: dates, category, office,
state and resolution, and whether the appeal counted, so the rating's evidence
survives the citizen's departure.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from halyq.appeals.attachments import private_storage
from halyq.appeals.models import Appeal, AppealEvent, Attachment, Channel, Notification

ERASED = ""


def export(user) -> list[dict]:
    appeals = (
        Appeal.objects.filter(author=user)
        .select_related("office", "category", "region")
        .prefetch_related("events", "attachments")
        .order_by("received_at")
    )
    return [
        {
            "number": appeal.number,
            "region": appeal.region.code,
            "office": appeal.office.slug,
            "category": appeal.category.code,
            "channel": appeal.channel,
            "state": appeal.state,
            "text": appeal.text,
            "received_at": appeal.received_at.isoformat(),
            "registered_on": appeal.registered_on.isoformat(),
            "due_on": appeal.due_on.isoformat(),
            "answer": appeal.answer_text,
            "answered_on": appeal.answered_on.isoformat() if appeal.answered_on else None,
            "resolution": appeal.resolution,
            "attachments": [a.original_name for a in appeal.attachments.all()],
            "history": [
                {
                    "when": event.occurred_at.isoformat(),
                    "what": event.action,
                    "from": event.from_state,
                    "to": event.to_state,
                    "why": event.reason,
                }
                for event in appeal.events.all()
            ],
        }
        for appeal in appeals
    ]


def erase(user) -> None:
    appeals = Appeal.objects.filter(author=user)
    now = timezone.now()
    # The web appeals of a confirmed account keep counting after the account is gone.
    if user.email_confirmed_at is not None:
        appeals.filter(channel=Channel.WEB, citizen_confirmed_at__isnull=True).update(
            citizen_confirmed_at=user.email_confirmed_at
        )
    erase_appeals(appeals, now=now)


def erase_appeals(appeals, *, now=None) -> int:
    """Blank the personal data of these appeals; returns how many."""
    now = now or timezone.now()
    ids = list(appeals.values_list("id", flat=True))
    if not ids:
        return 0
    files = list(Attachment.objects.filter(appeal_id__in=ids).values_list("file", flat=True))
    Attachment.objects.filter(appeal_id__in=ids).delete()
    AppealEvent.objects.filter(appeal_id__in=ids).update(reason=ERASED, details={})
    Notification.objects.filter(appeal_id__in=ids, status=Notification.Status.PENDING).update(
        status=Notification.Status.SKIPPED, context={}
    )
    Appeal.objects.filter(id__in=ids).update(
        text=ERASED,
        answer_text=ERASED,
        extension_reason=ERASED,
        rejection_reason=ERASED,
        citizen_name=ERASED,
        citizen_email=ERASED,
        citizen_phone=ERASED,
        visitor_code_hash=ERASED,
        personal_data_erased_at=now,
    )

    def delete_files() -> None:
        storage = private_storage()
        for name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)
    return len(ids)


def register_provider() -> None:
    try:
        from halyq.accounts.personal_data import register
    except ImportError:  # the registry is not installed: nothing to register with
        return
    register("appeals", export=export, erase=erase)
