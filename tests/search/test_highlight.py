"""Body fragments are cut from one pass of the snippet generator: the windows with the most
matches, best first, apart, at most FRAGMENT_CHARS long, cut between words."""

from __future__ import annotations

import pytest

from articles.search.introspect import FRAGMENT_CHARS, fragment_windows
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _ranges(data: bytes, word: bytes) -> list[tuple[int, int]]:
    found, start = [], data.find(word)
    while start >= 0:
        found.append((start, start + len(word)))
        start = data.find(word, start + 1)
    return found


def test_the_window_with_most_matches_comes_first_and_windows_do_not_overlap():
    filler = b" ".join([b"mot"] * 60)
    data = filler + b" glacier " + filler + b" glacier fonte glacier " + filler
    windows = fragment_windows(data, _ranges(data, b"glacier"), 2)
    assert len(windows) == 2
    (a_start, a_end), (b_start, b_end) = windows
    assert data[a_start:a_end].count(b"glacier") == 2 and data[b_start:b_end].count(b"glacier") == 1
    assert a_end <= b_start or b_end <= a_start
    for start, end in windows:
        assert end - start <= FRAGMENT_CHARS
        assert start == 0 or data[start - 1 : start] == b" "
        assert end == len(data) or data[end : end + 1] == b" "


def test_no_match_no_window():
    assert fragment_windows(b"rien ici", [], 2) == []


def test_two_fragments_of_a_long_body_through_the_api(api_client):
    filler = " ".join(["neige"] * 80)
    ArticleFactory(
        title="Un titre sans le mot",
        body=f"<p>{filler} Le glacier recule. {filler}</p>"
        f"<p>{filler} Un autre glacier. {filler}</p>",
        language="fr",
    )
    result = api_client.get("/api/v1/articles/", {"q": "glacier"}).json()["results"][0]
    body = result["highlights"]["body"]
    assert len(body) == 2 and all("<mark>glacier</mark>" in part for part in body)
    assert result["highlights"]["title"] == "Un titre sans le mot"
