"""Search results as a lazy, sliceable sequence, the seam between the index and paging.

Like a queryset (and Wagtail's ``BaseSearchResults``), ``Results`` runs nothing until it is
counted or sliced, so Django's ``Paginator`` and DRF's stock page-number pagination page it as
they page querysets. The index gives a page and the exact count in one search: a pagination
that knows which page it will ask for says so first (``expect``), and counting then runs
that page's search, which the slice that follows reuses. What the search learnt beside the
rows (``corrected``) is read from the results themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from articles.search._paging import Page


class Results:
    def __init__(
        self,
        run: Callable[[int, int], Page],
        rows: Callable[[Page], list[Any]] = lambda page: list(page.ids),
    ) -> None:
        """``run(offset, limit)`` searches one page; ``rows(page)`` reads its rows."""
        self._run, self._rows = run, rows
        self._expected = (0, 0)
        self._page: Page | None = None
        self._offset = 0

    def expect(self, offset: int, limit: int) -> None:
        """The slice that will be asked for: counting first runs that search."""
        self._expected = (offset, limit)

    def _search(self, offset: int, limit: int) -> Page:
        """The page at ``offset``, from the last search when it holds those rows."""
        page = self._page
        if (
            page is None
            or offset != self._offset
            or len(page.ids) < min(limit, page.count - offset)
        ):
            page, self._offset = self._run(offset, limit), offset
            self._page = page
        return replace(page, ids=page.ids[:limit])

    def count(self) -> int:
        if self._page is None:
            self._search(*self._expected)
        assert self._page is not None
        return self._page.count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Any]:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("Search results are sliced, one page at a time.")
        start = key.start or 0
        stop = key.stop if key.stop is not None else self.count()
        return self._rows(self._search(start, max(stop - start, 0)))

    @property
    def corrected(self) -> list[dict]:
        """The query's words matched despite a typo (``[{"word", "matched"}]``)."""
        if self._page is None:
            self._search(*self._expected)
        assert self._page is not None
        return self._page.corrected
