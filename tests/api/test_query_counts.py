"""Every list endpoint answers in a fixed number of queries, whatever the page size (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ArticleFactory, articles_in_bulk, indexed

pytestmark = pytest.mark.django_db

# Expected queries for an anonymous reader. Every request: the throttle's count (one upsert),
# which on a read also asks the change log whether this host's index is behind and which
# version of the synonym sets is current (so the index answers with no statement of its own,
# and a q reuses the sets this process parsed). Article and quotation lists: then the page's
# rows by id with their authors, tags and quotes in one statement.
LIST_QUERIES = {
    "/api/v1/articles/": 2,
    "/api/v1/articles/?q=soldat": 2,
    "/api/v1/articles/?q=soldat&tag=commun&language=fr&ordering=-updated_at": 2,
    "/api/v1/articles/facets/?q=soldat": 1,  # the throttle with the log check
    "/api/v1/suggest/?q=sold": 1,
    "/api/v1/tags/": 3,  # the throttle, the total, the page
    "/api/v1/authors/": 3,
    "/api/v1/sources/": 3,
    "/api/v1/quotes/": 2,  # the throttle with the log check, the page with sources, articles
    "/api/v1/quotes/?q=soldat": 2,
}


def make_articles(count: int, offset: int) -> None:
    articles_in_bulk(
        [
            {
                "title": f"Des soldats {number}",
                "language": "fr",
                "tags": [f"Tag {number}", "Commun"],
                "authors": [f"Auteur {number}", "Rédaction"],
                "quotes": [{"source": f"Source {number}", "text": "Les soldats parlent."}],
            }
            for number in range(offset, offset + count)
        ]
    )


def queries_for(client, path: str, page_size: int) -> int:
    # Facets take no size (they always give the top 20), suggestions a limit, lists a page size.
    paged = "limit" if "suggest" in path else "page_size"
    separator = "&" if "?" in path else "?"
    url = path if "facets" in path else f"{path}{separator}{paged}={min(page_size, 20)}"
    client.get(url)  # the index applies the new articles first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    results = response.json().get("results")
    if results is not None:
        assert len(results) == page_size
    return len(captured)


@pytest.mark.parametrize("path", list(LIST_QUERIES))
def test_list_query_count_is_pinned_and_does_not_grow_with_the_page(api_client, path):
    make_articles(3, 0)
    small = queries_for(api_client, path, 3)
    make_articles(12, 3)
    large = queries_for(api_client, path, 15)
    assert small == large == LIST_QUERIES[path]


def test_a_write_response_does_not_grow_with_the_articles_names(editor_client):
    """The written article is read back in one statement, whatever it names."""
    warm_up = ArticleFactory(title="Warm up")
    editor_client.patch(f"/api/v1/articles/{warm_up.pk}/", {"title": "Warm"})  # perms cached
    counts = []
    for names in (1, 6):
        article = ArticleFactory(
            authors=[f"Writer {names}-{n}" for n in range(names)],
            tags=[f"Topic {names}-{n}" for n in range(names)],
            quotes=[{"source": f"Speaker {names}-{n}", "text": "t"} for n in range(names)],
        )
        with CaptureQueriesContext(connection) as captured:
            response = editor_client.patch(f"/api/v1/articles/{article.pk}/", {"title": "New"})
        assert response.status_code == 200 and len(response.json()["authors"]) == names
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_log_status_a_request_read_is_forgotten_when_it_ends(api_client):
    """The throttle's statement reads the change log's status for the search that may follow;
    a request that did not search leaves nothing a later search could take for fresh."""
    first = ArticleFactory(title="Glaciers of the north", language="en", tags=["Ice"])
    assert indexed("glaciers") == {first.pk}
    with CaptureQueriesContext(connection) as captured:
        assert api_client.get("/api/v1/tags/ice/").status_code == 200  # no search
    assert any("newsapi_search_state" in query["sql"] for query in captured)  # it asked
    second = ArticleFactory(title="Glaciers of the south", language="en")
    assert indexed("glaciers") == {first.pk, second.pk}


def test_a_read_that_searches_asks_the_log_in_the_throttles_statement(api_client):
    make_articles(2, 0)
    api_client.get("/api/v1/articles/")
    ArticleFactory(title="Des soldats nouveaux", language="fr")  # written since: pending
    with CaptureQueriesContext(connection) as captured:
        titles = [a["title"] for a in api_client.get("/api/v1/articles/").json()["results"]]
    assert "Des soldats nouveaux" in titles
    assert "newsapi_search_state" in captured[0]["sql"]  # the throttle's upsert asked


def test_reads_answered_by_postgresql_alone_do_not_ask_the_log(api_client):
    article = ArticleFactory()
    for path in (f"/api/v1/articles/{article.pk}/", "/api/v1/changes/"):
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get(path).status_code == 200, path
        assert not any("newsapi_search_state" in query["sql"] for query in captured), path
