"""Read also: the editor's picks first, then the closest articles; never itself or hidden."""

from datetime import timedelta

import pytest
from django.utils import timezone

from halyq.news.models import Article, ReadAlsoLink
from halyq.news.selectors import read_also
from tests import factories
from tests.news.factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db


def ago(days):
    return timezone.now() - timedelta(days=days)


def test_editor_choices_come_first_in_the_editors_order(astana):
    budget = TagFactory()
    article = ArticleFactory(tags=[budget])
    related = ArticleFactory(tags=[budget])
    first, second = ArticleFactory(), ArticleFactory()
    ReadAlsoLink.objects.create(source=article, target=second, position=0)
    ReadAlsoLink.objects.create(source=article, target=first, position=1)
    assert read_also(article)[:3] == [second, first, related]


def test_automatic_choices_rank_by_shared_tags_then_people_then_region(astana, almaty):
    roads, schools = TagFactory(), TagFactory()
    deputy = factories.PersonFactory()
    article = ArticleFactory(tags=[roads, schools], persons=[deputy], regions=[astana])
    two_tags = ArticleFactory(tags=[roads, schools], published_at=ago(30))  # 6 points
    tag_and_person = ArticleFactory(tags=[roads], persons=[deputy], published_at=ago(20))  # 5
    person_only = ArticleFactory(persons=[deputy], published_at=ago(2))  # 2
    region_only = ArticleFactory(regions=[astana], published_at=ago(1))  # 1
    ArticleFactory(regions=[almaty])  # nothing shared
    assert read_also(article, limit=10) == [two_tags, tag_and_person, person_only, region_only]


def test_equal_scores_prefer_the_newer_article():
    roads = TagFactory()
    article = ArticleFactory(tags=[roads])
    old = ArticleFactory(tags=[roads], published_at=ago(10))
    new = ArticleFactory(tags=[roads], published_at=ago(1))
    assert read_also(article) == [new, old]


def test_never_the_article_itself_nor_drafts_scheduled_or_chosen_but_unpublished(astana):
    roads = TagFactory()
    article = ArticleFactory(tags=[roads], regions=[astana])
    draft = ArticleFactory(tags=[roads], status=Article.Status.DRAFT)
    scheduled = ArticleFactory(tags=[roads], published_at=timezone.now() + timedelta(days=1))
    ReadAlsoLink.objects.create(source=article, target=draft, position=0)
    ReadAlsoLink.objects.create(source=article, target=scheduled, position=1)
    visible = ArticleFactory(regions=[astana])
    result = read_also(article)
    assert result == [visible]
    assert article not in result


def test_the_list_is_cut_to_the_limit():
    roads = TagFactory()
    article = ArticleFactory(tags=[roads])
    for _ in range(6):
        ArticleFactory(tags=[roads])
    assert len(read_also(article)) == 4


def test_an_article_sharing_nothing_has_no_automatic_read_also():
    article = ArticleFactory()
    ArticleFactory()
    assert read_also(article) == []
