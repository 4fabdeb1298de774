"""Visitors who gave only a phone number get their confirmation code by SMS.

Through the outbox (retried like mail, never losing the appeal), in the visitor's
language, only for what they must act on, and never when an email was given. The
gateway backend is exercised against a local HTTP server speaking Mobizon's API.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from halyq import sms
from halyq.appeals import notifications, services
from halyq.appeals.calendar import current_calendar
from halyq.appeals.models import Appeal, Notification
from halyq.sms.backends import Mobizon
from tests.appeals import factories as f

pytestmark = pytest.mark.django_db
PHONE = "+77015550123"


def _open_link(client, text: str):
    """Follow the visitor's short link in a text to their page."""
    link = urlsplit(re.search(r"https?://\S+", text).group())
    assert re.fullmatch(r"/v/[\w-]+:[\w-]+:[\w-]{12}", link.path)  # short: each char is paid
    return client.get(link.path, follow=True)


def _deliver_everything_due() -> dict[str, int]:
    """Make every pending notice due now and run the outbox once."""
    Notification.objects.update(next_attempt_at=timezone.now())
    return notifications.deliver_due()


def test_a_phone_only_visitor_gets_the_code_by_sms_and_confirms_with_it(
    world, client, sms_outbox, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = f.visitor_appeal(
            world.operator_x, world.office_x, citizen_phone="8 (701) 555-01-23", language="kk"
        )
    assert appeal.citizen_phone == PHONE  # stored in one form, whatever was typed
    assert not Appeal.objects.get(pk=appeal.pk).citizen_confirmed_at  # does not count yet
    (message,) = sms_outbox
    assert message.to == PHONE
    assert appeal.number in message.text and "/kk/appeals/confirm/" in message.text
    assert "Halyq:" in message.text and "confirm that you brought" not in message.text  # Kazakh
    assert mail.outbox == []
    confirmation = Notification.objects.get(appeal=appeal, kind="visitor_confirmation")
    assert confirmation.status == Notification.Status.SENT and confirmation.context == {}
    # The visitor enters the number and the texted code on the confirmation page.
    page = client.post(
        "/kk/appeals/confirm/", {"number": appeal.number, "code": f.texted_code(message.text)}
    )
    assert page.status_code == 200
    assert Appeal.objects.get(pk=appeal.pk).citizen_confirmed_at is not None
    assert PHONE not in caplog.text and "701" not in caplog.text


def test_a_visitor_who_mistyped_the_code_too_often_confirms_with_the_texted_link(
    world, client, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = f.visitor_appeal(world.operator_x, world.office_x, citizen_phone=PHONE)
    (message,) = sms_outbox
    for _ in range(services.VISITOR_CODE_MAX_ATTEMPTS):
        client.post("/appeals/confirm/", {"number": appeal.number, "code": "000000"})
    refused = client.post(
        "/appeals/confirm/", {"number": appeal.number, "code": f.texted_code(message.text)}
    )
    assert "ссылкой из письма или SMS" in refused.content.decode()  # Russian, the default
    assert Appeal.objects.get(pk=appeal.pk).citizen_confirmed_at is None
    page = _open_link(client, message.text)
    ((visitor_page, _),) = page.redirect_chain
    assert visitor_page.startswith("/appeals/v/")  # the Russian page: the appeal's language
    assert "Да, это моё обращение" in page.content.decode()
    assert client.post(visitor_page, {"action": "visitor_confirm"}).status_code == 302
    assert Appeal.objects.get(pk=appeal.pk).citizen_confirmed_at is not None


def test_only_what_the_visitor_must_act_on_goes_by_sms(world, sms_outbox):
    appeal = f.visitor_appeal(world.operator_x, world.office_x, citizen_phone=PHONE)
    assert _deliver_everything_due() == {"sent": 1, "retry": 0, "failed": 0, "skipped": 1}
    kinds = dict(Notification.objects.filter(appeal=appeal).values_list("kind", "status"))
    assert kinds == {"registered": "skipped", "visitor_confirmation": "sent"}
    assert len(sms_outbox) == 1


def test_the_answer_and_an_extension_reach_a_phone_only_visitor_with_their_link(
    world, client, sms_outbox
):
    appeal = f.assign(
        f.visitor_appeal(world.operator_x, world.office_x, citizen_phone=PHONE, language="en"),
        world.operator_x,
        world.deputy_person,
    )
    appeal = services.appeal_transition(
        appeal_id=appeal.pk,
        action="extend",
        user=world.deputy,
        version=appeal.version,
        data=services.TransitionInput(
            reason="An engineer must inspect the lift.",
            due_on=current_calendar().add_working_days(appeal.due_on, 3),
        ),
    )
    services.appeal_transition(
        appeal_id=appeal.pk,
        action="answer",
        user=world.deputy,
        version=appeal.version,
        data=services.TransitionInput(answer="The lift was repaired on Friday."),
    )
    _deliver_everything_due()
    texts = {n.kind: n.status for n in Notification.objects.filter(appeal=appeal)}
    assert texts["extended"] == texts["answered"] == texts["visitor_confirmation"] == "sent"
    extended, answered = (m.text for m in sms_outbox if "confirm that" not in m.text)
    assert f"extended to {appeal.due_on:%d.%m.%Y}" in extended
    assert "tell us whether your problem was resolved" in answered
    # The link in the text opens the visitor's own page, with the answer.
    page = _open_link(client, answered)
    assert page.redirect_chain[-1][0].startswith("/en/appeals/v/")  # in their language
    assert page.status_code == 200 and "The lift was repaired on Friday." in page.content.decode()
    # No reply from the visitor: the appeal closes, and they are told.
    Appeal.objects.filter(pk=appeal.pk).update(
        answered_on=timezone.localdate() - timedelta(days=30)
    )
    assert services.appeals_close_unconfirmed() == 1
    _deliver_everything_due()
    closed = sms_outbox[-1].text
    assert f"Your appeal {appeal.number} is closed." in closed
    # Signed links carry their signing time, so compare where they lead, not their bytes.
    page = _open_link(client, closed)
    assert page.status_code == 200 and appeal.number in page.content.decode()


def test_a_visitor_with_an_email_gets_mail_not_sms(world, sms_outbox):
    f.visitor_appeal(
        world.operator_x, world.office_x, citizen_email="v@example.kz", citizen_phone=PHONE
    )
    assert _deliver_everything_due()["sent"] == 2
    assert sms_outbox == [] and len(mail.outbox) == 2


def test_without_a_gateway_the_code_is_not_sent_and_the_appeal_stays_uncounted(
    world, settings, sms_outbox
):
    settings.HALYQ_SMS_BACKEND = "halyq.sms.backends.Disabled"
    appeal = f.visitor_appeal(world.operator_x, world.office_x, citizen_phone=PHONE)
    assert _deliver_everything_due() == {"sent": 0, "retry": 0, "failed": 0, "skipped": 2}
    assert Appeal.objects.get(pk=appeal.pk).citizen_confirmed_at is None


class _Down:
    available = True

    def send(self, message):
        raise sms.SmsError("the gateway did not answer (ConnectTimeout)")


def test_a_failing_gateway_loses_nothing_and_the_sms_is_retried(world, settings, sms_outbox):
    settings.HALYQ_SMS_BACKEND = "tests.appeals.test_sms._Down"
    appeal = f.visitor_appeal(world.operator_x, world.office_x, citizen_phone=PHONE)
    assert _deliver_everything_due() == {"sent": 0, "retry": 1, "failed": 0, "skipped": 1}
    row = Notification.objects.get(appeal=appeal, kind="visitor_confirmation")
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "SmsError")
    assert row.context["code"]  # kept until it has left
    settings.HALYQ_SMS_BACKEND = "halyq.sms.backends.Locmem"
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert notifications.deliver_due()["sent"] == 1
    assert len(sms_outbox) == 1 and appeal.number in sms_outbox[0].text


def test_a_mail_server_that_is_down_does_not_hold_back_the_sms(world, settings, sms_outbox):
    settings.EMAIL_BACKEND = "tests.appeals.mail_backends.FailingBackend"
    f.visitor_appeal(world.operator_x, world.office_x, citizen_phone=PHONE)
    f.web_appeal(world.citizen_a, world.office_x)
    assert _deliver_everything_due() == {"sent": 1, "retry": 1, "failed": 0, "skipped": 1}
    assert len(sms_outbox) == 1


@pytest.mark.parametrize("typed", ["12345", "+7 912 345 67 89", "phone"])
def test_a_number_that_cannot_take_a_text_is_refused_and_nothing_is_written(world, typed):
    with pytest.raises(ValidationError) as refusal:
        f.visitor_appeal(world.operator_x, world.office_x, citizen_phone=typed)
    assert "citizen_phone" in refusal.value.message_dict
    assert not Appeal.objects.exists() and not Notification.objects.exists()


# --------------------------------------------------------------------- the gateway


class _Gateway(BaseHTTPRequestHandler):
    """Mobizon's sendsmsmessage, as its API documents it; `answer` is what it replies."""

    answer: tuple[int, bytes] = (200, b'{"code":0,"data":{"messageId":"1"},"message":""}')
    requests: list[dict] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        url = urlsplit(self.path)
        _Gateway.requests.append(
            {"path": url.path, "query": parse_qs(url.query), "form": parse_qs(body)}
        )
        status, payload = _Gateway.answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Gateway.requests = []
    settings.HALYQ_SMS_MOBIZON_URL = f"http://127.0.0.1:{server.server_port}"
    settings.HALYQ_SMS_MOBIZON_API_KEY = "k" * 40
    settings.HALYQ_SMS_SENDER = "HALYQ"
    settings.HALYQ_SMS_TIMEOUT = 2
    yield _Gateway
    server.shutdown()
    server.server_close()
    _Gateway.answer = (200, b'{"code":0,"data":{"messageId":"1"},"message":""}')


def test_the_gateway_is_sent_what_its_api_asks_for(gateway):
    Mobizon().send(sms.SmsMessage(PHONE, "Halyq: код 123456"))
    (request,) = gateway.requests
    assert request["path"] == "/service/message/sendsmsmessage"
    assert request["query"] == {"api": ["v1"], "apiKey": ["k" * 40], "output": ["json"]}
    assert request["form"] == {
        "recipient": ["77015550123"],
        "text": ["Halyq: код 123456"],
        "from": ["HALYQ"],
    }


@pytest.mark.parametrize(
    "answer",
    [
        (200, json.dumps({"code": 100, "data": {}, "message": "queued"}).encode()),
        (200, b'{"code":0,"data":{"campaignId":"7","messageId":"9","status":1},"message":""}'),
    ],
)
def test_the_gateway_accepting_the_message_is_success(gateway, answer):
    gateway.answer = answer
    Mobizon().send(sms.SmsMessage(PHONE, "text"))
    assert len(gateway.requests) == 1


@pytest.mark.parametrize(
    "answer, reason",
    [
        ((200, b'{"code":1,"data":{"recipient":"invalid"},"message":"bad"}'), "code 1"),
        ((500, b"Internal Server Error"), "HTTPError"),
        ((200, b"<html>maintenance</html>"), "JSONDecodeError"),
        ((200, b"[]"), "code None"),
    ],
)
def test_a_refusal_or_a_broken_answer_is_an_error_without_the_key(gateway, answer, reason):
    gateway.answer = answer
    with pytest.raises(sms.SmsError, match=reason) as error:
        Mobizon().send(sms.SmsMessage(PHONE, "text"))
    assert "k" * 40 not in str(error.value) and "7015550123" not in str(error.value)


def test_an_unreachable_gateway_is_an_error_without_the_key(settings):
    settings.HALYQ_SMS_MOBIZON_URL = "http://127.0.0.1:9"  # discard: nobody listens
    settings.HALYQ_SMS_MOBIZON_API_KEY = "k" * 40
    with pytest.raises(sms.SmsError, match="did not answer") as error:
        Mobizon().send(sms.SmsMessage(PHONE, "text"))
    assert "k" * 40 not in str(error.value)


def test_without_a_key_the_gateway_is_unavailable(settings):
    settings.HALYQ_SMS_BACKEND = "halyq.sms.backends.Mobizon"
    settings.HALYQ_SMS_MOBIZON_API_KEY = ""
    assert not sms.available()
    with pytest.raises(sms.SmsError, match="not set"):
        sms.SmsMessage(PHONE, "text").send()
    sms.SmsMessage(PHONE, "text").send(fail_silently=True)  # and quietly when asked


def test_registering_a_phone_only_visitor_through_the_service_sends_one_code(
    world, sms_outbox, django_capture_on_commit_callbacks
):
    # A double-clicked form: one appeal, one text.
    key = __import__("uuid").uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            services.appeal_register(
                channel="phone",
                registered_by=world.operator_x,
                office=world.office_x,
                category=f.category(),
                text="Просьба отремонтировать освещение во дворе дома 3.",
                citizen_name="Visitor",
                citizen_phone=PHONE,
                idempotency_key=key,
            )
    assert Appeal.objects.count() == 1 and len(sms_outbox) == 1


def test_check_deploy_refuses_a_gateway_without_its_key(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.HALYQ_SMS_BACKEND = "halyq.sms.backends.Mobizon"
    settings.HALYQ_SMS_MOBIZON_API_KEY = ""
    with pytest.raises(SystemCheckError, match=r"sms\.E001"):
        call_command("check", "--deploy", "--fail-level", "ERROR")
    settings.HALYQ_SMS_MOBIZON_API_KEY = "k" * 40
    from halyq.sms.checks import sms_gateway_check

    assert sms_gateway_check() == []
    settings.HALYQ_SMS_BACKEND = "halyq.sms.backends.Disabled"
    assert sms_gateway_check() == []


def test_a_phone_only_visitor_is_told_of_a_rejection_and_its_reason(world, client, sms_outbox):
    appeal = f.visitor_appeal(world.operator_x, world.office_x, citizen_phone=PHONE)
    services.appeal_transition(
        appeal_id=appeal.pk,
        action="reject",
        user=world.operator_x,
        version=appeal.version,
        data=services.TransitionInput(reason="Оскорбительные выражения"),
    )
    _deliver_everything_due()
    rejected = Notification.objects.get(appeal=appeal, kind="rejected")
    assert rejected.status == Notification.Status.SENT
    (text,) = (m.text for m in sms_outbox if "/appeals/confirm/" not in m.text)  # not the code
    assert text.startswith("Halyq: ") and appeal.number in text
    page = _open_link(client, text)
    assert "Оскорбительные выражения" in page.content.decode()
