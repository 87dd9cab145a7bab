"""Strict input: unknown query parameters and body fields are 400s that name them; detail
routes ignore the list's parameters (and any other); ``page`` is a whole number from 1."""

from __future__ import annotations

import pytest

from articles.filtersets import ArticleFilterSet, NamedEntityFilterSet, QuotationFilterSet
from articles.models import Quotation
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"

# Every parameter of every list, with a value that the list would refuse or filter on.
LIST_PARAMETERS = {
    **{name: "x" for name in ArticleFilterSet.base_filters},
    **{name: "x" for name in QuotationFilterSet.base_filters},
    **{name: "x" for name in NamedEntityFilterSet.base_filters},
    "kind": "nonsense",
    "published_after": "not-a-date",
    "article": "-1",
    "ordering": "nonsense",
    "page": "abc",
    "page_size": "1000",
}


@pytest.fixture
def article():
    return ArticleFactory(
        title="Glaciers",
        tags=["Climat"],
        authors=["Élodie Martin"],
        quotes=[{"source": "Matthias Huss", "kind": "person", "text": "Ça fond."}],
    )


def _details(article) -> list[tuple[str, dict | None]]:
    """Each detail route with a valid PUT body (None: read-only)."""
    quote = Quotation.objects.get(article=article)
    return [
        (
            f"{API}/articles/{article.pk}/",
            {"title": "Glaciers", "body": "Text.", "language": "fr", "tags": ["Climat"]},
        ),
        (f"{API}/tags/climat/", {"name": "Climat"}),
        (f"{API}/authors/elodie-martin/", {"name": "Élodie Martin"}),
        (f"{API}/sources/matthias-huss/", {"name": "Matthias Huss", "kind": "person"}),
        (f"{API}/quotes/{quote.pk}/", None),
    ]


@pytest.mark.parametrize("name", sorted(LIST_PARAMETERS))
def test_every_list_parameter_is_ignored_by_every_detail_route(editor_client, article, name):
    query = {name: LIST_PARAMETERS[name]}
    for url, body in _details(article):
        shown = editor_client.get(url, query)
        assert shown.status_code == 200, (url, name, shown.content)
        if body is None:
            continue
        assert (
            editor_client.patch(url, body, format="json", QUERY_STRING=f"{name}=x").status_code
            == 200
        )
        assert editor_client.put(f"{url}?{name}=x", body, format="json").status_code == 200


def test_every_list_parameter_at_once_is_ignored_by_deletes(editor_client, article):
    query = "&".join(f"{name}={value}" for name, value in LIST_PARAMETERS.items())
    quote_url = _details(article)[-1][0]
    for url, _body in _details(article)[:-1]:
        answer = editor_client.delete(f"{url}?{query}")
        assert answer.status_code in (204, 409), (url, answer.content)  # a quoted source: 409
    assert editor_client.get(f"{quote_url}?{query}").status_code == 404  # deleted with it


def test_detail_routes_ignore_any_other_parameter_too(api_client, article):
    answer = api_client.get(f"{API}/articles/{article.pk}/?utm_source=newsletter&tags=x")
    assert answer.status_code == 200
    assert answer.json()["id"] == article.pk
    assert api_client.get(f"{API}/tags/climat/?q=nothing-like-it").json()["slug"] == "climat"


# --- unknown query parameters --------------------------------------------------------------


def _unknown(answer, name: str, *known: str) -> str:
    assert answer.status_code == 400, answer.content
    message = answer.json()[name][0]
    assert message.startswith("Unknown parameter."), message
    for each in known:
        assert each in message
    return message


@pytest.mark.parametrize(
    ("url", "known"),
    [
        ("/articles/", ("tag", "any_tag", "ordering", "page", "page_size", "q")),
        ("/articles/facets/", ("tag", "q", "section")),
        ("/tags/", ("q", "page", "page_size")),
        ("/authors/", ("q", "page")),
        ("/sources/", ("q", "kind", "page")),
        ("/quotes/", ("q", "source", "article", "language", "page")),
        ("/suggest/?q=gla", ("q", "limit")),
    ],
)
def test_a_get_endpoint_names_an_unknown_parameter_and_lists_the_known(api_client, url, known):
    separator = "&" if "?" in url else "?"
    answer = api_client.get(f"{API}{url}{separator}tags=climat&lang=fr")
    message = _unknown(answer, "tags", *known)
    assert "lang" in answer.json()
    assert "tags," not in message.split("Known parameters:")[1].replace("exclude_tag", "")


def test_related_takes_limit_only(api_client, article):
    url = f"{API}/articles/{article.pk}/related/"
    assert api_client.get(url, {"limit": 3}).status_code == 200
    _unknown(api_client.get(url, {"q": "x"}), "q", "limit")


def test_posts_name_unknown_parameters(editor_client):
    bulk = editor_client.post(f"{API}/articles/bulk/?skip=1", [], format="json")
    assert bulk.status_code == 400
    assert "none" in bulk.json()["skip"][0]
    extract = editor_client.post(f"{API}/articles/extract/?safe=true", {"content": "x"})
    _unknown(extract, "safe", "save")
    token = editor_client.post(f"{API}/auth/token/?user=x", {"username": "a", "password": "b"})
    assert token.status_code == 400
    assert "user" in token.json()


def test_format_is_taken_everywhere(api_client):
    assert api_client.get(f"{API}/articles/?format=json").status_code == 200
    assert api_client.get(f"{API}/tags/?format=json").status_code == 200


# --- page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "last", "\u0661"])
@pytest.mark.parametrize("url", ["/articles/", "/quotes/", "/tags/"])
def test_a_page_that_is_not_a_positive_whole_number_is_a_400(api_client, article, url, page):
    answer = api_client.get(f"{API}{url}", {"page": page})
    assert answer.status_code == 400, answer.content
    assert answer.json() == {"page": ["Must be a whole number from 1."]}


@pytest.mark.parametrize("url", ["/articles/", "/quotes/", "/tags/"])
def test_a_page_past_the_last_stays_a_404(api_client, article, url):
    assert api_client.get(f"{API}{url}", {"page": 1}).status_code == 200
    assert api_client.get(f"{API}{url}", {"page": 2}).status_code == 404
    assert api_client.get(f"{API}{url}", {"page": 10**12}).status_code == 404


# --- unknown body fields -------------------------------------------------------------------


def test_an_article_write_names_an_unknown_field(editor_client, article):
    body = {"title": "T", "body": "B", "language": "en", "tag": ["Climat"]}
    answer = editor_client.post(f"{API}/articles/", body, format="json")
    assert answer.status_code == 400
    message = answer.json()["tag"][0]
    assert message.startswith("Unknown field.")
    assert "tags" in message and "quotes" in message
    patch = editor_client.patch(f"{API}/articles/{article.pk}/", {"slug": "x"}, format="json")
    assert patch.status_code == 400
    assert "slug" in patch.json()


def test_a_quote_names_an_unknown_field(editor_client):
    body = {"title": "T", "body": "B", "language": "en", "quotes": [{"source": "A", "txt": "x"}]}
    answer = editor_client.post(f"{API}/articles/", body, format="json")
    assert answer.status_code == 400
    assert "txt" in answer.json()["quotes"]["0"]


def test_a_name_write_refuses_read_only_and_unknown_fields(editor_client, article):
    answer = editor_client.post(f"{API}/tags/", {"name": "Neige", "slug": "x"}, format="json")
    assert answer.status_code == 400
    assert answer.json()["slug"][0].startswith("Read-only")
    answer = editor_client.patch(f"{API}/sources/matthias-huss/", {"kinds": "person"})
    assert answer.status_code == 400
    assert "kind" in answer.json()["kinds"][0]


def test_bulk_names_unknown_fields_of_the_envelope_and_of_each_item(editor_client):
    envelope = {"articles": [], "skip": True}
    assert "skip" in editor_client.post(f"{API}/articles/bulk/", envelope, format="json").json()
    item = {"title": "T", "body": "B", "language": "en", "tag": ["Climat"]}
    answer = editor_client.post(f"{API}/articles/bulk/", {"items": [item]}, format="json")
    assert answer.status_code == 200
    assert "tag" in answer.json()["results"][0]["errors"]


def test_extract_and_token_name_unknown_fields(editor_client, api_client):
    extract = editor_client.post(f"{API}/articles/extract/", {"html": "<p>x</p>", "lang": "fr"})
    assert extract.status_code == 400
    assert "lang" in extract.json()
    token = api_client.post(f"{API}/auth/token/", {"username": "a", "password": "b", "otp": 1})
    assert token.status_code == 400
    assert "otp" in token.json()


def test_synonym_sets_name_unknown_fields_and_parameters(editor_client):
    answer = editor_client.post(f"{API}/synonyms/", {"term": ["Kyiv", "Kiev"]}, format="json")
    assert answer.status_code == 400
    assert "term" in answer.json()
    answer = editor_client.get(f"{API}/synonyms/", {"languag": "fr"})
    assert answer.status_code == 400
    assert "languag" in answer.json()
