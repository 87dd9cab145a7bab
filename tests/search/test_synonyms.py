"""Synonym sets (SPEC: Synonyms): editors keep them; every door that takes q applies a set
from the next search on, with no rebuild; per language or for all; phrases too."""

from __future__ import annotations

import pytest
from django.db import transaction

from articles.models import SynonymSet
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SYNONYMS = "/api/v1/synonyms/"
LIST = "/api/v1/articles/"


def titles(client, q: str, **params) -> set[str]:
    response = client.get(LIST, {"q": q, **params})
    assert response.status_code == 200, response.content
    return {article["title"] for article in response.json()["results"]}


@pytest.fixture
def kyiv():
    return (
        ArticleFactory(title="Frappes sur Kiev", language="fr",
                       quotes=[{"source": "Vitali Klitschko", "text": "Kiev tient bon."}]),
        ArticleFactory(title="Strikes on Kyiv", language="en"),
    )  # fmt: skip


BOTH = {"Frappes sur Kiev", "Strikes on Kyiv"}


def test_a_set_applies_at_once_in_both_languages_and_every_door(
    editor_client, api_client, admin_client_logged_in, kyiv
):
    assert titles(api_client, "kyiv") == {"Strikes on Kyiv"}
    created = editor_client.post(SYNONYMS, {"terms": ["Kyiv", "Kiev"]}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["language"] is None
    for q in ("kyiv", "Kiev", "KYIV"):
        assert titles(api_client, q) == BOTH
    assert titles(api_client, "kyiv", language="fr") == {"Frappes sur Kiev"}
    assert titles(api_client, "kiev", language="en") == {"Strikes on Kyiv"}
    assert titles(api_client, "strikes -kiev") == set()  # excluding one excludes the set
    facets = api_client.get(f"{LIST}facets/", {"q": "kyiv"}).json()
    assert facets["total"] == 2
    quotes = api_client.get("/api/v1/quotes/", {"q": "kyiv"}).json()
    assert [quote["text"] for quote in quotes["results"]] == ["Kiev tient bon."]
    admin = admin_client_logged_in.get("/admin/articles/article/", {"q": "kyiv"}).content
    assert b"Frappes sur Kiev" in admin and b"Strikes on Kyiv" in admin
    # A change applies at once too, and so does a deletion.
    set_url = f"{SYNONYMS}{created.json()['id']}/"
    assert editor_client.patch(set_url, {"language": "fr"}, format="json").status_code == 200
    assert titles(api_client, "kiev", language="en") == set()
    assert titles(api_client, "kyiv", language="fr") == {"Frappes sur Kiev"}
    assert editor_client.delete(set_url).status_code == 204
    assert titles(api_client, "kyiv") == {"Strikes on Kyiv"}
    assert api_client.get(f"{LIST}facets/", {"q": "kyiv"}).json()["total"] == 1


def test_a_set_of_one_language_applies_to_that_language_only(editor_client, api_client, kyiv):
    ArticleFactory(title="Kiev in the 1990s", language="en")
    editor_client.post(SYNONYMS, {"terms": ["Kyiv", "Kiev"], "language": "fr"}, format="json")
    assert titles(api_client, "kyiv") == {"Frappes sur Kiev", "Strikes on Kyiv"}
    assert titles(api_client, "kiev") == {"Frappes sur Kiev", "Kiev in the 1990s"}


def test_phrases_in_a_set_match_as_phrases(editor_client, api_client):
    ArticleFactory(title="United States trade talks", language="en")
    ArticleFactory(title="Les États-Unis et la Chine", language="fr")
    ArticleFactory(title="USA win the final", language="en")
    ArticleFactory(title="States of the union", body="A united front.", language="en")
    terms = ["United States", "USA", "États-Unis"]
    assert editor_client.post(SYNONYMS, {"terms": terms}, format="json").status_code == 201
    expected = {"United States trade talks", "Les États-Unis et la Chine", "USA win the final"}
    assert titles(api_client, "usa") == expected
    assert titles(api_client, "united states") == expected
    assert titles(api_client, '"etats-unis"') == expected
    assert titles(api_client, "usa talks") == {"United States trade talks"}


def test_writes_need_the_permission_and_reads_too(api_client, reader_client, editor_client):
    body = {"terms": ["Kyiv", "Kiev"]}
    assert api_client.post(SYNONYMS, body, format="json").status_code in (401, 403)
    assert reader_client.post(SYNONYMS, body, format="json").status_code == 403
    assert api_client.get(SYNONYMS).status_code in (401, 403)
    assert reader_client.get(SYNONYMS).status_code == 403
    created = editor_client.post(SYNONYMS, body, format="json").json()
    url = f"{SYNONYMS}{created['id']}/"
    assert reader_client.patch(url, {"terms": ["a b", "c"]}, format="json").status_code == 403
    assert reader_client.delete(url).status_code == 403
    listed = editor_client.get(SYNONYMS).json()
    assert [item["terms"] for item in listed["results"]] == [["Kyiv", "Kiev"]]
    assert editor_client.get(url).json()["terms"] == ["Kyiv", "Kiev"]
    assert editor_client.put(url, body, format="json").status_code == 405


@pytest.mark.parametrize(
    "body",
    [
        {"terms": ["Kyiv"]},
        {"terms": ["Kyiv", "kyiv", "KYÏV"]},  # one term, however spelt
        {"terms": ["Kyiv", "!!"]},
        {"terms": "Kyiv"},
        {"terms": ["Kyiv", "x" * 101]},
        {"terms": ["Kyiv", "Kiev"], "language": "french"},
        {},
    ],
)
def test_bad_sets_are_a_400_and_nothing_is_stored(editor_client, body):
    response = editor_client.post(SYNONYMS, body, format="json")
    assert response.status_code == 400, response.content
    assert "terms" in response.json() or "language" in response.json()
    assert not SynonymSet.objects.exists()


def test_the_admin_keeps_sets(admin_client_logged_in, api_client, kyiv):
    response = admin_client_logged_in.post(
        "/admin/articles/synonymset/add/", {"terms": "Kyiv\nKiev", "language": ""}
    )
    assert response.status_code == 302, response.content
    assert SynonymSet.objects.get().terms == ["Kyiv", "Kiev"]
    assert titles(api_client, "kyiv") == BOTH


def test_every_write_of_the_sets_applies_at_once_and_a_rolled_back_one_is_forgotten(
    api_client, kyiv
):
    """Searches reuse the sets their process parsed while the version the request's first
    statement reads is theirs: every write bumps it (a trigger), whatever its door."""
    SynonymSet.objects.create(terms=["Kyiv", "Kiev"])  # the ORM, no service
    assert titles(api_client, "kyiv") == BOTH
    assert titles(api_client, "kyiv") == BOTH  # parsed once, reused
    with pytest.raises(RuntimeError), transaction.atomic():
        SynonymSet.objects.all().delete()
        assert titles(api_client, "kyiv") == {"Strikes on Kyiv"}
        raise RuntimeError("rolled back")
    # The next version is not the rolled-back one's (whose parsed sets were empty).
    SynonymSet.objects.update(language="en")
    assert titles(api_client, "kyiv", language="fr") == set()
    assert titles(api_client, "kiev", language="en") == {"Strikes on Kyiv"}
