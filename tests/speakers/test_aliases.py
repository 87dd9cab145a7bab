"""Aliases: other spellings that resolve to one author or source, on every write path."""

from __future__ import annotations

import pytest

from articles import bulk
from articles.models import Author, QuotedSource
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SOURCES = "/api/v1/sources/"


def zelensky(client, **extra):
    response = client.post(
        SOURCES,
        {"name": "Volodymyr Zelensky", "aliases": ["Zelenskyy", "Zelensky"], **extra},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_quote_written_with_an_alias_gets_the_source(editor_client):
    created = zelensky(editor_client)
    assert created["aliases"] == ["Zelenskyy", "Zelensky"]
    response = editor_client.post(
        "/api/v1/articles/",
        {"title": "Kyiv", "body": "B", "language": "en", "status": "published",
         "quotes": [{"source": "zelenskyy", "text": "We stand."},
                    {"source": "ZELENSKY", "text": "We hold."}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    slugs = {quote["source"]["slug"] for quote in response.json()["quotes"]}
    assert slugs == {"volodymyr-zelensky"}
    assert QuotedSource.objects.count() == 1
    detail = editor_client.get(f"{SOURCES}volodymyr-zelensky/").json()
    assert detail["quote_count"] == 2


def test_a_byline_with_an_alias_gets_the_author(editor_client):
    response = editor_client.post(
        "/api/v1/authors/", {"name": "Claire Dubois", "aliases": ["C. Dubois"]}, format="json"
    )
    assert response.status_code == 201, response.content
    article = ArticleFactory(authors=["c dubois"])
    assert [b.author.slug for b in article.bylines.all()] == ["claire-dubois"]
    assert Author.objects.count() == 1


def test_bulk_resolves_aliases_set_based(editor_client):
    zelensky(editor_client)
    outcomes = bulk.upsert_many(
        [
            {"title": f"T{n}", "body": "B", "language": "en", "url": f"https://e.org/{n}",
             "quotes": [{"source": "Zelenskyy", "text": "Words."}]}
            for n in range(3)
        ]
    )  # fmt: skip
    assert [o.status for o in outcomes] == ["created"] * 3
    assert QuotedSource.objects.get().quotes.count() == 3


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"name": "Zelenskyy"}, "volodymyr-zelensky"),  # a name that is an alias
        ({"name": "Someone", "aliases": ["Volodymyr Zelensky"]}, "volodymyr-zelensky"),
        ({"name": "Someone", "aliases": ["zelensky"]}, "volodymyr-zelensky"),
    ],
)
def test_an_identity_taken_as_a_name_or_alias_is_a_409_naming_it(editor_client, payload, named):
    zelensky(editor_client)
    response = editor_client.post(SOURCES, payload, format="json")
    assert response.status_code == 409, response.content
    assert named in str(response.json())
    assert QuotedSource.objects.count() == 1


def test_renaming_onto_an_alias_and_patching_aliases_onto_a_name_are_409(editor_client):
    zelensky(editor_client)
    editor_client.post(SOURCES, {"name": "Oleksandr Syrsky"}, format="json")
    rename = editor_client.patch(
        f"{SOURCES}oleksandr-syrsky/", {"name": "Zelenskyy"}, format="json"
    )
    assert rename.status_code == 409
    patch = editor_client.patch(
        f"{SOURCES}oleksandr-syrsky/", {"aliases": ["Volodymyr Zelensky"]}, format="json"
    )
    assert patch.status_code == 409
    assert "volodymyr-zelensky" in str(patch.json())
    # Its own name as an alias is dropped, not a clash; aliases are kept one per slug.
    own = editor_client.patch(
        f"{SOURCES}oleksandr-syrsky/",
        {"aliases": ["Oleksandr Syrsky", "Syrskyi", "SYRSKYI"]},
        format="json",
    )
    assert own.status_code == 200, own.content
    assert own.json()["aliases"] == ["Syrskyi"]


def test_an_unusable_alias_is_a_400(editor_client):
    response = editor_client.post(SOURCES, {"name": "X", "aliases": ["!!"]}, format="json")
    assert response.status_code == 400
    assert "aliases" in response.json()


def test_suggest_and_name_lists_find_by_alias(api_client, editor_client):
    zelensky(editor_client)
    ArticleFactory(quotes=[{"source": "Volodymyr Zelensky", "text": "We stand."}])
    suggested = api_client.get("/api/v1/suggest/", {"q": "zelenskyy"}).json()["sources"]
    assert suggested == [{"name": "Volodymyr Zelensky", "slug": "volodymyr-zelensky"}]
    listed = api_client.get(SOURCES, {"q": "zelensk"}).json()["results"]
    assert [source["slug"] for source in listed] == ["volodymyr-zelensky"]
    only_alias = api_client.get(SOURCES, {"q": "zelenskyy"}).json()["results"]
    assert [source["slug"] for source in only_alias] == ["volodymyr-zelensky"]
    assert api_client.get(SOURCES, {"q": "nobody"}).json()["results"] == []


def test_article_search_finds_a_speaker_by_an_alias_and_filters_by_an_alias_slug(
    api_client, editor_client
):
    zelensky(editor_client)
    article = ArticleFactory(quotes=[{"source": "Volodymyr Zelensky", "text": "We stand."}])
    ArticleFactory(quotes=[{"source": "Someone Else", "text": "Other words."}])
    found = api_client.get("/api/v1/articles/", {"q": "zelenskyy"}).json()["results"]
    assert [row["id"] for row in found] == [article.pk]
    by_alias = api_client.get("/api/v1/articles/", {"source": "zelenskyy"}).json()["results"]
    assert [row["id"] for row in by_alias] == [article.pk]
    quotes = api_client.get("/api/v1/quotes/", {"source": "zelenskyy"}).json()["results"]
    assert [quote["source"]["slug"] for quote in quotes] == ["volodymyr-zelensky"]


def test_an_alias_slug_redirects_on_the_detail(api_client, editor_client):
    zelensky(editor_client)
    ArticleFactory(quotes=[{"source": "Volodymyr Zelensky", "text": "We stand."}])
    response = api_client.get(f"{SOURCES}zelenskyy/")
    assert response.status_code == 301
    assert response["Location"].endswith(f"{SOURCES}volodymyr-zelensky/")
    assert api_client.get(f"{SOURCES}nobody/").status_code == 404
