"""Web-search syntax, parsed by our own code into tantivy queries (user text never reaches a
query parser): words (all must match), ``"exact phrase"``, ``OR`` between two items, and
``-item`` to exclude. Any input parses; what has no word in it matches nothing.

A query is analysed once per language present (each with its own stemmer, stop words and
fields) and the branches are OR-ed: an article only has fields of its own language, so each
article is matched in its language, and a name like "Zelensky" matches in all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import tantivy

from articles.search._schema import ANALYSERS, SCHEMA, text_field
from articles.search._synonyms import NO_SYNONYMS, Synonyms
from articles.search._typos import (
    MAX_CORRECTED_WORDS,
    TYPO_FACTOR,
    Candidate,
    as_written,
    candidates,
    correctable,
    known,
)

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


@dataclass(frozen=True)
class Alternative:
    """Another text an item also matches: a synonym (for every analyser key, or one) or a
    typo correction (scored ``factor`` times its BM25)."""

    text: str
    factor: float = 1.0
    key: str | None = None  # None: in every language
    correction: bool = False


@dataclass
class Compiled:
    query: tantivy.Query | None  # None: matches nothing
    # Words corrected for typos -> each candidate used -> what it matches (in any language).
    corrections: dict[str, dict[str, tantivy.Query]] = field(default_factory=dict)
    # What the response says: [{"word": typed, "matched": [words]}], filled by the searcher.
    corrected: list[dict] = field(default_factory=list)


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


def typo_alternatives(
    parsed: ParsedQuery,
    keys: list[str],
    searcher: tantivy.Searcher,
    synonyms: Synonyms,
    cache: dict[tuple[str, tuple[str, ...]], list[Candidate]] | None = None,
) -> dict[str, list[Alternative]]:
    """Typed word -> its corrections, for words the archive does not know as written
    (``parsed``: with synonyms' phrases joined). ``cache``: the candidates of words already
    looked up on this same ``searcher`` (filled in)."""
    found: dict[str, list[Alternative]] = {}
    for group in parsed.groups:
        for item in group:
            if item.text in found:
                continue
            word = correctable(item, synonyms)
            if word is None or known(searcher, word, keys):
                continue
            if len(found) == MAX_CORRECTED_WORDS:
                return found
            looked_up = None if cache is None else cache.get((word, tuple(keys)))
            if looked_up is None:
                looked_up = candidates(searcher, word, keys)
                if cache is not None:
                    cache[(word, tuple(keys))] = looked_up
            found[item.text] = [
                Alternative(c.word, TYPO_FACTOR[c.distance], correction=True) for c in looked_up
            ]
    return found


def compile_query(
    parsed: ParsedQuery,
    *,
    keys: list[str],
    fields: FieldSet,
    searcher: tantivy.Searcher,
    synonyms: Synonyms = NO_SYNONYMS,
    typos: dict[str, list[Alternative]] | None = None,
) -> Compiled:
    """The query over the given analyser keys (languages). Each item also matches its
    synonyms; words the archive does not know as written also match their corrections
    (``typos``: those already looked up by ``typo_alternatives`` for the same query)."""
    parsed = synonyms.join_phrases(parsed)
    if typos is None:
        typos = typo_alternatives(parsed, keys, searcher, synonyms)
    alternatives = dict(typos)
    for group in parsed.groups:
        for item in group:
            if item.text not in alternatives:
                words = tuple(as_written(item.text))
                alternatives[item.text] = synonyms.alternatives(words)
    compiled = Compiled(None)
    branches = []
    for key in keys:
        branch = _compile_branch(parsed, key, fields.for_key(key), alternatives, compiled)
        if branch is not None:
            branches.append((Occur.Should, branch))
    if branches:
        compiled.query = tantivy.Query.boolean_query(branches)
    return compiled


def _compile_branch(
    parsed: ParsedQuery,
    key: str,
    fields: dict[str, float],
    alternatives: dict[str, list[Alternative]],
    compiled: Compiled,
) -> tantivy.Query | None:
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for group in parsed.groups:
        options = []
        for item in group:
            query = _compile_item(item, key, fields, alternatives.get(item.text, []), compiled)
            if query is None:
                continue
            if item.negated and len(group) > 1:
                query = tantivy.Query.boolean_query(
                    [(Occur.Must, tantivy.Query.all_query()), (Occur.MustNot, query)]
                )
            options.append((item, query))
        if not options:
            continue  # only stop words or punctuation: ignored, as in any web search
        if len(options) == 1:
            item, query = options[0]
            clauses.append((Occur.MustNot if item.negated else Occur.Must, query))
        else:
            disjunction = tantivy.Query.boolean_query([(Occur.Should, q) for _, q in options])
            clauses.append((Occur.Must, disjunction))
    if not any(occur == Occur.Must for occur, _ in clauses):
        if not clauses:
            return None
        clauses.append((Occur.Must, tantivy.Query.all_query()))  # "-word" alone: all but
    return tantivy.Query.boolean_query(clauses)


def _text_query(tokens: list[tuple[int, str]], fields: dict[str, float]) -> tantivy.Query:
    if len(tokens) == 1:
        term = tokens[0][1]
        return _over_fields(fields, lambda name: tantivy.Query.term_query(SCHEMA, name, term))
    first = tokens[0][0]
    words = [(position - first, term) for position, term in tokens]
    return _over_fields(fields, lambda name: tantivy.Query.phrase_query(SCHEMA, name, words))


def _compile_item(
    item: Item,
    key: str,
    fields: dict[str, float],
    alternatives: list[Alternative],
    compiled: Compiled,
) -> tantivy.Query | None:
    """The item and its alternatives in this language; an alternative analysed as the item
    is (a correction with the same stem) adds nothing."""
    seen: set[tuple[str, ...]] = set()
    parts = []
    for alternative in [Alternative(item.text), *alternatives]:
        if alternative.key not in (None, key):
            continue
        tokens = _analysed(alternative.text, key)
        signature = tuple(term for _, term in tokens)
        if not tokens or signature in seen:
            continue
        seen.add(signature)
        query = _text_query(tokens, fields)
        if alternative.correction:
            found = compiled.corrections.setdefault(item.text, {})
            if alternative.text in found:
                query_any = tantivy.Query.boolean_query(
                    [(Occur.Should, found[alternative.text]), (Occur.Should, query)]
                )
                found[alternative.text] = query_any
            else:
                found[alternative.text] = query
        if alternative.factor != 1:
            query = tantivy.Query.boost_query(query, alternative.factor)
        parts.append(query)
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return tantivy.Query.boolean_query([(Occur.Should, part) for part in parts])
