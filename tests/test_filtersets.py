"""One test class per filterset of ``articles/filtersets.py``, in NetBox's way: each list
parameter parsed by its filterset, run where the list runs it (the search index for articles
and quotations, ``.qs`` for the small tables), and the results counted; an invalid value is an
error, never an empty list."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from articles import search, services
from articles.filtersets import (
    NamedEntityFilterSet,
    QuotedSourceFilterSet,
    article_search_from,
    quote_search_from,
)
from articles.models import Article, Author, QuotedSource, Tag
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)


def query(**params) -> QueryDict:
    """A query string's parameters; a list repeats the parameter."""
    data = QueryDict(mutable=True)
    for name, value in params.items():
        data.setlist(name, value if isinstance(value, list) else [str(value)])
    return data


class TestArticleFilterSet:
    """``ArticleFilterSet``: the article list's parameters, answered by the index."""

    @pytest.fixture(autouse=True)
    def archive(self, db):
        self.climate = ArticleFactory(
            title="Glaciers retreat", language="en", section="Science", tags=["Climat", "Alpes"],
            authors=["Ada Martin"], published_at=NOW - datetime.timedelta(days=10),
            quotes=[{"source": "Jean Dupont", "text": "La glace fond."}],
        )  # fmt: skip
        self.politics = ArticleFactory(
            title="Élections régionales", language="fr", section="Politique", tags=["Politique"],
            authors=["Ada Martin", "Louis Petit"], published_at=NOW - datetime.timedelta(days=2),
        )  # fmt: skip
        self.markets = ArticleFactory(
            title="Markets rally", language="en", section="Économie", tags=["Climat"],
            published_at=NOW - datetime.timedelta(hours=1),
        )  # fmt: skip
        self.draft = ArticleFactory(
            title="Glaciers draft", status=Article.Status.DRAFT, tags=["Climat"],
            published_at=None,
        )  # fmt: skip
        services.named_update(Tag.objects.get(slug="alpes"), wikidata_id="Q1286")

    def count(self, *, editor: bool = False, **params) -> int:
        found = search.search_articles(
            article_search_from(query(**params), editor=editor), offset=0, limit=100
        )
        return found.count

    def test_no_parameters(self):
        assert self.count() == 3
        assert self.count(editor=True) == 4

    def test_q(self):
        assert self.count(q="glaciers") == 1
        assert self.count(q="glaciers", editor=True) == 2

    def test_tag(self):
        assert self.count(tag="climat") == 2
        assert self.count(tag=["climat", "alpes"]) == 1  # every tag must match

    def test_any_tag(self):
        assert self.count(any_tag=["alpes", "politique"]) == 2

    def test_exclude_tag(self):
        assert self.count(exclude_tag="climat") == 1

    def test_author(self):
        assert self.count(author="ada-martin") == 2
        assert self.count(author="louis-petit") == 1

    def test_source(self):
        assert self.count(source="jean-dupont") == 1

    def test_tag_wikidata(self):
        assert self.count(tag_wikidata="Q1286") == 1

    def test_language(self):
        assert self.count(language="en") == 2
        assert self.count(language="fr") == 1

    def test_section(self):
        assert self.count(section="economie") == 1  # any case, any accents

    def test_status(self):
        assert self.count(status="draft", editor=True) == 1
        assert self.count(status="draft") == 0  # readers see published articles only

    def test_published_after_and_before(self):
        week_ago = (NOW - datetime.timedelta(days=7)).isoformat()
        assert self.count(published_after=week_ago) == 2
        assert self.count(published_before=week_ago) == 1

    def test_updated_after(self):
        assert self.count(updated_after=(NOW - datetime.timedelta(days=1)).isoformat()) == 3
        assert self.count(updated_after=(NOW + datetime.timedelta(days=1)).date()) == 0

    def test_collapse(self):
        assert self.count(collapse="duplicates") == 3

    @pytest.mark.parametrize(
        "params",
        [
            {"published_after": "last tuesday"},
            {"language": "french"},
            {"status": "pending"},
            {"tag_wikidata": "212"},
            {"collapse": "yes"},
            {"q": "x" * 501},
        ],
    )
    def test_invalid_values_are_errors(self, params):
        with pytest.raises(ValidationError) as raised:
            article_search_from(query(**params), editor=True)
        assert set(raised.value.detail) == set(params)


class TestQuotationFilterSet:
    """``QuotationFilterSet``: the quotation list's parameters, answered by the index."""

    @pytest.fixture(autouse=True)
    def archive(self, db):
        self.fr = ArticleFactory(
            title="fr", language="fr",
            quotes=[{"source": "Jean Dupont", "text": "Les soldats tiennent."},
                    {"source": "Acme", "text": "Nous tenons."}],
        )  # fmt: skip
        self.en = ArticleFactory(
            title="en", language="en", quotes=[{"source": "Acme", "text": "Soldiers hold."}]
        )
        ArticleFactory(
            title="draft", status=Article.Status.DRAFT,
            quotes=[{"source": "Acme", "text": "Hidden."}],
        )  # fmt: skip

    def count(self, *, editor: bool = False, **params) -> int:
        found = search.search_quotes(
            quote_search_from(query(**params), editor=editor), offset=0, limit=100
        )
        return found.count

    def test_no_parameters(self):
        assert self.count() == 3
        assert self.count(editor=True) == 4

    def test_q(self):
        assert self.count(q="soldats") == 1
        assert self.count(q="hidden", editor=True) == 1

    def test_source(self):
        assert self.count(source="acme") == 2

    def test_article(self):
        assert self.count(article=self.fr.pk) == 2

    def test_language(self):
        assert self.count(language="en") == 1

    @pytest.mark.parametrize(
        "params", [{"article": "seven"}, {"article": "0"}, {"language": "EN"}, {"q": "x" * 501}]
    )
    def test_invalid_values_are_errors(self, params):
        with pytest.raises(ValidationError) as raised:
            quote_search_from(query(**params), editor=False)
        assert set(raised.value.detail) == set(params)


class TestNamedEntityFilterSet:
    """``NamedEntityFilterSet`` (tags and authors): PostgreSQL answers, through ``.qs``."""

    @pytest.fixture(autouse=True)
    def names(self, db):
        ArticleFactory(tags=["Guerre en Ukraine", "Ukraine", "Énergie"], authors=["Ada Martin"])
        services.named_update(Tag.objects.get(slug="ukraine"), wikidata_id="Q212")

    @pytest.mark.parametrize(
        "params, count",
        [
            ({}, 3),
            ({"q": "ukr"}, 2),  # the start of the name, or of any word in it
            ({"q": "ener"}, 1),  # any accents
            ({"q": "GUERRE"}, 1),  # any case
            ({"q": "raine"}, 0),
            ({"wikidata": "Q212"}, 1),
        ],
    )
    def test_tags(self, params, count):
        assert NamedEntityFilterSet(params, queryset=Tag.objects.all()).qs.count() == count

    def test_authors(self):
        filterset = NamedEntityFilterSet({"q": "mart"}, queryset=Author.objects.all())
        assert filterset.qs.count() == 1

    @pytest.mark.parametrize("params", [{"wikidata": "212"}, {"q": "x" * 201}])
    def test_invalid_values_are_errors(self, params):
        filterset = NamedEntityFilterSet(params, queryset=Tag.objects.all())
        assert not filterset.is_valid()
        assert set(filterset.errors) == set(params)


class TestQuotedSourceFilterSet:
    """``QuotedSourceFilterSet``: a named entity's parameters and the source's kind."""

    @pytest.fixture(autouse=True)
    def sources(self, db):
        ArticleFactory(
            quotes=[{"source": "Jean Dupont", "text": "Un."}, {"source": "Acme", "text": "Deux."}]
        )
        services.named_update(
            QuotedSource.objects.get(slug="acme"), kind=QuotedSource.Kind.ORGANIZATION
        )

    @pytest.mark.parametrize(
        "params, count",
        [
            ({}, 2),
            ({"q": "dup"}, 1),
            ({"kind": "organization"}, 1),
            ({"kind": "organization", "q": "jean"}, 0),
        ],
    )
    def test_counts(self, params, count):
        filterset = QuotedSourceFilterSet(params, queryset=QuotedSource.objects.all())
        assert filterset.qs.count() == count

    def test_invalid_kind_is_an_error(self):
        filterset = QuotedSourceFilterSet({"kind": "planet"}, queryset=QuotedSource.objects.all())
        assert not filterset.is_valid()
        assert set(filterset.errors) == {"kind"}
