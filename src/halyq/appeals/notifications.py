"""Emails about appeals, through an outbox so that no failure can lose an appeal.

Rules:
* `notify` writes a `Notification` row in the caller's transaction. If the transaction
  rolls back, there is nothing to send; if the mail server fails, the row stays pending.
* Who sends it is `HALYQ_APPEAL_MAIL_SENDING`:
  - "after_commit" (development, small sites): the process that wrote it, right after
    commit (`transaction.on_commit`), leasing the row for `FIRST_SEND_LEASE`;
  - "sender" (production): `halyq appeals send`, a long-running process that sends
    what is due every second, a batch at a time over one SMTP session. A request then
    never waits for the mail server, and a registration costs a quarter less.
* `deliver_due` (the sender's step; also run by `halyq appeals tick` every few minutes)
  claims due rows (FOR UPDATE SKIP LOCKED: concurrent senders never share one), sends
  them, and retries failures with exponential backoff (1, 2, 4 ... minutes, at most 6
  hours), giving up after `HALYQ_APPEAL_MAIL_MAX_ATTEMPTS` (12); a row given up on stays
  visible in the admin.
* The address is looked up when sending, never stored in the outbox: the citizen's
  account email or the contact the visitor gave, the person's account email or their
  public email. The message is written in the recipient's language (kk/ru/en).
* A visitor who gave a phone number and no email gets the kinds in `SMS_KINDS` (the
  confirmation code, the answer, an extension, a transfer, the closing, a rejection) as
  a text message (`halyq.sms`), when a gateway is configured; retried like an email.
* Log lines name notification and appeal ids only: never an address or a text.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from halyq import sms
from halyq.appeals.models import Appeal, Notification

logger = logging.getLogger("halyq.appeals.notifications")

VISITOR_LINK_SALT = "halyq.appeals.visitor-link"
MAX_BACKOFF = timedelta(hours=6)
FIRST_SEND_LEASE = timedelta(minutes=2)
SEND_LEASE = timedelta(minutes=10)  # a sender that dies mid-batch leaves its rows this long
# What a visitor without email is sent by SMS: what they must act on (the code, the
# answer to rate) and what they must be told (an extension, a transfer, the closing, a
# rejection); the registration itself is in the code's message.
SMS_KINDS = frozenset(
    {
        Notification.Kind.VISITOR_CONFIRMATION,
        Notification.Kind.ANSWERED,
        Notification.Kind.EXTENDED,
        Notification.Kind.TRANSFERRED,
        Notification.Kind.CLOSED,
        Notification.Kind.REJECTED,
    }
)


def max_attempts() -> int:
    return int(getattr(settings, "HALYQ_APPEAL_MAIL_MAX_ATTEMPTS", 12))


def site_url() -> str:
    return str(getattr(settings, "HALYQ_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


class _VisitorLinkSigner(signing.TimestampSigner):
    """Django's timestamped signer with the signature cut to 72 bits (12 characters).

    A visitor link goes by SMS, where every 67 Cyrillic characters are another paid
    segment: the token is "<appeal id>:<time>:<signature>", about 23 characters against
    70 for `signing.dumps`. 72 bits cannot be guessed online; key rotation
    (SECRET_KEY_FALLBACKS) still works, as `unsign` calls this for every key.
    """

    def signature(self, value, key=None):
        return super().signature(value, key)[:12]


def visitor_token(appeal_id: int) -> str:
    # A signer per call, as `signing.dumps` does: it reads the keys in force now.
    return _VisitorLinkSigner(salt=VISITOR_LINK_SALT).sign(signing.b62_encode(appeal_id))


def visitor_appeal_id(token: str) -> int | None:
    """The appeal a visitor link opens, or None when forged or expired."""
    max_age = timedelta(days=int(getattr(settings, "HALYQ_APPEAL_VISITOR_LINK_DAYS", 120)))
    try:
        signer = _VisitorLinkSigner(salt=VISITOR_LINK_SALT)
        return signing.b62_decode(signer.unsign(token, max_age=max_age))
    except signing.BadSignature:
        pass
    # Links sent before tokens were shortened (2026-12): a signed {"appeal": id}.
    try:
        value = signing.loads(token, salt=VISITOR_LINK_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    appeal_id = value.get("appeal") if isinstance(value, dict) else None
    return appeal_id if isinstance(appeal_id, int) else None


def visitor_short_link(appeal_id: int) -> str:
    """The visitor's own page as the shortest link, for text messages (`/v/<token>`
    redirects to the page in the appeal's language)."""
    return site_url() + reverse("visitor_link", kwargs={"token": visitor_token(appeal_id)})


def notify(
    *,
    appeal: Appeal,
    kind: str,
    recipient: str = Notification.Recipient.CITIZEN,
    person=None,
    context: dict | None = None,
    dedup_key: str | None = None,
    send_by=None,
) -> Notification:
    """Queue an email in the current transaction; it is sent once that commits.

    Sent after commit by this process, which leases the row for `FIRST_SEND_LEASE` (the
    scheduled command picks it up only after that: the process died before sending), or
    by the sender, for which it is due at once (see the module's rules).
    """
    after_commit = sending() == "after_commit"
    notification = Notification.objects.create(
        kind=kind,
        appeal=appeal,
        recipient=recipient,
        person=person,
        context=context or {},
        dedup_key=dedup_key,
        send_by=send_by,
        next_attempt_at=timezone.now() + (FIRST_SEND_LEASE if after_commit else timedelta()),
    )
    if after_commit:
        transaction.on_commit(lambda: deliver(notification))
    return notification


def sending() -> str:
    return getattr(settings, "HALYQ_APPEAL_MAIL_SENDING", "after_commit")


OUTCOMES = ("sent", "retry", "failed", "skipped")


def no_outcomes() -> dict[str, int]:
    return dict.fromkeys(OUTCOMES, 0)


def deliver_due(*, limit: int = 200) -> dict[str, int]:
    """Send a batch of what is due (first sends and retries) over one mail session.

    Returns how many were sent, will be retried, failed for good or skipped.
    """
    counts = no_outcomes()
    batch = list(
        Notification.objects.filter(pk__in=_claimed(limit))
        .select_related("appeal", "appeal__author", "person", "person__user")
        .order_by("pk")
    )
    emails, texts = [], []
    for notification in batch:
        try:
            message = _message(notification)
        except Exception as error:  # a template that cannot render: this row only
            counts[_failed(notification, error)] += 1
            continue
        if message is None:
            counts["skipped"] += 1
        else:
            (emails if isinstance(message, EmailMessage) else texts).append((notification, message))
    sent = _send_texts(texts, counts) + _send_emails(emails, counts)
    _mark_sent(sent)
    counts["sent"] = len(sent)
    return counts


def _send_emails(emails: list, counts: dict[str, int]) -> list[Notification]:
    """Send over one mail session; a server that is down leaves them all for later."""
    if not emails:
        return []
    session = get_connection()
    try:
        session.open()
    except Exception as error:
        for notification, _ in emails:
            counts[_failed(notification, error)] += 1
        return []
    sent = []
    try:
        for notification, message in emails:
            message.connection = session
            try:
                message.send(fail_silently=False)
            except Exception as error:  # this message only; the others still go
                counts[_failed(notification, error)] += 1
            else:
                sent.append(notification)
    finally:
        session.close()
    return sent


def _send_texts(texts: list, counts: dict[str, int]) -> list[Notification]:
    sent = []
    for notification, message in texts:
        try:
            message.send()
        except Exception as error:
            counts[_failed(notification, error)] += 1
        else:
            sent.append(notification)
    return sent


def warn_of_late_notices() -> int:
    """Log (loudly) how many notices with a legal deadline are past it; return the count."""
    late = Notification.objects.filter(
        status__in=[Notification.Status.PENDING, Notification.Status.FAILED],
        send_by__lt=timezone.now(),
    ).count()
    if late:
        # A notice of an extension or a transfer has a legal deadline: say so loudly.
        logger.warning("%s notices to citizens are past their legal deadline", late)
    return late


def _claimed(limit: int) -> list[int]:
    """Lease up to `limit` due rows to this sender; rows another sender holds are skipped."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.filter(
                status=Notification.Status.PENDING, next_attempt_at__lte=now
            )
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=ids).update(next_attempt_at=now + SEND_LEASE)
    return ids


def _address_and_language(notification: Notification) -> tuple[str, str]:
    appeal = notification.appeal
    if notification.recipient == Notification.Recipient.PERSON:
        person = notification.person
        if person is None:
            return "", "ru"
        user = getattr(person, "user", None)
        if user is not None and user.is_active and user.email:
            return user.email, user.language or "ru"
        return person.public_email, "ru"
    if appeal.personal_data_erased_at is not None:
        return "", appeal.language
    author = appeal.author
    if author is not None and author.is_active:
        return author.email, author.language or appeal.language
    return appeal.citizen_email, appeal.language


def visitor_reach(appeal: Appeal) -> str:
    """How notices (the confirmation code first) reach a visitor: "email", "sms", or ""
    (nothing can)."""
    if appeal.citizen_email:
        return "email"
    if appeal.citizen_phone and sms.available():
        return "sms"
    return ""


def _sms_phone(notification: Notification) -> str:
    """The visitor's phone, when this notice goes to them by SMS."""
    appeal = notification.appeal
    texted = (
        notification.kind in SMS_KINDS
        and notification.recipient == Notification.Recipient.CITIZEN
        and appeal.author_id is None
        and appeal.personal_data_erased_at is None
        and visitor_reach(appeal) == "sms"
    )
    return appeal.citizen_phone if texted else ""


def render_sms(notification: Notification, language: str) -> str:
    """A text message: the email's few sentences that matter, with the visitor's own
    link (the code's message gives the number, the code and where to enter them)."""
    appeal = notification.appeal
    with translation.override(language):
        context = {
            "appeal": appeal,
            "number": appeal.number,
            "code": notification.context.get("code", ""),
            "confirm_url": site_url() + reverse("appeals:confirm"),
            "link": visitor_short_link(appeal.id),
        }
        text = render_to_string(f"appeals/sms/{notification.kind}.txt", context)
    return " ".join(text.split())


def render(notification: Notification, language: str) -> tuple[str, str]:
    appeal = notification.appeal
    context = {
        "appeal": appeal,
        "site_url": site_url(),
        "code": notification.context.get("code", ""),
        "for_visitor": appeal.author_id is None,
        **{k: v for k, v in notification.context.items() if k != "code"},
    }
    with translation.override(language):
        if notification.recipient == Notification.Recipient.PERSON:
            context["link"] = site_url() + reverse(
                "appeals:staff_detail", kwargs={"number": appeal.number}
            )
        elif appeal.author_id is None:
            context["link"] = site_url() + reverse(
                "appeals:visitor", kwargs={"token": visitor_token(appeal.id)}
            )
        else:
            context["link"] = site_url() + reverse(
                "appeals:detail", kwargs={"number": appeal.number}
            )
        text = render_to_string(f"appeals/email/{notification.kind}.txt", context)
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def deliver(notification: Notification) -> str:
    """Send one notification right after its commit; returns sent, retry, failed or skipped.

    The row is leased to this process until `FIRST_SEND_LEASE` has passed, so the
    scheduled command does not send it too.
    """
    try:
        message = _message(notification)
        if message is None:
            return "skipped"
        message.send(fail_silently=False)
    except Exception as error:  # any transport failure: keep the row and retry later
        return _failed(notification, error)
    _mark_sent([notification])
    return "sent"


def _message(notification: Notification) -> EmailMessage | sms.SmsMessage | None:
    """The email (or text message) in the recipient's language; None (and the row
    skipped) when there is nowhere to send it."""
    address, language = _address_and_language(notification)
    phone = "" if address else _sms_phone(notification)
    if phone:
        return sms.SmsMessage(phone, render_sms(notification, language))
    if not address:
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.SKIPPED, context={}
        )
        logger.info(
            "notification %s for appeal %s skipped: no address",
            notification.pk,
            notification.appeal_id,
        )
        return None
    subject, body = render(notification, language)
    return EmailMessage(subject, body, to=[address])


def _failed(notification: Notification, error: Exception) -> str:
    """Book a failed attempt: retry later with backoff, or give up after the limit."""
    attempts = notification.attempts + 1
    gave_up = attempts >= max_attempts()
    delay = min(timedelta(minutes=2 ** (attempts - 1)), MAX_BACKOFF)
    Notification.objects.filter(pk=notification.pk).update(
        attempts=attempts,
        status=Notification.Status.FAILED if gave_up else Notification.Status.PENDING,
        next_attempt_at=timezone.now() + delay,
        last_error=type(error).__name__[:200],
    )
    logger.warning(
        "notification %s for appeal %s failed (attempt %s, %s): %s",
        notification.pk,
        notification.appeal_id,
        attempts,
        "giving up" if gave_up else "will retry",
        type(error).__name__,
    )
    return "failed" if gave_up else "retry"


def _mark_sent(sent: list[Notification]) -> None:
    """One UPDATE for the batch. The one-time code is not kept once it has left."""
    if not sent:
        return
    Notification.objects.filter(pk__in=[n.pk for n in sent]).update(
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        context={},
    )
    for notification in sent:
        logger.info("notification %s for appeal %s sent", notification.pk, notification.appeal_id)
