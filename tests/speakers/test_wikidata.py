"""Wikidata ids on tags, authors and sources: validated, unique, filterable; never looked up."""

from __future__ import annotations

import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["tags", "authors", "sources"])
def test_set_cleared_validated_and_unique(editor_client, kind):
    created = editor_client.post(
        f"/api/v1/{kind}/", {"name": "Ukraine", "wikidata_id": "Q212"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["wikidata_id"] == "Q212"
    for bad in ("212", "q212", "Q", "Q0212", "Q21a", ""):
        response = editor_client.patch(
            f"/api/v1/{kind}/ukraine/", {"wikidata_id": bad}, format="json"
        )
        assert response.status_code == 400, (bad, response.content)
        assert "wikidata_id" in response.json()
    other = editor_client.post(
        f"/api/v1/{kind}/", {"name": "Kyiv", "wikidata_id": "Q212"}, format="json"
    )
    assert other.status_code == 409
    assert "Ukraine" in str(other.json())
    cleared = editor_client.patch(f"/api/v1/{kind}/ukraine/", {"wikidata_id": None}, format="json")
    assert cleared.json()["wikidata_id"] is None
    assert (
        editor_client.post(
            f"/api/v1/{kind}/", {"name": "Kyiv", "wikidata_id": "Q212"}, format="json"
        ).status_code
        == 201
    )


def test_the_article_list_filters_by_wikidata_ids(api_client, editor_client):
    quoting = ArticleFactory(
        tags=["Ukraine"], authors=["Sara"], quotes=[{"source": "Zelensky", "text": "We stand."}]
    )
    ArticleFactory(tags=["Climat"], quotes=[{"source": "Other", "text": "No."}])
    editor_client.patch("/api/v1/sources/zelensky/", {"wikidata_id": "Q3874799"}, format="json")
    editor_client.patch("/api/v1/tags/ukraine/", {"wikidata_id": "Q212"}, format="json")
    editor_client.patch("/api/v1/authors/sara/", {"wikidata_id": "Q5"}, format="json")
    for param, value in (("source_wikidata", "Q3874799"), ("tag_wikidata", "Q212"),
                         ("author_wikidata", "Q5")):  # fmt: skip
        found = api_client.get("/api/v1/articles/", {param: value}).json()["results"]
        assert [row["id"] for row in found] == [quoting.pk], param
        assert api_client.get("/api/v1/articles/", {param: "Q1"}).json()["count"] == 0
    assert api_client.get("/api/v1/articles/", {"source_wikidata": "3874799"}).status_code == 400
    names = api_client.get("/api/v1/sources/", {"wikidata": "Q3874799"}).json()["results"]
    assert [source["slug"] for source in names] == ["zelensky"]
