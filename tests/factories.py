"""Test data. Articles are created through the write path, so search documents are real."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from articles import services
from articles.models import Article, Author, QuotedSource, Tag
from articles.text import make_slug


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def permissions(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create and extracted:
            codenames = [name.split(".")[-1] for name in extracted]
            self.user_permissions.set(Permission.objects.filter(codename__in=codenames))
        if create:
            self.save()


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.LazyAttribute(lambda tag: make_slug(tag.name))


class AuthorFactory(TagFactory):
    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Author {n}")


class QuotedSourceFactory(TagFactory):
    class Meta:
        model = QuotedSource
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Source {n}")


class ArticleFactory(factory.Factory):
    """``ArticleFactory(tags=["Climat"], quotes=[{"source": "X", "text": "..."}])``."""

    class Meta:
        model = dict

    title = factory.Sequence(lambda n: f"Article number {n}")
    body = "A plain body of text about nothing in particular."
    standfirst = ""
    language = "en"
    section = "World"
    status = Article.Status.PUBLISHED
    published_at = factory.Sequence(
        lambda n: timezone.now().replace(microsecond=0) - datetime.timedelta(hours=n + 1)
    )
    authors: list[str] = []
    tags: list[str] = []
    quotes: list[dict[str, str]] = []

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Article:
        return services.article_create(**kwargs)

    @classmethod
    def _build(cls, model_class: type, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return dict(kwargs)


_BULK_URLS = itertools.count()


def articles_in_bulk(items: list[dict[str, Any]]) -> list[int]:
    """Ids of articles written in one batch (``POST /articles/bulk/``'s path), each item's
    fields over ArticleFactory's defaults: for tests that need many (a batch is ten times
    quicker than as many single writes)."""
    from articles import bulk

    defaults = {"body": ArticleFactory.body, "language": "en", "status": "published"}
    batch = [
        {"title": f"Bulk article {n}", "url": f"https://bulk.example/{n}", **defaults, **item}
        for n, item in zip(_BULK_URLS, items, strict=False)
    ]
    outcomes = bulk.upsert_many(batch)
    assert {outcome.status for outcome in outcomes} == {"created"}, outcomes
    return [outcome.id for outcome in outcomes]


def indexed(q: str, **params: Any) -> set[int]:
    """Ids of the articles (any status) the search index finds for ``q`` with ``params``."""
    from articles import search

    query = search.ArticleSearch(q=q, editor=True, **params)
    return set(search.search_articles(query, offset=0, limit=100).ids)
