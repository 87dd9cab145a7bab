"""POST /articles/bulk/: up to 500 articles, each all or nothing, answered item by item."""

from __future__ import annotations

import pytest

from articles.models import Article, Byline, Quotation, Tag
from tests.factories import UserFactory, indexed

BULK = "/api/v1/articles/bulk/"
pytestmark = pytest.mark.django_db


def article(number: int, **fields):
    return {
        "title": f"Dépêche {number}",
        "body": f"Corps de la dépêche numéro {number}.",
        "language": "fr",
        "url": f"https://example.org/depeches/{number}",
        "status": "published",
        "tags": ["Agence", f"Sujet {number % 3}"],
        "authors": ["Rédaction"],
        "quotes": [{"source": "Porte-parole", "text": f"Citation {number}."}],
        **fields,
    }


def test_items_are_created_updated_or_refused_one_by_one(editor_client):
    Article.objects.create(
        title="Old", slug="old", body="Old body", language="fr", url=article(1)["url"]
    )
    items = [
        article(0),
        article(1, title="Dépêche 1, mise à jour"),
        {"title": "", "body": "x", "language": "fr"},
        article(3, quotes=[{"source": "!!!", "text": "Sans auteur."}]),
        article(4, language="french"),
        article(5),
    ]
    response = editor_client.post(BULK, {"articles": items}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["created"], body["updated"], body["skipped"], body["failed"]) == (2, 1, 0, 3)
    statuses = [(r["index"], r["status"]) for r in body["results"]]
    assert statuses == [(0, "created"), (1, "updated"), (2, "error"), (3, "error"),
                        (4, "error"), (5, "created")]  # fmt: skip
    assert "title" in body["results"][2]["errors"]
    assert "quotes" in body["results"][3]["errors"]
    assert "language" in body["results"][4]["errors"]
    # Refused items left nothing: no article, no tag "Sujet 0" from item 3, no source "!!!".
    assert Article.objects.count() == 3
    assert not Article.objects.filter(url=article(3)["url"]).exists()
    assert Article.objects.get(url=article(1)["url"]).title == "Dépêche 1, mise à jour"
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Agence", "Sujet 0",
                                                                  "Sujet 1", "Sujet 2"]  # fmt: skip
    assert Byline.objects.count() == Quotation.objects.count() == 3
    # Stored as the one-by-one path stores them, and searchable.
    created = Article.objects.get(pk=body["results"][0]["id"])
    assert created.slug == "depeche-0" and created.published_at is not None
    assert indexed("citation") == {r["id"] for r in body["results"] if r["id"]}


def test_a_bare_array_and_skip_existing(editor_client):
    first = editor_client.post(BULK, [article(1), article(2)], format="json").json()
    assert first["created"] == 2
    again = editor_client.post(
        BULK, {"articles": [article(1, title="Changed"), article(3)], "skip_existing": True},
        format="json",
    )  # fmt: skip
    assert [r["status"] for r in again.json()["results"]] == ["skipped", "created"]
    assert Article.objects.get(url=article(1)["url"]).title == "Dépêche 1"


def test_the_same_url_twice_in_one_request_is_one_article(editor_client):
    response = editor_client.post(BULK, [article(1), article(1, title="Second")], format="json")
    assert [r["status"] for r in response.json()["results"]] == ["created", "updated"]
    assert Article.objects.get().title == "Second"


def test_the_envelope_is_checked(editor_client):
    assert editor_client.post(BULK, {"articles": []}, format="json").status_code == 400
    too_many = [article(n) for n in range(501)]
    assert editor_client.post(BULK, too_many, format="json").status_code == 400
    assert editor_client.post(BULK, {"articles": ["text"]}, format="json").status_code == 400
    assert Article.objects.count() == 0


def test_500_articles_in_one_request(editor_client, django_assert_max_num_queries):
    items = [article(n) for n in range(500)]
    with django_assert_max_num_queries(60):  # set-based: not a query per article
        response = editor_client.post(BULK, items, format="json")
    assert response.json()["created"] == 500
    assert Article.objects.count() == 500 and Quotation.objects.count() == 500


def test_permissions(api_client, reader_client, editor_client):
    assert api_client.post(BULK, [article(1)], format="json").status_code == 401
    assert reader_client.post(BULK, [article(1)], format="json").status_code == 403
    assert editor_client.post(BULK, [article(1)], format="json").json()["created"] == 1
    adder = UserFactory(username="adder", permissions=["articles.add_article"])
    api_client.force_authenticate(adder)
    response = api_client.post(
        BULK, [article(1, title="New"), article(2, status="draft")], format="json"
    )
    assert [r["status"] for r in response.json()["results"]] == ["error", "created"]
    assert "another user's article" in str(response.json()["results"][0]["errors"])
    assert Article.objects.get(url=article(1)["url"]).title == "Dépêche 1"


def test_items_is_taken_for_articles(editor_client):
    response = editor_client.post(BULK, {"items": [article(1)]}, format="json")
    assert response.status_code == 200 and response.json()["created"] == 1
