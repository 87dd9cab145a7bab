"""The search index's parts, public for what looks inside it: the benchmarks (``bench/``) and
the white-box tests of ranking, typos, highlighting and percolation. The application itself
uses ``articles.search`` only.

``tune`` turns one of the index's knobs for a test (pytest's ``monkeypatch``), on the module
that reads it: a test names the knob, not where it lives.
"""

from __future__ import annotations

from typing import Any

from articles.search import _facets, _paging, _suggest, _typos
from articles.search._documents import article_texts, microseconds, read_articles
from articles.search._filters import article_filters, live_now, narrow, visibility
from articles.search._highlight import FRAGMENT_CHARS, fragment_windows
from articles.search._paging import RECENT_FIRST_FETCH, TIE_GROUP
from articles.search._percolate import article_terms, batch_searcher, batch_terms
from articles.search._query import FieldSet, compile_query, parse, typo_alternatives
from articles.search._schema import (
    ANALYSERS,
    ARTICLE_FIELDS,
    LABELS,
    SCHEMA,
    Kind,
    analyser_key,
    register_analysers,
    term,
    text_field,
)
from articles.search._search import article_query, languages_present
from articles.search._suggest import MIN_TITLE_PREFIX, recent_months, suggest_stages
from articles.search._synonyms import current_synonyms
from articles.search._typos import (
    MAX_CANDIDATES,
    MAX_CORRECTED_WORDS,
    TYPO_FACTOR,
    as_written,
    edit_distance,
    words_field,
)

# Knob -> (the module that reads it, its name there).
KNOBS: dict[str, tuple[Any, str]] = {
    "TIE_GROUP": (_paging, "TIE_GROUP"),
    "RECENT_FIRST_FETCH": (_paging, "RECENT_FIRST_FETCH"),
    "FACET_TERMS": (_facets, "_TERMS"),
    "FACET_REBASE_AFTER": (_facets, "REBASE_AFTER"),
    "FACET_MOVE_AFTER": (_facets, "MOVE_AFTER"),
    "FACET_TOP_TERMS": (_facets, "_TOP_TERMS"),
    "TYPO_PREFIX_TERMS": (_typos, "MAX_PREFIX_TERMS"),
    "SUGGEST_RECENT_SHARE": (_suggest, "_RECENT_SHARE"),
    "SUGGEST_WIDELY_USED": (_suggest, "_WIDELY_USED"),
}


def tune(monkeypatch: Any, **knobs: float) -> None:
    """Set each knob (``TIE_GROUP=10``) for the test; pytest puts it back after."""
    for name, value in knobs.items():
        module, attribute = KNOBS[name]
        monkeypatch.setattr(module, attribute, value)


__all__ = [
    "ANALYSERS",
    "ARTICLE_FIELDS",
    "FRAGMENT_CHARS",
    "KNOBS",
    "LABELS",
    "MAX_CANDIDATES",
    "MAX_CORRECTED_WORDS",
    "MIN_TITLE_PREFIX",
    "RECENT_FIRST_FETCH",
    "SCHEMA",
    "TIE_GROUP",
    "TYPO_FACTOR",
    "FieldSet",
    "Kind",
    "analyser_key",
    "article_filters",
    "article_query",
    "article_terms",
    "article_texts",
    "as_written",
    "batch_searcher",
    "batch_terms",
    "compile_query",
    "current_synonyms",
    "edit_distance",
    "fragment_windows",
    "languages_present",
    "live_now",
    "microseconds",
    "narrow",
    "parse",
    "read_articles",
    "recent_months",
    "register_analysers",
    "suggest_stages",
    "term",
    "text_field",
    "tune",
    "typo_alternatives",
    "visibility",
    "words_field",
]
