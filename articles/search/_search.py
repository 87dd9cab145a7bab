"""Searching: the query of a list (its text in every language present, its filters, near-
duplicates collapsed) and the entry points that answer one page of it, with its exact count;
rows come from PostgreSQL afterwards, by id."""

from __future__ import annotations

import datetime

import numpy as np
import tantivy

from articles.search._engine import engine
from articles.search._filters import (
    ArticleSearch,
    QuoteSearch,
    article_filters,
    narrow,
    quote_filters,
)
from articles.search._paging import NEWEST_FIRST, QUOTE_ORDER, RANKINGS, Page, match_count, page_of
from articles.search._query import Compiled, FieldSet, compile_query, parse
from articles.search._schema import (
    ANALYSER_KEYS,
    ARTICLE_FIELDS,
    QUOTE_FIELDS,
    SCHEMA,
    analyser_key,
)
from articles.search._synonyms import Synonyms, current_synonyms

Occur = tantivy.Occur


def languages_present(searcher: tantivy.Searcher) -> list[str]:
    """Analyser keys of the languages the index holds (its term dictionary, not its docs)."""
    codes = [term for term, _ in searcher.terms_with_prefix("language", "", limit=1000)]
    keys = {analyser_key(code) for code in codes}
    return [key for key in ANALYSER_KEYS if key in keys]


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
    keys = [analyser_key(language)] if language else languages_present(searcher)
    compiled = compile_query(
        parse(q), keys=keys, fields=FieldSet(boosts), searcher=searcher,
        synonyms=current_synonyms() if synonyms is None else synonyms,
    )  # fmt: skip
    compiled.corrected = _corrected(compiled, filters, searcher)
    if compiled.query is not None:
        compiled.query = tantivy.Query.boolean_query([*filters, (Occur.Must, compiled.query)])
    return compiled


def article_query(
    params: ArticleSearch,
    searcher: tantivy.Searcher,
    synonyms: Synonyms | None = None,
    *,
    now: datetime.datetime | None = None,
) -> Compiled:
    """The whole query (text and filters), collapsed when asked; readers see what is live
    now (or at ``now``)."""
    compiled = filtered_text_query(
        params.q, article_filters(params, now), language=params.language, boosts=ARTICLE_FIELDS,
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
        [(Occur.Must, query), narrow(tantivy.Query.exists_query("duplicate_group"))]
    )
    count = match_count(searcher, grouped)
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
    return page_of(searcher, compiled, ordering, offset=offset, limit=limit)


def search_quotes(params: QuoteSearch, *, offset: int, limit: int) -> Page:
    searcher = engine().searcher()
    compiled = filtered_text_query(
        params.q,
        quote_filters(params),
        language=params.language,
        boosts=QUOTE_FIELDS,
        searcher=searcher,
    )
    return page_of(searcher, compiled, "rank" if params.searching else QUOTE_ORDER, offset, limit)


def admin_search_ids(text: str, *, limit: int) -> list[int]:
    """Ids of the best ``limit`` articles for an editor's search box (every status)."""
    page = search_articles(ArticleSearch(q=text, editor=True), offset=0, limit=limit)
    return page.ids
