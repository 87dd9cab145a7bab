"""Facets: the exact number of matching articles and their top values, in one aggregation."""

from __future__ import annotations

from articles.search._engine import engine
from articles.search._search import ArticleSearch, article_query
from articles.text import fold

FACET_SIZE = 20
# Terms asked of each segment and in all: enough that ties at the 20th value are settled
# here, by name, and that every count is exact in practice.
_ASKED = 100
_SEGMENT_SIZE = 10_000
NAMED_FACETS = ("tags", "authors", "sources")
VALUE_FACETS = ("languages", "sections", "months")
_FIELDS = {
    "tags": "tag_label",
    "authors": "author_label",
    "sources": "source_label",
    "languages": "language",
    "sections": "section",
    "months": "month",
}


def facets(params: ArticleSearch, *, size: int = FACET_SIZE) -> dict[str, object]:
    """The number of matching articles and their top values by tag, author, quoted source,
    language, section and publication month (``YYYY-MM``, UTC); each counts articles."""
    result: dict[str, object] = {"total": 0, **{name: [] for name in _FIELDS}}
    searcher = engine().searcher()
    compiled = article_query(params, searcher)
    if compiled.query is None:
        return result
    aggregations = {
        name: {"terms": {"field": field, "size": _ASKED, "segment_size": _SEGMENT_SIZE}}
        for name, field in _FIELDS.items()
    }
    aggregations["total"] = {"value_count": {"field": "id"}}
    found = searcher.aggregate(compiled.query, aggregations)
    result["total"] = int(found["total"]["value"] or 0)
    for name in _FIELDS:
        buckets = [(b["key"], int(b["doc_count"])) for b in found[name]["buckets"]]
        if name in NAMED_FACETS:
            labelled = [(*key.split("\t", 1), count) for key, count in buckets]
            labelled.sort(key=lambda entry: (-entry[2], fold(entry[1]), entry[0]))
            result[name] = [
                {"slug": slug, "name": label, "count": count}
                for slug, label, count in labelled[:size]
            ]
        else:
            newest_first = name == "months"
            buckets.sort(key=lambda entry: (-entry[1], _reverse(entry[0]) if newest_first
                                            else entry[0]))  # fmt: skip
            result[name] = [{"value": key, "count": count} for key, count in buckets[:size]]
    return result


def _reverse(value: str) -> tuple[int, ...]:
    return tuple(-ord(char) for char in value)
