"""Ranked pages are one total order (score, then newest, then id): paging through a result,
however many of its scores tie, visits every match exactly once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from articles import search
from articles.search import introspect
from tests.factories import ArticleFactory, articles_in_bulk

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"
WIRE = "Markets steady as central banks hold rates"
WIRE_BODY = "Stocks were little changed on Tuesday as investors awaited the decisions."


def page_through(api_client, size: int, **params) -> tuple[list[int], set[int]]:
    """Every id of every page, in order, and the counts the pages gave."""
    ids, counts, page = [], set(), 1
    while True:
        response = api_client.get(LIST, {**params, "page_size": size, "page": page})
        assert response.status_code == 200, response.content
        data = response.json()
        counts.add(data["count"])
        ids += [item["id"] for item in data["results"]]
        if not data["next"]:
            return ids, counts
        page += 1


def wire_copies(dates: list[datetime.datetime], **fields) -> list[int]:
    """Ids of copies of one wire story, one a date, written in one batch."""
    return articles_in_bulk(
        [{"title": WIRE, "body": WIRE_BODY, "published_at": date, **fields} for date in dates]
    )


def hours_ago(count: int, *, start: int = 0) -> list[datetime.datetime]:
    now = timezone.now().replace(microsecond=0)
    return [now - datetime.timedelta(hours=start + n + 1) for n in range(count)]


@pytest.fixture
def wire_stories():
    """60 copies of one story (equal scores), half of them published at the same second."""
    moment = timezone.now().replace(microsecond=0)
    ids = wire_copies(
        [moment] * 30 + [moment - datetime.timedelta(minutes=n + 1) for n in range(30)]
    )
    ArticleFactory(title="Weather", body="Rain.")  # not a match
    return ids


@pytest.mark.parametrize("size", [1, 7, 13, 20, 61, 100])
def test_paging_through_identical_stories_visits_each_once(api_client, wire_stories, size):
    ids, counts = page_through(api_client, size, q="central banks")
    assert counts == {60}
    assert len(ids) == 60 and set(ids) == set(wire_stories)


def test_equal_scores_come_newest_first_then_by_id(api_client, wire_stories):
    ids, _ = page_through(api_client, 7, q="central banks")
    published = {a.id: a.published_at for a in map(_article, wire_stories)}
    assert ids == sorted(wire_stories, key=lambda i: (published[i], i), reverse=True)


def test_one_big_group_of_equal_scores_is_one_order_across_page_sizes(api_client, monkeypatch):
    """Past the tie group limit the index's own order breaks ties, across segments (each
    batch applied in a commit of its own): still one order whatever the page size."""
    introspect.tune(monkeypatch, TIE_GROUP=10)
    stories = []
    for _ in range(4):
        stories += wire_copies(hours_ago(15, start=len(stories)))
        page_through(api_client, 100, q="central banks")  # applied: a segment more
    assert search.engine().searcher().num_segments > 1
    by_one, _ = page_through(api_client, 1, q="central banks")
    assert set(by_one) == set(stories) and len(by_one) == 60
    for size in (3, 7, 11, 20):
        ids, _ = page_through(api_client, size, q="central banks")
        assert ids == by_one, size


def test_distinct_scores_and_ties_mixed(api_client, wire_stories):
    """Better matches first, then the tied ones; still every match once."""
    better = [ArticleFactory(title=f"Central banks {n}", body="Central banks, central banks.")
              for n in range(5)]  # fmt: skip
    ids, counts = page_through(api_client, 9, q="central banks")
    assert counts == {65} and len(ids) == 65 and len(set(ids)) == 65
    assert set(ids[:5]) == {a.id for a in better}


def test_quotes_paging_through_equal_scores_visits_each_once(api_client):
    moment = timezone.now().replace(microsecond=0)
    wire_copies([moment] * 60, quotes=[{"source": "Ann Lee", "text": "Rates hold."}])
    seen, page = [], 1
    while True:
        data = api_client.get(
            "/api/v1/quotes/", {"q": "rates", "page_size": 7, "page": page}
        ).json()
        seen += [quote["id"] for quote in data["results"]]
        if not data["next"]:
            break
        page += 1
    assert data["count"] == 60 and len(seen) == 60 and len(set(seen)) == 60


def _article(article_id: int):
    from articles.models import Article

    return Article.objects.get(id=article_id)


def test_the_search_function_pages_the_same_way():
    wire_copies(hours_ago(45))
    params = search.ArticleSearch(q="steady")
    every = [
        i for offset in range(0, 45, 4)
        for i in search.search_articles(params, offset=offset, limit=4).ids
    ]  # fmt: skip
    assert len(every) == 45 and len(set(every)) == 45
