"""Facets: the exact number of matching articles and their top values, in one aggregation.

Aggregating the whole archive costs time in proportion to it, so results are kept per process
for the index state they were computed on (``Engine.version``) and, for readers, the next
instant a scheduled article goes live or one expires: any write moves that state, and time
moves past that instant, so a kept result is never stale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import astuple

from articles.kinds import NAMED_KINDS
from articles.search._engine import engine
from articles.search._filters import ArticleSearch, next_change
from articles.search._search import article_query
from articles.search._synonyms import NO_SYNONYMS, Synonyms, current_synonyms
from articles.text import fold

FACET_SIZE = 20
# Terms asked in all (enough that ties at the 20th value are settled here, by name). Each
# segment first gives its top _PER_SEGMENT terms; when tantivy says a count may still be off,
# that facet is counted again with every term of every segment.
_ASKED = 100
_PER_SEGMENT = 10_000
_EVERY_TERM = 1_000_000
CACHED_RESULTS = 256
_cache: OrderedDict[tuple, dict] = OrderedDict()
_cache_lock = threading.Lock()
NAMED_FACETS = tuple(kind.plural for kind in NAMED_KINDS)
VALUE_FACETS = ("languages", "sections", "months")
_FIELDS = {
    **{kind.plural: kind.label_field for kind in NAMED_KINDS},
    "languages": "language",
    "sections": "section_key",  # counted folded, so that each value filters back exactly
    "months": "month",
}
# Facets counted by a folded key show the key's most common spelling.
_SPELLINGS = {"sections": "section"}


def facets(params: ArticleSearch, *, size: int = FACET_SIZE) -> dict[str, object]:
    """The number of matching articles and their top values by tag, author, quoted source,
    language, section and publication month (``YYYY-MM``, UTC); each counts articles."""
    searcher = engine().searcher()
    # Synonyms are read at each search (they change without touching the index).
    synonyms = current_synonyms() if params.searching else NO_SYNONYMS
    valid_until = None if params.editor else next_change(searcher)
    key = (engine().version, valid_until, astuple(params), synonyms.sets, size)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    result = _aggregate(searcher, params, size, synonyms)
    with _cache_lock:
        _cache[key] = result
        while len(_cache) > CACHED_RESULTS:
            _cache.popitem(last=False)
    return result


def _terms(name: str, segment_size: int) -> dict:
    terms = {"terms": {"field": _FIELDS[name], "size": _ASKED, "segment_size": segment_size}}
    if name in _SPELLINGS:
        terms["aggs"] = {"spelling": {"terms": {"field": _SPELLINGS[name], "size": 1}}}
    return terms


def _aggregate(searcher, params: ArticleSearch, size: int, synonyms: Synonyms) -> dict[str, object]:
    result: dict[str, object] = {"total": 0, **{name: [] for name in _FIELDS}}
    compiled = article_query(params, searcher, synonyms)
    if compiled.query is None:
        return result
    aggregations = {name: _terms(name, _PER_SEGMENT) for name in _FIELDS}
    aggregations["total"] = {"value_count": {"field": "id"}}
    found = searcher.aggregate(compiled.query, aggregations)
    unsure = {n: _terms(n, _EVERY_TERM) for n in _FIELDS
              if found[n].get("doc_count_error_upper_bound")}  # fmt: skip
    if unsure:
        found.update(searcher.aggregate(compiled.query, unsure))
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
            spelling = _spelling(found[name]["buckets"]) if name in _SPELLINGS else {}
            result[name] = [
                {"value": spelling.get(key, key), "count": count} for key, count in buckets[:size]
            ]
    return result


def _spelling(buckets: list[dict]) -> dict[str, str]:
    """Each folded key's most common spelling, from the ``spelling`` sub-aggregation."""
    return {
        bucket["key"]: bucket["spelling"]["buckets"][0]["key"]
        for bucket in buckets
        if bucket.get("spelling", {}).get("buckets")
    }


def _reverse(value: str) -> tuple[int, ...]:
    return tuple(-ord(char) for char in value)
