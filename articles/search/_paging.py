"""One page of hits in an order, with the exact count: sorted by a field, by score (equal
scores newest first, in one total order at any depth), or by score decayed by age."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import tantivy
from django.conf import settings
from django.utils import timezone

from articles.search._documents import microseconds
from articles.search._highlight import Highlighter
from articles.search._query import Compiled


def match_count(searcher: tantivy.Searcher, query: tantivy.Query) -> int:
    """How many documents ``query`` matches (tantivy counts them; no page is read)."""
    return searcher.search(query, 1, count=True).count or 0


# name -> (fast field, order); "rank" is the score, best first, ties newest first.
ORDERINGS: dict[str, tuple[str, tantivy.Order] | None] = {
    "published_at": ("published_asc", tantivy.Order.Asc),
    "-published_at": ("published_desc", tantivy.Order.Desc),
    "title": ("title_sort", tantivy.Order.Asc),
    "-title": ("title_sort", tantivy.Order.Desc),
    "updated_at": ("updated", tantivy.Order.Asc),
    "-updated_at": ("updated", tantivy.Order.Desc),
    "rank": None,
    "rank_recent": None,
}
RANKINGS = ("rank", "rank_recent")
# Quotations without a query: newest article first, each article's quotes in order.
QUOTE_ORDER = "quote_order"
_SORTS = {**ORDERINGS, QUOTE_ORDER: ("quote_order", tantivy.Order.Desc)}
NEWEST_FIRST = "-published_at"
# Equal scores are ordered newest first, then by id, in groups of up to this many hits; a
# larger group keeps the index's own order of equal scores (by document address), as total
# and stable but cheap to reach into at any depth. A page reads this many hits either side.
TIE_GROUP = 500
# Past this many hits, a page is only fetched once the count shows it exists: tantivy keeps
# offset + limit hits in memory, and a client may ask for page 10**9.
DEEP_PAGE = 10_000
# rank_recent rescores this many best BM25 matches at first (or twice the page's end), and
# at most RECENT_MAX_FETCH (or the page's end).
RECENT_FIRST_FETCH = 200
RECENT_MAX_FETCH = DEEP_PAGE
_DAY = 86_400_000_000  # microseconds


@dataclass
class Page:
    """One page of hits: ids best (or first by the ordering) first, with scores when
    searching, the exact count, and what highlights them (a search's page in order of score)."""

    count: int
    ids: list[int]
    ranks: dict[int, float] = field(default_factory=dict)
    corrected: list[dict] = field(default_factory=list)  # [{"word", "matched"}]
    highlighter: Highlighter | None = field(default=None, repr=False, compare=False)

    def highlight(self, articles: Sequence[Any]) -> None:
        """Set ``article.highlights`` on each of ``articles`` (this page's rows, their title
        and body loaded) when the page can be highlighted; otherwise leave them as they are."""
        if self.highlighter is not None:
            self.highlighter.highlight(articles)


def page_of(
    searcher: tantivy.Searcher, compiled: Compiled, ordering: str, offset: int, limit: int
) -> Page:
    if compiled.query is None:
        return Page(0, [], corrected=compiled.corrected)
    if offset + limit > DEEP_PAGE:
        count = match_count(searcher, compiled.query)
        if offset >= count:
            return Page(count, [], corrected=compiled.corrected)
    if ordering == "rank":
        return _ranked_page(searcher, compiled, offset, limit)
    if ordering == "rank_recent":
        return _recent_page(searcher, compiled, offset, limit)
    sort_field, order = _SORTS[ordering]
    result = searcher.search(
        compiled.query, limit, count=True, order_by_field=sort_field, order=order, offset=offset
    )
    addresses = [address for _, address in result.hits]
    ids = [int(i) for i in searcher.fast_field_values("id", addresses)] if addresses else []
    return Page(result.count or 0, ids, corrected=compiled.corrected)


def _ranked_page(searcher: tantivy.Searcher, compiled: Compiled, offset: int, limit: int) -> Page:
    count, hits = ranked_hits(searcher, compiled.query, offset=offset, limit=limit)
    return _scored_page(searcher, compiled, count, hits)


def _scored_page(
    searcher: tantivy.Searcher, compiled: Compiled, count: int | None, hits: list
) -> Page:
    """The page of (score, id) ``hits``, in their order, each with its rank, highlighted by
    the query that scored them."""
    return Page(
        count=count or 0,
        ids=[article_id for _, article_id in hits],
        ranks={article_id: score for score, article_id in hits},
        corrected=compiled.corrected,
        highlighter=Highlighter(searcher, compiled.query),
    )


def ranked_hits(
    searcher: tantivy.Searcher,
    query: tantivy.Query,
    *,
    offset: int,
    limit: int,
    count: bool = True,
) -> tuple[int | None, list[tuple[float, int]]]:
    """The count (when asked) and the (score, id) of the hits ``offset`` to ``offset + limit``
    of one total order: best score first; equal scores newest first, then highest id, or in
    the index's order in a group of more than ``TIE_GROUP``. Reading ``TIE_GROUP`` hits
    either side of the page tells every group on it whole, or too large: a group that runs
    past the hits read has more than ``TIE_GROUP``. So every page, whatever its size, is cut
    from the same order, and paging visits every match once."""
    start = max(0, offset - TIE_GROUP)
    result = searcher.search(query, offset - start + limit + TIE_GROUP, count=count, offset=start)
    first, last = offset - start, offset - start + limit  # the page within the hits read
    page: list[tuple[float, tantivy.DocAddress]] = []
    position = 0
    for _, group in itertools.groupby(result.hits, key=lambda hit: hit[0]):
        run = list(group)
        low, position = position, position + len(run)
        if position <= first:
            continue
        if low >= last:
            break
        if len(run) > 1 and len(run) <= TIE_GROUP:
            run = _newest_first(searcher, run)
        page += run[max(first - low, 0) : last - low]
    if not page:
        return result.count, []
    ids = searcher.fast_field_values("id", [address for _, address in page])
    return result.count, [
        (float(score), int(hit_id)) for (score, _), hit_id in zip(page, ids, strict=True)
    ]


def _newest_first(searcher: tantivy.Searcher, hits: list) -> list:
    """Hits of one score, newest first, then highest id."""
    addresses = [address for _, address in hits]
    newest = searcher.fast_field_values("published_desc", addresses)
    ids = searcher.fast_field_values("id", addresses)
    ordered = sorted(zip(newest, ids, range(len(hits)), strict=True), reverse=True)
    return [hits[index] for _, _, index in ordered]


def _decayed(
    searcher: tantivy.Searcher, hits: list, now: int, half_life_days: float
) -> list[tuple[float, int]]:
    """(score times 0.5 ** (age / half-life), id) of scored hits, best first, equal scores
    newest first. The age is from the publication date (or, undated, the last change), and
    never below zero (a scheduled article counts as new)."""
    addresses = [address for _, address in hits]
    ids = searcher.fast_field_values("id", addresses)
    published = searcher.fast_field_values("published", addresses)
    updated = searcher.fast_field_values("updated", addresses)
    newest = searcher.fast_field_values("published_desc", addresses)
    half_life = half_life_days * _DAY
    scored = []
    for (score, _), date, changed, key, article_id in zip(
        hits, published, updated, newest, ids, strict=True
    ):
        age = max(0, now - (date if date is not None else changed or now))
        scored.append((float(score) * 0.5 ** (age / half_life), key, int(article_id)))
    scored.sort(key=lambda hit: (-hit[0], -hit[1], -hit[2]))  # one total order: ties by id
    return [(score, article_id) for score, _, article_id in scored]


def _recent_page(searcher: tantivy.Searcher, compiled: Compiled, offset: int, limit: int) -> Page:
    """BM25 times an exponential decay on age, over the best BM25 matches: the decay is at
    most 1, so a match beyond the first ``fetched`` by BM25 scores at most the last of them;
    once the page's last decayed score is above that, the page is exact. Otherwise more are
    fetched, four times as many each time, up to ``RECENT_MAX_FETCH`` (past it, the page is
    the best of those)."""
    now = microseconds(timezone.now())
    half_life = settings.SEARCH_RECENCY_HALF_LIFE_DAYS
    wanted = offset + limit
    cap = max(RECENT_MAX_FETCH, wanted)
    fetch = min(max(RECENT_FIRST_FETCH, 2 * wanted), cap)
    while True:
        result = searcher.search(compiled.query, fetch, count=True)
        hits = result.hits
        ranked = _decayed(searcher, hits, now, half_life) if hits else []
        complete = len(hits) < fetch or fetch >= cap
        if complete or (len(ranked) >= wanted and ranked[wanted - 1][0] > hits[-1][0]):
            break
        fetch = min(fetch * 4, cap)
    return _scored_page(searcher, compiled, result.count, ranked[offset:wanted])
