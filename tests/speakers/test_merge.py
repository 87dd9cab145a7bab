"""Merges: quotes and bylines move, names become aliases, old slugs redirect, events follow."""

from __future__ import annotations

import pytest

from articles.models import Article, Author, Byline, QuotedSource
from tests.events.helpers import follow, types
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

SOURCES = "/api/v1/sources/"


def merge(client, kind: str, slug: str, into: str):
    return client.post(f"/api/v1/{kind}/{slug}/merge/", {"into": into}, format="json")


def test_merging_a_source_moves_its_quotes_and_keeps_its_slug_working(api_client, editor_client):
    ArticleFactory(quotes=[{"source": "Volodymyr Zelensky", "text": "One."}])
    moved = ArticleFactory(quotes=[{"source": "Zelenskyy", "text": "Two."}])
    patched = editor_client.patch(f"{SOURCES}zelenskyy/", {"aliases": ["Zelenskiy"]}, format="json")
    assert patched.status_code == 200, patched.content
    etag = api_client.get(f"/api/v1/articles/{moved.pk}/")["ETag"]
    _, cursor = follow(api_client)

    response = merge(editor_client, "sources", "zelenskyy", "volodymyr-zelensky")

    assert response.status_code == 200, response.content
    target = response.json()
    assert target["slug"] == "volodymyr-zelensky"
    assert target["aliases"] == ["Zelenskyy", "Zelenskiy"]
    assert target["quote_count"] == 2
    assert not QuotedSource.objects.filter(slug="zelenskyy").exists()
    # The old slug (and its aliases') redirect, and filter.
    old = api_client.get(f"{SOURCES}zelenskyy/")
    assert old.status_code == 301
    assert old["Location"].endswith(f"{SOURCES}volodymyr-zelensky/")
    assert api_client.get(f"{SOURCES}zelenskiy/timeline/?interval=day").status_code == 301
    listed = api_client.get("/api/v1/articles/", {"source": "zelenskyy"}).json()
    assert listed["count"] == 2
    facets = api_client.get("/api/v1/articles/facets/").json()["sources"]
    assert facets == [{"slug": "volodymyr-zelensky", "name": "Volodymyr Zelensky", "count": 2}]
    detail = api_client.get(f"/api/v1/articles/{moved.pk}/")
    assert detail.json()["quotes"][0]["source"]["slug"] == "volodymyr-zelensky"
    assert detail["ETag"] != etag
    # Events: the target updated, the old one deleted, the moved article updated.
    events, _ = follow(api_client, cursor)
    assert set(types(events)) == {
        ("source.updated", "volodymyr-zelensky"),
        ("source.deleted", "zelenskyy"),
        ("article.updated", moved.slug),
    }


def test_merging_authors_moves_bylines_and_keeps_one_per_article(editor_client):
    both = ArticleFactory(authors=["Claire Dubois", "C Dubois"])
    only_old = ArticleFactory(authors=["Sara", "C Dubois"])
    response = merge(editor_client, "authors", "c-dubois", "claire-dubois")
    assert response.status_code == 200, response.content
    assert response.json()["aliases"] == ["C Dubois"]
    assert response.json()["article_count"] == 2
    assert [b.author.slug for b in Byline.objects.filter(article=both).order_by("position")] == [
        "claire-dubois"
    ]
    assert [
        b.author.slug for b in Byline.objects.filter(article=only_old).order_by("position")
    ] == [
        "sara",
        "claire-dubois",
    ]
    assert not Author.objects.filter(slug="c-dubois").exists()
    # A byline written with the old name now gets the target.
    later = ArticleFactory(authors=["C. Dubois"])
    assert [b.author.slug for b in later.bylines.all()] == ["claire-dubois"]


@pytest.mark.parametrize(
    ("slug", "into", "code"),
    [
        ("a-person", "a-person", 400),  # into itself
        ("a-person", "A Person", 400),  # by its name: still itself
        ("nobody", "a-person", 404),
        ("a-person", "nobody", 404),
    ],
)
def test_merge_refusals(editor_client, slug, into, code):
    ArticleFactory(quotes=[{"source": "A Person", "text": "One."}])
    response = merge(editor_client, "sources", slug, into)
    assert response.status_code == code, response.content
    assert QuotedSource.objects.filter(slug="a-person").exists()


def test_a_merge_back_into_what_was_merged_is_a_400(editor_client):
    ArticleFactory(
        quotes=[{"source": "A Person", "text": "One."}, {"source": "B Person", "text": "T."}]
    )
    assert merge(editor_client, "sources", "b-person", "a-person").status_code == 200
    # b-person is now an alias of a-person: merging a-person "into b-person" is a cycle.
    response = merge(editor_client, "sources", "a-person", "b-person")
    assert response.status_code == 400
    assert "itself" in str(response.json())


def test_anonymous_sources_are_not_merged(editor_client):
    article = ArticleFactory(
        quotes=[{"source": "un haut responsable", "kind": "anonymous", "text": "Oui."},
                {"source": "A Person", "text": "Non."}]
    )  # fmt: skip
    anonymous = QuotedSource.objects.get(article=article)
    response = merge(editor_client, "sources", anonymous.slug, "a-person")
    assert response.status_code == 400
    assert Article.objects.get(pk=article.pk).quotes.filter(source=anonymous).exists()


def test_merging_needs_change_and_delete_permissions(api_client):
    ArticleFactory(
        quotes=[{"source": "A Person", "text": "One."}, {"source": "B Person", "text": "T."}]
    )
    assert merge(api_client, "sources", "b-person", "a-person").status_code == 401
    adder = UserFactory(permissions=["articles.add_quotedsource", "articles.change_quotedsource"])
    api_client.force_authenticate(adder)
    assert merge(api_client, "sources", "b-person", "a-person").status_code == 403
    assert QuotedSource.objects.filter(slug="b-person").exists()


def test_the_wikidata_id_moves_to_a_target_without_one(editor_client):
    ArticleFactory(
        quotes=[{"source": "A Person", "text": "One."}, {"source": "B Person", "text": "T."}]
    )
    QuotedSource.objects.filter(slug="b-person").update(wikidata_id="Q42")
    response = merge(editor_client, "sources", "b-person", "a-person")
    assert response.json()["wikidata_id"] == "Q42"
