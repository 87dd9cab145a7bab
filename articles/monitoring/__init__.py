"""Monitoring: saved searches that alert. Users keep queries (``saved_search_create``); the
worker's ``percolate`` step matches every article that becomes visible or changes while
visible against every active saved search, records the matches (``matches_page``) and sends
them as ``saved_search.matched`` events to the webhook a saved search names (see README,
Monitoring).
"""

from articles.monitoring._matches import BadCursor, Match, MatchesPage, matches_page
from articles.monitoring._percolate import MATCHED, percolate
from articles.monitoring._searches import (
    FILTERS,
    max_per_user,
    saved_search_create,
    saved_search_delete,
    saved_search_update,
    search_params,
)

__all__ = [
    "FILTERS",
    "MATCHED",
    "BadCursor",
    "Match",
    "MatchesPage",
    "matches_page",
    "max_per_user",
    "percolate",
    "saved_search_create",
    "saved_search_delete",
    "saved_search_update",
    "search_params",
]
