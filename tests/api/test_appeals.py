"""Appeals through the API: the citizen files and follows their own, the staff work the
queue within their reach; the same services and rules as the pages."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from halyq.appeals import deadlines
from halyq.appeals.models import Appeal, AppealEvent
from tests.api.conftest import token_client
from tests.appeals import factories as f

pytestmark = pytest.mark.django_db


def new_appeal(**changes) -> dict:
    body = {
        "office": "astana-main",
        "category": "roads",
        "text": "На перекрёстке у школы не работает светофор уже неделю.",
        "idempotency_key": str(uuid.uuid4()),
    }
    body.update(changes)
    return body


# --- public --------------------------------------------------------------------------------


def test_offices_and_categories_are_public(client_en, world):
    offices = client_en.get("/api/v1/offices/", {"region": "75"}).json()["results"]
    assert [office["id"] for office in offices] == ["almaty-main"]
    assert offices[0]["receiving_people"] == [str(world.other_person.public_id)]
    assert "operators" not in offices[0]
    categories = client_en.get("/api/v1/categories/").json()
    assert "housing" in {category["code"] for category in categories}
    assert client_en.get("/api/v1/offices/astana-main/").json()["region"] == "71"


# --- the citizen -----------------------------------------------------------------------------


def test_a_citizen_files_an_appeal_and_a_repeat_returns_the_same_one(world):
    client = token_client(world.citizen_a)
    body = new_appeal()
    created = client.post("/api/v1/me/appeals/", body, format="json")
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert number.startswith("AST-")
    assert created.json()["history"][0]["action"] == "register"
    again = client.post("/api/v1/me/appeals/", body, format="json")
    assert again.status_code == 200
    assert again.json()["number"] == number
    assert Appeal.objects.count() == 1
    appeal = Appeal.objects.get()
    assert appeal.author == world.citizen_a and appeal.channel == "web"


def test_the_idempotency_key_may_come_as_a_header_and_is_required(world):
    client = token_client(world.citizen_a)
    body = new_appeal()
    del body["idempotency_key"]
    missing = client.post("/api/v1/me/appeals/", body, format="json")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "idempotency_key"
    key = str(uuid.uuid4())
    first = client.post("/api/v1/me/appeals/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    second = client.post("/api/v1/me/appeals/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, second.status_code) == (201, 200)
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"office": "no-such-office"}, "office"),
        ({"category": "no-such"}, "category"),
        ({"text": "Коротко."}, "text"),
        ({"addressed_person": "not-a-uuid"}, "addressed_person"),
        ({"addressed_person": str(uuid.uuid4())}, "addressed_person"),
    ],
)
def test_bad_appeals_are_refused_field_by_field_and_nothing_is_written(world, changes, field):
    response = token_client(world.citizen_a).post(
        "/api/v1/me/appeals/", new_appeal(**changes), format="json"
    )
    assert response.status_code == 400, response.content
    assert field in {error["field"] for error in response.json()["errors"]}
    assert not Appeal.objects.exists()


def test_the_service_rules_answer_in_the_clients_language(world):
    world.office_x.is_active = False
    world.office_x.save()
    client = token_client(world.citizen_a, language="en")
    response = client.post("/api/v1/me/appeals/", new_appeal(), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "office", "code": "invalid", "detail": "Choose an open reception office."}
    ]


def test_a_citizen_sees_only_their_own_appeals(appeals_world):
    w = appeals_world
    client = token_client(w.citizen_a)
    listed = client.get("/api/v1/me/appeals/").json()
    assert [a["number"] for a in listed["results"]] == [w.appeal_a.number]
    detail = client.get(f"/api/v1/me/appeals/{w.appeal_a.number}/").json()
    assert detail["text"] == w.appeal_a.text
    assert detail["attachments"][0]["name"] == "photo.png"
    for number in (w.appeal_b.number, w.appeal_z.number, "AST-2099-999999"):
        assert client.get(f"/api/v1/me/appeals/{number}/").status_code == 404


def test_staff_reach_does_not_open_the_citizens_endpoint(appeals_world):
    w = appeals_world
    response = token_client(w.operator_x).get(f"/api/v1/me/appeals/{w.appeal_a.number}/")
    assert response.status_code == 404


def _answer(appeal, deputy_user):
    from halyq.appeals import services

    return services.appeal_transition(
        appeal_id=appeal.pk,
        action="answer",
        user=deputy_user,
        version=appeal.version,
        data=services.TransitionInput(answer="Светофор отремонтирован сегодня утром."),
    )


def test_the_citizen_confirms_the_resolution_with_the_version_seen(appeals_world):
    w = appeals_world
    appeal = _answer(w.appeal_a, w.deputy)
    client = token_client(w.citizen_a)
    detail = client.get(f"/api/v1/me/appeals/{appeal.number}/").json()
    assert [a["action"] for a in detail["actions"]] == ["confirm_resolution"]
    stale = client.post(
        f"/api/v1/me/appeals/{appeal.number}/transitions/",
        {"action": "confirm_resolution", "version": appeal.version - 1, "resolution": "yes"},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "appeal_changed"
    done = client.post(
        f"/api/v1/me/appeals/{appeal.number}/transitions/",
        {"action": "confirm_resolution", "version": appeal.version, "resolution": "yes"},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert (done.json()["state"], done.json()["resolution"]) == ("closed", "yes")
    again = client.post(
        f"/api/v1/me/appeals/{appeal.number}/transitions/",
        {"action": "confirm_resolution", "version": done.json()["version"], "resolution": "no"},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "wrong_state"


def test_a_citizen_cannot_take_a_staff_action(appeals_world):
    w = appeals_world
    response = token_client(w.citizen_a).post(
        f"/api/v1/me/appeals/{w.appeal_a.number}/transitions/",
        {"action": "answer", "version": w.appeal_a.version},
        format="json",
    )
    assert response.status_code == 400
    assert "action" in {error["field"] for error in response.json()["errors"]}


def test_a_citizen_never_sees_the_number_of_another_citizens_appeal(appeals_world):
    from halyq.appeals import services

    w = appeals_world
    second = f.web_appeal(
        w.citizen_a, w.office_z, text="Повторно: во дворе третий месяц нет горячей воды."
    )
    services.appeal_transition(
        appeal_id=second.pk,
        action="merge_duplicate",
        user=w.moderator_r,
        version=second.version,
        data=services.TransitionInput(duplicate_of=w.appeal_z.number),
    )
    body = token_client(w.citizen_a).get(f"/api/v1/me/appeals/{second.number}/").content.decode()
    assert w.appeal_z.number not in body
    staff = token_client(w.moderator_r).get(f"/api/v1/staff/appeals/{second.number}/").json()
    assert staff["duplicate_of"] == w.appeal_z.number


# --- the staff ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("operator_x", {"appeal_a"}),
        ("operator_y", {"appeal_b"}),
        ("deputy", {"appeal_a"}),
        ("other_deputy", {"appeal_b"}),
        ("moderator_r", {"appeal_a", "appeal_z"}),
        ("moderator_r2", {"appeal_b"}),
        ("admin", {"appeal_a", "appeal_b", "appeal_z"}),
    ],
)
def test_each_role_sees_exactly_its_reach_in_the_queue(appeals_world, who, visible):
    w = appeals_world
    client = token_client(getattr(w, who))
    numbers = {a["number"] for a in client.get("/api/v1/staff/appeals/").json()["results"]}
    assert numbers == {getattr(w, name).number for name in visible}
    for name in ("appeal_a", "appeal_b", "appeal_z"):
        number = getattr(w, name).number
        status = client.get(f"/api/v1/staff/appeals/{number}/").status_code
        assert status == (200 if name in visible else 404), (who, name)


def test_the_queue_lists_no_personal_data_and_the_detail_shows_contacts(appeals_world):
    w = appeals_world
    client = token_client(w.operator_x)
    listed = client.get("/api/v1/staff/appeals/").content.decode()
    assert "citizen.a@example.kz" not in listed and w.appeal_a.text not in listed
    detail = client.get(f"/api/v1/staff/appeals/{w.appeal_a.number}/").json()
    assert detail["citizen"]["email"] == "citizen.a@example.kz"
    assert {a["action"] for a in detail["actions"]} == {"transfer", "reject", "merge_duplicate"}
    assert detail["history"][1]["actor"]


def test_citizens_and_strangers_have_no_staff_queue(appeals_world):
    w = appeals_world
    for user in (w.citizen_a, f.UserFactory()):
        client = token_client(user)
        assert client.get("/api/v1/staff/appeals/").status_code == 404
        assert client.get("/api/v1/staff/appeals/counts/").status_code == 404
        assert client.get(f"/api/v1/staff/appeals/{w.appeal_a.number}/").status_code == 404


def test_queue_filters_and_counts(appeals_world):
    w = appeals_world
    client = token_client(w.moderator_r)
    unassigned = client.get("/api/v1/staff/appeals/", {"state": "registered"}).json()
    assert [a["number"] for a in unassigned["results"]] == [w.appeal_z.number]
    office = client.get("/api/v1/staff/appeals/", {"office": "astana-main"}).json()
    assert [a["number"] for a in office["results"]] == [w.appeal_a.number]
    assert client.get("/api/v1/staff/appeals/", {"state": "lost"}).status_code == 400
    assert client.get("/api/v1/staff/appeals/counts/").json() == {
        "open": 2,
        "soon": 0,
        "overdue": 0,
        "unassigned": 1,
    }


def test_the_deputy_answers_and_extends_through_the_same_service(appeals_world):
    w = appeals_world
    client = token_client(w.deputy)
    url = f"/api/v1/staff/appeals/{w.appeal_a.number}/transitions/"
    too_late = deadlines.latest_extended_due(w.appeal_a.term_started_on) + timedelta(days=30)
    refused = client.post(
        url,
        {
            "action": "extend",
            "version": 2,
            "due_on": too_late.isoformat(),
            "reason": "Ждём акимат.",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "due_on"
    answered = client.post(
        url, {"action": "answer", "version": 2, "answer": "Светофор починят завтра."}, format="json"
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["state"] == "answered"
    assert "citizen" not in answered.json()
    assert AppealEvent.objects.filter(appeal=w.appeal_a, action="answer").count() == 1


def test_a_role_that_may_not_take_a_step_gets_403_and_nothing_changes(appeals_world):
    w = appeals_world
    response = token_client(w.operator_x).post(
        f"/api/v1/staff/appeals/{w.appeal_a.number}/transitions/",
        {"action": "answer", "version": 2, "answer": "Оператор не отвечает за депутата."},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed_for_role"
    w.appeal_a.refresh_from_db()
    assert w.appeal_a.state == "assigned" and w.appeal_a.version == 2


def test_acting_on_an_appeal_outside_ones_reach_is_404(appeals_world):
    w = appeals_world
    response = token_client(w.operator_x).post(
        f"/api/v1/staff/appeals/{w.appeal_b.number}/transitions/",
        {"action": "reject", "version": 2, "reason": "Спам."},
        format="json",
    )
    assert response.status_code == 404
    w.appeal_b.refresh_from_db()
    assert w.appeal_b.state == "assigned"


def test_assign_by_public_id_and_unknown_people_are_field_errors(appeals_world):
    w = appeals_world
    client = token_client(w.moderator_r)
    url = f"/api/v1/staff/appeals/{w.appeal_z.number}/transitions/"
    unknown = client.post(
        url, {"action": "assign", "version": 1, "person": str(uuid.uuid4())}, format="json"
    )
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "person"
    assigned = client.post(
        url,
        {"action": "assign", "version": 1, "person": str(w.deputy_person.public_id)},
        format="json",
    )
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["assigned_person"] == str(w.deputy_person.public_id)


def test_the_queue_costs_the_same_queries_whatever_its_length(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = token_client(world.admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/staff/appeals/", {"page_size": 100}).status_code == 200
        return len(captured)

    f.web_appeal(world.citizen_a, world.office_x)
    queries()  # the first use of a token records it (one UPDATE)
    few = queries()
    for _ in range(8):
        f.web_appeal(world.citizen_b, world.office_y)
    assert queries() == few
