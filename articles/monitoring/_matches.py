"""A saved search's matches, in the order they were recorded, behind opaque cursors."""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from dataclasses import dataclass

from articles import selectors
from articles.monitoring.models import SavedSearch, SavedSearchMatch

_CURSOR = re.compile(r"^m1\.(\d{1,18})\.(\d{1,18})$")


class BadCursor(ValueError):
    """Not a cursor of this saved search's matches (400)."""


def encode(saved_search_id: int, match_id: int) -> str:
    text = f"m1.{saved_search_id}.{match_id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str, saved_search_id: int) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    match = _CURSOR.match(text)
    if match is None or int(match.group(1)) != saved_search_id:
        raise BadCursor("Not a cursor of this saved search's matches: use a next_cursor it gave.")
    return int(match.group(2))


@dataclass(frozen=True)
class Match:
    cursor: str
    matched_at: datetime.datetime
    version: str
    article: selectors.ArticleRow


@dataclass(frozen=True)
class MatchesPage:
    results: list[Match]
    next_cursor: str
    has_more: bool


def matches_page(saved: SavedSearch, *, after: str | None, limit: int) -> MatchesPage:
    """The matches after the cursor ``after`` (from the first without it), oldest first, each
    with the article as the list shows it now; an article its owner may no longer see (since
    unpublished, or deleted) is left out, its place in the order kept."""
    position = 0 if after is None else decode(after, saved.pk)
    found = list(
        SavedSearchMatch.objects.filter(saved_search=saved, pk__gt=position)
        .order_by("pk")
        .values_list("pk", "article_id", "version", "matched_at")[: limit + 1]
    )
    has_more = len(found) > limit
    found = found[:limit]
    ids = {article_id for _, article_id, _, _ in found}
    visible = set(
        selectors.visible_articles(saved.owner).filter(pk__in=ids).values_list("pk", flat=True)
    )
    rows = selectors.article_rows(sorted(visible))
    results = [
        Match(encode(saved.pk, pk), matched_at, version, rows[article_id])
        for pk, article_id, version, matched_at in found
        if article_id in rows
    ]
    last = found[-1][0] if found else position
    return MatchesPage(results, encode(saved.pk, last), has_more)
