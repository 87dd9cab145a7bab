"""Constraints the database enforces, whatever the Python code does."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from articles.models import Article, Author, QuotedSource, Tag

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Tag, Author, QuotedSource])
def test_names_of_different_identities_can_fold_alike_in_the_database(model):
    """unaccent spells "©" as "(c)" and an en dash as "-"; only the slug is an identity."""
    model.objects.create(name="Cap (c)", slug="cap-c")
    model.objects.create(name="Cap ©", slug="cap")
    assert model.objects.count() == 2


def test_database_rejects_duplicate_slug():
    Tag.objects.create(name="Ukraine", slug="ukraine")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="Ukraine!", slug="ukraine")


def test_fold_function_is_lower_unaccent():
    with connection.cursor() as cursor:
        cursor.execute("SELECT newsapi_fold('Élodie CORÉE Çà')")
        assert cursor.fetchone()[0] == "elodie coree ca"


def test_canonical_url_is_unique_when_set_and_many_articles_have_none():
    common = dict(body="b", language="en", section="s")
    Article.objects.create(title="a", slug="a", url=None, **common)
    Article.objects.create(title="b", slug="b", url=None, **common)
    Article.objects.create(title="c", slug="c", url="https://example.com/x", **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(title="d", slug="d", url="https://example.com/x", **common)


def test_published_article_needs_a_publication_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            title="t", slug="t", body="b", language="en", status="published", published_at=None
        )
    Article.objects.create(
        title="t",
        slug="t",
        body="b",
        language="en",
        status="published",
        published_at=timezone.now(),
    )


def test_default_ordering_is_newest_first_with_undated_last():
    common = dict(body="b", language="en")
    old = Article.objects.create(
        title="old", slug="old", published_at=timezone.now() - timezone.timedelta(days=2), **common
    )
    new = Article.objects.create(title="new", slug="new", published_at=timezone.now(), **common)
    undated = Article.objects.create(title="undated", slug="undated", **common)
    assert list(Article.objects.all()) == [new, old, undated]
