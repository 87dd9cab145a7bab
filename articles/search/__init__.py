"""The one home of search: a tantivy index derived from PostgreSQL through a change log.

Writers call ``record_article_changes`` (and friends) inside their transaction; readers call
the selectors below, which bring this host's index up to the log first.
"""

from articles.search._changelog import ARTICLE, AUTHOR, SOURCE, TAG
from articles.search._changelog import record as record_changes
from articles.search._engine import Engine, SearchUnavailable, engine, forget_told
from articles.search._facets import FACET_SIZE, facets
from articles.search._highlight import highlight
from articles.search._percolate import Percolation, Percolator
from articles.search._query import parse, typo_distance
from articles.search._related import related
from articles.search._results import Results
from articles.search._search import (
    ORDERINGS,
    ArticleSearch,
    Page,
    QuoteSearch,
    admin_search_ids,
    last_expiry,
    search_articles,
    search_quotes,
)
from articles.search._suggest import SUGGEST_LIMIT, suggest
from articles.search._synonyms import MAX_TERM_WORDS
from articles.search._timeline import INTERVALS, Bucket, Span, quoted_span, timeline
from articles.search._typos import as_written

__all__ = [
    "ARTICLE",
    "AUTHOR",
    "FACET_SIZE",
    "INTERVALS",
    "MAX_TERM_WORDS",
    "ORDERINGS",
    "SOURCE",
    "SUGGEST_LIMIT",
    "TAG",
    "ArticleSearch",
    "Bucket",
    "Engine",
    "Page",
    "Percolation",
    "Percolator",
    "QuoteSearch",
    "Results",
    "SearchUnavailable",
    "Span",
    "admin_search_ids",
    "as_written",
    "engine",
    "facets",
    "forget_told",
    "highlight",
    "last_expiry",
    "parse",
    "quoted_span",
    "record_changes",
    "related",
    "search_articles",
    "search_quotes",
    "suggest",
    "timeline",
    "typo_distance",
]
