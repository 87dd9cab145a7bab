"""The one home of search: a tantivy index derived from PostgreSQL through a change log.

Writers call ``record_changes`` inside their transaction; readers call the searches below
(``search_articles``, ``facets``, ``suggest``...), which bring this host's index up to the log
first. ``__all__`` is what the rest of the project uses, and all it may import: the modules
with a leading underscore are the package's own. Benchmarks and white-box tests that look
inside the index use ``articles.search.introspect``.
"""

from articles.search._changelog import ARTICLE, AUTHOR, SOURCE, TAG
from articles.search._changelog import prune as prune_changelog
from articles.search._engine import (
    SearchUnavailable,
    engine,
    forget_engines,
    forget_told,
    record_changes,
    wrote,
)
from articles.search._facets import facets
from articles.search._filters import ArticleSearch, QuoteSearch, last_expiry
from articles.search._maintenance import out_of_step
from articles.search._paging import ORDERINGS, Page
from articles.search._percolate import Percolator
from articles.search._related import related
from articles.search._results import Results
from articles.search._search import admin_search_ids, search_articles, search_quotes
from articles.search._suggest import suggest
from articles.search._synonyms import MAX_TERM_WORDS
from articles.search._timeline import INTERVALS, quote_count, quoted_span, timeline
from articles.search._typos import as_written

__all__ = [
    "ARTICLE",
    "AUTHOR",
    "INTERVALS",
    "MAX_TERM_WORDS",
    "ORDERINGS",
    "SOURCE",
    "TAG",
    "ArticleSearch",
    "Page",
    "Percolator",
    "QuoteSearch",
    "Results",
    "SearchUnavailable",
    "admin_search_ids",
    "as_written",
    "engine",
    "facets",
    "forget_engines",
    "forget_told",
    "last_expiry",
    "out_of_step",
    "prune_changelog",
    "quote_count",
    "quoted_span",
    "record_changes",
    "related",
    "search_articles",
    "search_quotes",
    "suggest",
    "timeline",
    "wrote",
]
