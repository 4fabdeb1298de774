"""What readers post from the article page: comments, reactions, reports; and floods."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from halyq.news.models import Article, Comment, CommentReport, Reaction
from halyq.news.ratelimit import hit, parse_rate
from tests.factories import UserFactory
from tests.news.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def comment_url(article):
    return f"/en/news/{article.slug}/comments/"


def react_url(article):
    return f"/en/news/{article.slug}/react/"


def flash(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_signed_in_citizen_comments_and_waits_for_moderation(client, citizen):
    article = ArticleFactory()
    client.force_login(citizen)
    response = client.post(comment_url(article), {"text": "When will the road be fixed?"})
    assert response.status_code == 302 and response["Location"].endswith(
        f"/en/news/{article.slug}/#comments"
    )
    assert flash(response) == ["Thank you. Your comment will appear after moderation."]
    comment = Comment.objects.get()
    assert (comment.author, comment.status) == (citizen, "pending")
    assert "When will the road" not in client.get(f"/en/news/{article.slug}/").content.decode()


def test_published_comments_show_a_pseudonym_never_the_name_or_email(client, citizen):
    article = ArticleFactory()
    CommentFactory(article=article, author=citizen, text="Visible comment")
    CommentFactory(article=article, text="Waiting comment", status="pending")
    CommentFactory(article=article, text="Rejected comment", status="rejected")
    body = client.get(f"/en/news/{article.slug}/").content.decode()
    assert "Visible comment" in body
    assert "Waiting comment" not in body and "Rejected comment" not in body
    assert "Reader #" in body
    assert citizen.display_name not in body and citizen.email not in body


def test_the_pseudonym_is_stable_in_an_article_and_different_across_articles(client, citizen):
    first, second = ArticleFactory(), ArticleFactory()
    for article in (first, second):
        CommentFactory(article=article, author=citizen)
        CommentFactory(article=article, author=citizen)
    labels = []
    for article in (first, second):
        response = client.get(f"/en/news/{article.slug}/")
        labels.append({comment.reader for comment in response.context["comments"]})
    assert len(labels[0]) == 1 and len(labels[1]) == 1 and labels[0] != labels[1]


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_saved(client):
    article = ArticleFactory()
    response = client.post(comment_url(article), {"text": "hi"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(react_url(article), {"code": "like"}).status_code == 302
    assert not Comment.objects.exists() and not Reaction.objects.exists()


def test_an_unconfirmed_account_is_told_to_confirm_its_email(client):
    client.force_login(UserFactory(email_confirmed_at=None))
    article = ArticleFactory()
    response = client.post(comment_url(article), {"text": "hi"})
    assert flash(response) == ["Confirm your email address to comment."]
    assert not Comment.objects.exists()


def test_an_empty_comment_is_refused_in_words(client, citizen):
    client.force_login(citizen)
    response = client.post(comment_url(ArticleFactory()), {"text": "   "})
    assert flash(response) == ["This field is required."]
    assert not Comment.objects.exists()


def test_comments_on_drafts_are_404(client, citizen):
    client.force_login(citizen)
    assert (
        client.post(comment_url(ArticleFactory(status="draft")), {"text": "x"}).status_code == 404
    )


def test_a_comment_flood_is_refused_with_a_clear_message_and_saved_nowhere(client, citizen):
    article = ArticleFactory()
    client.force_login(citizen)
    for number in range(5):
        client.post(comment_url(article), {"text": f"comment {number}"})
    response = client.post(comment_url(article), {"text": "one too many"})
    assert response.status_code == 302
    message = flash(response)[-1]  # the earlier requests' notices were never shown
    assert message.startswith("You are commenting too fast. Try again in ")
    assert Comment.objects.count() == 5
    assert not Comment.objects.filter(text="one too many").exists()
    # a JSON client gets 429 and Retry-After
    response = client.post(comment_url(article), {"text": "again"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "too fast" in response.json()["error"]
    assert Comment.objects.count() == 5


def test_the_limit_is_per_user(client, citizen, other_citizen):
    article = ArticleFactory()
    client.force_login(citizen)
    for number in range(6):
        client.post(comment_url(article), {"text": f"c{number}"})
    client.force_login(other_citizen)
    client.post(comment_url(article), {"text": "mine"})
    assert Comment.objects.filter(author=other_citizen).count() == 1


def test_reactions_toggle_change_and_count(client, citizen):
    article = ArticleFactory()
    client.force_login(citizen)
    client.post(react_url(article), {"code": "like"})
    assert Article.objects.get(pk=article.pk).reaction_count == 1
    response = client.post(react_url(article), {"code": "sad"}, HTTP_ACCEPT="application/json")
    assert response.json()["mine"] == "sad" and response.json()["counts"]["sad"] == 1
    client.post(react_url(article), {"code": "sad"})
    assert not Reaction.objects.exists()
    assert Article.objects.get(pk=article.pk).reaction_count == 0


def test_the_reaction_buttons_show_counts_and_the_readers_choice(client, citizen, other_citizen):
    article = ArticleFactory()
    Reaction.objects.create(article=article, user=other_citizen, code="love")
    Reaction.objects.create(article=article, user=citizen, code="like")
    client.force_login(citizen)
    body = client.get(f"/en/news/{article.slug}/").content.decode()
    assert 'value="like" class="news-reaction" aria-pressed="true"' in body
    assert 'value="love" class="news-reaction" aria-pressed="false"' in body


def test_an_unknown_reaction_is_a_400(client, citizen):
    client.force_login(citizen)
    assert client.post(react_url(ArticleFactory()), {"code": "laugh"}).status_code == 400
    assert not Reaction.objects.exists()


def test_a_reaction_flood_is_refused_and_changes_nothing(client, citizen, settings):
    settings.HALYQ_NEWS_REACTION_RATE = "3/min"
    article = ArticleFactory()
    client.force_login(citizen)
    for code in ("like", "love", "wow"):
        client.post(react_url(article), {"code": code})
    response = client.post(react_url(article), {"code": "angry"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 429 and "Retry-After" in response
    assert Reaction.objects.get().code == "wow"


def test_reporting_a_comment(client, citizen):
    comment = CommentFactory()
    client.force_login(citizen)
    response = client.post(f"/en/news/comments/{comment.pk}/report/")
    assert flash(response) == ["Thank you. Moderators will look at this comment."]
    assert CommentReport.objects.filter(comment=comment, reporter=citizen).exists()
    assert client.post("/en/news/comments/999999/report/").status_code == 404


def test_the_report_button_is_shown_to_signed_in_readers_but_not_on_their_own_comments(
    client, citizen
):
    article = ArticleFactory()
    mine, theirs = CommentFactory(article=article, author=citizen), CommentFactory(article=article)
    body = client.get(f"/en/news/{article.slug}/").content.decode()
    assert "/report/" not in body
    client.force_login(citizen)
    body = client.get(f"/en/news/{article.slug}/").content.decode()
    assert f"/comments/{theirs.pk}/report/" in body and f"/comments/{mine.pk}/report/" not in body


def test_rates_are_parsed_and_windows_are_fixed():
    assert parse_rate("5/min").count == 5 and parse_rate("5/min").seconds == 60
    assert parse_rate("100/h").seconds == 3600
    from django.core.exceptions import ImproperlyConfigured

    for bad in ("5", "0/min", "5/fortnight", "five/min"):
        with pytest.raises(ImproperlyConfigured):
            parse_rate(bad)
    start = 1_000_000 * 60.0
    decisions = [hit("comment", 1, now=start + n) for n in range(6)]
    assert [d.allowed for d in decisions] == [True] * 5 + [False]
    assert decisions[-1].retry_after == 55
    assert hit("comment", 1, now=start + 60).allowed  # the next window
