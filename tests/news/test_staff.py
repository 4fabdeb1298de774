"""The newsroom's pages: who gets in, writing, previews, covers, publishing, moderation."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from halyq.news.models import Article, Comment, CommentDecision
from tests.news.factories import ArticleFactory, CommentFactory
from tests.news.xss import executable_markup

pytestmark = pytest.mark.django_db

STAFF = "/en/news/staff/"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def image_file(
    name="cover.jpg", size=(800, 450), image_format="JPEG", exif=False
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 80, 40))
    options = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "Camera maker"  # Make
        options["exif"] = data
    image.save(buffer, format=image_format, **options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def form_data(**overrides):
    data = {
        "title_ru": "Приём граждан в Есиле",
        "lead_ru": "Пришли сорок жителей.",
        "body_ru": "<p>Депутат ответил на вопросы.</p>",
        "title_kk": "",
        "lead_kk": "",
        "body_kk": "",
        "title_en": "",
        "lead_en": "",
        "body_en": "",
        "cover_caption_ru": "",
        "cover_caption_kk": "",
        "cover_caption_en": "",
        "cover_credit": "",
        "slug": "",
        "tags": "дороги, Есиль",
        "persons": "",
        "read_also": "",
        "action": "save",
    }
    data.update(overrides)
    return data


def test_anonymous_visitors_sign_in_first_and_citizens_find_nothing(client, citizen):
    response = client.get(STAFF)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(citizen)
    assert client.get(STAFF).status_code == 404
    assert client.get(f"{STAFF}new/").status_code == 404
    assert client.get(f"{STAFF}comments/").status_code == 404


def test_the_newsroom_lists_drafts_scheduled_and_published_articles(client, editor):
    ArticleFactory(title_en="A draft", status="draft")
    ArticleFactory(title_en="A scheduled one", published_at=timezone.now() + timedelta(days=1))
    ArticleFactory(title_en="A published one")
    client.force_login(editor)
    body = client.get(STAFF).content.decode()
    assert "A draft" in body and "A scheduled one" in body and "A published one" in body
    body = client.get(STAFF, {"status": "scheduled"}).content.decode()
    assert "A scheduled one" in body and "A draft" not in body
    assert client.get(STAFF, {"status": "nonsense"}).status_code == 400


def test_an_editor_writes_a_draft_with_the_toolbar_editor(client, editor):
    client.force_login(editor)
    page = client.get(f"{STAFF}new/").content.decode()
    assert 'class="news-toolbar" role="toolbar"' in page and "news-editor.js" in page
    response = client.post(f"{STAFF}new/", form_data())
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/staff/{article.pk}/edit/"
    )
    assert article.status == "draft" and article.author == editor
    assert sorted(article.tags.values_list("name_ru", flat=True)) == ["Есиль", "дороги"]
    page = client.get(response["Location"]).content.decode()
    assert "As readers will see the text" in page and "<p>Депутат ответил на вопросы.</p>" in page


def test_preview_shows_the_sanitised_text_and_saves_nothing(client, editor):
    client.force_login(editor)
    response = client.post(
        f"{STAFF}new/",
        form_data(
            body_ru='<p onclick="x()">Hi</p><script>alert(1)</script><strong>bold</strong>',
            action="preview",
        ),
    )
    assert response.status_code == 200
    assert not Article.objects.exists()
    preview = response.content.decode().split('id="preview-heading"')[1]
    assert "<p>Hi</p>" in preview and "<strong>bold</strong>" in preview
    assert executable_markup(preview.split("</section>")[0]) == []


def test_a_form_with_errors_is_shown_again_with_them(client, editor):
    client.force_login(editor)
    response = client.post(f"{STAFF}new/", form_data(title_ru="", persons="not-a-person"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "No person found" in body
    assert not Article.objects.exists()


def test_people_and_read_also_are_given_by_address(client, editor, example_world):
    person = example_world["people"]["gulnar"]
    other = ArticleFactory()
    client.force_login(editor)
    client.post(
        f"{STAFF}new/",
        form_data(
            persons=f"https://halyq.kz/kk/people/{person.public_id}/",
            read_also=f"https://halyq.kz/en/news/{other.slug}/",
        ),
    )
    article = Article.objects.exclude(pk=other.pk).get()
    assert list(article.persons.all()) == [person]
    assert [link.target for link in article.read_also_links.all()] == [other]


def test_a_cover_is_checked_re_encoded_and_stored_under_news(client, editor):
    client.force_login(editor)
    client.post(
        f"{STAFF}new/",
        {
            **form_data(cover_caption_ru="Жители на приёме", cover_credit="Пресс-служба"),
            "cover": image_file(exif=True),
        },
    )
    article = Article.objects.get()
    assert article.cover.name.startswith("news/") and article.cover.name.endswith(".jpg")
    with Image.open(article.cover.path) as stored:
        assert stored.size == (800, 450)
        assert not stored.getexif()  # metadata dropped
    body = client.get(f"/news/{article.slug}/").content.decode()
    assert 'alt="Жители на приёме"' in body and "Пресс-служба" in body


@pytest.mark.parametrize(
    "upload,message",
    [
        (
            SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg"),
            "not an image we can use",
        ),
        (
            SimpleUploadedFile(
                "x.svg",
                b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                content_type="image/svg+xml",
            ),
            "not an image we can use",
        ),
        ("gif", "Upload a JPEG, PNG or WebP image."),
        ("tiny", "The image is too small"),
        ("huge", "larger than 5 MB"),
    ],
)
def test_non_images_and_bad_images_are_refused(client, editor, settings, upload, message):
    if upload == "gif":
        upload = image_file("x.gif", image_format="GIF")
    elif upload == "tiny":
        upload = image_file(size=(50, 50))
    elif upload == "huge":
        settings.HALYQ_NEWS_COVER_MAX_BYTES = 5 * 1024 * 1024
        upload = SimpleUploadedFile(
            "big.jpg", b"\xff" * (5 * 1024 * 1024 + 1), content_type="image/jpeg"
        )
    client.force_login(editor)
    response = client.post(f"{STAFF}new/", {**form_data(), "cover": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_an_image_too_large_in_pixels_is_refused(client, editor):
    client.force_login(editor)
    response = client.post(
        f"{STAFF}new/", {**form_data(), "cover": image_file(size=(6001, 200), image_format="PNG")}
    )
    assert response.status_code == 400 and "larger than 6000 pixels" in response.content.decode()


def test_editors_see_no_publishing_controls_and_cannot_publish(client, editor):
    article = ArticleFactory(status="draft")
    client.force_login(editor)
    page = client.get(f"{STAFF}{article.pk}/edit/").content.decode()
    assert "/publish/" not in page
    assert client.post(f"{STAFF}{article.pk}/publish/").status_code == 404
    article.refresh_from_db()
    assert article.status == "draft"


def test_an_editor_cannot_open_a_published_article_in_the_editor(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    assert client.get(f"{STAFF}{article.pk}/edit/").status_code == 403


def test_a_publisher_publishes_schedules_and_unpublishes(client, publisher):
    article = ArticleFactory(status="draft")
    client.force_login(publisher)
    client.post(f"{STAFF}{article.pk}/publish/", {"publish_at": ""})
    article.refresh_from_db()
    assert article.is_published()
    later = timezone.localtime() + timedelta(days=2)
    client.post(f"{STAFF}{article.pk}/publish/", {"publish_at": later.strftime("%Y-%m-%dT%H:%M")})
    article.refresh_from_db()
    assert article.is_scheduled()
    assert (
        client.get(f"/news/{article.slug}/", HTTP_USER_AGENT="x").status_code == 200
    )  # the newsroom sees it
    client.logout()
    assert client.get(f"/news/{article.slug}/").status_code == 404
    client.force_login(publisher)
    client.post(f"{STAFF}{article.pk}/unpublish/")
    article.refresh_from_db()
    assert article.status == "draft"
    response = client.post(f"{STAFF}{article.pk}/publish/", {"publish_at": "tomorrow"})
    article.refresh_from_db()
    assert article.status == "draft" and response.status_code == 302


def test_the_moderation_queue_publishes_and_rejects_with_a_logged_reason(client, publisher):
    article = ArticleFactory()
    waiting = CommentFactory(article=article, status="pending", text="Please fix the lights")
    spam = CommentFactory(article=article, status="pending", text="Buy now")
    client.force_login(publisher)
    body = client.get(f"{STAFF}comments/").content.decode()
    assert "Please fix the lights" in body and "Buy now" in body and "Reader #" in body
    assert waiting.author.email not in body
    client.post(f"{STAFF}comments/{waiting.pk}/decide/", {"decision": "publish", "reason": ""})
    client.post(
        f"{STAFF}comments/{spam.pk}/decide/", {"decision": "reject", "reason": "advertising"}
    )
    assert Comment.objects.get(pk=waiting.pk).status == "published"
    assert Comment.objects.get(pk=spam.pk).status == "rejected"
    decision = CommentDecision.objects.get(comment=spam)
    assert (decision.moderator, decision.reason) == (publisher, "advertising")
    assert Article.objects.get(pk=article.pk).comment_count == 1
    body = client.get(f"{STAFF}comments/", {"status": "rejected"}).content.decode()
    assert "Buy now" in body and "advertising" in body
    assert client.get(f"{STAFF}comments/", {"status": "deleted"}).status_code == 400


def test_editors_cannot_moderate(client, editor):
    comment = CommentFactory(status="pending")
    client.force_login(editor)
    assert client.get(f"{STAFF}comments/").status_code == 404
    assert (
        client.post(f"{STAFF}comments/{comment.pk}/decide/", {"decision": "publish"}).status_code
        == 404
    )
    assert Comment.objects.get(pk=comment.pk).status == "pending"


def test_the_admin_lists_articles_and_publishes_through_the_service(admin_client):
    article = ArticleFactory(status="draft")
    assert admin_client.get("/admin/news/article/").status_code == 200
    admin_client.post(
        "/admin/news/article/", {"action": "publish", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.is_published()
    assert article.events.filter(action="published").exists()
