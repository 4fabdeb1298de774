"""News in the API (published only; moderators decide comments) and the caller's account."""

from __future__ import annotations

import pytest
from django.utils import timezone

from halyq.accounts.models import RoleAssignment
from halyq.news.models import Article, Comment
from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(db):
    published = Article.objects.create(
        slug="budget-hearings",
        status=Article.Status.PUBLISHED,
        published_at=timezone.now(),
        title_ru="Бюджетные слушания",
        title_en="Budget hearings",
        lead_en="Lead",
        body_en="<p>Body</p>",
    )
    Article.objects.create(slug="draft-piece", title_ru="Черновик")
    Article.objects.create(
        slug="tomorrow",
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() + timezone.timedelta(days=1),
        title_ru="Завтра",
    )
    return published


def test_readers_get_published_articles_only(client_en, articles):
    listed = client_en.get("/api/v1/news/").json()
    assert [a["slug"] for a in listed["results"]] == ["budget-hearings"]
    detail = client_en.get("/api/v1/news/budget-hearings/").json()
    assert detail["title"]["en"] == "Budget hearings"
    assert detail["body"]["en"] == "<p>Body</p>"
    assert detail["languages"] == ["ru", "en"]
    for slug in ("draft-piece", "tomorrow", "nothing"):
        assert client_en.get(f"/api/v1/news/{slug}/").status_code == 404


@pytest.fixture
def pending_comment(articles):
    author = UserFactory(email="commenter@example.kz", display_name="Commenter")
    return Comment.objects.create(article=articles, author=author, text="Хорошие новости!")


def publisher():
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=RoleAssignment.Role.PUBLISHER)
    return user


def test_a_moderator_sees_the_queue_without_the_authors_identity(pending_comment):
    response = token_client(publisher()).get("/api/v1/staff/moderation/comments/")
    assert response.status_code == 200
    [comment] = response.json()["results"]
    assert comment["text"] == "Хорошие новости!" and len(comment["reader"]) == 6
    assert "commenter@example.kz" not in response.content.decode()
    assert "Commenter" not in response.content.decode()


def test_a_moderator_publishes_a_comment_through_the_service(pending_comment):
    client = token_client(publisher())
    response = client.post(
        f"/api/v1/staff/moderation/comments/{pending_comment.pk}/decision/",
        {"decision": "publish"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    assert response.json()["decisions"][0]["decision"] == "publish"
    bad = client.post(
        f"/api/v1/staff/moderation/comments/{pending_comment.pk}/decision/",
        {"decision": "shout"},
        format="json",
    )
    assert bad.status_code == 400


def test_everybody_else_has_no_moderation_queue(pending_comment):
    client = token_client(UserFactory())
    assert client.get("/api/v1/staff/moderation/comments/").status_code == 404
    response = client.post(
        f"/api/v1/staff/moderation/comments/{pending_comment.pk}/decision/",
        {"decision": "publish"},
        format="json",
    )
    assert response.status_code == 404
    pending_comment.refresh_from_db()
    assert pending_comment.status == "pending"


def test_me_shows_the_account_and_its_roles(world):
    body = token_client(world.moderator_r).get("/api/v1/me/").json()
    assert body["email"] == "moderator.astana@example.kz"
    assert body["roles"] == [{"role": "moderator", "region": "71"}]
    operator = token_client(world.operator_x).get("/api/v1/me/").json()
    assert operator["offices"] == ["astana-main"]
    deputy = token_client(world.deputy).get("/api/v1/me/").json()
    assert deputy["person"] == str(world.deputy_person.public_id)


def test_my_data_is_the_sites_download_and_only_mine(appeals_world):
    w = appeals_world
    response = token_client(w.citizen_a).get("/api/v1/me/data/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    text = response.content.decode()
    assert "citizen.a@example.kz" in text
    assert "citizen.b@example.kz" not in text and w.appeal_b.number not in text


def test_deciding_an_unknown_comment_is_a_problem_404_not_a_crash(pending_comment):
    response = token_client(publisher()).post(
        f"/api/v1/staff/moderation/comments/{pending_comment.pk + 1000}/decision/",
        {"decision": "publish"},
        format="json",
    )
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
