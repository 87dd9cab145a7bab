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
    def __init__(self, searcher: tantivy.Searcher, query: tantivy.Query) -> None:
        self.searcher, self.query = searcher, query
        self._generators: dict[tuple[str, int], tantivy.SnippetGenerator] = {}

    def _generator(self, field: str, chars: int) -> tantivy.SnippetGenerator:
        key = (field, chars)
        if key not in self._generators:
            generator = tantivy.SnippetGenerator.create(self.searcher, self.query, SCHEMA, field)
            generator.set_max_num_chars(chars)
            self._generators[key] = generator
        return self._generators[key]

    def _snippet(self, field: str, text: str, chars: int) -> tantivy.Snippet:
        return self._generator(field, chars).snippet_from_doc(tantivy.Document(**{field: text}))

    def title(self, language: str, title: str) -> str:
        field = text_field("title", analyser_key(language))
        snippet = self._snippet(field, title, max(len(title.encode()), 1))
        ranges = [(r.start, r.end) for r in snippet.highlighted()]
        if not ranges or snippet.fragment() != title:
            return html.escape(title, quote=False)
        return _marked(title, ranges)

    def body(self, language: str, body: str) -> list[str]:
        field = text_field("body", analyser_key(language))
        text = plain_text(body)
        fragments = []
        for _ in range(BODY_FRAGMENTS):
            snippet = self._snippet(field, text, FRAGMENT_CHARS)
            ranges = [(r.start, r.end) for r in snippet.highlighted()]
            if not ranges:
                break
            fragments.append(_marked(snippet.fragment(), ranges))
            used = snippet.fragment_range()
            data = text.encode()
            # Look for the next fragment in what is left of the body.
            text = (data[: used.start] + b" \n " + data[used.end :]).decode(errors="ignore")
        return fragments


def highlight(articles: Sequence[Any], searcher: tantivy.Searcher, query: tantivy.Query) -> None:
    """Set ``article.highlights`` on each article of the page (title and body loaded)."""
    highlighter = Highlighter(searcher, query)
    for article in articles:
        article.highlights = {
            "title": highlighter.title(article.language, article.title),
            "body": highlighter.body(article.language, article.body),
        }
