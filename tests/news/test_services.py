"""Writes through the services: articles, publishing, comments, moderation, reactions."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from halyq.news import services
from halyq.news.models import (
    Article,
    ArticleEvent,
    Comment,
    CommentDecision,
    CommentReport,
    Reaction,
    Tag,
)
from halyq.news.services import ArticleData
from tests.factories import UserFactory
from tests.news.factories import ArticleFactory, CommentFactory
from tests.news.xss import PAYLOADS, executable_markup

pytestmark = pytest.mark.django_db


def data(**overrides) -> ArticleData:
    values = {
        "title": {"ru": "Депутат провёл приём в Есиле", "kk": "Депутат Есілде қабылдау өткізді"},
        "lead": {"ru": "Пришли 40 жителей."},
        "body": {"ru": "<p>Текст</p>", "kk": "<p>Мәтін</p>"},
    }
    values.update(overrides)
    return ArticleData(**values)


def test_an_editor_creates_a_draft_with_a_slug_from_the_title(editor):
    article = services.article_create(actor=editor, data=data())
    assert article.status == Article.Status.DRAFT
    assert article.slug == "deputat-provel-priem-v-esile"
    assert article.author == editor
    assert ArticleEvent.objects.filter(article=article, action="created", actor=editor).exists()
    again = services.article_create(actor=editor, data=data())
    assert again.slug == "deputat-provel-priem-v-esile-2"


def test_reserved_addresses_are_never_given_to_an_article(editor):
    article = services.article_create(actor=editor, data=data(slug="staff"))
    assert article.slug == "staff-2"


def test_bodies_are_sanitised_on_save(editor):
    body = "<p>ok</p>" + "".join(PAYLOADS)
    article = services.article_create(actor=editor, data=data(body={"ru": body}))
    assert executable_markup(article.body_ru) == []
    assert article.body_ru.startswith("<p>ok</p>")


def test_an_article_needs_a_title_and_a_body_needs_its_languages_title(editor):
    with pytest.raises(ValidationError):
        services.article_create(actor=editor, data=data(title={}))
    with pytest.raises(ValidationError):
        services.article_create(actor=editor, data=data(body={"en": "<p>English only</p>"}))
    assert not Article.objects.exists()


def test_citizens_cannot_write(citizen):
    with pytest.raises(PermissionDenied):
        services.article_create(actor=citizen, data=data())


def test_editors_edit_drafts_but_not_published_articles(editor, publisher):
    article = services.article_create(actor=editor, data=data())
    services.article_update(
        actor=editor,
        article=article,
        data=data(title={"ru": "Новый заголовок"}, body={"ru": "<p>Т</p>"}),
    )
    article.refresh_from_db()
    assert article.title_ru == "Новый заголовок" and article.title_kk == ""
    services.article_publish(actor=publisher, article=article)
    with pytest.raises(PermissionDenied):
        services.article_update(actor=editor, article=article, data=data())
    services.article_update(actor=publisher, article=article, data=data())


def test_editors_cannot_publish(editor):
    article = services.article_create(actor=editor, data=data())
    with pytest.raises(PermissionDenied):
        services.article_publish(actor=editor, article=article)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_publishing_now_scheduling_and_unpublishing(editor, publisher):
    article = services.article_create(actor=editor, data=data())
    later = timezone.now() + timedelta(hours=3)
    services.article_publish(actor=publisher, article=article, at=later)
    article.refresh_from_db()
    assert article.is_scheduled() and not article.is_published()
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.published(later + timedelta(minutes=1)).filter(pk=article.pk).exists()
    services.article_publish(actor=publisher, article=article)
    article.refresh_from_db()
    assert article.is_published()
    services.article_unpublish(actor=publisher, article=article)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    actions = list(
        ArticleEvent.objects.filter(article=article).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["created", "scheduled", "published", "unpublished"]


def test_an_empty_article_cannot_be_published(editor, publisher):
    article = services.article_create(actor=editor, data=data(body={}))
    with pytest.raises(ValidationError):
        services.article_publish(actor=publisher, article=article)


def test_the_address_of_a_published_article_is_kept(editor, publisher):
    article = services.article_create(actor=editor, data=data())
    services.article_update(actor=editor, article=article, data=data(slug="new-address"))
    article.refresh_from_db()
    assert article.slug == "new-address"
    services.article_publish(actor=publisher, article=article)
    with pytest.raises(ValidationError):
        services.article_update(actor=publisher, article=article, data=data(slug="other"))


def test_saving_an_article_never_overwrites_its_counters(editor, publisher):
    article = services.article_create(actor=editor, data=data())
    stale = Article.objects.get(pk=article.pk)
    Article.objects.filter(pk=article.pk).update(view_count=500, comment_count=4, reaction_count=9)
    services.article_update(actor=publisher, article=stale, data=data())
    services.article_publish(actor=publisher, article=stale)
    article.refresh_from_db()
    assert (article.view_count, article.comment_count, article.reaction_count) == (500, 4, 9)


def test_links_tags_and_read_also_are_saved_in_order(editor, astana, example_world):
    other_a, other_b = ArticleFactory(), ArticleFactory()
    person = example_world["people"]["alikhan"]
    article = services.article_create(
        actor=editor,
        data=data(
            tag_names=["Бюджет", "дороги", "Бюджет"],
            persons=[person],
            regions=[astana],
            organizations=[example_world["factions"]["astana"]],
            read_also=[other_b, other_a],
        ),
    )
    assert sorted(article.tags.values_list("slug", flat=True)) == ["byudzhet", "dorogi"]
    assert list(article.persons.all()) == [person]
    assert [link.target for link in article.read_also_links.order_by("position")] == [
        other_b,
        other_a,
    ]
    assert Tag.objects.count() == 2


# --- comments ------------------------------------------------------------------------


def test_comments_are_held_for_moderation_by_default(citizen):
    article = ArticleFactory()
    comment = services.comment_create(user=citizen, article=article, text="  Спасибо!  ")
    assert comment.status == Comment.Status.PENDING and comment.text == "Спасибо!"
    article.refresh_from_db()
    assert article.comment_count == 0


def test_post_moderated_comments_are_published_and_counted_at_once(citizen, settings):
    settings.HALYQ_NEWS_COMMENTS_PREMODERATED = False
    article = ArticleFactory()
    services.comment_create(user=citizen, article=article, text="Хорошо")
    article.refresh_from_db()
    assert article.comment_count == 1


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_empty_or_overlong_comments_are_refused(citizen, text):
    with pytest.raises(ValidationError):
        services.comment_create(user=citizen, article=ArticleFactory(), text=text)
    assert not Comment.objects.exists()


def test_only_published_articles_take_comments_and_only_confirmed_accounts_write_them(citizen):
    with pytest.raises(ValidationError):
        services.comment_create(user=citizen, article=ArticleFactory(status="draft"), text="x")
    unconfirmed = UserFactory(email_confirmed_at=None)
    with pytest.raises(PermissionDenied):
        services.comment_create(user=unconfirmed, article=ArticleFactory(), text="x")


def test_moderation_publishes_rejects_and_logs_who_and_why(publisher, citizen):
    article = ArticleFactory()
    comment = services.comment_create(user=citizen, article=article, text="Вопрос по дорогам")
    services.comment_decide(moderator=publisher, comment=comment, decision="publish")
    article.refresh_from_db()
    assert article.comment_count == 1
    services.comment_decide(
        moderator=publisher, comment=comment, decision="reject", reason="off-topic"
    )
    article.refresh_from_db()
    assert article.comment_count == 0
    decisions = list(
        CommentDecision.objects.filter(comment=comment)
        .order_by("id")
        .values_list("decision", "moderator", "reason")
    )
    assert decisions == [("publish", publisher.pk, ""), ("reject", publisher.pk, "off-topic")]


def test_editors_and_citizens_cannot_moderate(editor, citizen):
    comment = CommentFactory(status="pending")
    for user in (editor, citizen):
        with pytest.raises(PermissionDenied):
            services.comment_decide(moderator=user, comment=comment, decision="publish")
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_enough_reports_send_a_published_comment_back_to_the_queue(settings):
    settings.HALYQ_NEWS_COMMENT_REPORT_THRESHOLD = 2
    comment = CommentFactory()
    services._refresh_comment_count(comment.article_id)
    first, second = UserFactory(), UserFactory()
    assert services.comment_report(user=first, comment=comment) is True
    assert services.comment_report(user=first, comment=comment) is False  # once per reader
    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == ("published", 1)
    services.comment_report(user=second, comment=comment)
    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == ("pending", 2)
    assert comment.article.__class__.objects.get(pk=comment.article_id).comment_count == 0
    assert CommentDecision.objects.filter(
        comment=comment, decision="requeue", moderator=None
    ).exists()


def test_own_and_unpublished_comments_cannot_be_reported(citizen):
    own = CommentFactory(author=citizen)
    pending = CommentFactory(status="pending")
    for comment in (own, pending):
        with pytest.raises(ValidationError):
            services.comment_report(user=citizen, comment=comment)
    assert not CommentReport.objects.exists()


# --- reactions -----------------------------------------------------------------------


def test_one_reaction_per_reader_changeable_and_taken_back_by_repeating_it(citizen, other_citizen):
    article = ArticleFactory()
    services.reaction_set(user=citizen, article=article, code="like")
    services.reaction_set(user=other_citizen, article=article, code="sad")
    article.refresh_from_db()
    assert article.reaction_count == 2
    services.reaction_set(user=citizen, article=article, code="love")
    assert Reaction.objects.get(article=article, user=citizen).code == "love"
    article.refresh_from_db()
    assert article.reaction_count == 2
    assert services.reaction_set(user=citizen, article=article, code="love") is None
    article.refresh_from_db()
    assert article.reaction_count == 1


def test_unknown_reactions_and_unpublished_articles_are_refused(citizen):
    with pytest.raises(ValidationError):
        services.reaction_set(user=citizen, article=ArticleFactory(), code="laugh")
    with pytest.raises(ValidationError):
        services.reaction_set(user=citizen, article=ArticleFactory(status="draft"), code="like")
    assert not Reaction.objects.exists()
