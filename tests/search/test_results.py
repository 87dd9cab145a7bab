"""The index's results page like a queryset: Django's Paginator (and so DRF's stock pagination)
slices them, and one search answers both the count and the page."""

from __future__ import annotations

import pytest
from django.core.paginator import EmptyPage, Paginator

from articles import search

pytestmark = pytest.mark.django_db  # the suite's own fixtures need it; these need no rows


def counted(total: int) -> tuple[search.Results, list[tuple[int, int]]]:
    runs: list[tuple[int, int]] = []

    def run(offset: int, limit: int) -> search.Page:
        runs.append((offset, limit))
        return search.Page(
            total, list(range(offset, min(offset + limit, total))), corrected=[{"w": 1}]
        )

    return search.Results(run), runs


def test_told_the_page_one_search_gives_count_and_rows():
    results, runs = counted(45)
    results.expect(20, 20)
    page = Paginator(results, 20).page(2)
    assert list(page) == list(range(20, 40)) and page.paginator.count == 45
    assert runs == [(20, 20)]


def test_the_last_page_reuses_the_search_though_the_paginator_slices_it_shorter():
    results, runs = counted(45)
    results.expect(40, 20)
    assert list(Paginator(results, 20).page(3)) == [40, 41, 42, 43, 44]
    assert runs == [(40, 20)]
    assert results.corrected == [{"w": 1}] and runs == [(40, 20)]


def test_untold_it_counts_with_an_empty_page_then_searches_the_slice():
    results, runs = counted(45)
    assert list(Paginator(results, 10).page(1)) == list(range(10))
    assert runs == [(0, 0), (0, 10)]


def test_a_page_past_the_last_is_an_empty_page_error():
    results, _ = counted(5)
    results.expect(20, 20)
    with pytest.raises(EmptyPage):
        Paginator(results, 20).page(2)


def test_only_slices():
    results, _ = counted(5)
    with pytest.raises(TypeError):
        results[0]
