"""Highlights from the index's snippet generator, for the returned page only: the title and up
to two body fragments, HTML-escaped, with every match in ``<mark>``."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

import tantivy

from articles.search._schema import SCHEMA, analyser_key, text_field
from articles.text import plain_text

_SPACES = re.compile(r"\s+")
FRAGMENT_CHARS = 160
BODY_FRAGMENTS = 2
WHOLE = 1 << 30  # no text is longer: one generator per field reads each text whole


def _marked(fragment: str, ranges: list[tuple[int, int]]) -> str:
    """Escape ``fragment`` and wrap the (UTF-8 byte) ``ranges`` in ``<mark>``."""
    data = fragment.encode()
    parts, last = [], 0
    for start, end in sorted(ranges):
        if start < last:
            continue
        parts.append(html.escape(data[last:start].decode(errors="ignore"), quote=False))
        parts.append("<mark>" + html.escape(data[start:end].decode(errors="ignore"), quote=False))
        parts.append("</mark>")
        last = end
    parts.append(html.escape(data[last:].decode(errors="ignore"), quote=False))
    return _SPACES.sub(" ", "".join(parts)).strip()


class Highlighter:
    """The matches of ``query`` in texts, for the page ``searcher`` answered (a snippet
    generator per field, made when first needed)."""

    def __init__(self, searcher: tantivy.Searcher, query: tantivy.Query) -> None:
        self.searcher, self.query = searcher, query
        self._generators: dict[str, tantivy.SnippetGenerator] = {}

    def highlight(self, articles: Sequence[Any]) -> None:
        """Set ``article.highlights`` on each article of the page (title and body loaded)."""
        for article in articles:
            article.highlights = {
                "title": self.title(article.language, article.title),
                "body": self.body(article.language, article.body),
            }

    def _matches(self, field: str, text: str) -> list[tuple[int, int]]:
        """The byte ranges of ``text`` that match the query, from one pass over all of it."""
        if field not in self._generators:
            generator = tantivy.SnippetGenerator.create(self.searcher, self.query, SCHEMA, field)
            generator.set_max_num_chars(WHOLE)
            self._generators[field] = generator
        snippet = self._generators[field].snippet_from_doc(tantivy.Document(**{field: text}))
        offset = snippet.fragment_range().start
        return sorted((r.start + offset, r.end + offset) for r in snippet.highlighted())

    def title(self, language: str, title: str) -> str:
        return _marked(title, self._matches(text_field("title", analyser_key(language)), title))

    def body(self, language: str, body: str) -> list[str]:
        """Up to ``BODY_FRAGMENTS`` fragments of about ``FRAGMENT_CHARS`` bytes, the ones with
        the most matches first. The snippet generator runs once, over the whole text (it
        tokenises the body once however many fragments are cut from it)."""
        text = plain_text(body)
        data = text.encode()
        matches = self._matches(text_field("body", analyser_key(language)), text)
        fragments = []
        for start, end in fragment_windows(data, matches, BODY_FRAGMENTS):
            inside = [(a - start, b - start) for a, b in matches if a >= start and b <= end]
            fragments.append(_marked(data[start:end].decode(errors="ignore"), inside))
        return fragments


_LEAD = 40  # bytes of context kept before a fragment's first match


def fragment_windows(
    data: bytes, matches: list[tuple[int, int]], most: int
) -> list[tuple[int, int]]:
    """Byte ranges of at most ``FRAGMENT_CHARS`` that hold the most ``matches``, best first,
    not overlapping, cut at spaces."""
    chosen: list[tuple[int, int]] = []
    left = list(matches)
    while left and len(chosen) < most:
        best: tuple[int, int] | None = None
        best_count = 0
        for first, _ in left:
            start = _cut_before(data, max(0, first - _LEAD), first)
            end = _cut_after(data, start + FRAGMENT_CHARS, first)
            count = sum(1 for a, b in left if a >= start and b <= end)
            if count > best_count:
                best, best_count = (start, end), count
        if best is None:
            break
        chosen.append(best)
        left = [(a, b) for a, b in left if b <= best[0] or a >= best[1]]
    return chosen


def _cut_before(data: bytes, start: int, first: int) -> int:
    """``start`` moved forward to the beginning of a word, never past the match at ``first``."""
    if start == 0:
        return 0
    space = data.find(b" ", start, first)
    return first if space < 0 else space + 1


def _cut_after(data: bytes, end: int, first: int) -> int:
    """``end`` moved back to the end of a word (the text's end at most), keeping ``first``."""
    if end >= len(data):
        return len(data)
    space = data.rfind(b" ", first + 1, end)
    return end if space < 0 else space
