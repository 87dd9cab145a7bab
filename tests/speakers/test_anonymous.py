"""Anonymous sources belong to the article that quotes them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles import bulk, services
from articles.models import QuotedSource
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

OFFICIAL = {"source": "un représentant syndical", "kind": "anonymous", "text": "C'est rapide."}


def test_two_articles_quoting_a_representative_quote_two_sources(api_client):
    first = ArticleFactory(quotes=[OFFICIAL, {**OFFICIAL, "text": "Encore."}])
    second = ArticleFactory(quotes=[OFFICIAL])
    sources = QuotedSource.objects.filter(kind="anonymous").order_by("article_id")
    assert [(s.article_id, s.slug) for s in sources] == [
        (first.pk, f"un-representant-syndical--{first.pk}"),
        (second.pk, f"un-representant-syndical--{second.pk}"),
    ]
    assert sources[0].quotes.count() == 2  # within one article, one person
    detail = api_client.get(f"/api/v1/articles/{second.pk}/").json()
    assert detail["quotes"][0]["source"]["slug"] == f"un-representant-syndical--{second.pk}"
    one = api_client.get(f"/api/v1/sources/un-representant-syndical--{first.pk}/").json()
    assert (one["article"], one["kind"], one["quote_count"]) == (first.pk, "anonymous", 2)


def test_they_are_not_listed_suggested_or_counted_as_one_person(api_client):
    article = ArticleFactory(quotes=[OFFICIAL, {"source": "Unions Federation", "text": "Non."}])
    ArticleFactory(quotes=[OFFICIAL])
    listed = api_client.get("/api/v1/sources/").json()["results"]
    assert [source["slug"] for source in listed] == ["unions-federation"]
    suggested = api_client.get("/api/v1/suggest/", {"q": "un represent"}).json()["sources"]
    assert suggested == []
    facets = api_client.get("/api/v1/articles/facets/").json()["sources"]
    assert [facet["slug"] for facet in facets] == ["unions-federation"]
    # Their own slug still filters their article.
    slug = f"un-representant-syndical--{article.pk}"
    assert api_client.get("/api/v1/articles/", {"source": slug}).json()["count"] == 1


def test_the_extracted_role_reference_is_the_earlier_anonymous_source(editor_client):
    page = (
        "Le front tient\n\n« Nous ne reculerons pas », a déclaré un haut responsable militaire "
        "américain.\n\n« La ligne tient », a ajouté le responsable.\n\nSelon Oleksandr Syrsky, "
        "« le front est stable »."
    )
    response = editor_client.post(
        "/api/v1/articles/extract/?save=true", {"content": page, "language": "fr"}, format="json"
    )
    assert response.status_code == 201, response.content
    article_id = response.json()["id"]
    slugs = [quote["source"]["slug"] for quote in response.json()["quotes"]]
    anonymous = f"un-haut-responsable-militaire-americain--{article_id}"
    assert slugs == [anonymous, anonymous, "oleksandr-syrsky"]


def test_rewriting_the_quotes_drops_the_article_s_unquoted_anonymous_sources(editor_client):
    article = ArticleFactory(quotes=[OFFICIAL])
    services.article_update(article, quotes=[{"source": "A Person", "text": "Oui."}])
    assert not QuotedSource.objects.filter(kind="anonymous").exists()
    services.article_update(article, quotes=[OFFICIAL])
    services.article_delete(article)
    assert not QuotedSource.objects.filter(kind="anonymous").exists()
    assert QuotedSource.objects.filter(slug="a-person").exists()


def test_bulk_gives_each_article_its_own(editor_client):
    items = [
        {"title": f"T{n}", "body": "B", "language": "fr", "url": f"https://e.org/{n}",
         "quotes": [OFFICIAL, {**OFFICIAL, "text": "Bis."}]}
        for n in range(3)
    ]  # fmt: skip
    outcomes = bulk.upsert_many(items)
    assert [o.status for o in outcomes] == ["created"] * 3
    sources = QuotedSource.objects.filter(kind="anonymous")
    assert sorted(s.article_id for s in sources) == sorted(o.id for o in outcomes)
    assert all(s.quotes.count() == 2 for s in sources)
    # Re-importing keeps each one's source; a new list without it drops it.
    again = bulk.upsert_many([{**items[0], "quotes": [OFFICIAL]}, {**items[1], "quotes": []}])
    assert [o.status for o in again] == ["updated", "updated"]
    assert sorted(s.article_id for s in QuotedSource.objects.filter(kind="anonymous")) == sorted(
        [outcomes[0].id, outcomes[2].id]
    )


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("post", "/api/v1/sources/", {"name": "un officiel", "kind": "anonymous"}),
        ("patch", "/api/v1/sources/a-person/", {"kind": "anonymous"}),
    ],
)
def test_a_source_is_not_made_anonymous_by_hand(editor_client, method, path, payload):
    ArticleFactory(quotes=[{"source": "A Person", "text": "Oui."}])
    response = getattr(editor_client, method)(path, payload, format="json")
    assert response.status_code == 400, response.content
    assert "kind" in response.json()


def test_an_anonymous_source_stays_anonymous(editor_client):
    article = ArticleFactory(quotes=[OFFICIAL])
    slug = QuotedSource.objects.get(article=article).slug
    response = editor_client.patch(f"/api/v1/sources/{slug}/", {"kind": "person"}, format="json")
    assert response.status_code == 400
    renamed = editor_client.patch(
        f"/api/v1/sources/{slug}/", {"description": "syndicaliste"}, format="json"
    )
    assert renamed.status_code == 200, renamed.content


@contextlib.contextmanager
def before_the_split() -> Iterator[tuple[Any, Any]]:
    """The database as 0009 left it, with a shared anonymous source "un officiel" (yields the
    migration state's apps and that source); migrated to the newest migration afterwards."""
    before = [("articles", "0009_events")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        shared = apps.get_model("articles", "QuotedSource").objects.create(
            name="un officiel", slug="un-officiel", kind="anonymous", description="un officiel"
        )
        yield apps, shared
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_splits_shared_anonymous_sources_per_article():
    with before_the_split() as (apps, shared):
        Article = apps.get_model("articles", "Article")
        Source = apps.get_model("articles", "QuotedSource")
        Quotation = apps.get_model("articles", "Quotation")
        Source.objects.create(name="unused", slug="unused", kind="anonymous")
        person = Source.objects.create(name="A Person", slug="a-person", kind="person")
        one = Article.objects.create(title="One", slug="one", body="B", language="fr")
        two = Article.objects.create(title="Two", slug="two", body="B", language="fr")
        for article, text in ((one, "a"), (one, "b"), (two, "c")):
            Quotation.objects.create(article=article, source=shared, text=text)
        Quotation.objects.create(article=two, source=person, text="d")

        executor = MigrationExecutor(connection)
        executor.migrate([("articles", "0010_speakers")])
        apps = executor.loader.project_state([("articles", "0010_speakers")]).apps
        Source = apps.get_model("articles", "QuotedSource")
        Quotation = apps.get_model("articles", "Quotation")
        assert sorted(Source.objects.values_list("slug", "article_id")) == [
            ("a-person", None),
            (f"un-officiel--{one.pk}", one.pk),
            (f"un-officiel--{two.pk}", two.pk),
        ]
        texts = sorted(Quotation.objects.values_list("source__slug", "text"))
        assert texts == [
            ("a-person", "d"),
            (f"un-officiel--{one.pk}", "a"),
            (f"un-officiel--{one.pk}", "b"),
            (f"un-officiel--{two.pk}", "c"),
        ]
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT object_id FROM newsapi_search_change WHERE kind = 'a'")
            assert {row[0] for row in cursor.fetchall()} >= {one.pk, two.pk}


@pytest.mark.django_db(transaction=True)
def test_the_split_is_told_to_the_feed_as_a_write_would():
    """0009 seeded the feed as knowing the shared source; 0016 tells what 0010 changed."""
    import datetime
    import importlib

    seed_sql = importlib.import_module("articles.migrations.0009_events").SEED_SQL
    with before_the_split() as (apps, shared):
        Article = apps.get_model("articles", "Article")
        Quotation = apps.get_model("articles", "Quotation")
        now = datetime.datetime.now(datetime.UTC)
        one = Article.objects.create(title="One", slug="one", body="B", language="fr",
                                     status="published", published_at=now)  # fmt: skip
        two = Article.objects.create(title="Two", slug="two", body="B", language="fr")
        for article in (one, two):
            Quotation.objects.create(article=article, source=shared, text="t")
        with connection.cursor() as cursor:
            cursor.execute(seed_sql)  # what 0009 does with the articles stored before it
        executor = MigrationExecutor(connection)
        executor.migrate([("articles", "0015_duplicates")])
        executor = MigrationExecutor(connection)
        executor.migrate([("articles", "0016_anonymous_split_events")])
        from articles.events.models import Event

        told = sorted(Event.objects.values_list("type", "slug", "public"))
        assert told == [
            ("article.updated", "one", True),
            ("article.updated", "two", False),
            ("source.created", f"un-officiel--{one.pk}", True),
            ("source.created", f"un-officiel--{two.pk}", False),
            ("source.deleted", "un-officiel", True),
        ]
        quoted = Event.objects.get(type="article.updated", slug="one").data["quotes"]
        assert [q["source"]["slug"] for q in quoted] == [f"un-officiel--{one.pk}"]
        # Run again (a database past it): nothing more to tell.
        from articles.migrations import __name__ as package

        importlib.import_module(f"{package}.0016_anonymous_split_events").tell(None, None)
        assert Event.objects.count() == len(told)
