"""Percolation: which of many saved searches match a few articles, matched as the list
matches (the same compiled query, filters and visibility, on the same index).

Lucene's Monitor's way, on tantivy: each saved search is planned once. In each language its
query is compiled for, one group of items that every match must satisfy (a word, a phrase, or
words joined by OR, with their synonyms) gives the terms that an article of that language
must hold to match: the group's items analysed as the index analyses them (one term of a
phrase is enough to look for). A batch of articles is analysed the same way; its terms find
the candidate searches in an inverted map, and each candidate then runs on the index itself,
restricted to its candidate articles: exactly the list's answer for those articles. A search
with no such group (only exclusions, only filters) is a candidate for every article.

Typo tolerance depends on the archive: a word it does not know matches the archive's words
within an edit or two, and an article bringing a new word can add one. Such a word is never
used to find candidates, and a search that has one is compiled again for every batch. The
words a search's plan relies on being known are checked at every batch; a synonym change or
a new language in the archive plans every search again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import tantivy

from articles.search._documents import article_texts, read_articles
from articles.search._engine import engine
from articles.search._query import (
    FieldSet,
    Item,
    ParsedQuery,
    _analysed,
    _typo_alternatives,
    compile_query,
    parse,
)
from articles.search._schema import ANALYSERS, ARTICLE_FIELDS, SCHEMA, analyser_key, text_field
from articles.search._search import (
    ArticleSearch,
    _filter,
    article_filters,
    languages_present,
)
from articles.search._synonyms import Synonyms, current_synonyms
from articles.search._typos import as_written, known, typo_distance

Occur = tantivy.Occur
Term = tuple[str, str]  # (analyser key, analysed term)
_FIELDS = FieldSet(ARTICLE_FIELDS)


@dataclass
class _Plan:
    params: ArticleSearch
    keys: tuple[str, ...]  # the languages (analyser keys) its query is compiled for
    terms: frozenset[Term]  # an article matches only if it holds one of these
    everywhere: bool  # every article is a candidate (no terms to look for)
    watched: frozenset[str]  # words relied on being known to the archive
    text: tantivy.Query | None  # the compiled text, kept while nothing it relied on changes
    recompile: bool  # it has a word the archive does not know: compiled for every batch


class Percolator:
    """Keeps every saved search planned; ``match`` answers for a batch of articles."""

    def __init__(self) -> None:
        self._plans: dict[int, _Plan] = {}
        self._by_term: dict[Term, set[int]] = {}
        self._everywhere: set[int] = set()
        self._context: tuple | None = None

    def match(
        self, searches: Mapping[int, ArticleSearch], article_ids: Sequence[int]
    ) -> dict[int, list[int]]:
        """Search id -> the ids of the given articles it matches now (searches that match
        none are left out). ``searches``: every saved search to keep planned."""
        searcher = engine().searcher()
        synonyms = current_synonyms()
        present = tuple(languages_present(searcher))
        context = (synonyms.sets, present)
        if context != self._context:
            self._clear()
            self._context = context
        self._sync(searches, searcher, synonyms, present)
        candidates = self._candidates(article_ids)
        found: dict[int, list[int]] = {}
        for search_id, ids in candidates.items():
            plan = self._plans[search_id]
            matched = _run(plan, sorted(ids), searcher, synonyms)
            if matched:
                found[search_id] = matched
        return found

    # --- plans --------------------------------------------------------------------------------

    def _clear(self) -> None:
        self._plans.clear()
        self._by_term.clear()
        self._everywhere.clear()

    def _sync(
        self,
        searches: Mapping[int, ArticleSearch],
        searcher: tantivy.Searcher,
        synonyms: Synonyms,
        present: tuple[str, ...],
    ) -> None:
        stale = [sid for sid, plan in self._plans.items() if searches.get(sid) != plan.params]
        stale += self._forgotten_words(searcher)
        for search_id in set(stale):
            self._drop(search_id)
        for search_id, params in searches.items():
            if search_id not in self._plans:
                self._add(search_id, plan(params, searcher, synonyms, present))

    def _forgotten_words(self, searcher: tantivy.Searcher) -> list[int]:
        """Plans relying on a word the archive no longer knows."""
        words: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        for search_id, each in self._plans.items():
            for word in each.watched:
                words.setdefault((word, each.keys), []).append(search_id)
        return [
            search_id
            for (word, keys), ids in words.items()
            if not known(searcher, word, list(keys))
            for search_id in ids
        ]

    def _add(self, search_id: int, each: _Plan) -> None:
        self._plans[search_id] = each
        for found in each.terms:
            self._by_term.setdefault(found, set()).add(search_id)
        if each.everywhere:
            self._everywhere.add(search_id)

    def _drop(self, search_id: int) -> None:
        each = self._plans.pop(search_id, None)
        if each is None:
            return
        for found in each.terms:
            self._by_term[found].discard(search_id)
        self._everywhere.discard(search_id)

    def _candidates(self, article_ids: Sequence[int]) -> dict[int, set[int]]:
        """Search id -> the articles it may match."""
        candidates: dict[int, set[int]] = {}
        for row in read_articles(list(article_ids)):
            key = analyser_key(row.language)
            hit: set[int] = set(self._everywhere)
            for found in article_terms(key, article_texts(row).values()):
                hit.update(self._by_term.get(found, ()))
            for search_id in hit:
                candidates.setdefault(search_id, set()).add(row.id)
        return candidates


def article_terms(key: str, texts) -> set[Term]:
    analyser = ANALYSERS.language(key)
    return {(key, token) for text in texts for token in analyser.analyze(text)}


def plan(
    params: ArticleSearch,
    searcher: tantivy.Searcher,
    synonyms: Synonyms,
    present: tuple[str, ...],
) -> _Plan:
    keys = (analyser_key(params.language),) if params.language else present
    if not params.searching:
        return _Plan(params, keys, frozenset(), True, frozenset(), None, recompile=False)
    parsed = synonyms.join_phrases(parse(params.q))
    unknown = set(_typo_alternatives(parsed, list(keys), searcher, synonyms))
    watched = frozenset(
        word
        for group in parsed.groups
        for item in group
        if (word := _correctable(item, synonyms)) and item.text not in unknown
    )
    compiled = compile_query(
        parse(params.q), keys=list(keys), fields=_FIELDS, searcher=searcher, synonyms=synonyms
    )
    terms: set[Term] = set()
    everywhere = False
    for key in keys:
        required = _required_terms(parsed, key, unknown, synonyms, searcher)
        everywhere |= required is None
        terms |= required or set()
    return _Plan(
        params, keys, frozenset(terms), everywhere, watched, text=compiled.query,
        recompile=bool(unknown),
    )  # fmt: skip


def _correctable(item: Item, synonyms: Synonyms) -> str | None:
    """The word as written when typo tolerance could apply to it (see ``_query``)."""
    if item.phrase or item.negated:
        return None
    written = as_written(item.text)
    if len(written) != 1 or synonyms.sets_of(tuple(written)) or not typo_distance(written[0]):
        return None
    return written[0]


def _required_terms(
    parsed: ParsedQuery,
    key: str,
    unknown: set[str],
    synonyms: Synonyms,
    searcher: tantivy.Searcher,
) -> set[Term] | None:
    """What an article must hold to match the query's branch for ``key``: of the groups
    every such match satisfies, the one whose terms are rarest (one term per item and
    alternative). An empty set: the branch matches nothing. None: any article may match (a
    branch of exclusions only matches every article, of any language, without them)."""
    best: tuple[int, set[Term]] | None = None
    clauses = False
    body = text_field("body", key)
    for group in parsed.groups:
        terms = {(key, term) for item in group for term in _item_terms(item, key, synonyms)}
        clauses |= bool(terms)
        if not terms or any(item.negated or item.text in unknown for item in group):
            continue  # only stop words (ignored by the query), or not required
        cost = sum(searcher.doc_freq(body, found) for _, found in terms)
        if best is None or cost < best[0]:
            best = (cost, terms)
    if best is None:
        return None if clauses else set()
    return best[1]


def _item_terms(item: Item, key: str, synonyms: Synonyms) -> set[str]:
    """One analysed term (the longest: of a phrase, every one is needed) of the item and of
    each of its synonyms, in ``key``."""
    texts = [item.text] + [
        alternative.text
        for alternative in synonyms.alternatives(tuple(as_written(item.text)))
        if alternative.key in (None, key)
    ]
    found = set()
    for text in texts:
        tokens = [token for _, token in _analysed(text, key)]
        if tokens:
            found.add(max(tokens, key=len))
    return found


def _run(each: _Plan, ids: list[int], searcher: tantivy.Searcher, synonyms: Synonyms) -> list[int]:
    """The list's query of the plan's search, restricted to ``ids``: which of them match."""
    clauses = [
        *article_filters(each.params),
        _filter(tantivy.Query.term_set_query(SCHEMA, "id", ids)),
    ]
    if each.params.searching:
        text = each.text
        if each.recompile:
            text = compile_query(
                parse(each.params.q), keys=list(each.keys), fields=_FIELDS, searcher=searcher,
                synonyms=synonyms,
            ).query  # fmt: skip
        if text is None:
            return []
        clauses.append((Occur.Must, text))
    result = searcher.search(tantivy.Query.boolean_query(clauses), len(ids), count=False)
    addresses = [address for _, address in result.hits]
    return sorted(int(i) for i in searcher.fast_field_values("id", addresses)) if addresses else []
