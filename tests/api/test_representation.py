"""Articles are written by hand in the serializers (the hot path of every list): the result
must be exactly what DRF's generic fields would write, for model instances and for the rows
a page reads in one statement."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework import serializers

from articles import selectors, services
from articles.api.serializers import (
    ArticleDetailSerializer,
    ArticleSummarySerializer,
    QuotationSerializer,
    QuotedSourceDetailSerializer,
    named_serializer,
)
from articles.models import Article, Author, QuotedSource, Tag
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def generic(serializer_class: type, instance) -> dict:
    serializer = serializer_class(instance)
    return serializers.ModelSerializer.to_representation(serializer, instance)


@pytest.fixture
def article() -> Article:
    made = ArticleFactory(
        title="Les glaciers fondent",
        standfirst="Un résumé.",
        body="<p>Texte <b>riche</b>.</p>",
        language="fr",
        edition="France",
        url="https://example.org/glaciers",
        image_url="https://example.org/glacier.jpg",
        image_caption="Un glacier",
        image_credit="REUTERS/Someone",
        published_at=datetime.datetime(2026, 10, 2, 9, 30, 15, 123456, tzinfo=datetime.UTC),
        authors=["Zoé Arnaud", "Bruno Abel"],
        tags=["Suisse", "Climat", "Alpes"],
        quotes=[
            {"source": "Matthias Huss", "text": "Vite.", "kind": "person"},
            {"source": "Acme", "text": "Encore.", "kind": "organization"},
        ],
    )
    # As the detail reads it: with its near-duplicates annotated.
    articles = selectors.with_relations(Article.objects.filter(pk=made.pk))
    return selectors.with_duplicates(articles, selectors.READER).get()


@pytest.mark.parametrize("serializer_class", [ArticleSummarySerializer, ArticleDetailSerializer])
def test_a_model_instance_is_written_as_drf_would(article, serializer_class):
    article.rank = 1.23456789
    assert serializer_class(article).data == generic(serializer_class, article)


def test_a_page_row_is_written_as_the_model_instance_is(article):
    row = selectors.article_rows([article.pk])[article.pk]
    assert ArticleSummarySerializer(row).data == generic(ArticleSummarySerializer, article)
    row = selectors.article_rows([article.pk], body=True)[article.pk]
    assert ArticleDetailSerializer(row).data == generic(ArticleDetailSerializer, article)


def test_an_article_without_relations_or_dates(article):
    bare = ArticleFactory(status="draft", published_at=None)
    bare_only = selectors.with_relations(Article.objects.filter(pk=bare.pk))
    instance = selectors.with_duplicates(bare_only, selectors.READER).get()
    row = selectors.article_rows([bare.pk])[bare.pk]
    expected = generic(ArticleSummarySerializer, instance)
    assert expected["published_at"] is None and expected["tags"] == []
    assert ArticleSummarySerializer(row).data == expected


@pytest.mark.parametrize("name", ["Climat", "ข่าว", "Café & Œuvre: l'été", "C++ / Rust"])
def test_a_names_link_is_the_one_reverse_gives(name, rf):
    for model, route in (
        (Tag, "tag-detail"),
        (Author, "author-detail"),
        (QuotedSource, "source-detail"),
    ):
        entity = services.named_create(model, name=name)
        request = rf.get("/")
        shown = named_serializer(model)([entity], many=True, context={"request": request}).data
        expected = request.build_absolute_uri(reverse(route, kwargs={"slug": entity.slug}))
        assert shown[0]["links"]["self"] == expected
        assert named_serializer(model)(entity).data["links"]["self"] == reverse(
            route, kwargs={"slug": entity.slug}
        )


@pytest.mark.parametrize("model", [Tag, Author, QuotedSource])
def test_a_name_and_its_values_row_are_written_as_drf_would(model, settings):
    settings.TIME_ZONE = "Europe/Paris"  # DRF writes a date-time in the current zone
    extra = {Tag: {}, Author: {"aliases": ["Zoé A."], "bio": "Née à Lyon.\nPlume.",
                               "url": "https://example.org/zoe"},
             QuotedSource: {"aliases": ["Z. Arnaud"], "kind": "organization",
                            "description": "Porte-parole"}}[model]  # fmt: skip
    named = services.named_create(model, name="Zoé Arnaud", wikidata_id="Q42", **extra)
    bare = services.named_create(model, name="ข่าว")
    uncounted = generic(named_serializer(model), named)  # as a write answers: no count
    assert named_serializer(model)(named).data == uncounted and "article_count" not in uncounted
    article = ArticleFactory(tags=["Zoé Arnaud", "ข่าว"], authors=["Zoé Arnaud", "ข่าว"],
                             quotes=[{"source": "Zoé Arnaud", "text": "Oui."},
                                     {"source": "ข่าว", "text": "Non."}])  # fmt: skip
    anonymous = {"source": "senior official", "kind": "anonymous", "text": "Peut-être."}
    ArticleFactory(quotes=[anonymous])
    serializer_class = named_serializer(model)
    counted = selectors.names_with_counts(model)
    instances = list(counted.filter(pk__in=[named.pk, bare.pk]).order_by("id"))
    if model is QuotedSource:
        instances += list(counted.filter(kind="anonymous"))
        assert instances[-1].article_id is not None
    rows = list(counted.filter(pk__in=[i.pk for i in instances]).order_by("id")
                .values(*serializer_class.columns()))  # fmt: skip
    assert article.pk and len(rows) == len(instances) >= 2
    for instance, row in zip(instances, rows, strict=True):
        expected = generic(serializer_class, instance)
        assert serializer_class(instance).data == expected
        assert serializer_class().to_representation(row) == expected
        assert list(serializer_class().to_representation(row)) == list(expected)  # the order
    if model is QuotedSource:
        detail = QuotedSourceDetailSerializer
        instance = instances[0]
        instance.first_quoted_at = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
        instance.last_quoted_at = None
        assert detail(instance).data == generic(detail, instance)
        assert detail(instance).data["first_quoted_at"] == "2026-01-02T04:04:05+01:00"


@pytest.mark.parametrize("rank", [None, 0.123456789])
def test_a_quotation_is_written_as_drf_would(rank):
    ArticleFactory(
        title="Des glaciers", language="fr",
        published_at=datetime.datetime(2026, 10, 2, 9, 30, 15, 123456, tzinfo=datetime.UTC),
        quotes=[{"source": "Matthias Huss", "text": "« Vite », dit-il.\nEncore.",
                 "kind": "person", "description": "glaciologue"}],
    )  # fmt: skip
    ArticleFactory(status="draft", published_at=None,
                   quotes=[{"source": "Acme", "text": "Non.", "kind": "organization"}])  # fmt: skip
    quotes = list(selectors.quotes_with_relations())
    assert len(quotes) == 2 and any(q.article.published_at is None for q in quotes)
    for quote in quotes:
        quote.rank = rank
        expected = serializers.Serializer.to_representation(QuotationSerializer(quote), quote)
        assert QuotationSerializer(quote).data == expected
        assert list(QuotationSerializer(quote).data) == list(expected)


def test_a_names_sql_writes_no_date_time():
    """``json_sql`` (the outbox's names) writes no date-time, which DRF writes in the current
    zone: a serializer with one says so instead of writing it otherwise."""
    with pytest.raises(NotImplementedError, match="first_quoted_at"):
        QuotedSourceDetailSerializer.json_sql("r")
