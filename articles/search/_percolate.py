"""Percolation: which of many saved searches match a batch of articles, matched as the list
matches (the same compiled query, filters and visibility, the same documents).

Lucene's Monitor's way, on tantivy. Each saved search is planned once: its query compiled
against the archive's index (typo corrections, synonyms, languages), and, in each language
it is compiled for, one group of items that every match must satisfy (a word, a phrase, or
words joined by OR, with their synonyms) gives the terms an article of that language must
hold to match (one term of a phrase is enough to look for). A batch of articles is indexed
in RAM, as the archive's index holds them; the terms of its articles find the candidate
searches in an inverted map, and each candidate's compiled query runs on that small index:
exactly the list's answer for those articles. A search with no such group (only exclusions,
only filters) is a candidate for every batch.

Typo tolerance depends on the archive: a word it does not know matches its words within an
edit or two. Such a word never gives candidates. A plan's compiled query keeps the
corrections of when it was planned; they can only matter for a batch in which some article
holds a word within that distance of the typed one (tantivy's fuzzy term query on the batch
answers that), and then the query is compiled again against the archive as it is now. The
words a plan relies on being known are checked at every batch; a change of synonyms or of
the languages in the archive plans every search again.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import tantivy

from articles.search._documents import ArticleRow, article_documents, read_articles
from articles.search._engine import engine
from articles.search._filters import ArticleSearch, article_filters
from articles.search._query import (
    Alternative,
    FieldSet,
    Item,
    ParsedQuery,
    _analysed,
    compile_query,
    parse,
    typo_alternatives,
)
from articles.search._schema import (
    ANALYSERS,
    ARTICLE_FIELDS,
    SCHEMA,
    analyser_key,
    register_analysers,
    text_field,
)
from articles.search._search import languages_present
from articles.search._synonyms import Synonyms, current_synonyms
from articles.search._typos import as_written, correctable, known, typo_distance, words_field

Occur = tantivy.Occur
Term = tuple[str, str]  # (analyser key, analysed term)
_FIELDS = FieldSet(ARTICLE_FIELDS)
_BATCH_WRITER_HEAP = 50_000_000


@dataclass
class _Plan:
    params: ArticleSearch
    keys: tuple[str, ...]  # the languages (analyser keys) its query is compiled for
    terms: frozenset[Term]  # an article matches only if it holds one of these,
    near: frozenset[str]  # or a word within typo distance of one of these
    everywhere: bool  # every batch is a candidate (nothing to look for)
    watched: frozenset[str]  # words relied on being known to the archive
    unknown: frozenset[str]  # words the archive did not know (as written)
    text: tantivy.Query | None  # the compiled text (None: matches nothing)
    filters: ArticleSearch = field(init=False)  # its parameters without ``q``

    def __post_init__(self) -> None:
        self.filters = dataclasses.replace(self.params, q="")


@dataclass
class Percolation:
    """Search id -> the ids of the batch's articles it matches (those matching some), and
    the ``updated_at`` of each article as it was matched (its version)."""

    matches: dict[int, list[int]] = field(default_factory=dict)
    updated_at: dict[int, datetime.datetime] = field(default_factory=dict)


class Percolator:
    """Keeps every saved search planned; ``match`` answers for a batch of articles."""

    def __init__(self) -> None:
        self._plans: dict[int, _Plan] = {}
        self._by_term: dict[Term, set[int]] = {}
        self._by_near: dict[tuple[str, tuple[str, ...]], set[int]] = {}
        self._by_watched: dict[tuple[str, tuple[str, ...]], set[int]] = {}
        self._everywhere: set[int] = set()
        self._context: tuple | None = None

    def match(
        self, searches: Mapping[int, ArticleSearch], article_ids: Sequence[int]
    ) -> Percolation:
        """Match the articles against ``searches`` (every saved search to keep planned)."""
        searcher = engine().searcher()
        synonyms = current_synonyms()
        present = tuple(languages_present(searcher))
        if (synonyms.sets, present) != self._context:
            self._plans, self._by_term, self._by_near, self._everywhere = {}, {}, {}, set()
            self._by_watched = {}
            self._context = (synonyms.sets, present)
        self._sync(searches, searcher, synonyms, present)
        rows = read_articles(list(article_ids))
        result = Percolation(updated_at={row.id: row.updated_at for row in rows})
        if not rows:
            return result
        batch = batch_searcher(rows)
        near = _Near(batch)
        # For this batch: typo candidates of the archive as it is now, and filters as of now.
        looked_up: dict[tuple[str, tuple[str, ...]], list] = {}
        filters: dict[ArticleSearch, list] = {}
        keys = {analyser_key(row.language) for row in rows}
        for search_id in sorted(self._candidates(batch, keys, near)):
            each = self._plans[search_id]
            if each.unknown and near.any(each.unknown, each.keys):
                # Its corrections may be others now: planned again on the archive as it is.
                self._drop(search_id)
                each = plan(each.params, searcher, synonyms, present, looked_up)
                self._add(search_id, each)
            if each.filters not in filters:
                filters[each.filters] = article_filters(each.filters)
            matched = _run(each.params, each.text, batch, filters[each.filters])
            if matched:
                result.matches[search_id] = matched
        return result

    def _sync(
        self,
        searches: Mapping[int, ArticleSearch],
        searcher: tantivy.Searcher,
        synonyms: Synonyms,
        present: tuple[str, ...],
    ) -> None:
        stale = {
            sid
            for sid, each in self._plans.items()
            if (params := searches.get(sid)) is not each.params and params != each.params
        }
        stale |= self._forgotten_words(searcher)
        for search_id in stale:
            self._drop(search_id)
        for search_id, params in searches.items():
            if search_id not in self._plans:
                self._add(search_id, plan(params, searcher, synonyms, present))

    def _forgotten_words(self, searcher: tantivy.Searcher) -> set[int]:
        """Plans relying on a word the archive no longer knows."""
        return {
            search_id
            for (word, keys), ids in self._by_watched.items()
            if ids and not known(searcher, word, list(keys))
            for search_id in ids
        }

    def _add(self, search_id: int, each: _Plan) -> None:
        self._plans[search_id] = each
        for found in each.terms:
            self._by_term.setdefault(found, set()).add(search_id)
        for word in each.near:
            self._by_near.setdefault((word, each.keys), set()).add(search_id)
        for word in each.watched:
            self._by_watched.setdefault((word, each.keys), set()).add(search_id)
        if each.everywhere:
            self._everywhere.add(search_id)

    def _drop(self, search_id: int) -> None:
        each = self._plans.pop(search_id)
        for found in each.terms:
            self._by_term[found].discard(search_id)
        for word in each.near:
            self._by_near[(word, each.keys)].discard(search_id)
        for word in each.watched:
            self._by_watched[(word, each.keys)].discard(search_id)
        self._everywhere.discard(search_id)

    def _candidates(self, batch: tantivy.Searcher, keys: set[str], near: _Near) -> set[int]:
        """The searches that may match one of the batch's articles (of these languages)."""
        hit = set(self._everywhere)
        for (word, keys_), searches in self._by_near.items():
            if searches and near.any([word], keys_):
                hit |= searches
        by_term = self._by_term
        for found in batch_terms(batch, keys):
            searches = by_term.get(found)
            if searches:
                hit |= searches
        return hit


def batch_terms(batch: tantivy.Searcher, keys: Iterable[str]) -> set[Term]:
    """The terms of the articles of a batch index, read from its term dictionaries: those of
    its articles' texts analysed as ``article_terms`` does (the same analysers)."""
    return {
        (key, token)
        for key in keys
        for name in ARTICLE_FIELDS
        for token, _ in batch.terms_with_prefix(text_field(name, key), "")
    }


def article_terms(key: str, texts: Iterable[str]) -> set[Term]:
    """The terms of these texts as the index's fields of language ``key`` hold them."""
    analyser = ANALYSERS.language(key)
    return {(key, token) for text in texts for token in analyser.analyze(text)}


def batch_searcher(rows: list[ArticleRow]) -> tantivy.Searcher:
    """The articles' documents (not their quotations') in an index in RAM."""
    index = tantivy.Index(SCHEMA)
    register_analysers(index)
    # Reloaded by hand: the default policy's reload after a commit waited up to 0.1 s.
    index.config_reader("manual")
    writer = index.writer(_BATCH_WRITER_HEAP, 1)
    for row in rows:
        writer.add_document(next(article_documents(row, matching=True)))
    writer.commit()
    index.reload()
    return index.searcher()


class _Near:
    """Whether an article of the batch holds a word within typo distance of a given one."""

    def __init__(self, batch: tantivy.Searcher) -> None:
        self.batch = batch
        self.seen: dict[tuple[str, tuple[str, ...]], bool] = {}

    def any(self, words: Iterable[str], keys: tuple[str, ...]) -> bool:
        return any(self._near(word, keys) for word in words)

    def _near(self, word: str, keys: tuple[str, ...]) -> bool:
        if (word, keys) not in self.seen:
            query = tantivy.Query.boolean_query(
                [
                    (Occur.Should, tantivy.Query.fuzzy_term_query(
                        SCHEMA, words_field(key), word, distance=typo_distance(word),
                        transposition_cost_one=True,
                    ))
                    for key in keys
                ]
            )  # fmt: skip
            self.seen[(word, keys)] = bool(self.batch.search(query, 1, count=False).hits)
        return self.seen[(word, keys)]


def plan(
    params: ArticleSearch,
    searcher: tantivy.Searcher,
    synonyms: Synonyms,
    present: tuple[str, ...],
    looked_up: dict | None = None,
) -> _Plan:
    """``looked_up``: typo candidates already looked up on ``searcher`` (filled in)."""
    keys = (analyser_key(params.language),) if params.language else present
    if not params.searching:
        return _Plan(params, keys, frozenset(), frozenset(), True, frozenset(), frozenset(), None)
    parsed = synonyms.join_phrases(parse(params.q))
    typos = typo_alternatives(parsed, list(keys), searcher, synonyms, looked_up)
    unknown = set(typos)
    watched = {
        word
        for group in parsed.groups
        for item in group
        if (word := correctable(item, synonyms)) and item.text not in unknown
    }
    terms: set[Term] = set()
    near: set[str] = set()
    everywhere = False
    for key in keys:
        required = _required(parsed, key, typos, synonyms, searcher)
        everywhere |= required is None
        if required is not None:
            terms |= required[0]
            near |= required[1]
    compiled = compile_query(
        parse(params.q), keys=list(keys), fields=_FIELDS, searcher=searcher, synonyms=synonyms,
        typos=typos,
    )  # fmt: skip
    return _Plan(
        params, keys, frozenset(terms), frozenset(near), everywhere, frozenset(watched),
        unknown=frozenset(as_written(text)[0] for text in unknown), text=compiled.query,
    )  # fmt: skip


def _required(
    parsed: ParsedQuery,
    key: str,
    typos: dict[str, list[Alternative]],
    synonyms: Synonyms,
    searcher: tantivy.Searcher,
) -> tuple[set[Term], set[str]] | None:
    """What an article must hold to match the query's branch for ``key``: of the groups
    every such match satisfies, the one whose terms are rarest (one term per item and
    alternative, the corrections of words the archive does not know included), preferably
    one without such words (a match may also hold a word within typo distance of those,
    which can become a correction: they are given apart). Nothing: the branch
    matches nothing. None: any article may match (a branch of exclusions only matches
    every article, of any language, without them)."""
    best: tuple[float, set[Term], set[str]] | None = None
    clauses = False
    body = text_field("body", key)
    for group in parsed.groups:
        terms = {(key, term) for item in group for term in _item_terms(item, key, synonyms, typos)}
        clauses |= bool(terms)
        if not terms or any(item.negated for item in group):
            continue  # only stop words (ignored by the query), or not required
        near = {as_written(item.text)[0] for item in group if item.text in typos}
        cost = sum(searcher.doc_freq(body, found) for _, found in terms) + 1e12 * len(near)
        if best is None or cost < best[0]:
            best = (cost, terms, near)
    if best is None:
        return None if clauses else (set(), set())
    return best[1], best[2]


def _item_terms(
    item: Item, key: str, synonyms: Synonyms, typos: dict[str, list[Alternative]]
) -> set[str]:
    """One analysed term (the longest: of a phrase, every one is needed) of the item and of
    each of its alternatives (synonyms or corrections, as the query compiles them), in
    ``key``."""
    if item.text in typos:
        alternatives = typos[item.text]
    else:
        alternatives = synonyms.alternatives(tuple(as_written(item.text)))
    texts = [item.text] + [a.text for a in alternatives if a.key in (None, key)]
    found = set()
    for text in texts:
        tokens = [token for _, token in _analysed(text, key)]
        if tokens:
            found.add(max(tokens, key=len))
    return found


def _run(
    params: ArticleSearch, text: tantivy.Query | None, batch: tantivy.Searcher, filters: list
) -> list[int]:
    """The ids of the batch's articles that the list's query of ``params`` matches
    (``filters``: the list's filters of ``params``, ``article_filters``)."""
    clauses = list(filters)
    if params.searching:
        if text is None:
            return []
        clauses.append((Occur.Must, text))
    query = tantivy.Query.boolean_query(clauses)
    # Ordered by a fast field, the hits are not scored, and their keys are the ids.
    hits = batch.search(query, batch.num_docs, count=False, order_by_field="id").hits
    return sorted(article_id for article_id, _ in hits)
