"""Synonym sets, applied when a query is compiled (so a change applies at once, with no
rebuild): a query word or phrase that is a term of a set also matches every other term of
that set, in the set's language (its analyser key) or in all of them.

Terms are compared as written (lower case, accents folded, not stemmed); a term of several
words ("United States") is matched by those words typed in a row, or quoted, and matches as
a phrase. Editors keep the sets in PostgreSQL (``articles.SynonymSet``); a search reads them
in one statement, unless the request's first statement said they are the ones it parsed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection

from articles.search._schema import analyser_key
from articles.search._typos import as_written

# Longest term, in words, looked for in a row of query words.
MAX_TERM_WORDS = 6


@dataclass(frozen=True)
class SynonymSet:
    terms: tuple[str, ...]
    language: str | None = None  # None: every language


@dataclass(frozen=True)
class Synonyms:
    sets: tuple[SynonymSet, ...] = ()
    _by_words: dict[tuple[str, ...], list[SynonymSet]] = field(default_factory=dict)

    @classmethod
    def of(cls, sets: Iterable[SynonymSet]) -> Synonyms:
        by_words: dict[tuple[str, ...], list[SynonymSet]] = {}
        kept = tuple(sets)
        for synonym_set in kept:
            for term in synonym_set.terms:
                words = tuple(as_written(term))
                if words and synonym_set not in by_words.get(words, []):
                    by_words.setdefault(words, []).append(synonym_set)
        return cls(kept, by_words)

    def sets_of(self, words: tuple[str, ...]) -> list[SynonymSet]:
        return self._by_words.get(words, [])

    def alternatives(self, words: tuple[str, ...]) -> list:
        """What ``words`` also match: the other terms of their sets, each in its set's
        analyser key (None for every one)."""
        from articles.search._query import Alternative  # the query module imports this one

        found = []
        for synonym_set in self.sets_of(words):
            key = analyser_key(synonym_set.language) if synonym_set.language else None
            for term in synonym_set.terms:
                if tuple(as_written(term)) != words:
                    found.append(Alternative(term, key=key))
        return found

    def join_phrases(self, parsed):
        """``parsed`` with each run of plain words that is a term of several words made one
        phrase item (so "united states" matches "USA" too)."""
        from articles.search._query import Item, ParsedQuery

        longest = max((len(words) for words in self._by_words if len(words) > 1), default=0)
        if not longest:
            return parsed
        groups = list(parsed.groups)
        joined: list[tuple[Item, ...]] = []
        index = 0
        while index < len(groups):
            for size in range(min(longest, MAX_TERM_WORDS, len(groups) - index), 1, -1):
                run = groups[index : index + size]
                if all(len(g) == 1 and not g[0].phrase and not g[0].negated for g in run):
                    text = " ".join(g[0].text for g in run)
                    if tuple(as_written(text)) in self._by_words:
                        joined.append((Item(text, phrase=True, negated=False),))
                        index += size
                        break
            else:
                joined.append(groups[index])
                index += 1
        return ParsedQuery(tuple(joined))


NO_SYNONYMS = Synonyms()


# The sets as last read, with their database's id and version (``_changelog.Status``), shared
# by this process's threads; and, per thread, the version the request's first statement read.
_parsed: tuple[tuple[str, int], Synonyms] | None = None
_told = threading.local()


def told_version(version: tuple[str, int] | None) -> None:
    """The sets' version as the request's first statement read it (None: forget it); the
    next ``current_synonyms`` in this thread uses it once."""
    _told.version = version


def current_synonyms() -> Synonyms:
    """The sets as editors keep them now: those parsed already when this request was told
    they have not changed since (or the change log's last answer still holds: every change
    of the sets marks a write), else one statement."""
    global _parsed
    from articles.search._engine import engine  # it imports this module

    version, _told.version = getattr(_told, "version", None), None
    version = version or engine().synonyms_version()
    parsed = _parsed
    if version is not None and parsed is not None and parsed[0] == version:
        return parsed[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.database_id::text, s.synonyms_version, t.terms, t.language"
            " FROM newsapi_search_state s"
            " LEFT JOIN articles_synonymset t ON true WHERE s.id = 1 ORDER BY t.id"
        )
        rows = cursor.fetchall()
    synonyms = Synonyms.of(
        SynonymSet(tuple(terms), language) for _, _, terms, language in rows if terms is not None
    )
    _parsed = (rows[0][:2], synonyms)
    return synonyms
