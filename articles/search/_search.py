"""Searching and listing: one page, its exact count, from the index; rows come from
PostgreSQL afterwards, by id."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import tantivy

from articles.search._documents import microseconds
from articles.search._engine import engine
from articles.search._query import Compiled, FieldSet, compile_query, parse
from articles.search._schema import (
    ANALYSER_KEYS,
    ARTICLE_FIELDS,
    QUOTE_FIELDS,
    SCHEMA,
    Kind,
    analyser_key,
)

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
}
# Quotations without a query: newest article first, each article's quotes in order.
QUOTE_ORDER = "quote_order"
_SORTS = {**ORDERINGS, QUOTE_ORDER: ("quote_order", tantivy.Order.Desc)}
NEWEST_FIRST = "-published_at"
# Equal scores are put newest first within this many hits either side of the page.
TIE_WINDOW = 20
# Past this many hits, a page is only fetched once the count shows it exists: tantivy keeps
# offset + limit hits in memory, and a client may ask for page 10**9.
DEEP_PAGE = 10_000


@dataclass(frozen=True)
class ArticleSearch:
    """Everything a list of articles can be asked for (SPEC: article list parameters)."""

    q: str = ""
    editor: bool = False  # may see drafts and archived articles
    status: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    any_tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    author: str | None = None
    source: str | None = None
    section: str | None = None
    published_after: datetime.datetime | None = None
    published_before: datetime.datetime | None = None
    updated_after: datetime.datetime | None = None
    ordering: str | None = None

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
    corrected: list[str] = field(default_factory=list)
    query: tantivy.Query | None = None
    searcher: tantivy.Searcher | None = None


def _term(name: str, value: str | int) -> tantivy.Query:
    return tantivy.Query.term_query(SCHEMA, name, value)


def _filter(query: tantivy.Query) -> tuple[tantivy.Occur, tantivy.Query]:
    """A clause that narrows without scoring."""
    return Occur.Must, tantivy.Query.const_score_query(query, 0.0)


def _since(name: str, moment: datetime.datetime, *, upper: bool = False) -> tantivy.Query:
    bound = microseconds(moment)
    kind = tantivy.FieldType.Integer
    if upper:
        return tantivy.Query.range_query(SCHEMA, name, kind, upper_bound=bound, include_upper=False)
    return tantivy.Query.range_query(SCHEMA, name, kind, lower_bound=bound)


def visibility(kind: str, *, editor: bool, status: str | None = None) -> list:
    clauses = [_filter(_term("kind", kind))]
    if not editor:
        clauses.append(_filter(_term("status", PUBLISHED)))
    if status:
        clauses.append(_filter(_term("status", status)))
    return clauses


def article_filters(params: ArticleSearch) -> list:
    clauses = visibility(Kind.ARTICLE, editor=params.editor, status=params.status)
    if params.language:
        clauses.append(_filter(_term("language", params.language)))
    for slug in params.tags:
        clauses.append(_filter(_term("tag", slug)))
    if params.any_tags:
        clauses.append(_filter(tantivy.Query.term_set_query(SCHEMA, "tag", list(params.any_tags))))
    if params.exclude_tags:
        excluded = tantivy.Query.term_set_query(SCHEMA, "tag", list(params.exclude_tags))
        clauses.append((Occur.MustNot, excluded))
    if params.author:
        clauses.append(_filter(_term("author", params.author)))
    if params.source:
        clauses.append(_filter(_term("source", params.source)))
    if params.section:
        clauses.append(_filter(_term("section_key", params.section.lower())))
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
    q: str, *, language: str | None, boosts: dict[str, float], searcher: tantivy.Searcher
) -> Compiled:
    keys = [analyser_key(language)] if language else languages_present(searcher)
    return compile_query(parse(q), keys=keys, fields=FieldSet(boosts), searcher=searcher)


def _combine(query: tantivy.Query | None, filters: list) -> tantivy.Query:
    clauses = list(filters)
    if query is not None:
        clauses.append((Occur.Must, query))
    return tantivy.Query.boolean_query(clauses)


def article_query(params: ArticleSearch, searcher: tantivy.Searcher) -> Compiled:
    """The whole query (text and filters); ``query`` None when the text matches nothing."""
    filters = article_filters(params)
    if not params.searching:
        return Compiled(_combine(None, filters))
    compiled = text_query(
        params.q, language=params.language, boosts=ARTICLE_FIELDS, searcher=searcher
    )
    if compiled.query is None:
        return compiled
    return Compiled(_combine(compiled.query, filters), compiled.corrected)


def search_articles(params: ArticleSearch, *, offset: int, limit: int) -> Page:
    searcher = engine().searcher()
    compiled = article_query(params, searcher)
    ordering = params.ordering or ("rank" if params.searching else NEWEST_FIRST)
    if ordering == "rank" and not params.searching:
        ordering = NEWEST_FIRST  # without a query every rank is equal
    return _page(searcher, compiled, ordering, offset=offset, limit=limit)


def search_quotes(params: QuoteSearch, *, offset: int, limit: int) -> Page:
    searcher = engine().searcher()
    filters = visibility(Kind.QUOTE, editor=params.editor)
    if params.source:
        filters.append(_filter(_term("source", params.source)))
    if params.article is not None:
        filters.append(_filter(_term("article_id", params.article)))
    if params.language:
        filters.append(_filter(_term("language", params.language)))
    if not params.searching:
        return _page(searcher, Compiled(_combine(None, filters)), QUOTE_ORDER, offset, limit)
    compiled = text_query(
        params.q, language=params.language, boosts=QUOTE_FIELDS, searcher=searcher
    )
    if compiled.query is not None:
        compiled = Compiled(_combine(compiled.query, filters), compiled.corrected)
    return _page(searcher, compiled, "rank", offset, limit)


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
    sort_field, order = _SORTS[ordering]
    result = searcher.search(
        compiled.query, limit, count=True, order_by_field=sort_field, order=order, offset=offset
    )
    addresses = [address for _, address in result.hits]
    ids = [int(i) for i in searcher.fast_field_values("id", addresses)] if addresses else []
    return Page(result.count or 0, ids, corrected=compiled.corrected, searcher=searcher)


def _ranked_page(searcher: tantivy.Searcher, compiled: Compiled, offset: int, limit: int) -> Page:
    start = max(0, offset - TIE_WINDOW)
    result = searcher.search(
        compiled.query, offset - start + limit + TIE_WINDOW, count=True, offset=start
    )
    addresses = [address for _, address in result.hits]
    if not addresses:
        return Page(result.count or 0, [], corrected=compiled.corrected)
    ids = searcher.fast_field_values("id", addresses)
    newest = searcher.fast_field_values("published_desc", addresses)
    hits = sorted(
        zip((score for score, _ in result.hits), newest, ids, strict=True),
        key=lambda hit: (-hit[0], -hit[1]),
    )[offset - start : offset - start + limit]
    return Page(
        count=result.count or 0,
        ids=[int(hit[2]) for hit in hits],
        ranks={int(hit[2]): float(hit[0]) for hit in hits},
        corrected=compiled.corrected,
        query=compiled.query,
        searcher=searcher,
    )


def admin_search_ids(text: str, *, limit: int) -> list[int]:
    """Ids of the best ``limit`` articles for an editor's search box (every status)."""
    page = search_articles(ArticleSearch(q=text, editor=True), offset=0, limit=limit)
    return page.ids
