"""The pages, through the test client: forms, refusals, queues, exports, the visitor's link."""

from __future__ import annotations

import time
import uuid
from unittest import mock

import pytest
from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from halyq.accounts import throttling
from halyq.appeals.models import Appeal, Attachment, Notification
from halyq.appeals.notifications import VISITOR_LINK_SALT, visitor_token
from tests.appeals import factories as f

pytestmark = pytest.mark.django_db

TEXT = "Во дворе дома 5 по улице Абая третью неделю не вывозят мусор."


def _form(world, **extra):
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "office": world.office_x.pk,
        "category": f.category().pk,
        "text": TEXT,
    }
    data.update(extra)
    return data


def _visitor_form(world, **contact):
    """The operator's form for a walk-in visitor, with the contact given."""
    return _form(
        world,
        channel="walk_in",
        citizen_name="Visitor",
        language="ru",
        **{"citizen_email": "", "citizen_phone": "", **contact},
    )


def test_public_offices_page_lists_offices_by_region_with_who_receives(client, world):
    response = client.get("/en/offices/?region=71")
    page = response.content.decode()
    assert response.status_code == 200
    assert world.office_x.name_en in page and world.office_z.name_en in page
    assert world.office_y.name_en not in page
    assert "Nurlanov" in page  # receives at office X
    assert client.get("/en/offices/?region=zz").status_code == 400


def test_new_appeal_asks_for_the_region_first(client, world):
    client.force_login(world.citizen_a)
    first = client.get("/en/appeals/new/")
    assert first.status_code == 200 and 'name="region"' in first.content.decode()
    second = client.get("/en/appeals/new/?region=71")
    page = second.content.decode()
    assert world.office_x.name_en in page and world.office_y.name_en not in page
    assert 'name="idempotency_key"' in page
    assert client.get("/en/appeals/new/?region=99").status_code == 400


def test_citizen_files_an_appeal_with_an_attachment_and_sees_its_number(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.citizen_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/appeals/new/?region=71", _form(world, attachments=[f.upload("flat.png")])
        )
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/appeals/{appeal.number}/"
    )
    page = client.get(response["Location"]).content.decode()
    assert appeal.number in page and TEXT in page and "flat.png" in page
    assert appeal.language == "en"
    assert mail.outbox and appeal.number in mail.outbox[0].subject
    stored = Attachment.objects.get()
    assert stored.file.path.startswith(str(f.private_root()))
    assert stored.content_type == "image/png"


def test_double_submit_of_the_same_form_creates_one_appeal(client, world):
    client.force_login(world.citizen_a)
    data = _form(world)
    first = client.post("/en/appeals/new/?region=71", data)
    second = client.post("/en/appeals/new/?region=71", data)
    assert Appeal.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: f.upload("virus.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "application/pdf"),
            "not a photo",
        ),
        (lambda: f.upload("fake.png", b"\x89PNG\r\n\x1a\nnot really", "image/png"), "not a photo"),
        (
            lambda: f.upload(
                "script.docx", b"PK\x03\x04" + b"\x00" * 50, "application/octet-stream"
            ),
            "not a photo",
        ),
        (lambda: f.upload("empty.pdf", b"", "application/pdf"), "empty"),
        (
            lambda: f.upload("big.pdf", b"%PDF-1.4\n" + b"0" * 2048, "application/pdf"),
            "larger than",
        ),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_stored(
    client, world, settings, upload, message
):
    settings.HALYQ_APPEAL_ATTACHMENT_MAX_BYTES = 1024
    client.force_login(world.citizen_a)
    response = client.post("/en/appeals/new/?region=71", _form(world, attachments=[upload()]))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Appeal.objects.count() == 0 and Attachment.objects.count() == 0
    assert not any(f.private_root().rglob("*.*")) if f.private_root().exists() else True


def test_too_many_attachments_are_refused(client, world):
    client.force_login(world.citizen_a)
    files = [f.upload(f"p{n}.png") for n in range(6)]
    response = client.post("/en/appeals/new/?region=71", _form(world, attachments=files))
    assert response.status_code == 400 and "at most 5" in response.content.decode()
    assert Appeal.objects.count() == 0


def test_pdf_and_docx_are_accepted_by_content(client, world):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    client.force_login(world.citizen_a)
    response = client.post(
        "/en/appeals/new/?region=71",
        _form(
            world,
            attachments=[
                f.upload("letter.pdf", f.PDF_MINIMAL, "application/pdf"),
                f.upload("letter.docx", buffer.getvalue(), "application/msword"),
            ],
        ),
    )
    assert response.status_code == 302
    assert sorted(Attachment.objects.values_list("content_type", flat=True)) == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"office": "999999"}, "Select a valid choice"),
        ({"category": "abc"}, "Select a valid choice"),
        ({"text": "short"}, "at least 20"),
        ({"idempotency_key": "not-a-uuid"}, "form has expired"),
    ],
)
def test_bad_form_input_gets_a_clear_message_and_writes_nothing(
    client, world, change, field_message
):
    client.force_login(world.citizen_a)
    response = client.post("/en/appeals/new/?region=71", _form(world, **change))
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert Appeal.objects.count() == 0


def test_office_of_another_region_is_refused(client, world):
    client.force_login(world.citizen_a)
    response = client.post("/en/appeals/new/?region=71", _form(world, office=world.office_y.pk))
    assert response.status_code == 400 and Appeal.objects.count() == 0


def test_messages_are_in_the_users_language(client, world):
    client.force_login(world.citizen_a)
    response = client.post("/appeals/new/?region=71", _form(world, text="коротко"))
    assert response.status_code == 400
    assert '<html lang="ru">' in response.content.decode()


def test_operator_registers_a_walk_in_visitor(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.operator_x)
    assert client.get("/en/staff/new/").status_code == 200
    data = _form(
        world,
        channel="walk_in",
        citizen_name="Visitor Person",
        citizen_email="visitor.person@example.kz",
        citizen_phone="",
        language="kk",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/staff/new/", data)
    appeal = Appeal.objects.get()
    assert response["Location"].endswith(f"/staff/appeals/{appeal.number}/")
    assert appeal.channel == "walk_in" and appeal.registered_by == world.operator_x
    assert appeal.citizen_confirmed_at is None
    assert {m.to[0] for m in mail.outbox} == {"visitor.person@example.kz"}
    # Without any contact the operator is told to write one.
    response = client.post(
        "/en/staff/new/", {**data, "idempotency_key": str(uuid.uuid4()), "citizen_email": ""}
    )
    assert response.status_code == 400 and "email or phone" in response.content.decode()
    # A citizen has no operator form at all.
    client.force_login(world.citizen_a)
    assert client.get("/en/staff/new/").status_code == 404


@pytest.mark.parametrize(
    "contact, gateway, told",
    [
        ({"citizen_email": "v@example.kz"}, "Locmem", "the link or the code sent to their email"),
        (
            {"citizen_phone": "8 701 555 01 23"},
            "Locmem",
            "the link or the code sent to their phone by SMS",
        ),
        ({"citizen_phone": "8 701 555 01 23"}, "Disabled", "no code can reach the visitor"),
    ],
)
def test_the_operator_is_told_how_the_visitor_will_confirm(
    client, world, settings, contact, gateway, told
):
    settings.HALYQ_SMS_BACKEND = f"halyq.sms.backends.{gateway}"
    client.force_login(world.operator_x)
    page = client.post("/en/staff/new/", _visitor_form(world, **contact), follow=True)
    assert page.status_code == 200 and told in page.content.decode()
    assert Appeal.objects.get().number in page.content.decode()


def test_a_phone_that_cannot_take_a_text_is_refused_on_the_form(client, world):
    client.force_login(world.operator_x)
    data = _visitor_form(world, citizen_phone="12345")
    page = client.post("/en/staff/new/", data)
    assert page.status_code == 400
    assert "Enter a Kazakhstan phone number" in page.content.decode()
    assert not Appeal.objects.exists()
    corrected = client.post("/en/staff/new/", {**data, "citizen_phone": "+7 701 555 01 23"})
    assert corrected.status_code == 302
    assert Appeal.objects.get().citizen_phone == "+77015550123"


def test_visitor_link_opens_the_appeal_confirms_and_answers(client, world):
    import halyq.appeals.services as services

    appeal = services.appeal_register(
        channel="phone",
        registered_by=world.operator_x,
        office=world.office_x,
        category=f.category(),
        text=TEXT,
        citizen_name="Visitor",
        citizen_email="v@example.kz",
        idempotency_key=uuid.uuid4(),
    )
    token = visitor_token(appeal.pk)
    page = client.get(f"/en/appeals/v/{token}/")
    assert page.status_code == 200 and TEXT in page.content.decode()
    assert client.post(f"/en/appeals/v/{token}/", {"action": "visitor_confirm"}).status_code == 302
    assert Appeal.objects.get(pk=appeal.pk).visitor_confirmed_at is not None
    assert client.get(f"/en/appeals/v/{token}x/").status_code == 404
    assert client.get(f"/en/appeals/v/{visitor_token(appeal.pk + 1000)}/").status_code == 404


def test_the_short_visitor_link_leads_to_the_page_in_the_appeals_language(client, world):
    appeal = f.visitor_appeal(
        world.operator_x, world.office_x, citizen_phone="+77015550123", language="kk"
    )
    token = visitor_token(appeal.pk)
    assert len(token) <= 26  # it goes by SMS, where every character is paid
    assert client.get(f"/v/{token}").headers["Location"] == f"/kk/appeals/v/{token}/"
    Appeal.objects.filter(pk=appeal.pk).update(language="ru")  # Russian pages have no prefix
    assert client.get(f"/v/{token}").headers["Location"] == f"/appeals/v/{token}/"
    appeal_id, issued, signature = token.split(":")
    for forged in (
        f"{appeal_id}:{issued}:{signature[:-1]}",
        f"{appeal_id}:{issued}:{signature[::-1]}",
        f"{visitor_token(appeal.pk + 1)[:-12]}{signature}",  # another appeal's id
        f"{appeal_id}:{issued}",
        "nonsense",
    ):
        assert client.get(f"/v/{forged}").status_code == 404, forged
        assert client.get(f"/en/appeals/v/{forged}/").status_code == 404, forged
    assert client.post(f"/v/{token}").status_code == 405
    web = f.web_appeal(world.citizen_a, world.office_x)  # its author signs in instead
    assert client.get(f"/v/{visitor_token(web.pk)}").status_code == 404


def test_visitor_links_expire_and_links_sent_before_they_were_shortened_still_open(
    client, world, settings
):
    appeal = f.visitor_appeal(world.operator_x, world.office_x, citizen_email="v@example.kz")
    token = visitor_token(appeal.pk)
    settings.HALYQ_APPEAL_VISITOR_LINK_DAYS = 30
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 31 * 86400):
        assert client.get(f"/en/appeals/v/{token}/").status_code == 404
        assert client.get(f"/v/{token}").status_code == 404
    assert client.get(f"/en/appeals/v/{token}/").status_code == 200
    legacy = signing.dumps({"appeal": appeal.pk}, salt=VISITOR_LINK_SALT, compress=True)
    assert client.get(f"/en/appeals/v/{legacy}/").status_code == 200
    assert client.get(f"/en/appeals/v/{legacy[:-1]}/").status_code == 404
    wrong_shape = signing.dumps({"appeal": str(appeal.pk)}, salt=VISITOR_LINK_SALT)
    assert client.get(f"/en/appeals/v/{wrong_shape}/").status_code == 404


def test_visitor_links_survive_a_rotated_secret_key_while_it_is_a_fallback(client, world, settings):
    appeal = f.visitor_appeal(world.operator_x, world.office_x, citizen_email="v@example.kz")
    token = visitor_token(appeal.pk)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert client.get(f"/v/{token}").status_code == 302
    assert client.get(f"/en/appeals/v/{token}/").status_code == 200
    fresh = visitor_token(appeal.pk)  # signed with the new key
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(f"/en/appeals/v/{token}/").status_code == 404
    assert client.get(f"/en/appeals/v/{fresh}/").status_code == 200


def test_staff_queue_filters_and_bad_parameters(client, appeals_world):
    w = appeals_world
    client.force_login(w.moderator_r)
    page = client.get("/en/staff/?state=all").content.decode()
    assert w.appeal_a.number in page and w.appeal_z.number in page
    page = client.get("/en/staff/?state=registered").content.decode()
    assert w.appeal_z.number in page and w.appeal_a.number not in page
    page = client.get(f"/en/staff/?state=all&office={w.office_x.pk}").content.decode()
    assert w.appeal_a.number in page and w.appeal_z.number not in page
    for bad in (
        "state=burnt",
        "due=yesterday",
        "page=0",
        "size=7",
        "category=x",
        f"office={w.office_y.pk}",
    ):
        assert client.get(f"/en/staff/?{bad}").status_code == 400, bad
    assert client.get("/en/staff/?page=50").status_code == 404


def test_queue_query_count_does_not_grow_with_rows(client, world):
    client.force_login(world.operator_x)
    for _ in range(3):
        f.assign(
            f.web_appeal(world.citizen_a, world.office_x), world.operator_x, world.deputy_person
        )
    with CaptureQueriesContext(connection) as few:
        assert client.get("/en/staff/?state=all").status_code == 200
    for _ in range(12):
        f.web_appeal(world.citizen_b, world.office_x)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/en/staff/?state=all&size=100").status_code == 200
    assert len(many) == len(few)


def test_bulk_assignment(client, world):
    appeals = [f.web_appeal(world.citizen_a, world.office_x) for _ in range(3)]
    client.force_login(world.operator_x)
    picked = [f"{a.pk}:{a.version}" for a in appeals[:2]] + [
        f"{appeals[2].pk}:{appeals[2].version + 5}"
    ]
    response = client.post(
        "/en/staff/assign/", {"appeals": picked, "person": world.deputy_person.pk}, follow=True
    )
    states = {a.number: Appeal.objects.get(pk=a.pk).state for a in appeals}
    assert [states[a.number] for a in appeals] == ["assigned", "assigned", "registered"]
    assert "changed by someone else" in response.content.decode()
    # Another office's appeal is refused without revealing it.
    other = f.web_appeal(world.citizen_b, world.office_y)
    client.post(
        "/en/staff/assign/",
        {"appeals": [f"{other.pk}:{other.version}"], "person": world.deputy_person.pk},
    )
    assert Appeal.objects.get(pk=other.pk).state == "registered"


def test_two_staff_at_once_the_second_is_told_the_appeal_changed(client, world):
    appeal = f.web_appeal(world.citizen_a, world.office_x)
    client.force_login(world.operator_x)
    seen = appeal.version
    client.post(
        f"/en/staff/appeals/{appeal.number}/",
        {"action": "assign", "assign-version": seen, "assign-person": world.deputy_person.pk},
    )
    client.force_login(world.moderator_r)
    response = client.post(
        f"/en/staff/appeals/{appeal.number}/",
        {"action": "reject", "reject-version": seen, "reject-reason": "Spam"},
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert Appeal.objects.get(pk=appeal.pk).state == "assigned"


def test_full_loop_through_pages(client, world):
    appeal = f.web_appeal(world.citizen_a, world.office_x)
    client.force_login(world.operator_x)
    client.post(
        f"/en/staff/appeals/{appeal.number}/",
        {"action": "assign", "assign-version": 1, "assign-person": world.deputy_person.pk},
    )
    client.force_login(world.deputy)
    queue = client.get("/en/staff/").content.decode()
    assert appeal.number in queue
    response = client.post(
        f"/en/staff/appeals/{appeal.number}/",
        {"action": "answer", "answer-version": 2, "answer-answer": ""},
    )
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    client.post(
        f"/en/staff/appeals/{appeal.number}/",
        {
            "action": "answer",
            "answer-version": 2,
            "answer-answer": "The rubbish was collected on Monday.",
        },
    )
    client.force_login(world.citizen_a)
    page = client.get(f"/en/appeals/{appeal.number}/").content.decode()
    assert "The rubbish was collected on Monday." in page and "Was your problem resolved?" in page
    client.post(
        f"/en/appeals/{appeal.number}/",
        {
            "action": "confirm_resolution",
            "confirm_resolution-version": 3,
            "confirm_resolution-resolution": "yes",
        },
    )
    fresh = Appeal.objects.get(pk=appeal.pk)
    assert (fresh.state, fresh.resolution) == ("closed", "yes")
    history = client.get(f"/en/appeals/{appeal.number}/").content.decode()
    for label in ("Registered", "Assigned", "Answered", "resolved"):
        assert label in history


def test_overview_counts_overdue_per_office_and_person(client, world):
    from datetime import timedelta

    from django.utils import timezone

    appeal = f.assign(
        f.web_appeal(world.citizen_a, world.office_x), world.operator_x, world.deputy_person
    )
    # Past due as of today (an appeal received on a day off is registered on the next
    # working day, so its own dates may lie ahead of today).
    today = timezone.localdate()
    Appeal.objects.filter(pk=appeal.pk).update(
        due_on=today - timedelta(days=1), registered_on=today - timedelta(days=30)
    )
    client.force_login(world.moderator_r)
    page = client.get("/en/staff/overview/").content.decode()
    assert world.office_x.name_en in page and world.deputy_person.name in page
    client.force_login(world.operator_x)
    assert client.get("/en/staff/overview/").status_code == 404


def test_notifications_list_on_staff_page_has_no_addresses(client, appeals_world):
    client.force_login(appeals_world.operator_x)
    page = client.get(f"/en/staff/appeals/{appeals_world.appeal_a.number}/").content.decode()
    assert Notification.objects.filter(appeal=appeals_world.appeal_a).exists()
    assert "Notifications" in page


@pytest.mark.parametrize(("who", "sees_it"), [("operator_x", True), ("citizen_a", False)])
def test_the_staff_workspace_link_is_in_the_header_of_every_page_for_staff_only(
    client, world, who, sees_it
):
    client.force_login(getattr(world, who))
    for page in ("/en/", "/en/people/", "/en/news/"):
        html = client.get(page).content.decode()
        assert ('href="/en/staff/"' in html) is sees_it, page


def test_the_reception_link_prefills_the_operator_form_with_what_the_operator_may_use(
    client, world
):
    client.force_login(world.operator_x)
    query = f"office={world.office_x.pk}&addressed_person={world.deputy_person.pk}&channel=walk_in"
    form = client.get(f"/en/staff/new/?{query}").context["form"]
    assert form.initial["office"] == world.office_x
    assert form.initial["addressed_person"] == world.deputy_person
    assert form.initial["channel"] == "walk_in"
    # Another region's office and deputy, or nonsense, are not offered.
    query = f"office={world.office_y.pk}&addressed_person={world.other_person.pk}&channel=x"
    form = client.get(f"/en/staff/new/?{query}").context["form"]
    assert form.initial.get("office") == world.office_x  # the operator's only office
    assert "addressed_person" not in form.initial and "channel" not in form.initial


def _visitors_with_codes(world, count, capture, sms_outbox):
    """Appeals registered for phone-only visitors, each with the code texted to them."""
    with capture(execute=True):
        appeals = [
            f.visitor_appeal(world.operator_x, world.office_x, citizen_phone="+77015550123")
            for _ in range(count)
        ]
    texts = [message.text for message in sms_outbox]
    return [
        (appeal, f.texted_code(next(t for t in texts if appeal.number in t))) for appeal in appeals
    ]


def test_the_code_page_slows_down_a_client_that_keeps_guessing(
    client, world, django_capture_on_commit_callbacks, sms_outbox
):
    (first, _), (second, code) = _visitors_with_codes(
        world, 2, django_capture_on_commit_callbacks, sms_outbox
    )
    for attempt in range(throttling.VISITOR_CODE_FAILURES.limit):
        # A few wrong codes (fewer than an appeal's own cap), then numbers that do not exist.
        number = first.number if attempt < 4 else f"AST-2026-{900000 + attempt}"
        wrong = "000000" if code != "000000" else "111111"
        page = client.post("/en/appeals/confirm/", {"number": number, "code": wrong})
        assert page.status_code == 400, attempt
    # Then nothing is tried for this client, not even a right code; another client goes on.
    refused = client.post("/en/appeals/confirm/", {"number": second.number, "code": code})
    assert refused.status_code == 429
    assert "Too many attempts. Please try again in" in refused.content.decode()
    assert Appeal.objects.get(pk=second.pk).citizen_confirmed_at is None
    other = Client(REMOTE_ADDR="10.1.2.3")
    page = other.post("/en/appeals/confirm/", {"number": second.number, "code": code})
    assert page.status_code == 200
    assert Appeal.objects.get(pk=second.pk).citizen_confirmed_at is not None


def test_right_codes_never_count_against_the_client(
    client, world, django_capture_on_commit_callbacks, sms_outbox
):
    count = throttling.VISITOR_CODE_FAILURES.limit + 1
    visitors = _visitors_with_codes(world, count, django_capture_on_commit_callbacks, sms_outbox)
    for appeal, code in visitors:
        page = client.post("/en/appeals/confirm/", {"number": appeal.number, "code": code})
        assert page.status_code == 200, appeal.number
