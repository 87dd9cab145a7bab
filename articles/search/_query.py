"""Web-search syntax, parsed by our own code into tantivy queries (user text never reaches a
query parser): words (all must match), ``"exact phrase"``, ``OR`` between two items, and
``-item`` to exclude. Any input parses; what has no word in it matches nothing.

A query is analysed once per language present (each with its own stemmer, stop words and
fields) and the branches are OR-ed: an article only has fields of its own language, so each
article is matched in its language, and a name like "Zelensky" matches in all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import tantivy

from articles.search._schema import ANALYSERS, SCHEMA, text_field

Occur = tantivy.Occur

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_MAX_ITEMS = 32  # words and phrases used; the rest of a very long query is ignored


@dataclass(frozen=True)
class Item:
    text: str
    phrase: bool
    negated: bool


@dataclass(frozen=True)
class ParsedQuery:
    """Groups that must all match; the items of a group are alternatives (OR)."""

    groups: tuple[tuple[Item, ...], ...]

    @property
    def words(self) -> list[str]:
        return [item.text for group in self.groups for item in group if not item.phrase]


def parse(text: str) -> ParsedQuery:
    groups: list[list[Item]] = []
    joining = False
    count = 0
    for match in _TOKEN.finditer(text):
        minus, quoted, bare = match.groups()
        if bare is not None:
            if bare == "OR":
                joining = bool(groups)
                continue
            negated = bare.startswith("-") and len(bare) > 1
            item = Item(bare.lstrip("-") if negated else bare, phrase=False, negated=negated)
        else:
            item = Item(quoted, phrase=True, negated=bool(minus))
        if not item.text.strip("-"):
            continue
        count += 1
        if count > _MAX_ITEMS:
            break
        if joining:
            groups[-1].append(item)
        else:
            groups.append([item])
        joining = False
    return ParsedQuery(tuple(tuple(group) for group in groups))


# --- compiling --------------------------------------------------------------------------------


def typo_distance(word: str) -> int:
    """Edits allowed for a word the index does not know, as Meilisearch does."""
    length = len(word)
    return 0 if length < 5 else 1 if length < 9 else 2


@dataclass
class Compiled:
    query: tantivy.Query | None  # None: matches nothing
    corrected: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FieldSet:
    """The fields a query is matched against, with their boosts."""

    boosts: dict[str, float]

    def for_key(self, key: str) -> dict[str, float]:
        return {text_field(name, key): boost for name, boost in self.boosts.items()}


def _analysed(text: str, key: str) -> list[tuple[int, str]]:
    tokens = ANALYSERS.language(key).pre_tokenize(text).tokens
    return [(token.position, token.text) for token in tokens]


def _over_fields(fields: dict[str, float], make: callable) -> tantivy.Query:
    parts = []
    for name, boost in fields.items():
        query = make(name)
        parts.append(
            (Occur.Should, query if boost == 1 else tantivy.Query.boost_query(query, boost))
        )
    return tantivy.Query.boolean_query(parts)


def _known(searcher: tantivy.Searcher, term: str, keys: Iterable[str], fields: FieldSet) -> bool:
    return any(searcher.doc_freq(name, term) > 0 for key in keys for name in fields.for_key(key))


def compile_query(
    parsed: ParsedQuery, *, keys: list[str], fields: FieldSet, searcher: tantivy.Searcher
) -> Compiled:
    """The query over the given analyser keys (languages). Words the index does not know at
    all, in any of these languages, match within ``typo_distance`` edits and are reported."""
    corrected: list[str] = []
    fuzzy_words: set[str] = set()
    for word in parsed.words:
        analysed = [(key, _analysed(word, key)) for key in keys]
        single = [(key, tokens[0][1]) for key, tokens in analysed if len(tokens) == 1]
        if (
            single
            and len(single) == len(analysed)
            and typo_distance(word)
            and not any(_known(searcher, term, [key], fields) for key, term in single)
        ):
            fuzzy_words.add(word)
            corrected.append(word)
    branches = []
    for key in keys:
        branch = _compile_branch(parsed, key, fields.for_key(key), fuzzy_words)
        if branch is not None:
            branches.append((Occur.Should, branch))
    if not branches:
        return Compiled(None, corrected)
    return Compiled(tantivy.Query.boolean_query(branches), corrected)


def _compile_branch(
    parsed: ParsedQuery, key: str, fields: dict[str, float], fuzzy_words: set[str]
) -> tantivy.Query | None:
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for group in parsed.groups:
        alternatives = []
        for item in group:
            query = _compile_item(item, key, fields, fuzzy_words)
            if query is None:
                continue
            if item.negated and len(group) > 1:
                query = tantivy.Query.boolean_query(
                    [(Occur.Must, tantivy.Query.all_query()), (Occur.MustNot, query)]
                )
            alternatives.append((item, query))
        if not alternatives:
            continue  # only stop words or punctuation: ignored, as in any web search
        if len(alternatives) == 1:
            item, query = alternatives[0]
            clauses.append((Occur.MustNot if item.negated else Occur.Must, query))
        else:
            disjunction = tantivy.Query.boolean_query([(Occur.Should, q) for _, q in alternatives])
            clauses.append((Occur.Must, disjunction))
    if not any(occur == Occur.Must for occur, _ in clauses):
        if not clauses:
            return None
        clauses.append((Occur.Must, tantivy.Query.all_query()))  # "-word" alone: all but
    return tantivy.Query.boolean_query(clauses)


def _compile_item(
    item: Item, key: str, fields: dict[str, float], fuzzy_words: set[str]
) -> tantivy.Query | None:
    tokens = _analysed(item.text, key)
    if not tokens:
        return None
    if len(tokens) == 1:
        term = tokens[0][1]
        if item.text in fuzzy_words:
            distance = typo_distance(item.text)
            return _over_fields(
                fields,
                lambda name: tantivy.Query.fuzzy_term_query(SCHEMA, name, term, distance),
            )
        return _over_fields(fields, lambda name: tantivy.Query.term_query(SCHEMA, name, term))
    first = tokens[0][0]
    words = [(position - first, term) for position, term in tokens]
    return _over_fields(fields, lambda name: tantivy.Query.phrase_query(SCHEMA, name, words))
