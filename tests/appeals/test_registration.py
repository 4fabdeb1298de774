"""Registering appeals: numbers, deadlines, idempotency, validation, one transaction."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from halyq.appeals import services
from halyq.appeals.models import Appeal, AppealEvent, CalendarOverride, Channel, Notification
from halyq.integrity.models import LedgerEntry
from tests.appeals import factories as f

ALMATY = ZoneInfo("Asia/Almaty")
pytestmark = pytest.mark.django_db


def at(year, month, day, hour=10):
    return datetime(year, month, day, hour, tzinfo=ALMATY)


def test_web_appeal_gets_number_deadline_event_mail_and_ledger_entry(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = f.web_appeal(world.citizen_a, world.office_x, received_at=at(2026, 2, 2))
    assert appeal.just_created
    assert appeal.number == "AST-2026-000001"
    assert appeal.registered_on == date(2026, 2, 2)
    assert appeal.due_on == date(2026, 2, 23)  # 15 working days, no holiday in between
    assert appeal.citizen_confirmed_at is not None
    assert list(appeal.events.values_list("action", flat=True)) == ["register"]
    entry = LedgerEntry.objects.get(kind="appeal.registered")
    assert entry.payload["office"] == "astana-main"
    assert entry.payload["due_on"] == "2026-02-23"
    assert entry.payload["counts"] is True
    assert "горячей" not in str(entry.payload)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["citizen.a@example.kz"]
    assert "AST-2026-000001" in mail.outbox[0].subject or "AST-2026-000001" in mail.outbox[0].body
    assert Notification.objects.get().status == Notification.Status.SENT


def test_numbers_run_per_region_and_year(world):
    first = f.web_appeal(world.citizen_a, world.office_x, received_at=at(2026, 12, 30))
    second = f.web_appeal(world.citizen_a, world.office_z, received_at=at(2026, 12, 30))
    almaty = f.web_appeal(world.citizen_a, world.office_y, received_at=at(2026, 12, 30))
    next_year = f.web_appeal(world.citizen_a, world.office_x, received_at=at(2027, 1, 5))
    assert [first.number, second.number, almaty.number] == [
        "AST-2026-000001",
        "AST-2026-000002",
        "ALA-2026-000001",
    ]
    assert next_year.number.startswith("AST-2027-")


def test_appeal_received_on_a_day_off_is_registered_on_the_next_working_day(world):
    saturday = f.web_appeal(world.citizen_a, world.office_x, received_at=at(2026, 2, 7))
    assert saturday.registered_on == date(2026, 2, 9)
    # Nauryz 2026: 21-22 March fall on a weekend, 23-25 March are days off.
    nauryz = f.web_appeal(world.citizen_a, world.office_x, received_at=at(2026, 3, 21))
    assert nauryz.registered_on == date(2026, 3, 26)


def test_an_administrators_transfer_day_moves_the_deadline(world):
    CalendarOverride.objects.create(date=date(2026, 2, 9), kind="day_off", reason="Decree")
    appeal = f.web_appeal(world.citizen_a, world.office_x, received_at=at(2026, 2, 2))
    assert appeal.due_on == date(2026, 2, 24)


def test_term_is_a_setting(world, settings):
    settings.HALYQ_APPEAL_TERM_WORKING_DAYS = 5
    appeal = f.web_appeal(world.citizen_a, world.office_x, received_at=at(2026, 2, 2))
    assert appeal.due_on == date(2026, 2, 9)


def test_double_submit_returns_the_same_appeal(world):
    key = uuid.uuid4()
    first = f.web_appeal(world.citizen_a, world.office_x, idempotency_key=key)
    again = f.web_appeal(world.citizen_a, world.office_x, idempotency_key=key)
    assert again.pk == first.pk and not again.just_created
    assert Appeal.objects.count() == 1
    assert AppealEvent.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="appeal.registered").count() == 1
    assert Notification.objects.count() == 1
    # Another author's identical key is another appeal, and the repeat used no number.
    other = f.web_appeal(world.citizen_b, world.office_x, idempotency_key=key)
    assert other.pk != first.pk
    assert [first.number[-6:], other.number[-6:]] == ["000001", "000002"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": "too short"}, "text"),
        ({"text": "x" * 10_001}, "text"),
        ({"office": "inactive"}, "office"),
        ({"region": "almaty"}, "office"),
        ({"category": "inactive"}, "category"),
        ({"addressed_person": "almaty"}, "addressed_person"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(world, change, field):
    kwargs = {
        "author": world.citizen_a,
        "office": world.office_x,
        "category": f.category(),
        "text": "В нашем доме третий месяц нет горячей воды.",
        "idempotency_key": uuid.uuid4(),
    }
    if change.get("office") == "inactive":
        world.office_x.is_active = False
        world.office_x.save()
    elif change.get("region") == "almaty":
        kwargs["region"] = world.almaty
    elif change.get("category") == "inactive":
        kwargs["category"].is_active = False
        kwargs["category"].save()
    elif change.get("addressed_person") == "almaty":
        kwargs["addressed_person"] = world.other_person
    else:
        kwargs.update(change)
    with pytest.raises(ValidationError) as refused:
        services.appeal_register(**kwargs)
    assert field in refused.value.message_dict
    assert Appeal.objects.count() == 0
    assert LedgerEntry.objects.filter(kind__startswith="appeal.").count() == 0


def test_operator_registers_for_a_visitor_who_confirms_with_the_code(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_register(
            channel=Channel.WALK_IN,
            registered_by=world.operator_x,
            office=world.office_x,
            category=f.category("roads"),
            text="Яма на дороге у школы номер 5, опасно для детей.",
            citizen_name="Visitor Name",
            citizen_email="visitor@example.kz",
            idempotency_key=uuid.uuid4(),
        )
    assert appeal.author is None and appeal.channel == "walk_in"
    assert appeal.citizen_confirmed_at is None
    registered = LedgerEntry.objects.get(kind="appeal.registered")
    assert registered.payload["counts"] is False and registered.payload["channel"] == "walk_in"
    code_mail = next(m for m in mail.outbox if "code" in m.body.lower() or "код" in m.body.lower())
    code = next(word for word in code_mail.body.split() if word.isdigit() and len(word) == 6)
    with pytest.raises(services.ConfirmationRefused):
        services.appeal_visitor_confirm(
            appeal_id=appeal.pk, code="000000" if code != "000000" else "111111"
        )
    confirmed = services.appeal_visitor_confirm(appeal_id=appeal.pk, code=code)
    assert confirmed.visitor_confirmed_at is not None and confirmed.citizen_confirmed_at is not None
    assert LedgerEntry.objects.filter(kind="appeal.visitor_confirmed").count() == 1
    # The code's secret is not kept once it was mailed and used.
    assert Notification.objects.filter(context__has_key="code").count() == 0
    assert Appeal.objects.get(pk=appeal.pk).visitor_code_hash == ""


def test_wrong_codes_are_limited(world):
    appeal = f.visitor_appeal(
        world.operator_x,
        world.office_x,
        channel=Channel.PHONE,
        text="Звонок: просьба проверить отопление в подъезде.",
    )
    for _ in range(services.VISITOR_CODE_MAX_ATTEMPTS):
        with pytest.raises(services.ConfirmationRefused):
            services.appeal_visitor_confirm(appeal_id=appeal.pk, code="999999x")
    with pytest.raises(services.ConfirmationRefused, match=r"Too many|Слишком"):
        services.appeal_visitor_confirm(appeal_id=appeal.pk, code="123456")
    # The signed link still works.
    assert services.appeal_visitor_confirm(appeal_id=appeal.pk, link=True).visitor_confirmed_at


def test_an_operator_cannot_register_for_another_office(world):
    with pytest.raises(ValidationError) as refused:
        services.appeal_register(
            channel=Channel.LETTER,
            registered_by=world.operator_x,
            office=world.office_y,
            category=f.category(),
            text="Письмо о ремонте крыши многоквартирного дома.",
            citizen_name="Visitor",
            citizen_phone="+77010000000",
            idempotency_key=uuid.uuid4(),
        )
    assert "office" in refused.value.message_dict
    assert Appeal.objects.count() == 0


def test_operator_double_submit_returns_the_same_appeal(world):
    kwargs = {
        "channel": Channel.WALK_IN,
        "registered_by": world.operator_x,
        "office": world.office_x,
        "category": f.category(),
        "text": "Просьба установить скамейки во дворе дома 12.",
        "citizen_name": "Visitor",
        "citizen_phone": "+77010000000",
        "idempotency_key": uuid.uuid4(),
    }
    first = services.appeal_register(**kwargs)
    second = services.appeal_register(**kwargs)
    assert first.pk == second.pk and not second.just_created
    assert Appeal.objects.count() == 1


def test_unconfirmed_account_appeal_is_stored_but_does_not_count_until_confirmed(world):
    world.citizen_a.email_confirmed_at = None
    world.citizen_a.save()
    appeal = f.web_appeal(world.citizen_a, world.office_x)
    assert appeal.citizen_confirmed_at is None
    assert LedgerEntry.objects.get(kind="appeal.registered").payload["counts"] is False
    assert services.appeals_author_confirmed(user=world.citizen_a) == 1
    assert Appeal.objects.get(pk=appeal.pk).citizen_confirmed_at is not None
    assert LedgerEntry.objects.filter(kind="appeal.author_confirmed").count() == 1


def test_confirming_the_email_by_its_link_makes_earlier_web_appeals_count(client, world):
    from halyq.accounts.services import email_confirmation_token

    world.citizen_a.email_confirmed_at = None
    world.citizen_a.save()
    appeal = f.web_appeal(world.citizen_a, world.office_x)
    client.get(f"/en/accounts/confirm/{email_confirmation_token(world.citizen_a)}/")
    assert Appeal.objects.get(pk=appeal.pk).citizen_confirmed_at is not None
    assert LedgerEntry.objects.filter(kind="appeal.author_confirmed").count() == 1
    # A second click on the link confirms nothing twice.
    client.get(f"/en/accounts/confirm/{email_confirmation_token(world.citizen_a)}/")
    assert LedgerEntry.objects.filter(kind="appeal.author_confirmed").count() == 1
