"""factory_boy factories of the news section (shared ones come from tests.factories)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from halyq.accounts.models import RoleAssignment
from halyq.news.models import Article, Category, Comment, Tag
from tests.factories import UserFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"category-{n}")
    name_ru = factory.Sequence(lambda n: f"Рубрика {n}")
    name_kk = factory.Sequence(lambda n: f"Айдар {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    slug = factory.Sequence(lambda n: f"tag-{n}")
    name_ru = factory.Sequence(lambda n: f"тег {n}")
    name_en = factory.Sequence(lambda n: f"tag {n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article (an hour old) in Russian and English."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"article-{n}")
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    title_ru = factory.Sequence(lambda n: f"Новость номер {n}")
    title_en = factory.Sequence(lambda n: f"News item {n}")
    lead_ru = "Депутат провёл приём граждан."
    lead_en = "A deputy held a reception for citizens."
    body_ru = "<p>Текст новости о работе с гражданами.</p>"
    body_en = "<p>The text of the news about the work with citizens.</p>"

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def persons(self, create, extracted, **kwargs):
        if create and extracted:
            self.persons.set(extracted)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(UserFactory)
    text = "Спасибо за работу!"
    status = Comment.Status.PUBLISHED


def staff_user(role: str, **fields):
    user = UserFactory(**fields)
    RoleAssignment.objects.create(user=user, role=role)
    return user
