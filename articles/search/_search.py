"""Searching and listing: one page, its exact count, from the index; rows come from
PostgreSQL afterwards, by id."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field

import numpy as np
import tantivy
from django.conf import settings
from django.utils import timezone

from articles.search._documents import microseconds, moment_of
from articles.search._engine import engine
from articles.search._query import Compiled, FieldSet, compile_query, parse
from articles.search._schema import (
    ANALYSER_KEYS,
    ARTICLE_FIELDS,
    QUOTE_FIELDS,
    SCHEMA,
    Kind,
    analyser_key,
    term,
)
from articles.search._synonyms import Synonyms, current_synonyms
from articles.text import fold

Occur = tantivy.Occur
PUBLISHED = "published"

# name -> (fast field, order); "rank" is the score, best first, ties newest first.
ORDERINGS: dict[str, tuple[str, tantivy.Order] | None] = {
    "published_at": ("published_asc", tantivy.Order.Asc),
    "-published_at": ("published_desc", tantivy.Order.Desc),
    "title": ("title_sort", tantivy.Order.Asc),
    "-title": ("title_sort", tantivy.Order.Desc),
    "updated_at": ("updated", tantivy.Order.Asc),
    "-updated_at": ("updated", tantivy.Order.Desc),
    "rank": None,
    "rank_recent": None,
}
RANKINGS = ("rank", "rank_recent")
# Quotations without a query: newest article first, each article's quotes in order.
QUOTE_ORDER = "quote_order"
_SORTS = {**ORDERINGS, QUOTE_ORDER: ("quote_order", tantivy.Order.Desc)}
NEWEST_FIRST = "-published_at"
# Equal scores are ordered newest first, then by id, in groups of up to this many hits; a
# larger group keeps the index's own order of equal scores (by document address), as total
# and stable but cheap to reach into at any depth. A page reads this many hits either side.
TIE_GROUP = 500
# Past this many hits, a page is only fetched once the count shows it exists: tantivy keeps
# offset + limit hits in memory, and a client may ask for page 10**9.
DEEP_PAGE = 10_000
# rank_recent rescores this many best BM25 matches at first (or twice the page's end), and
# at most RECENT_MAX_FETCH (or the page's end).
RECENT_FIRST_FETCH = 200
RECENT_MAX_FETCH = DEEP_PAGE
_DAY = 86_400_000_000  # microseconds


@dataclass(frozen=True)
class ArticleSearch:
    """Everything a list of articles can be asked for (SPEC: article list parameters)."""

    q: str = ""
    editor: bool = False  # may see drafts and archived articles
    owner: int | None = None  # a contributor: sees their own articles too, whatever the status
    status: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    any_tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    author: str | None = None
    source: str | None = None
    section: str | None = None
    # Wikidata ids (``Q3874799``) of a tag, an author or a quoted source the article names.
    tag_wikidata: str | None = None
    author_wikidata: str | None = None
    source_wikidata: str | None = None
    published_after: datetime.datetime | None = None
    published_before: datetime.datetime | None = None
    updated_after: datetime.datetime | None = None
    ordering: str | None = None
    collapse: bool = False  # one article per group of near-duplicates

    @property
    def searching(self) -> bool:
        return bool(self.q.strip())


@dataclass(frozen=True)
class QuoteSearch:
    q: str = ""
    editor: bool = False
    source: str | None = None
    article: int | None = None
    language: str | None = None

    @property
    def searching(self) -> bool:
        return bool(self.q.strip())


@dataclass
class Page:
    """One page of hits: ids best (or first by the ordering) first, with scores when
    searching, the exact count, and what the query needed to be highlighted."""

    count: int
    ids: list[int]
    ranks: dict[int, float] = field(default_factory=dict)
    corrected: list[dict] = field(default_factory=list)  # [{"word", "matched"}]
    query: tantivy.Query | None = None
    searcher: tantivy.Searcher | None = None


def _filter(query: tantivy.Query) -> tuple[tantivy.Occur, tantivy.Query]:
    """A clause that narrows without scoring."""
    return Occur.Must, tantivy.Query.const_score_query(query, 0.0)


def _since(name: str, moment: datetime.datetime, *, upper: bool = False) -> tantivy.Query:
    bound = microseconds(moment)
    kind = tantivy.FieldType.Integer
    if upper:
        return tantivy.Query.range_query(SCHEMA, name, kind, upper_bound=bound, include_upper=False)
    return tantivy.Query.range_query(SCHEMA, name, kind, lower_bound=bound)


def live_now(now: datetime.datetime | None = None) -> list:
    """Published, dated at or before ``now`` and not expired by then: what readers see of
    articles and quotations (the time is the search's, so no worker opens the door). Said as
    "not scheduled, not expired": excluding the few is cheaper than ranging over the many
    (a published document always has its date)."""
    moment = microseconds(now or timezone.now())
    kind = tantivy.FieldType.Integer
    scheduled = tantivy.Query.range_query(
        SCHEMA, "published", kind, lower_bound=moment, include_lower=False
    )
    expired = tantivy.Query.range_query(SCHEMA, "expires", kind, upper_bound=moment)
    return [
        _filter(term("status", PUBLISHED)),
        (Occur.MustNot, scheduled),
        (Occur.MustNot, expired),
    ]


def _nearest(searcher: tantivy.Searcher, name: str, *, coming: bool) -> int | None:
    """The ``published`` or ``expires`` instant of a published article nearest to now: the
    first still to come, or the last that has come."""
    now = microseconds(timezone.now())
    kind = tantivy.FieldType.Integer
    if coming:
        bound = tantivy.Query.range_query(SCHEMA, name, kind, lower_bound=now, include_lower=False)
    else:
        bound = tantivy.Query.range_query(SCHEMA, name, kind, upper_bound=now)
    query = tantivy.Query.boolean_query(
        [_filter(term("kind", Kind.ARTICLE)), _filter(term("status", PUBLISHED)), _filter(bound)]
    )
    order = tantivy.Order.Asc if coming else tantivy.Order.Desc
    hits = searcher.search(query, 1, count=False, order_by_field=name, order=order).hits
    return int(searcher.fast_field_values(name, [hits[0][1]])[0]) if hits else None


def next_change(searcher: tantivy.Searcher) -> int | None:
    """The next instant (microseconds) an article's visibility to readers changes by itself:
    the earliest date to come of a published article, or expiry to come of any. What readers
    were answered is valid until then (caches of results key by it)."""
    instants = [_nearest(searcher, name, coming=True) for name in ("published", "expires")]
    return min((instant for instant in instants if instant is not None), default=None)


def last_expiry() -> datetime.datetime | None:
    """When an article last expired (any: readers' answers may have changed since)."""
    moment = _nearest(engine().searcher(), "expires", coming=False)
    return None if moment is None else moment_of(moment)


def visibility(
    kind: str, *, editor: bool, status: str | None = None, owner: int | None = None
) -> list:
    clauses = [_filter(term("kind", kind))]
    if not editor:
        # A name: used by a published article (whether one is live now is the search's to ask).
        readers = [_filter(term("status", PUBLISHED))] if kind in Kind.NAMED else live_now()
        if owner is not None:  # a contributor also sees their own articles
            either = [
                (Occur.Should, tantivy.Query.boolean_query(readers)),
                (Occur.Should, term("created_by", owner)),
            ]
            clauses.append(_filter(tantivy.Query.boolean_query(either)))
        else:
            clauses += readers
    if status:
        clauses.append(_filter(term("status", status)))
    return clauses


def article_filters(params: ArticleSearch) -> list:
    clauses = visibility(
        Kind.ARTICLE, editor=params.editor, status=params.status, owner=params.owner
    )
    if params.language:
        clauses.append(_filter(term("language", params.language)))
    for slug in params.tags:
        clauses.append(_filter(term("tag", slug)))
    if params.any_tags:
        clauses.append(_filter(tantivy.Query.term_set_query(SCHEMA, "tag", list(params.any_tags))))
    if params.exclude_tags:
        excluded = tantivy.Query.term_set_query(SCHEMA, "tag", list(params.exclude_tags))
        clauses.append((Occur.MustNot, excluded))
    if params.author:
        clauses.append(_filter(term("author", params.author)))
    if params.source:
        clauses.append(_filter(term("source", params.source)))
    if params.section:
        clauses.append(_filter(term("section_key", fold(params.section))))
    for kind in ("tag", "author", "source"):
        wikidata = getattr(params, f"{kind}_wikidata")
        if wikidata:
            clauses.append(_filter(term(f"{kind}_wikidata", wikidata)))
    if params.published_after:
        clauses.append(_filter(_since("published", params.published_after)))
    if params.published_before:
        clauses.append(_filter(_since("published", params.published_before, upper=True)))
    if params.updated_after:
        clauses.append(_filter(_since("updated", params.updated_after)))
    return clauses


def languages_present(searcher: tantivy.Searcher) -> list[str]:
    """Analyser keys of the languages the index holds (its term dictionary, not its docs)."""
    codes = [term for term, _ in searcher.terms_with_prefix("language", "", limit=1000)]
    keys = {analyser_key(code) for code in codes}
    return [key for key in ANALYSER_KEYS if key in keys]


def text_query(
    q: str,
    *,
    language: str | None,
    boosts: dict[str, float],
    searcher: tantivy.Searcher,
    synonyms: Synonyms | None = None,
) -> Compiled:
    keys = [analyser_key(language)] if language else languages_present(searcher)
    return compile_query(
        parse(q), keys=keys, fields=FieldSet(boosts), searcher=searcher,
        synonyms=current_synonyms() if synonyms is None else synonyms,
    )  # fmt: skip


def _corrected(compiled: Compiled, filters: list, searcher: tantivy.Searcher) -> list[dict]:
    """Corrected words whose corrections match something the caller may see (with the
    filters): ``[{"word": typed, "matched": [words]}]``."""
    corrected = []
    for word, found in compiled.corrections.items():
        matched = [
            candidate
            for candidate, query in found.items()
            if searcher.search(
                tantivy.Query.boolean_query([*filters, (Occur.Must, query)]), 1, count=False
            ).hits
        ]
        if matched:
            corrected.append({"word": word, "matched": matched})
    return corrected


def filtered_text_query(
    q: str,
    filters: list,
    *,
    language: str | None,
    boosts: dict[str, float],
    searcher: tantivy.Searcher,
    synonyms: Synonyms | None = None,
) -> Compiled:
    """The filters, and the text when there is one; ``query`` None when the text matches
    nothing."""
    if not q.strip():
        return Compiled(tantivy.Query.boolean_query(filters))
    compiled = text_query(q, language=language, boosts=boosts, searcher=searcher, synonyms=synonyms)
    compiled.corrected = _corrected(compiled, filters, searcher)
    if compiled.query is not None:
        compiled.query = tantivy.Query.boolean_query([*filters, (Occur.Must, compiled.query)])
    return compiled


def article_query(
    params: ArticleSearch, searcher: tantivy.Searcher, synonyms: Synonyms | None = None
) -> Compiled:
    """The whole query (text and filters), collapsed when asked."""
    compiled = filtered_text_query(
        params.q, article_filters(params), language=params.language, boosts=ARTICLE_FIELDS,
        searcher=searcher, synonyms=synonyms,
    )  # fmt: skip
    if params.collapse and compiled.query is not None:
        compiled.query = collapsed(compiled.query, searcher)
    return compiled


def collapsed(query: tantivy.Query, searcher: tantivy.Searcher) -> tantivy.Query:
    """``query`` less every match that is not the first (by ``published_at``, then id) of
    its group of near-duplicates among the matches: the index answers pages, counts and
    facets of it as of any query. Only the matches that have a group are read (their group
    and date, fast fields); articles without one are their own."""
    grouped = tantivy.Query.boolean_query(
        [(Occur.Must, query), _filter(tantivy.Query.exists_query("duplicate_group"))]
    )
    count = searcher.search(grouped, 1, count=True).count or 0
    if count < 2:
        return query
    addresses = [address for _, address in searcher.search(grouped, count, count=False).hits]
    groups = np.array(searcher.fast_field_values("duplicate_group", addresses), dtype=np.uint64)
    dates = np.array(searcher.fast_field_values("published_asc", addresses), dtype=np.int64)
    ids = np.array(searcher.fast_field_values("id", addresses), dtype=np.uint64)
    order = np.lexsort((ids, dates, groups))  # by group, then date, then id
    groups, ids = groups[order], ids[order]
    later = np.r_[False, groups[1:] == groups[:-1]]  # not the first of its group
    if not later.any():
        return query
    hidden = tantivy.Query.term_set_query(SCHEMA, "id", [int(i) for i in ids[later]])
    return tantivy.Query.boolean_query([(Occur.Must, query), (Occur.MustNot, hidden)])


def search_articles(params: ArticleSearch, *, offset: int, limit: int) -> Page:
    searcher = engine().searcher()
    compiled = article_query(params, searcher)
    ordering = params.ordering or ("rank" if params.searching else NEWEST_FIRST)
    if ordering in RANKINGS and not params.searching:
        ordering = NEWEST_FIRST  # without a query every rank is equal
    return _page(searcher, compiled, ordering, offset=offset, limit=limit)


def search_quotes(params: QuoteSearch, *, offset: int, limit: int) -> Page:
    searcher = engine().searcher()
    filters = visibility(Kind.QUOTE, editor=params.editor)
    if params.source:
        filters.append(_filter(term("source", params.source)))
    if params.article is not None:
        filters.append(_filter(term("article_id", params.article)))
    if params.language:
        filters.append(_filter(term("language", params.language)))
    compiled = filtered_text_query(
        params.q, filters, language=params.language, boosts=QUOTE_FIELDS, searcher=searcher
    )
    return _page(searcher, compiled, "rank" if params.searching else QUOTE_ORDER, offset, limit)


def _page(
    searcher: tantivy.Searcher, compiled: Compiled, ordering: str, offset: int, limit: int
) -> Page:
    if compiled.query is None:
        return Page(0, [], corrected=compiled.corrected)
    if offset + limit > DEEP_PAGE:
        count = searcher.search(compiled.query, 1, count=True).count or 0
        if offset >= count:
            return Page(count, [], corrected=compiled.corrected)
    if ordering == "rank":
        return _ranked_page(searcher, compiled, offset, limit)
    if ordering == "rank_recent":
        return _recent_page(searcher, compiled, offset, limit)
    sort_field, order = _SORTS[ordering]
    result = searcher.search(
        compiled.query, limit, count=True, order_by_field=sort_field, order=order, offset=offset
    )
    addresses = [address for _, address in result.hits]
    ids = [int(i) for i in searcher.fast_field_values("id", addresses)] if addresses else []
    return Page(result.count or 0, ids, corrected=compiled.corrected, searcher=searcher)


def _ranked_page(searcher: tantivy.Searcher, compiled: Compiled, offset: int, limit: int) -> Page:
    count, hits = ranked_hits(searcher, compiled.query, offset=offset, limit=limit)
    return _scored_page(searcher, compiled, count, hits)


def _scored_page(
    searcher: tantivy.Searcher, compiled: Compiled, count: int | None, hits: list
) -> Page:
    """The page of (score, id) ``hits``, in their order, each with its rank."""
    return Page(
        count=count or 0,
        ids=[article_id for _, article_id in hits],
        ranks={article_id: score for score, article_id in hits},
        corrected=compiled.corrected,
        query=compiled.query,
        searcher=searcher,
    )


def ranked_hits(
    searcher: tantivy.Searcher,
    query: tantivy.Query,
    *,
    offset: int,
    limit: int,
    count: bool = True,
) -> tuple[int | None, list[tuple[float, int]]]:
    """The count (when asked) and the (score, id) of the hits ``offset`` to ``offset + limit``
    of one total order: best score first; equal scores newest first, then highest id, or in
    the index's order in a group of more than ``TIE_GROUP``. Reading ``TIE_GROUP`` hits
    either side of the page tells every group on it whole, or too large: a group that runs
    past the hits read has more than ``TIE_GROUP``. So every page, whatever its size, is cut
    from the same order, and paging visits every match once."""
    start = max(0, offset - TIE_GROUP)
    result = searcher.search(query, offset - start + limit + TIE_GROUP, count=count, offset=start)
    first, last = offset - start, offset - start + limit  # the page within the hits read
    page: list[tuple[float, tantivy.DocAddress]] = []
    position = 0
    for _, group in itertools.groupby(result.hits, key=lambda hit: hit[0]):
        run = list(group)
        low, position = position, position + len(run)
        if position <= first:
            continue
        if low >= last:
            break
        if len(run) > 1 and len(run) <= TIE_GROUP:
            run = _newest_first(searcher, run)
        page += run[max(first - low, 0) : last - low]
    if not page:
        return result.count, []
    ids = searcher.fast_field_values("id", [address for _, address in page])
    return result.count, [
        (float(score), int(hit_id)) for (score, _), hit_id in zip(page, ids, strict=True)
    ]


def _newest_first(searcher: tantivy.Searcher, hits: list) -> list:
    """Hits of one score, newest first, then highest id."""
    addresses = [address for _, address in hits]
    newest = searcher.fast_field_values("published_desc", addresses)
    ids = searcher.fast_field_values("id", addresses)
    ordered = sorted(zip(newest, ids, range(len(hits)), strict=True), reverse=True)
    return [hits[index] for _, _, index in ordered]


def _decayed(
    searcher: tantivy.Searcher, hits: list, now: int, half_life_days: float
) -> list[tuple[float, int]]:
    """(score times 0.5 ** (age / half-life), id) of scored hits, best first, equal scores
    newest first. The age is from the publication date (or, undated, the last change), and
    never below zero (a scheduled article counts as new)."""
    addresses = [address for _, address in hits]
    ids = searcher.fast_field_values("id", addresses)
    published = searcher.fast_field_values("published", addresses)
    updated = searcher.fast_field_values("updated", addresses)
    newest = searcher.fast_field_values("published_desc", addresses)
    half_life = half_life_days * _DAY
    scored = []
    for (score, _), date, changed, key, article_id in zip(
        hits, published, updated, newest, ids, strict=True
    ):
        age = max(0, now - (date if date is not None else changed or now))
        scored.append((float(score) * 0.5 ** (age / half_life), key, int(article_id)))
    scored.sort(key=lambda hit: (-hit[0], -hit[1], -hit[2]))  # one total order: ties by id
    return [(score, article_id) for score, _, article_id in scored]


def _recent_page(searcher: tantivy.Searcher, compiled: Compiled, offset: int, limit: int) -> Page:
    """BM25 times an exponential decay on age, over the best BM25 matches: the decay is at
    most 1, so a match beyond the first ``fetched`` by BM25 scores at most the last of them;
    once the page's last decayed score is above that, the page is exact. Otherwise more are
    fetched, four times as many each time, up to ``RECENT_MAX_FETCH`` (past it, the page is
    the best of those)."""
    now = microseconds(timezone.now())
    half_life = settings.SEARCH_RECENCY_HALF_LIFE_DAYS
    wanted = offset + limit
    cap = max(RECENT_MAX_FETCH, wanted)
    fetch = min(max(RECENT_FIRST_FETCH, 2 * wanted), cap)
    while True:
        result = searcher.search(compiled.query, fetch, count=True)
        hits = result.hits
        ranked = _decayed(searcher, hits, now, half_life) if hits else []
        complete = len(hits) < fetch or fetch >= cap
        if complete or (len(ranked) >= wanted and ranked[wanted - 1][0] > hits[-1][0]):
            break
        fetch = min(fetch * 4, cap)
    return _scored_page(searcher, compiled, result.count, ranked[offset:wanted])


def admin_search_ids(text: str, *, limit: int) -> list[int]:
    """Ids of the best ``limit`` articles for an editor's search box (every status)."""
    page = search_articles(ArticleSearch(q=text, editor=True), offset=0, limit=limit)
    return page.ids
