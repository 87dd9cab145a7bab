"""Checking the index against PostgreSQL: which articles one holds that the other does not,
compared id window by id window (``manage.py search_index check``)."""

from __future__ import annotations

import tantivy
from django.db import connection

from articles.search._engine import engine
from articles.search._schema import SCHEMA, Kind, term

CHECK_WINDOW = 50_000
_STORED = "SELECT id FROM articles_article WHERE id >= %s AND id < %s"


def out_of_step(window: int = CHECK_WINDOW) -> tuple[list[int], list[int]]:
    """The ids of the articles PostgreSQL holds and the index does not (missing), and of
    those the index holds and PostgreSQL does not (extra), each in order; both empty when
    they agree. One searcher answers every window."""
    searcher = engine().searcher()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(max(id), 0) FROM articles_article")
        highest = cursor.fetchone()[0]
    indexed_max = _index_max_id(searcher)
    missing: list[int] = []
    extra: list[int] = []
    for low in range(0, max(highest, indexed_max) + 1, window):
        high = low + window
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM articles_article WHERE id >= %s AND id < %s", [low, high]
            )
            stored = {row[0] for row in cursor.fetchall()}
        indexed = _index_ids(searcher, low, high)
        missing += sorted(stored - indexed)
        extra += sorted(indexed - stored)
    return missing, extra


def _articles_between(low: int, high: int) -> tantivy.Query:
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, term("kind", Kind.ARTICLE)),
            (
                tantivy.Occur.Must,
                tantivy.Query.range_query(
                    SCHEMA, "id", tantivy.FieldType.Unsigned, low, high, include_upper=False
                ),
            ),
        ]
    )


def _index_ids(searcher: tantivy.Searcher, low: int, high: int) -> set[int]:
    hits = searcher.search(_articles_between(low, high), high - low, count=False).hits
    addresses = [address for _, address in hits]
    return {int(i) for i in searcher.fast_field_values("id", addresses)} if addresses else set()


def _index_max_id(searcher: tantivy.Searcher) -> int:
    query = term("kind", Kind.ARTICLE)
    hits = searcher.search(query, 1, order_by_field="id", order=tantivy.Order.Desc).hits
    return int(hits[0][0]) if hits else 0
