"""Every list endpoint answers in a fixed number of queries, whatever the page size (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# Expected queries for an anonymous reader: count + page + the prefetches of the page.
LIST_QUERIES = {
    "/api/v1/articles/": 5,  # count, page, bylines+authors, tags, quotes+sources
    # + parse the query, highlight the page, and keep the planner on the indexes (savepoint,
    # SET LOCAL, release: a transaction of its own outside the tests)
    "/api/v1/articles/?q=soldat": 10,
    "/api/v1/tags/": 2,
    "/api/v1/authors/": 2,
    "/api/v1/sources/": 2,
    "/api/v1/quotes/": 2,
    "/api/v1/quotes/?q=soldat": 6,  # + parse, and the planner setting as above
}


def make_articles(count: int, offset: int) -> None:
    for number in range(offset, offset + count):
        ArticleFactory(
            title=f"Des soldats {number}",
            language="fr",
            tags=[f"Tag {number}", "Commun"],
            authors=[f"Auteur {number}", "Rédaction"],
            quotes=[{"source": f"Source {number}", "text": "Les soldats parlent."}],
        )


def queries_for(client, path: str, page_size: int) -> int:
    separator = "&" if "?" in path else "?"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{path}{separator}page_size={page_size}")
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == page_size
    return len(captured)


@pytest.mark.parametrize("path", list(LIST_QUERIES))
def test_list_query_count_is_pinned_and_does_not_grow_with_the_page(api_client, path):
    make_articles(3, 0)
    small = queries_for(api_client, path, 3)
    make_articles(12, 3)
    large = queries_for(api_client, path, 15)
    assert small == large == LIST_QUERIES[path]
