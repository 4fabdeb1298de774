"""Every change to an appeal. Views, commands, the seed and the admin call these only.

Rules:
* `appeal_register` writes the appeal, its attachments' rows, its first history event,
  its notifications and its ledger event in ONE transaction: an appeal acknowledged to
  the citizen (a number shown) is stored with its history, or nothing is.
* A repeated submission (same idempotency key by the same author, or by the same
  operator for the office channels) returns the appeal already stored; a concurrent
  retry loses the race on the unique constraint and returns the winner's appeal.
* Registration numbers come from one counter row per region and year, incremented by a
  single `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` statement, so two
  registrations can never get the same number (the row stays locked until commit).
* `appeal_transition` asks `workflow` whether the acting user's relation may make the
  transition now, validates what it requires, and writes with an optimistic lock
  (`UPDATE ... WHERE id = ... AND version = seen`): if somebody else changed the appeal
  meanwhile, nothing is written and `AppealChanged` is raised.
* The ledger event is each transaction's last write (it locks the chain head).
* Reasons, answers and contacts never go to the ledger or to a log line.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from halyq.accounts.phone import normalize_kazakhstan_phone
from halyq.appeals import deadlines, ledger, workflow
from halyq.appeals.attachments import CheckedFile, max_files, private_storage, storage_name
from halyq.appeals.models import (
    OPERATOR_CHANNELS,
    Appeal,
    AppealEvent,
    Attachment,
    Category,
    Channel,
    Notification,
    ReceptionOffice,
)
from halyq.appeals.notifications import notify
from halyq.appeals.rules import appeal_relations
from halyq.appeals.workflow import Relation, Requirement, Resolution, State, TransitionRefused
from halyq.directory.models import Person, Region

logger = logging.getLogger("halyq.appeals")

TEXT_MIN_LENGTH = 20
TEXT_MAX_LENGTH = 10_000
REASON_MAX_LENGTH = 2_000
ANSWER_MAX_LENGTH = 20_000
VISITOR_CODE_MAX_ATTEMPTS = 5


class AppealChanged(Exception):
    """Somebody changed the appeal after this user opened it; nothing was written."""

    message = _(
        "The appeal was changed by someone else while you were looking at it. "
        "Here is its current state: check it and try again."
    )

    def __str__(self) -> str:
        return str(self.message)


# ---------------------------------------------------------------------------- helpers


def _role_of(relations: frozenset[Relation], transition: workflow.Transition | None) -> str:
    """The relation an event is recorded under (the one that allowed the action)."""
    usable = transition.actors & relations if transition else relations
    for relation in (
        Relation.SYSTEM,
        Relation.AUTHOR,
        Relation.ASSIGNED_PERSON,
        Relation.OPERATOR,
        Relation.MODERATOR,
        Relation.ADMINISTRATOR,
    ):
        if relation in usable:
            return relation.value
    return ""


def _event(
    appeal: Appeal,
    *,
    action: str,
    actor,
    role: str,
    occurred_at: datetime,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    details: dict | None = None,
) -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal,
        occurred_at=occurred_at,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_role=role,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        details=details or {},
    )


def _allocate_number(region: Region, year: int) -> str:
    """The next registration number of the region and year (one atomic statement)."""
    table = connection.ops.quote_name("appeals_registrationcounter")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (region_id, year, last_number) VALUES (%s, %s, 1) "  # noqa: S608 — table name is ours
            "ON CONFLICT (region_id, year) DO UPDATE "
            f"SET last_number = {table}.last_number + 1 RETURNING last_number",
            [region.id, year],
        )
        (sequence,) = cursor.fetchone()
    return f"{region.abbreviation}-{year}-{sequence:06d}"


def _code_hash(appeal_id: int, code: str) -> str:
    key = hashlib.sha256(("appeals.visitor-code:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, f"{appeal_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _clean_text(value: str, *, field: str, minimum: int, maximum: int, message) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) < minimum:
        raise ValidationError({field: message})
    if len(text) > maximum:
        raise ValidationError(
            {
                field: _("Keep it under %(limit)s characters (now %(length)s).")
                % {"limit": maximum, "length": len(text)}
            }
        )
    return text


def eligible_people(office: ReceptionOffice):
    """People an appeal of this office may be addressed or assigned to."""
    return Person.objects.filter(
        Q(region_id=office.region_id) | Q(reception_offices=office)
    ).distinct()


def _person_fits(person: Person, office: ReceptionOffice) -> bool:
    return (
        person.region_id == office.region_id
        or office.receiving_people.filter(pk=person.pk).exists()
    )


# ------------------------------------------------------------------------- registration


def _existing(*, channel: str, author, registered_by, idempotency_key: uuid.UUID) -> Appeal | None:
    if channel == Channel.WEB:
        if author is None:
            return None
        found = Appeal.objects.filter(
            channel=Channel.WEB, author=author, idempotency_key=idempotency_key
        )
    else:
        if registered_by is None:
            return None
        found = Appeal.objects.filter(
            registered_by=registered_by, idempotency_key=idempotency_key
        ).exclude(channel=Channel.WEB)
    return found.first()


def appeal_register(
    *,
    office: ReceptionOffice,
    category: Category,
    text: str,
    idempotency_key: uuid.UUID,
    author=None,
    channel: str = Channel.WEB,
    registered_by=None,
    region: Region | None = None,
    addressed_person: Person | None = None,
    citizen_name: str = "",
    citizen_email: str = "",
    citizen_phone: str = "",
    language: str | None = None,
    attachments: Sequence[CheckedFile] = (),
    received_at: datetime | None = None,
) -> Appeal:
    """Register an appeal (web: by its author; office channels: by an operator).

    Returns the stored appeal; `appeal.just_created` is False when the idempotency key
    had already been used (the earlier appeal is returned, nothing new is written).
    Raises ValidationError (field → message) for bad input; nothing is written then.
    """
    if not isinstance(idempotency_key, uuid.UUID):
        raise ValidationError({"idempotency_key": _("The form has expired: open it again.")})
    # A repeated key is found by the unique constraints, not by a query beforehand: the
    # insert fails, everything rolls back (the number too) and the earlier appeal is
    # returned. One query less for the 95% of submissions that are new.
    citizen_phone = _validate_registration(
        office=office,
        category=category,
        author=author,
        channel=channel,
        registered_by=registered_by,
        region=region,
        addressed_person=addressed_person,
        citizen_name=citizen_name,
        citizen_email=citizen_email,
        citizen_phone=citizen_phone,
        attachments=attachments,
    )
    clean_text = _clean_text(
        text,
        field="text",
        minimum=TEXT_MIN_LENGTH,
        maximum=TEXT_MAX_LENGTH,
        message=_("Describe the problem in at least %(count)s characters.")
        % {"count": TEXT_MIN_LENGTH},
    )
    received_at = received_at or timezone.now()
    dates = deadlines.registration_dates(received_at)
    if language not in ("kk", "ru", "en"):
        language = (author.language if author is not None else "") or "ru"
    stored_files: list[str] = []
    try:
        with transaction.atomic():
            appeal = _write_registration(
                office=office,
                category=category,
                text=clean_text,
                idempotency_key=idempotency_key,
                author=author,
                channel=channel,
                registered_by=registered_by,
                addressed_person=addressed_person,
                citizen_name=citizen_name.strip(),
                citizen_email=citizen_email.strip().lower(),
                citizen_phone=citizen_phone,
                language=language,
                attachments=attachments,
                received_at=received_at,
                dates=dates,
                stored_files=stored_files,
            )
    except IntegrityError:
        _remove_files(stored_files)
        existing = _existing(
            channel=channel,
            author=author,
            registered_by=registered_by,
            idempotency_key=idempotency_key,
        )
        if existing is None:
            raise
        existing.just_created = False
        return existing
    except BaseException:
        _remove_files(stored_files)
        raise
    appeal.just_created = True
    logger.info("appeal %s registered (%s) at office %s", appeal.pk, channel, office.pk)
    return appeal


def _validate_registration(
    *,
    office,
    category,
    author,
    channel,
    registered_by,
    region,
    addressed_person,
    citizen_name,
    citizen_email,
    citizen_phone,
    attachments,
) -> str:
    """Refuse bad registration input (field → messages); return the phone, normalised."""
    errors: dict[str, list] = {}
    if channel not in Channel.values:
        errors.setdefault("channel", []).append(_("Choose how the appeal was received."))
    elif channel == Channel.WEB:
        if author is None or not author.is_authenticated or not author.is_active:
            errors.setdefault("author", []).append(_("Sign in to send an appeal."))
        if registered_by is not None:
            errors.setdefault("channel", []).append(
                _("An operator registers appeals by the office channels.")
            )
    else:
        if registered_by is None or not registered_by.has_perm(
            "appeals.register_for_visitor", office
        ):
            errors.setdefault("office", []).append(
                _("You may register appeals only for the offices you work at.")
            )
        if not citizen_name.strip():
            errors.setdefault("citizen_name", []).append(_("Write the visitor's name."))
        if not citizen_email.strip() and not citizen_phone.strip():
            errors.setdefault("citizen_email", []).append(
                _("Write the visitor's email or phone, so they can confirm the appeal.")
            )
    try:  # a number notices are texted to must be a real one
        phone = normalize_kazakhstan_phone(citizen_phone)
    except ValidationError as error:
        errors.setdefault("citizen_phone", []).extend(error.messages)
    if office is None or not office.is_active:
        errors.setdefault("office", []).append(_("Choose an open reception office."))
    elif region is not None and office.region_id != region.id:
        errors.setdefault("office", []).append(_("This office is not in the chosen region."))
    if category is None or not category.is_active:
        errors.setdefault("category", []).append(_("Choose a category from the list."))
    if (
        addressed_person is not None
        and office is not None
        and not _person_fits(addressed_person, office)
    ):
        errors.setdefault("addressed_person", []).append(
            _("This person does not receive appeals in the office's region.")
        )
    if len(attachments) > max_files():
        errors.setdefault("attachments", []).append(
            _("Attach at most %(count)s files.") % {"count": max_files()}
        )
    if errors:
        raise ValidationError(errors)
    return phone


def _write_registration(
    *,
    office,
    category,
    text,
    idempotency_key,
    author,
    channel,
    registered_by,
    addressed_person,
    citizen_name,
    citizen_email,
    citizen_phone,
    language,
    attachments,
    received_at,
    dates,
    stored_files,
) -> Appeal:
    region = office.region
    now = timezone.now()
    appeal = Appeal.objects.create(
        number=_allocate_number(region, dates.registered_on.year),
        region=region,
        office=office,
        category=category,
        addressed_person=addressed_person,
        channel=channel,
        state=State.REGISTERED,
        author=author,
        registered_by=registered_by,
        idempotency_key=idempotency_key,
        citizen_name=citizen_name,
        citizen_email=citizen_email,
        citizen_phone=citizen_phone,
        language=language,
        text=text,
        received_at=received_at,
        citizen_confirmed_at=(
            now if channel == Channel.WEB and author.email_confirmed_at is not None else None
        ),
        registered_on=dates.registered_on,
        term_started_on=dates.registered_on,
        due_on=dates.due_on,
        original_due_on=dates.due_on,
    )
    rows = []
    for checked in attachments:
        name = private_storage().save(storage_name(checked.extension), ContentFile(checked.content))
        stored_files.append(name)
        rows.append(
            Attachment(
                appeal=appeal,
                file=name,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
            )
        )
    if rows:
        Attachment.objects.bulk_create(rows)
    actor = registered_by if channel in OPERATOR_CHANNELS else author
    _event(
        appeal,
        action="register",
        actor=actor,
        role="operator" if channel in OPERATOR_CHANNELS else "author",
        occurred_at=now,
        to_state=State.REGISTERED,
        details={"channel": channel, "attachments": len(rows)},
    )
    notify(appeal=appeal, kind=Notification.Kind.REGISTERED)
    if channel in OPERATOR_CHANNELS:
        code = f"{secrets.randbelow(1_000_000):06d}"
        Appeal.objects.filter(pk=appeal.pk).update(visitor_code_hash=_code_hash(appeal.pk, code))
        notify(
            appeal=appeal,
            kind=Notification.Kind.VISITOR_CONFIRMATION,
            context={"code": code},
        )
    ledger.record(
        "registered",
        appeal,
        now,
        citizen=ledger.citizen_pseudonym(appeal),
        region=region.code,
        office=office.slug,
        category=category.code,
        person=ledger.person_key(addressed_person),
        registered_on=ledger.day(dates.registered_on),
        due_on=ledger.day(dates.due_on),
        channel=channel,
        counts=counts_at_registration(appeal),
    )
    return appeal


def _remove_files(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("could not remove an orphan attachment file after a rollback")


def counts_at_registration(appeal: Appeal) -> bool:
    """An appeal counts once a real citizen stands behind it (see `selectors.counts_q`)."""
    return appeal.citizen_confirmed_at is not None


# ---------------------------------------------------------------- visitor confirmation


class ConfirmationRefused(Exception):
    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def appeal_visitor_confirm(
    *, appeal_id: int, code: str | None = None, link: bool = False
) -> Appeal:
    """The visitor confirms an appeal an operator registered for them.

    Either through the signed link (`link=True`, the view has checked the signature)
    or with the six-digit code; after `VISITOR_CODE_MAX_ATTEMPTS` wrong codes only the
    link works. Confirming twice is harmless (nothing new is written).
    """
    wrong_code = False
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update().select_related("region", "office").get(pk=appeal_id)
        )
        if appeal.channel == Channel.WEB:
            raise ConfirmationRefused(
                _("This appeal was sent by its author and needs no confirmation.")
            )
        if appeal.visitor_confirmed_at is not None:
            return appeal
        if not link:
            if appeal.visitor_code_attempts >= VISITOR_CODE_MAX_ATTEMPTS:
                raise ConfirmationRefused(
                    _("Too many wrong codes. Use the link from your email or text message instead.")
                )
            expected = appeal.visitor_code_hash
            given = _code_hash(appeal.pk, (code or "").strip())
            # The failed attempt is counted (and committed) before refusing.
            wrong_code = not expected or not hmac.compare_digest(expected, given)
        if wrong_code:
            Appeal.objects.filter(pk=appeal.pk).update(
                visitor_code_attempts=F("visitor_code_attempts") + 1
            )
        else:
            now = timezone.now()
            Appeal.objects.filter(pk=appeal.pk).update(
                visitor_confirmed_at=now,
                citizen_confirmed_at=now,
                visitor_code_hash="",
                version=F("version") + 1,
            )
            appeal.refresh_from_db()
            _event(
                appeal,
                action="visitor_confirm",
                actor=None,
                role="author",
                occurred_at=now,
                details={"how": "link" if link else "code"},
            )
            ledger.record(
                "visitor_confirmed",
                appeal,
                now,
                confirmed_on=ledger.day(deadlines.local_date(now)),
                counts=appeal.state not in workflow.VOID_STATES,
            )
    if wrong_code:
        raise ConfirmationRefused(_("The number or the code is not right."))
    logger.info("appeal %s confirmed by the visitor", appeal.pk)
    return appeal


def appeals_author_confirmed(*, user) -> int:
    """Record that a citizen's account is now confirmed: their web appeals count.

    For the accounts app to call when an email is confirmed (the rating reads the
    ledger, which must learn that these appeals now count). Returns how many.
    """
    now = timezone.now()
    count = 0
    with transaction.atomic():
        pending = Appeal.objects.filter(
            author=user, channel=Channel.WEB, citizen_confirmed_at__isnull=True
        )
        appeals = list(pending.exclude(state__in=workflow.VOID_STATES))
        pending.update(citizen_confirmed_at=now)
        for appeal in appeals:
            ledger.record(
                "author_confirmed",
                appeal,
                now,
                confirmed_on=ledger.day(deadlines.local_date(now)),
                counts=True,
            )
            count += 1
    return count


# -------------------------------------------------------------------------- transitions


@dataclass
class TransitionInput:
    """What an actor gives with a transition; each transition reads what it requires."""

    person: Person | None = None
    office: ReceptionOffice | None = None
    reason: str = ""
    answer: str = ""
    due_on: date | None = None
    duplicate_of: str = ""
    resolution: str = ""
    out_of_competence: bool = False


def appeal_transition(
    *,
    appeal_id: int,
    action: str,
    user,
    version: int,
    data: TransitionInput | None = None,
    acting_as: Relation | None = None,
    now: datetime | None = None,
) -> Appeal:
    """Make one workflow transition. Raises Appeal.DoesNotExist (outside the user's reach),
    TransitionRefused (not allowed now), ValidationError (bad input) or AppealChanged.

    `acting_as` adds a relation the caller has established itself: AUTHOR for a visitor
    who opened their signed link, SYSTEM for the scheduled command.
    """
    data = data or TransitionInput()
    transition = workflow.get(action)
    now = now or timezone.now()
    today = deadlines.local_date(now)
    appeal = Appeal.objects.select_related(
        "region", "office", "category", "assigned_person", "author"
    ).get(pk=appeal_id)
    relations = appeal_relations(user, appeal)
    if acting_as is not None:
        relations = relations | {acting_as}
    if not relations:
        raise Appeal.DoesNotExist
    if appeal.version != version:
        raise AppealChanged
    workflow.check(transition, appeal, relations, today)
    handler = _HANDLERS[action]
    with transaction.atomic():
        changes, after = handler(appeal, data, relations, today, now)
        target = changes.get("state", appeal.state)
        updated = Appeal.objects.filter(pk=appeal.pk, version=version, state=appeal.state).update(
            **changes, version=F("version") + 1, updated_at=now
        )
        if updated != 1:
            raise AppealChanged
        before_state = appeal.state
        appeal.refresh_from_db()
        role = _role_of(relations, transition)
        event_details, reason = after.get("event", {}), after.get("reason", "")
        _event(
            appeal,
            action=action,
            actor=user,
            role=role,
            occurred_at=now,
            from_state=before_state,
            to_state=target,
            reason=reason,
            details=event_details,
        )
        for notification in after.get("notify", []):
            notify(appeal=appeal, **notification)
        if "ledger" in after:
            kind, fields = after["ledger"]
            ledger.record(kind, appeal, now, **fields)
    logger.info("appeal %s: %s by %s", appeal.pk, action, role)
    return appeal


def _reason(data: TransitionInput, *, required: bool = True) -> str:
    return _clean_text(
        data.reason,
        field="reason",
        minimum=3 if required else 0,
        maximum=REASON_MAX_LENGTH,
        message=_("Write the reason."),
    )


def _assign(appeal, data, relations, today, now):
    person = data.person
    if person is None:
        raise ValidationError({"person": _("Choose the person to assign.")})
    if not _person_fits(person, appeal.office):
        raise ValidationError(
            {"person": _("This person does not receive appeals in the office's region.")}
        )
    return {"state": State.ASSIGNED, "assigned_person": person}, {
        "event": {"person": str(person.public_id), "person_name": person.name},
        "notify": [
            {
                "kind": Notification.Kind.ASSIGNED,
                "recipient": Notification.Recipient.PERSON,
                "person": person,
            }
        ],
        "ledger": (
            "assigned",
            {
                "person": str(person.public_id),
                "office": appeal.office.slug,
                "assigned_on": today.isoformat(),
            },
        ),
    }


def _transfer(appeal, data, relations, today, now):
    reason = _reason(data)
    if (data.person is None) == (data.office is None):
        raise ValidationError(
            {"target": _("Choose either another office or another person, not both.")}
        )
    previous_person = ledger.person_key(appeal.assigned_person)
    base = {
        "from_office": appeal.office.slug,
        "from_person": previous_person,
        "transferred_on": today.isoformat(),
    }
    if data.person is not None:
        person = data.person
        if person.pk == appeal.assigned_person_id:
            raise ValidationError({"person": _("The appeal is already assigned to this person.")})
        if not _person_fits(person, appeal.office):
            raise ValidationError(
                {"person": _("This person does not receive appeals in the office's region.")}
            )
        return {"state": State.ASSIGNED, "assigned_person": person}, {
            "reason": reason,
            "event": {"person": str(person.public_id), "person_name": person.name},
            "notify": [
                {
                    "kind": Notification.Kind.ASSIGNED,
                    "recipient": Notification.Recipient.PERSON,
                    "person": person,
                }
            ],
            "ledger": (
                "transferred",
                {
                    **base,
                    "to_office": appeal.office.slug,
                    "to_person": str(person.public_id),
                    "region": appeal.region.code,
                    "out_of_competence": False,
                    "within_transfer_term": True,
                    "due_on": appeal.due_on.isoformat(),
                },
            ),
        }
    office = data.office
    if office.pk == appeal.office_id:
        raise ValidationError({"office": _("The appeal is already at this office.")})
    if not office.is_active:
        raise ValidationError({"office": _("Choose an open reception office.")})
    calendar_start = deadlines.current_calendar().next_working_day(today)
    due_on = deadlines.current_calendar().add_working_days(
        calendar_start, deadlines.term("HALYQ_APPEAL_TERM_WORKING_DAYS")
    )
    within = today <= deadlines.transfer_due(appeal.term_started_on)
    changes = {
        "state": State.REGISTERED,
        "office": office,
        "region_id": office.region_id,
        "assigned_person": None,
        "term_started_on": calendar_start,
        "due_on": due_on,
    }
    if data.out_of_competence:
        changes["transferred_out_of_competence"] = True
    return changes, {
        "reason": reason,
        "event": {
            "office": office.slug,
            "office_name": str(office),
            "out_of_competence": data.out_of_competence,
            "due_on": due_on.isoformat(),
        },
        "notify": [
            {
                "kind": Notification.Kind.TRANSFERRED,
                "send_by": deadlines.notice_deadline(today),
            }
        ],
        "ledger": (
            "transferred",
            {
                **base,
                "to_office": office.slug,
                "to_person": None,
                "region": office.region.code,
                "out_of_competence": bool(data.out_of_competence),
                "within_transfer_term": within,
                "due_on": due_on.isoformat(),
            },
        ),
    }


def _extend(appeal, data, relations, today, now):
    reason = _reason(data)
    new_due = data.due_on
    latest = deadlines.latest_extended_due(appeal.term_started_on)
    if new_due is None:
        raise ValidationError({"due_on": _("Choose the new deadline.")})
    if new_due <= appeal.due_on:
        raise ValidationError({"due_on": _("The new deadline must be after the current one.")})
    if new_due > latest:
        raise ValidationError(
            {
                "due_on": _("The term can be extended to %(date)s at the latest.")
                % {"date": latest.isoformat()}
            }
        )
    if not deadlines.current_calendar().is_working_day(new_due):
        raise ValidationError({"due_on": _("Choose a working day.")})
    return {"due_on": new_due, "extended_at": now, "extension_reason": reason}, {
        "reason": reason,
        "event": {"previous_due_on": appeal.due_on.isoformat(), "due_on": new_due.isoformat()},
        "notify": [
            {
                "kind": Notification.Kind.EXTENDED,
                "send_by": deadlines.notice_deadline(today),
            }
        ],
        "ledger": (
            "extended",
            {
                "person": ledger.person_key(appeal.assigned_person),
                "previous_due_on": appeal.due_on.isoformat(),
                "due_on": new_due.isoformat(),
                "extended_on": today.isoformat(),
            },
        ),
    }


def _answer(appeal, data, relations, today, now):
    answer = _clean_text(
        data.answer,
        field="answer",
        minimum=10,
        maximum=ANSWER_MAX_LENGTH,
        message=_("Write the answer to the citizen."),
    )
    days = deadlines.working_days_to_answer(appeal.term_started_on, today)
    within = today <= appeal.due_on
    return {
        "state": State.ANSWERED,
        "answer_text": answer,
        "answered_at": now,
        "answered_on": today,
        "answered_by": appeal.assigned_person,
    }, {
        "event": {"within_term": within},
        "notify": [{"kind": Notification.Kind.ANSWERED}],
        "ledger": (
            "answered",
            {
                "person": ledger.person_key(appeal.assigned_person),
                "answered_on": today.isoformat(),
                "due_on": appeal.due_on.isoformat(),
                "working_days_to_answer": days,
                "within_term": within,
            },
        ),
    }


def _reject(appeal, data, relations, today, now):
    reason = _reason(data)
    return {"state": State.REJECTED, "rejection_reason": reason, "closed_on": today}, {
        "reason": reason,
        "notify": [{"kind": Notification.Kind.REJECTED}],
        "ledger": ("rejected", {"rejected_on": today.isoformat()}),
    }


def _merge_duplicate(appeal, data, relations, today, now):
    number = (data.duplicate_of or "").strip().upper()
    if not number:
        raise ValidationError({"duplicate_of": _("Write the number of the original appeal.")})
    original = Appeal.objects.filter(number=number).first()
    if original is None or original.pk == appeal.pk:
        raise ValidationError({"duplicate_of": _("No other appeal has this number.")})
    if original.state in workflow.VOID_STATES:
        raise ValidationError(
            {"duplicate_of": _("The original appeal must not be rejected or a duplicate itself.")}
        )
    if original.region_id != appeal.region_id:
        raise ValidationError(
            {"duplicate_of": _("The original appeal must be in the same region.")}
        )
    reason = _reason(data, required=False)
    return {"state": State.DUPLICATE, "duplicate_of": original, "closed_on": today}, {
        "reason": reason,
        "event": {"duplicate_of": original.number},
        "ledger": (
            "duplicate",
            {
                "original": ledger.appeal_pseudonym(original.pk),
                "merged_on": today.isoformat(),
            },
        ),
    }


def _confirm_resolution(appeal, data, relations, today, now):
    if data.resolution not in (Resolution.YES, Resolution.PARTLY, Resolution.NO):
        raise ValidationError({"resolution": _("Choose whether the problem was resolved.")})
    return {"state": State.CLOSED, "resolution": data.resolution, "closed_on": today}, {
        "event": {"resolution": data.resolution},
        "reason": _reason(data, required=False),
        "notify": [{"kind": Notification.Kind.CLOSED}],
        "ledger": (
            "closed",
            {
                "person": ledger.person_key(appeal.answered_by or appeal.assigned_person),
                "resolution": data.resolution,
                "closed_on": today.isoformat(),
                "confirmed_by_citizen": True,
            },
        ),
    }


def _reopen(appeal, data, relations, today, now):
    reason = _reason(data)
    start = deadlines.current_calendar().next_working_day(today)
    due_on = deadlines.current_calendar().add_working_days(
        start, deadlines.term("HALYQ_APPEAL_TERM_WORKING_DAYS")
    )
    person = appeal.assigned_person
    after = {
        "reason": reason,
        "event": {"due_on": due_on.isoformat()},
        "notify": [],
        "ledger": (
            "reopened",
            {
                "person": ledger.person_key(person),
                "reopened_on": today.isoformat(),
                "due_on": due_on.isoformat(),
            },
        ),
    }
    if person is not None:
        after["notify"].append(
            {
                "kind": Notification.Kind.ASSIGNED,
                "recipient": Notification.Recipient.PERSON,
                "person": person,
            }
        )
    return {
        "state": State.ASSIGNED if person is not None else State.REGISTERED,
        "reopened_count": appeal.reopened_count + 1,
        "resolution": "",
        "closed_on": None,
        "term_started_on": start,
        "due_on": due_on,
    }, after


def _close_unconfirmed(appeal, data, relations, today, now):
    if not deadlines.confirmation_window_over(appeal.answered_on, today):
        raise TransitionRefused(
            _("The citizen still has time to answer."), code="confirmation_window_open"
        )
    return {"state": State.CLOSED, "resolution": Resolution.NONE, "closed_on": today}, {
        "event": {"resolution": Resolution.NONE},
        "notify": [{"kind": Notification.Kind.CLOSED}],
        "ledger": (
            "closed",
            {
                "person": ledger.person_key(appeal.answered_by or appeal.assigned_person),
                "resolution": Resolution.NONE.value,
                "closed_on": today.isoformat(),
                "confirmed_by_citizen": False,
            },
        ),
    }


_HANDLERS = {
    "assign": _assign,
    "transfer": _transfer,
    "extend": _extend,
    "answer": _answer,
    "reject": _reject,
    "merge_duplicate": _merge_duplicate,
    "confirm_resolution": _confirm_resolution,
    "reopen": _reopen,
    "close_unconfirmed": _close_unconfirmed,
}
assert set(_HANDLERS) == set(workflow.TRANSITIONS), "every transition needs its handler"
assert all(r in Requirement for t in workflow.TRANSITIONS.values() for r in t.requires)


# ----------------------------------------------------------------------- bulk and batch


def appeals_bulk_assign(*, user, appeal_versions: dict[int, int], person: Person) -> dict:
    """Assign several appeals at once; each one on its own (one refusal stops no other).

    Returns {"assigned": [numbers], "refused": [(number or id, message)]}.
    """
    assigned, refused = [], []
    for appeal_id, version in appeal_versions.items():
        try:
            appeal = appeal_transition(
                appeal_id=appeal_id,
                action="assign",
                user=user,
                version=version,
                data=TransitionInput(person=person),
            )
            assigned.append(appeal.number)
        except Appeal.DoesNotExist:
            refused.append((str(appeal_id), str(_("not found"))))
        except (TransitionRefused, AppealChanged) as problem:
            refused.append((_number(appeal_id), str(getattr(problem, "message", problem))))
        except ValidationError as problem:
            refused.append((_number(appeal_id), " ".join(problem.messages)))
    return {"assigned": assigned, "refused": refused}


def _number(appeal_id: int) -> str:
    return Appeal.objects.filter(pk=appeal_id).values_list("number", flat=True).first() or str(
        appeal_id
    )


def appeals_close_unconfirmed(*, today: date | None = None, limit: int = 5_000) -> int:
    """Close answered appeals the citizen has not confirmed in time. Returns how many."""
    now = timezone.now()
    today = today or deadlines.local_date(now)
    cutoff = deadlines.confirmation_cutoff(today)
    closed = 0
    for appeal_id, version in Appeal.objects.filter(
        state=State.ANSWERED, answered_on__lte=cutoff
    ).values_list("id", "version")[:limit]:
        try:
            appeal_transition(
                appeal_id=appeal_id,
                action="close_unconfirmed",
                user=None,
                version=version,
                acting_as=Relation.SYSTEM,
                now=now,
            )
            closed += 1
        except (AppealChanged, TransitionRefused):
            continue  # the citizen answered meanwhile: theirs wins
    return closed


def appeals_follow_calendar(*, day: date, reason: str = "", now: datetime | None = None) -> int:
    """Move the deadlines a calendar change reaches; returns how many appeals moved.

    When an administrator turns `day` into a day off or a working day (a government
    transfer), every open appeal whose statutory term runs over that day gets its
    deadline recomputed on the new calendar: the term is counted in working days, so
    the law's deadline moves with the calendar. An extended appeal keeps the date its
    extension set (it was chosen as a date, not as a count of days). Each move is an
    event in the appeal's history and in the ledger (timeliness is measured against it).
    """
    now = now or timezone.now()
    calendar = deadlines.current_calendar()
    term_days = deadlines.term("HALYQ_APPEAL_TERM_WORKING_DAYS")
    moved = 0
    with transaction.atomic():
        reached = (
            Appeal.objects.select_for_update(of=("self",))
            .filter(
                state__in=workflow.OPEN_STATES,
                extended_at__isnull=True,
                term_started_on__lt=day,
                due_on__gte=day,
            )
            .select_related("region", "assigned_person")
            .order_by("id")
        )
        for appeal in reached:
            due_on = calendar.add_working_days(appeal.term_started_on, term_days)
            if due_on == appeal.due_on:
                continue
            previous = appeal.due_on
            changed = {"due_on": due_on, "version": F("version") + 1}
            if appeal.original_due_on == previous:
                changed["original_due_on"] = due_on
            Appeal.objects.filter(pk=appeal.pk).update(**changed)
            _event(
                appeal,
                action="deadline_moved",
                actor=None,
                role=Relation.SYSTEM.value,
                occurred_at=now,
                reason=reason,
                details={"previous_due_on": previous.isoformat(), "due_on": due_on.isoformat()},
            )
            ledger.record(
                "deadline_moved",
                appeal,
                now,
                person=ledger.person_key(appeal.assigned_person),
                previous_due_on=previous.isoformat(),
                due_on=due_on.isoformat(),
            )
            moved += 1
    return moved


def appeals_send_reminders(*, today: date | None = None) -> int:
    """Queue the reminders for appeals due within the reminder term (once per deadline)."""
    today = today or deadlines.local_date()
    last_day = deadlines.reminder_day(today)
    queued = 0
    candidates = Appeal.objects.filter(
        state=State.ASSIGNED, due_on__gte=today, due_on__lte=last_day
    ).select_related("assigned_person")
    for appeal in candidates.iterator(chunk_size=500):
        key = f"reminder:{appeal.pk}:{appeal.due_on.isoformat()}:{appeal.assigned_person_id}"
        try:
            with transaction.atomic():
                notify(
                    appeal=appeal,
                    kind=Notification.Kind.DEADLINE_REMINDER,
                    recipient=Notification.Recipient.PERSON,
                    person=appeal.assigned_person,
                    dedup_key=key[:80],
                )
            queued += 1
        except IntegrityError:
            continue  # already reminded for this deadline
    return queued
