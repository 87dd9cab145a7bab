"""Typo tolerance on the words as written, served by the index's term dictionary.

Beside each language's stemmed fields, every article's text is indexed once more lower-cased
and accent-folded but not stemmed (``words__<language>``): its terms are the archive's words
as written, with the number of articles that use each. A query word absent from them (in
every language searched) is expanded to the archive's words within ``typo_distance`` edits
(insertions, deletions, substitutions, adjacent transpositions), the ``MAX_CANDIDATES`` most
frequent of them, closest first. Each candidate is then analysed like a typed word (stemmed
in each language) and scored by BM25, times ``TYPO_FACTOR[distance]``, so the word as typed
(its stem may still match) always outweighs a correction of it.

Candidates one edit away are found exactly: every string one edit away is looked up in the
term dictionary (a few hundred look-ups of a few microseconds). Two edits away (words of 9
letters or more), the candidates are the one-edit words and the words that share the typed
word's first three letters, compared by edit distance: the term dictionary lists those by
prefix, and typos in the first letters of long words are rare; that listing also answers the
one-edit strings that share the prefix, so only the others are looked up one by one.
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING

import tantivy

from articles.search._schema import ANALYSERS, WRITTEN_FIELD, text_field

if TYPE_CHECKING:
    from articles.search._query import Item
    from articles.search._synonyms import Synonyms

# Expanded words per query (the others are matched as written) and candidates per word:
# a query of 30 misspelt words makes at most 8 x 4 extra terms per language.
MAX_CORRECTED_WORDS = 8
MAX_CANDIDATES = 4
# A candidate's BM25 score is multiplied by this, by its distance from the typed word.
TYPO_FACTOR = {1: 0.5, 2: 0.25}
# Words sharing the first letters listed for a two-edit search, at most.
PREFIX_LETTERS = 3
MAX_PREFIX_TERMS = 5000
_ASCII = string.ascii_lowercase


def typo_distance(word: str) -> int:
    """Edits allowed for a word the archive does not know, as Meilisearch does."""
    length = len(word)
    return 0 if length < 5 else 1 if length < 9 else 2


def words_field(key: str) -> str:
    return text_field(WRITTEN_FIELD, key)


def as_written(text: str) -> list[str]:
    """The words of ``text`` as the unstemmed fields hold them (lower case, folded)."""
    return ANALYSERS.written.analyze(text)


def correctable(item: Item, synonyms: Synonyms) -> str | None:
    """The item's word as written when typo tolerance may apply to it: a word (not a phrase),
    not excluded, one word as written, in no synonym set, long enough (``typo_distance``).
    Whether the archive knows it is the searcher's to say (``known``)."""
    if item.phrase or item.negated:
        return None
    written = as_written(item.text)
    if len(written) != 1 or synonyms.sets_of(tuple(written)) or not typo_distance(written[0]):
        return None
    return written[0]


@dataclass(frozen=True)
class Candidate:
    word: str
    distance: int
    frequency: int


def known(searcher: tantivy.Searcher, word: str, keys: list[str]) -> bool:
    return any(searcher.doc_freq(words_field(key), word) > 0 for key in keys)


def _alphabet(word: str) -> str:
    """Letters a typo may bring in: ASCII letters (the fields are folded), digits in a word
    that has one, and for other scripts the lower-case letters of the word's Unicode block."""
    extra = set(word)
    if any(char.isdigit() for char in word):
        extra.update(string.digits)
    for char in word:
        if ord(char) > 127:
            block = ord(char) & ~0x7F
            extra.update(c for c in map(chr, range(block, block + 128)) if c.islower())
    return _ASCII + "".join(sorted(extra - set(_ASCII)))


@functools.lru_cache(maxsize=4096)
def one_edit(word: str) -> frozenset[str]:
    """Every string one insertion, deletion, substitution or transposition from ``word``
    (kept: percolation looks up the same misspelt words batch after batch)."""
    letters = _alphabet(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {left + right[1:] for left, right in splits if right}
    edits |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    edits |= {left + c + right[1:] for left, right in splits if right for c in letters}
    edits |= {left + c + right for left, right in splits for c in letters}
    edits.discard(word)
    return frozenset(edits)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance of ``a`` and ``b``; ``limit + 1`` when above it.

    Past their common prefix, an alignment within ``limit`` edits starts with one of four
    edits of the first letters that differ (delete, insert, substitute, swap) and aligns the
    rest within ``limit - 1``; with one edit left, the rest is compared as strings. A word of
    9 letters is compared with the hundreds of archive words that share its first letters,
    most of them far from it: this rejects each in a few string comparisons, where a
    dynamic programming table took tens of microseconds."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    shorter = min(len(a), len(b))
    start = 0
    while start < shorter and a[start] == b[start]:
        start += 1
    if start == shorter:
        return abs(len(a) - len(b))
    if not limit:
        return 1
    a, b = a[start:], b[start:]
    swapped = len(a) > 1 and len(b) > 1 and a[0] == b[1] and a[1] == b[0]
    if limit == 1:
        rests = a[1:] == b[1:] or a[1:] == b or a == b[1:] or (swapped and a[2:] == b[2:])
        return 1 if rests else 2
    rests = [(a[1:], b[1:]), (a[1:], b), (a, b[1:])]
    if swapped:
        rests.append((a[2:], b[2:]))
    return 1 + min(edit_distance(x, y, limit - 1) for x, y in rests)


def candidates(searcher: tantivy.Searcher, word: str, keys: list[str]) -> list[Candidate]:
    """The archive's words within ``typo_distance(word)`` edits of ``word`` (folded, as
    written): the closest first, then the most frequent; at most ``MAX_CANDIDATES``."""
    distance = typo_distance(word)
    if not distance:
        return []
    fields = [words_field(key) for key in keys]
    prefix = word[:PREFIX_LETTERS]
    listed: dict[str, int] = {}  # two edits: the words that share the prefix, with their counts
    complete = False  # listed holds every word of the prefix (none left out by the limit)
    if distance > 1:
        complete = True
        for name in fields:
            terms = searcher.terms_with_prefix(name, prefix, limit=MAX_PREFIX_TERMS)
            complete = complete and len(terms) < MAX_PREFIX_TERMS
            for term, count in terms:
                listed[term] = listed.get(term, 0) + count
    frequency: dict[str, int] = {}
    found: dict[str, int] = {}
    doc_freq = searcher.doc_freq
    for edit in one_edit(word):
        if complete and edit.startswith(prefix):
            count = listed.get(edit, 0)  # the listing's counts are the document frequencies
        else:
            count = 0
            for name in fields:
                count += doc_freq(name, edit)
        if count:
            frequency[edit], found[edit] = count, 1
    if distance > 1:
        # Each edit brings at most one letter into the word's set of letters and takes at
        # most one out, so a word whose set differs by more than four is not two edits away:
        # a cheap test that spares most of the listed words the distance.
        letters = set(word)
        for term, count in listed.items():
            if (
                term not in found
                and len(letters.symmetric_difference(term)) <= 4
                and edit_distance(word, term, 2) <= 2
            ):
                frequency[term], found[term] = count, 2
    ranked = sorted(found, key=lambda term: (found[term], -frequency[term], term))
    return [Candidate(term, found[term], frequency[term]) for term in ranked[:MAX_CANDIDATES]]
