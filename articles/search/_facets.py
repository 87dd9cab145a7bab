"""Facets: the exact number of matching articles and their top values.

Aggregating the whole archive costs time in proportion to it; two layers keep that cost off
the request that follows a write.

Results are kept per process for the index state they were computed on (``Engine.version``)
and, for readers, the next instant a scheduled article goes live or one expires: any write
moves that state, and time moves past that instant, so a kept result is never stale.

Under them, a *base*: the counts of every value (not only the top ones) of one query, with the
searcher they were counted on and the change log position that searcher has applied. When the
index has moved on, the articles changed since that position (one statement) are counted
twice, as the base's searcher has them and as the current one has them, and the difference is
added to the base's counts: two aggregations over a handful of documents instead of one over
the archive. Counts are sums over documents and every other article's documents are the same
in both searchers, so the result is exactly that of counting afresh, provided the query
selects the other documents alike: the base serves only a query that compiles to the same
query on the current searcher (its text's terms, languages and corrections depend on the
index), for readers only until the next instant visibility changes by itself, and never with
``collapse`` (an article's group decides whether it shows). Past ``MOVE_AFTER`` changed
articles the base moves to the state just counted (its counts plus the difference, no
aggregation); past ``REBASE_AFTER``, on another generation (a rebuild), a pruned log or a
query that compiles otherwise, the counts are taken afresh and become the new base.

A base holds every value, which costs more to count than the top ones: a text query (most are
asked once) is counted for its top values only the first time it is seen, and gets a base the
next time it must be counted (the index has moved on since). Queries of filters alone (few,
and asked again and again) get a base at once.
"""

from __future__ import annotations

import datetime
import heapq
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import astuple, dataclass

import tantivy
from django.utils import timezone

from articles.kinds import NAMED_KINDS
from articles.search import _changelog as changelog
from articles.search._documents import microseconds
from articles.search._engine import Reading, engine
from articles.search._filters import ArticleSearch, next_change
from articles.search._schema import SCHEMA
from articles.search._search import article_query
from articles.search._synonyms import NO_SYNONYMS, Synonyms, current_synonyms
from articles.text import fold

log = logging.getLogger(__name__)

FACET_SIZE = 20
# Every value is counted: each aggregation asks this many terms at first, and a facet that has
# more is counted again asking 16 times as many.
_TERMS = 100_000
# Articles changed since a base past which its query is counted afresh (a new base): the log
# is read for at most this many.
REBASE_AFTER = 2_000
# Past this many, the base moves to the state just counted (its counts plus the changes: no
# aggregation), so that each request after a write counts a few articles, not every one
# changed since the base was first counted.
MOVE_AFTER = 50
CACHED_RESULTS = 256
CACHED_BASES = 8  # each holds every value of its query (at a million articles, some MB)
_SEEN = 1024  # text queries remembered as counted once (the next count makes their base)
# A count of the top values asks this many per facet, and this many of each segment (the
# counts are exact when the aggregation reports no error).
_TOP_TERMS = 100
_SEGMENT_TERMS = 10_000
_RANKED = 256  # values of each facet ranked when a base is made (more when a request needs)
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


def _reverse(value: str) -> tuple[int, ...]:
    return tuple(-ord(char) for char in value)


def _by_name(value: str, count: int) -> tuple:
    slug, name = value.split("\t", 1)  # the label: "slug<TAB>name"
    return (-count, fold(name), slug)


# How each facet orders its values: the most counted first; ties by name (then slug), by value,
# months newest first.
_RANK: dict[str, Callable[[str, int], tuple]] = {
    **{name: _by_name for name in NAMED_FACETS},
    "languages": lambda value, count: (-count, value),
    "sections": lambda value, count: (-count, value),
    "months": lambda value, count: (-count, _reverse(value)),
}


@dataclass(frozen=True)
class _Counts:
    """The articles of a set of documents, by value (sums over documents: counts of two sets
    subtract)."""

    total: int
    values: dict[str, dict[str, int]]  # facet -> value -> articles
    spellings: dict[str, dict[str, int]]  # folded section -> spelling as written -> articles

    def plus(self, changes: _Counts) -> _Counts:
        """These counts with ``changes`` added (values counted by no article left out)."""

        def added(mine: dict, theirs: dict) -> dict:
            total = dict(mine)
            for key, change in theirs.items():
                total[key] = total.get(key, 0) + change
                if total[key] < 0:
                    raise _Inexact(key)
                if not total[key]:
                    del total[key]
            return total

        spellings = dict(self.spellings)
        for key, changed in changes.spellings.items():
            spellings[key] = added(spellings.get(key, {}), changed)
        return _Counts(
            self.total + changes.total,
            {name: added(self.values[name], changes.values[name]) for name in _FIELDS},
            {key: written for key, written in spellings.items() if written},
        )

    def minus(self, other: _Counts) -> _Counts:
        def difference(mine: dict, theirs: dict) -> dict:
            return {k: mine.get(k, 0) - theirs.get(k, 0) for k in mine.keys() | theirs.keys()}

        return _Counts(
            self.total - other.total,
            {name: difference(self.values[name], other.values[name]) for name in _FIELDS},
            {
                key: difference(self.spellings.get(key, {}), other.spellings.get(key, {}))
                for key in self.spellings.keys() | other.spellings.keys()
            },
        )


_NO_CHANGE = _Counts(0, {name: {} for name in _FIELDS}, {})


@dataclass(frozen=True)
class _Base:
    """Every value's count of one query, and what they were counted on."""

    version: tuple[str, int]  # the index state it was counted on (``Engine.version``)
    position: changelog.Position  # what ``searcher`` has applied at least
    searcher: tantivy.Searcher
    query: tantivy.Query
    query_text: str  # the query as tantivy shows it: two equal texts select alike
    at: datetime.datetime  # the moment readers' visibility was compiled for
    valid_until: int | None  # the next instant it changes by itself (None: editors', never)
    counts: _Counts
    ranked: dict[str, list[str]]  # each facet's most counted values, best first


class _Inexact(Exception):
    """A count came out negative: the base did not hold what the log said (never expected)."""


def facets(params: ArticleSearch, *, size: int = FACET_SIZE) -> dict[str, object]:
    """The number of matching articles and their top values by tag, author, quoted source,
    language, section and publication month (``YYYY-MM``, UTC); each counts articles."""
    reading = engine().reading()
    # Synonyms are read at each search (they change without touching the index).
    synonyms = current_synonyms() if params.searching else NO_SYNONYMS
    now = timezone.now()
    valid_until = None if params.editor else next_change(reading.searcher, now)
    key = (reading.version, valid_until, astuple(params), synonyms.sets, size)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    result = _computed(reading, params, size, synonyms, now, valid_until)
    with _cache_lock:
        _cache[key] = result
        while len(_cache) > CACHED_RESULTS:
            _cache.popitem(last=False)
    return result


def _computed(
    reading: Reading,
    params: ArticleSearch,
    size: int,
    synonyms: Synonyms,
    now: datetime.datetime,
    valid_until: int | None,
) -> dict[str, object]:
    compiled = article_query(params, reading.searcher, synonyms, now=now)
    if compiled.query is None:
        return _shown(_NO_CHANGE, size)
    if params.collapse:
        return _shown(count_all(reading.searcher, compiled.query), size)
    base_key = (astuple(params), synonyms.sets)
    if params.searching and _first_sight(reading.version[0], base_key):
        top = _count_top(reading.searcher, compiled.query, size)
        if top is not None:
            return _shown(top, size)
    base = _base(base_key, reading, now)
    since = (
        None if base is None else _changes_since(base, reading, params, synonyms, compiled.query)
    )
    if since is not None:
        changes, changed = since
        try:
            result = _shown(base.counts, size, changes, base.ranked)
            if changed > MOVE_AFTER:  # the base moves here: the next deltas start from it
                counts = base.counts.plus(changes)
                _keep(base_key, _based(reading, compiled.query, now, valid_until, counts))
            return result
        except _Inexact:
            log.warning("facet counts from a base came out negative: counted afresh")
    base = _based(
        reading, compiled.query, now, valid_until, count_all(reading.searcher, compiled.query)
    )
    _keep(base_key, base)
    return _shown(base.counts, size, ranked=base.ranked)


def _based(
    reading: Reading,
    query: tantivy.Query,
    now: datetime.datetime,
    valid_until: int | None,
    counts: _Counts,
) -> _Base:
    """The base of ``query``'s ``counts`` at ``reading`` (compiled for ``now``)."""
    return _Base(
        version=reading.version,
        position=reading.position,
        searcher=reading.searcher,
        query=query,
        query_text=repr(query),
        at=now,
        valid_until=valid_until,
        counts=counts,
        ranked={name: _ranked(name, counts.values[name], _RANKED) for name in _FIELDS},
    )


_seen: OrderedDict[tuple, None] = OrderedDict()


def _first_sight(generation: str, key: tuple) -> bool:
    """Whether this text query is counted for the first time on this index generation (then
    remembered)."""
    with _bases_lock:
        base = _bases.get(key)
        if (generation, key) in _seen or (base is not None and base.version[0] == generation):
            _seen.pop((generation, key), None)
            return False
        _seen[generation, key] = None
        while len(_seen) > _SEEN:
            _seen.popitem(last=False)
        return True


# --- bases --------------------------------------------------------------------------------------

_bases: OrderedDict[tuple, _Base] = OrderedDict()
_bases_lock = threading.Lock()


def _base(key: tuple, reading: Reading, now: datetime.datetime) -> _Base | None:
    """The kept base of this query, if it can serve at ``reading`` and ``now``: same index
    generation, counted on no later state than ``reading``'s (another thread may have read
    the index after this one), and (readers) no visibility changed by itself since."""
    with _bases_lock:
        base = _bases.get(key)
        if base is not None:
            _bases.move_to_end(key)
    if base is None or reading.position is None:
        return None
    (generation, state), (base_generation, base_state) = reading.version, base.version
    if generation != base_generation or state < base_state:
        return None
    if base.valid_until is not None and microseconds(now) >= base.valid_until:
        return None
    if now < base.at:  # the clock went back: what was live then may differ
        return None
    return base


def _keep(key: tuple, base: _Base) -> None:
    with _bases_lock:
        # Bases of another generation never serve again, and hold its files open: gone.
        for other in [k for k, b in _bases.items() if b.version[0] != base.version[0]]:
            del _bases[other]
        kept = _bases.get(key)
        if kept is None or kept.version[1] <= base.version[1]:  # a later one stays
            _bases[key] = base
        _bases.move_to_end(key)
        while len(_bases) > CACHED_BASES:
            _bases.popitem(last=False)


def _changes_since(
    base: _Base,
    reading: Reading,
    params: ArticleSearch,
    synonyms: Synonyms,
    query: tantivy.Query,
) -> tuple[_Counts, int] | None:
    """What the articles changed since ``base`` add to its counts at ``reading`` (``query``:
    the request's, compiled on it), and how many they are; None when the base cannot tell."""
    changed = changelog.articles_changed_since(base.position, limit=REBASE_AFTER)
    if changed is None:
        return None
    # Compiled for the base's moment on this searcher, the query must be the base's own: then
    # it selects the unchanged articles alike, and (readers) so does ``query``, compiled for
    # now, as no visibility changed by itself since that moment.
    same = article_query(params, reading.searcher, synonyms, now=base.at).query
    if same is None or repr(same) != base.query_text:
        return None
    if not changed:
        return _NO_CHANGE, 0
    ids = tantivy.Query.term_set_query(SCHEMA, "article_id", sorted(changed))
    before = _count(base.searcher, _both(base.query, ids))
    after = _count(reading.searcher, _both(query, ids))
    return after.minus(before), len(changed)


def _both(query: tantivy.Query, ids: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, ids)])


# --- counting -----------------------------------------------------------------------------------


def count_all(searcher: tantivy.Searcher, query: tantivy.Query) -> _Counts:
    """Every value's count over every match of ``query``: the aggregation that costs time in
    proportion to the matches (what a base spares)."""
    return _count(searcher, query)


def _terms(name: str, asked: int, *, segment_size: int | None = None) -> dict:
    segment_size = segment_size or asked
    terms = {"terms": {"field": _FIELDS[name], "size": asked, "segment_size": segment_size}}
    if name in _SPELLINGS:
        terms["aggs"] = {
            "spelling": {
                "terms": {"field": _SPELLINGS[name], "size": _TERMS, "segment_size": _TERMS}
            }
        }
    return terms


def _complete(found: dict) -> bool:
    """Whether a terms aggregation gave every term with its exact count."""
    if found.get("sum_other_doc_count") or found.get("doc_count_error_upper_bound"):
        return False
    return all(_complete(bucket["spelling"]) for bucket in found["buckets"] if "spelling" in bucket)


def _count(searcher: tantivy.Searcher, query: tantivy.Query) -> _Counts:
    asked = dict.fromkeys(_FIELDS, _TERMS)
    aggregations = {name: _terms(name, _TERMS) for name in _FIELDS}
    aggregations["total"] = {"value_count": {"field": "id"}}
    found = searcher.aggregate(query, aggregations)
    while short := [name for name in _FIELDS if not _complete(found[name])]:
        for name in short:
            asked[name] *= 16
        found.update(searcher.aggregate(query, {name: _terms(name, asked[name]) for name in short}))
    return _counts_of(found)


def _counts_of(found: dict) -> _Counts:
    values = {
        name: {bucket["key"]: int(bucket["doc_count"]) for bucket in found[name]["buckets"]}
        for name in _FIELDS
    }
    spellings = {
        bucket["key"]: {s["key"]: int(s["doc_count"]) for s in bucket["spelling"]["buckets"]}
        for name in _SPELLINGS
        for bucket in found[name]["buckets"]
    }
    return _Counts(int(found["total"]["value"] or 0), values, spellings)


def _count_top(searcher: tantivy.Searcher, query: tantivy.Query, size: int) -> _Counts | None:
    """The most counted values of each facet (``_TOP_TERMS``), with their exact counts, enough
    to rank its ``size`` best: None when the aggregation is unsure of a count, or a value it
    left out may tie with one of them (count every value then)."""
    asked = max(_TOP_TERMS, size)
    aggregations = {name: _terms(name, asked, segment_size=_SEGMENT_TERMS) for name in _FIELDS}
    aggregations["total"] = {"value_count": {"field": "id"}}
    found = searcher.aggregate(query, aggregations)
    for name in _FIELDS:
        facet = found[name]
        if facet.get("doc_count_error_upper_bound"):
            return None
        buckets = facet["buckets"]
        if facet.get("sum_other_doc_count") and buckets:
            # Values left out count at most the last one's: it must not reach the shown ones.
            least = int(buckets[-1]["doc_count"])
            if sum(1 for b in buckets if int(b["doc_count"]) > least) < size:
                return None
        if name in _SPELLINGS and not all(_complete(b["spelling"]) for b in buckets):
            return None
    return _counts_of(found)


# --- the answer ---------------------------------------------------------------------------------


def _ranked(name: str, counts: dict[str, int], depth: int) -> list[str]:
    """The values with the ``depth`` highest counts, and any tied with the last, best first."""
    chosen = list(counts)
    if len(chosen) > depth:
        threshold = heapq.nlargest(depth, counts.values())[-1]
        chosen = [value for value, count in counts.items() if count >= threshold]
    rank = _RANK[name]
    return sorted(chosen, key=lambda value: rank(value, counts[value]))


def _top(
    name: str, counts: dict[str, int], ranked: list[str] | None, changes: dict[str, int], size: int
) -> list[tuple[str, int]]:
    """The ``size`` best values of ``counts`` plus ``changes``, with their counts. ``ranked``:
    the best values of ``counts`` (as ``_ranked`` gives them)."""
    depth = size + len(changes)  # enough unchanged ones even if every changed one is in it
    if ranked is None or len(ranked) < min(depth, len(counts)):
        ranked = _ranked(name, counts, depth)
    chosen = []
    for value in ranked:
        if len(chosen) == size:
            break
        if value not in changes:
            chosen.append((value, counts[value]))
    for value, change in changes.items():
        count = counts.get(value, 0) + change
        if count < 0:
            raise _Inexact(name)
        if count:
            chosen.append((value, count))
    rank = _RANK[name]
    chosen.sort(key=lambda entry: rank(*entry))
    return chosen[:size]


def _spelling(written: dict[str, int], changes: dict[str, int]) -> str | None:
    """The most common spelling (ties: the first in code point order)."""
    counts = {s: written.get(s, 0) + changes.get(s, 0) for s in written.keys() | changes.keys()}
    if any(count < 0 for count in counts.values()):
        raise _Inexact("spelling")
    best = min(
        (s for s, count in counts.items() if count), key=lambda s: (-counts[s], s), default=None
    )
    return best


def _shown(
    counts: _Counts,
    size: int,
    changes: _Counts = _NO_CHANGE,
    ranked: dict[str, list[str]] | None = None,
) -> dict[str, object]:
    """The answer: the total and each facet's ``size`` best values, of ``counts`` plus
    ``changes``."""
    total = counts.total + changes.total
    if total < 0:
        raise _Inexact("total")
    result: dict[str, object] = {"total": total}
    for name in _FIELDS:
        top = _top(name, counts.values[name], (ranked or {}).get(name), changes.values[name], size)
        if name in NAMED_FACETS:
            result[name] = [
                {"slug": slug, "name": label, "count": count}
                for slug, label, count in ((*value.split("\t", 1), n) for value, n in top)
            ]
            continue
        shown = []
        for value, count in top:
            if name in _SPELLINGS:
                spelling = _spelling(
                    counts.spellings.get(value, {}), changes.spellings.get(value, {})
                )
                value = spelling or value
            shown.append({"value": value, "count": count})
        result[name] = shown
    return result
