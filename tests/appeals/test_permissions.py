"""The permission matrix: every role × every appeal × every action, refused or allowed.

Roles: citizens A and B, operators of offices X (Astana) and Y (Almaty), the deputy
assigned to appeal A and another deputy, moderators of Astana and of Almaty, a central
administrator, and an anonymous visitor. Appeals: A (citizen A, office X, assigned to
the deputy), B (citizen B, office Y, assigned to the other deputy), Z (citizen B,
office Z in Astana, not assigned). Actions: view (the citizen's and the staff page),
list (queues and "my appeals"), change (a transition), download an attachment, export.
"""

from __future__ import annotations

from itertools import product

import pytest

from halyq.appeals.models import Appeal
from halyq.appeals.rules import appeal_relations, visible_appeals_q
from halyq.appeals.workflow import STAFF_RELATIONS, Relation, State

pytestmark = pytest.mark.django_db

ROLES = [
    "citizen_a",
    "citizen_b",
    "operator_x",
    "operator_y",
    "deputy",
    "other_deputy",
    "moderator_r",
    "moderator_r2",
    "admin",
    "anonymous",
]
APPEALS = ["appeal_a", "appeal_b", "appeal_z"]

AUTHOR = {"appeal_a": "citizen_a", "appeal_b": "citizen_b", "appeal_z": "citizen_b"}
STAFF = {
    "appeal_a": {"operator_x", "deputy", "moderator_r", "admin"},
    "appeal_b": {"operator_y", "other_deputy", "moderator_r2", "admin"},
    "appeal_z": {"moderator_r", "admin"},
}
ROUTERS = {"operator_x", "operator_y", "moderator_r", "moderator_r2", "admin"}
EXPORTERS = ROUTERS


def _client(client, world, role):
    if role != "anonymous":
        client.force_login(getattr(world, role))
    return client


def _is_login_redirect(response):
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("role", "appeal_name"), list(product(ROLES, APPEALS)))
def test_view(client, appeals_world, role, appeal_name):
    appeal = getattr(appeals_world, appeal_name)
    c = _client(client, appeals_world, role)
    citizen_page = c.get(f"/en/appeals/{appeal.number}/")
    staff_page = c.get(f"/en/staff/appeals/{appeal.number}/")
    if role == "anonymous":
        assert _is_login_redirect(citizen_page) and _is_login_redirect(staff_page)
        return
    is_author, is_staff = AUTHOR[appeal_name] == role, role in STAFF[appeal_name]
    if is_author:
        assert citizen_page.status_code == 200
        assert appeal.text in citizen_page.content.decode()
    elif is_staff:
        assert citizen_page.status_code == 302
        assert citizen_page["Location"].endswith(f"/staff/appeals/{appeal.number}/")
    else:
        assert citizen_page.status_code == 404
    if is_staff:
        assert staff_page.status_code == 200
        assert appeal.text in staff_page.content.decode()
    else:
        assert staff_page.status_code == 404
        assert appeal.text not in staff_page.content.decode()


@pytest.mark.parametrize(("role", "appeal_name"), list(product(ROLES, APPEALS)))
def test_list(client, appeals_world, role, appeal_name):
    appeal = getattr(appeals_world, appeal_name)
    c = _client(client, appeals_world, role)
    queue = c.get("/en/staff/?state=all&size=100")
    mine = c.get("/en/appeals/")
    if role == "anonymous":
        assert _is_login_redirect(queue) and _is_login_redirect(mine)
        return
    in_queue = queue.status_code == 200 and appeal.number in queue.content.decode()
    assert in_queue is (role in STAFF[appeal_name])
    if queue.status_code != 200:
        assert queue.status_code == 404  # not staff at all: no workspace
    assert mine.status_code == 200
    assert (appeal.number in mine.content.decode()) is (AUTHOR[appeal_name] == role)


@pytest.mark.parametrize(("role", "appeal_name"), list(product(ROLES, APPEALS)))
def test_change(client, appeals_world, role, appeal_name):
    appeal = getattr(appeals_world, appeal_name)
    before = Appeal.objects.get(pk=appeal.pk)
    c = _client(client, appeals_world, role)
    data = {"action": "reject", "reject-version": before.version, "reject-reason": "Spam"}
    staff_post = c.post(f"/en/staff/appeals/{appeal.number}/", data)
    after = Appeal.objects.get(pk=appeal.pk)
    if role == "anonymous":
        assert _is_login_redirect(staff_post)
    elif role in STAFF[appeal_name] and role in ROUTERS:
        assert staff_post.status_code == 302
        assert after.state == State.REJECTED
        return
    elif role in STAFF[appeal_name]:
        assert staff_post.status_code == 403  # a deputy may not reject
    else:
        assert staff_post.status_code == 404
    assert (after.state, after.version) == (before.state, before.version)
    # The citizen's page refuses staff actions too (the author may only answer or reopen).
    citizen_post = c.post(f"/en/appeals/{appeal.number}/", data)
    after = Appeal.objects.get(pk=appeal.pk)
    assert (after.state, after.version) == (before.state, before.version)
    if AUTHOR[appeal_name] == role:
        assert citizen_post.status_code == 403


@pytest.mark.parametrize(("role", "appeal_name"), list(product(ROLES, APPEALS)))
def test_download_attachment(client, appeals_world, role, appeal_name):
    appeal = getattr(appeals_world, appeal_name)
    attachment = appeal.attachments.get()
    c = _client(client, appeals_world, role)
    response = c.get(f"/en/appeals/{appeal.number}/files/{attachment.pk}/")
    if role == "anonymous":
        assert _is_login_redirect(response)
    elif AUTHOR[appeal_name] == role or role in STAFF[appeal_name]:
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    else:
        assert response.status_code == 404


@pytest.mark.parametrize(("role", "appeal_name"), list(product(ROLES, APPEALS)))
def test_export(client, appeals_world, role, appeal_name):
    appeal = getattr(appeals_world, appeal_name)
    c = _client(client, appeals_world, role)
    response = c.get("/en/staff/export.csv?state=all")
    if role == "anonymous":
        assert _is_login_redirect(response)
        return
    if role not in EXPORTERS:
        assert response.status_code == 404
        return
    body = b"".join(response.streaming_content).decode()
    assert (appeal.number in body) is (role in STAFF[appeal_name])
    # No personal data of citizens in an export, whoever asks.
    assert appeal.text not in body
    assert "citizen.a@example.kz" not in body and "Citizen A" not in body


@pytest.mark.parametrize("role", ROLES)
def test_rules_and_query_filter_agree(appeals_world, role):
    """The per-object relations and the list filter are one definition, checked here."""
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if role == "anonymous" else getattr(appeals_world, role)
    reach = visible_appeals_q(user)
    visible = set(
        (Appeal.objects.all() if reach is None else Appeal.objects.filter(reach)).values_list(
            "number", flat=True
        )
    )
    for name in APPEALS:
        appeal = getattr(appeals_world, name)
        relations = appeal_relations(user, appeal)
        expected = AUTHOR[name] == role or role in STAFF[name]
        assert bool(relations) is expected
        assert (appeal.number in visible) is expected
        assert user.has_perm("appeals.view_appeal", appeal) is expected
        assert user.has_perm("appeals.view_attachment", appeal) is expected
        assert user.has_perm("appeals.view_staff_appeal", appeal) is (role in STAFF[name])
        assert bool(relations & STAFF_RELATIONS) is (role in STAFF[name])
        if role != "anonymous" and AUTHOR[name] == role:
            assert Relation.AUTHOR in relations
