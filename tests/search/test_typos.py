"""Typo tolerance on the words as written (SPEC: Typo tolerance): a word the archive does not
know as written matches the archive's words within 1 edit (5 to 8 letters) or 2 (9 or more),
each analysed as a typed word and scored by BM25 below the word as typed."""

from __future__ import annotations

import itertools

import pytest

from articles.search import engine
from articles.search.introspect import (
    ARTICLE_FIELDS,
    MAX_CANDIDATES,
    MAX_CORRECTED_WORDS,
    TYPO_FACTOR,
    FieldSet,
    compile_query,
    edit_distance,
    languages_present,
    parse,
    tune,
)
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"
SUGGEST = "/api/v1/suggest/"


def search(api_client, q: str, **params) -> dict:
    response = api_client.get(LIST, {"q": q, **params})
    assert response.status_code == 200, response.content
    return response.json()


def titles(api_client, q: str, **params) -> list[str]:
    return [article["title"] for article in search(api_client, q, **params)["results"]]


@pytest.fixture
def glaciers():
    return (
        ArticleFactory(title="Alpine glaciers lose a record share of ice", language="en",
                       body="The glacier network melted."),
        ArticleFactory(title="La fonte des glaciers s'accélère", language="fr",
                       body="Les glaciers suisses fondent."),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("", {"Alpine glaciers lose a record share of ice", "La fonte des glaciers s'accélère"}),
        ("en", {"Alpine glaciers lose a record share of ice"}),
        ("fr", {"La fonte des glaciers s'accélère"}),
    ],
)
def test_the_readme_example_works_in_french_and_english(api_client, glaciers, language, expected):
    params = {"language": language} if language else {}
    data = search(api_client, "glacers", **params)
    assert {article["title"] for article in data["results"]} == expected
    assert data["corrected"] == [{"word": "glacers", "matched": ["glaciers"]}]


def test_a_correction_is_scored_by_bm25_below_the_word_as_typed(api_client, glaciers):
    exact = search(api_client, "glaciers", language="en")["results"][0]["rank"]
    typo = search(api_client, "glacers", language="en")["results"][0]["rank"]
    assert typo == pytest.approx(exact * TYPO_FACTOR[1], rel=1e-4)


def test_corrections_are_the_words_as_written_not_neighbours_of_the_stem(api_client):
    # Today's cause: fuzziness on stems ("raitons" ~ "raison", "plasa" -> "plas" ~ "plus").
    ArticleFactory(title="Les rations de l'armée", language="fr")
    ArticleFactory(title="La raison d'État", language="fr")
    ArticleFactory(title="Il y a plus de monde", language="fr")
    assert titles(api_client, "raitons", language="fr") == ["Les rations de l'armée"]
    assert titles(api_client, "plasa", language="fr") == []


def test_a_typo_is_compared_before_stemming(api_client):
    # "radical" stems to "radic", "raical" stays "raical": three edits apart as stems.
    ArticleFactory(title="A radical plan for the railways", language="en")
    data = search(api_client, "raical", language="en")
    assert [a["title"] for a in data["results"]] == ["A radical plan for the railways"]
    assert data["corrected"] == [{"word": "raical", "matched": ["radical"]}]


def test_a_typo_whose_stem_is_known_is_still_corrected(api_client):
    # "librer" stems to "libr", the stem of "libre": it was never corrected.
    ArticleFactory(title="Libérer les otages", language="fr")
    data = search(api_client, "librer", language="fr")
    assert [a["title"] for a in data["results"]] == ["Libérer les otages"]
    assert data["corrected"] == [{"word": "librer", "matched": ["liberer"]}]


def test_only_words_absent_as_written_are_corrected(api_client):
    ArticleFactory(title="Séoul propose des pourparlers", language="fr")
    ArticleFactory(title="Les rations de l'armée", language="fr")
    data = search(api_client, "pourparlers rations", language="fr")
    assert data["corrected"] == []  # both are the archive's words, however near "ration"
    # French stems "pourparlers" to "pourparler" and "pourparler" to "pourparl": the singular
    # finds the plural through the correction.
    data = search(api_client, "pourparler", language="fr")
    assert [a["title"] for a in data["results"]] == ["Séoul propose des pourparlers"]
    assert data["corrected"] == [{"word": "pourparler", "matched": ["pourparlers"]}]


def test_corrections_matching_only_unseen_articles_are_not_reported(api_client):
    ArticleFactory(title="Embargoed glaciers report", status="draft", published_at=None)
    data = search(api_client, "glacers")
    assert data["results"] == [] and data["corrected"] == []


def test_matches_found_through_a_correction_are_highlighted(api_client, glaciers):
    result = search(api_client, "glacers", language="en")["results"][0]
    assert result["highlights"]["title"] == (
        "Alpine <mark>glaciers</mark> lose a record share of ice"
    )
    assert any("<mark>glacier</mark>" in part for part in result["highlights"]["body"])


def test_a_query_of_thirty_misspelt_words_expands_a_bounded_number(api_client):
    words = [f"{stem}{suffix}" for stem in ("glacier", "montagne", "riviere", "forestier",
             "campagne", "village") for suffix in ("a", "e", "i", "o", "u")]  # fmt: skip
    ArticleFactory(title="Words", body=" ".join(words), language="en")
    misspelt = [word[1:] for word in words]  # each one deletion away
    assert len(set(misspelt)) == 30
    data = search(api_client, " OR ".join(misspelt))
    assert [a["title"] for a in data["results"]] == ["Words"]
    assert len(data["corrected"]) == MAX_CORRECTED_WORDS
    searcher = engine().searcher()
    compiled = compile_query(
        parse(" ".join(misspelt)), keys=languages_present(searcher),
        fields=FieldSet(ARTICLE_FIELDS), searcher=searcher,
    )  # fmt: skip
    assert len(compiled.corrections) == MAX_CORRECTED_WORDS
    assert all(len(found) <= MAX_CANDIDATES for found in compiled.corrections.values())


def test_the_admin_search_forgives_the_same_typos(admin_client_logged_in, glaciers):
    response = admin_client_logged_in.get("/admin/articles/article/", {"q": "glacers"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Alpine glaciers lose a record share of ice" in content
    assert "La fonte des glaciers" in content


def test_suggest_follows_the_same_rule(api_client):
    ArticleFactory(tags=["Glaciers"])
    suggested = api_client.get(SUGGEST, {"q": "glaz"}).json()["tags"]
    assert suggested == []  # four letters: no typo, as in search
    suggested = api_client.get(SUGGEST, {"q": "glacers"}).json()["tags"]
    assert [tag["name"] for tag in suggested] == ["Glaciers"]


@pytest.mark.parametrize("listed", [5000, 1])
def test_a_long_word_one_edit_away_is_found_whether_its_prefix_listing_is_whole_or_cut(
    api_client, monkeypatch, listed
):
    # Nine letters or more: the words sharing the first three letters are listed (the most
    # frequent first, at most TYPO_PREFIX_TERMS), and a cut listing cannot say that a
    # one-edit string is not a word.
    tune(monkeypatch, TYPO_PREFIX_TERMS=listed)
    ArticleFactory(title="Consequences for the harbour", language="en")
    ArticleFactory(title="Consequences for the railways", language="en")
    ArticleFactory(title="A consequence of the storm", language="en")
    data = search(api_client, "consequecne", language="en")
    assert data["corrected"] == [{"word": "consequecne", "matched": ["consequence"]}]
    assert len(data["results"]) == 3


def optimal_string_alignment(a: str, b: str) -> int:
    """The textbook table: edits of single letters and swaps of adjacent ones, no letter
    edited twice."""
    table = [[i + j if not i or not j else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i, j in itertools.product(range(1, len(a) + 1), range(1, len(b) + 1)):
        cost = a[i - 1] != b[j - 1]
        table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
        if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
            table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table[-1][-1]


def test_the_edit_distance_is_the_optimal_string_alignment_up_to_its_limit():
    words = ["".join(letters) for n in range(5) for letters in itertools.product("abc", repeat=n)]
    for a, b in itertools.product(words, repeat=2):
        expected = optimal_string_alignment(a, b)
        for limit in (0, 1, 2):
            assert edit_distance(a, b, limit) == min(expected, limit + 1), (a, b, limit)
    assert edit_distance("consequecne", "consequences", 2) == 2
    assert edit_distance("consequecne", "conference", 2) == 3
