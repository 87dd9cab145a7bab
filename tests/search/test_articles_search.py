"""Full-text search through the API (answered by the tantivy index), on our own French and
English sample articles."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories import ArticleFactory, articles_in_bulk

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"
NOW = timezone.now().replace(microsecond=0)


def ago(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


@pytest.fixture
def corpus():
    """A small archive in two languages, with names that appear in both."""
    return {
        "front": ArticleFactory(
            title="Des renforts nord-coréens arrivent sur le front",
            body="Des centaines de soldats ont été envoyés dans la région de Koursk. "
            "Le commandant Oleksandr Syrsky décrit des assauts répétés.",
            language="fr",
            tags=["Corée du Nord", "Ukraine"],
            published_at=ago(1),
        ),
        "kursk": ArticleFactory(
            title="Foreign troops reach the Kursk front",
            body="Officials say North Korean soldiers fight alongside Russian units. "
            "Oleksandr Syrsky asked allies for more shells.",
            language="en",
            tags=["North Korea"],
            published_at=ago(2),
        ),
        "glaciers": ArticleFactory(
            title="Alpine glaciers lose a record share of ice",
            body="A dry spring and a heatwave melted the glacier network faster than ever.",
            language="en",
            tags=["Climate"],
            published_at=ago(3),
        ),
        "fonte": ArticleFactory(
            title="La fonte des glaciers s'accélère",
            body="Les glaciers suisses ont perdu quatre pour cent de leur volume cet été.",
            language="fr",
            tags=["Climat"],
            published_at=ago(4),
        ),
        "economie": ArticleFactory(
            title="La banque centrale maintient ses taux",
            body="Les taux directeurs restent inchangés. Les soldes de fin d'année approchent.",
            language="fr",
            tags=["Économie"],
            published_at=ago(5),
        ),
    }


def found(api_client, q: str, **params) -> list[str]:
    response = api_client.get(LIST, {"q": q, **params})
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def found_results(api_client, q: str, **params) -> list[dict]:
    response = api_client.get(LIST, {"q": q, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def keys(corpus, titles: list[str]) -> list[str]:
    by_title = {article.title: key for key, article in corpus.items()}
    return [by_title[title] for title in titles]


# --- stemming and accents ---------------------------------------------------------------------


def test_french_stemming_finds_plurals(api_client, corpus):
    assert keys(corpus, found(api_client, "soldat")) == ["front"]


def test_english_stemming_finds_singulars_and_plurals(api_client, corpus):
    assert set(keys(corpus, found(api_client, "glaciers"))) == {"glaciers", "fonte"}
    assert sorted(keys(corpus, found(api_client, "soldier"))) == ["kursk"]


def test_one_query_stems_each_article_in_its_own_language(api_client, corpus):
    # "glaciers" stems to "glaci" in French and "glacier" in English: both are found at once.
    assert set(keys(corpus, found(api_client, "glacier"))) == {"glaciers", "fonte"}


def test_accents_are_folded_both_ways(api_client, corpus):
    assert keys(corpus, found(api_client, "coreens")) == ["front"]
    assert keys(corpus, found(api_client, "coréens")) == ["front"]
    assert keys(corpus, found(api_client, "accelere")) == ["fonte"]
    assert keys(corpus, found(api_client, "ÉTÉ envoyés")) == ["front"]


def test_proper_names_match_across_languages(api_client, corpus):
    assert set(keys(corpus, found(api_client, "Syrsky"))) == {"front", "kursk"}
    assert set(keys(corpus, found(api_client, "koursk OR kursk"))) == {"front", "kursk"}


def test_the_language_filter_uses_that_language_only(api_client, corpus):
    assert keys(corpus, found(api_client, "glaciers", language="fr")) == ["fonte"]
    assert keys(corpus, found(api_client, "Syrsky", language="en")) == ["kursk"]


# --- syntax -------------------------------------------------------------------------------------


def test_phrase_needs_the_words_together_in_order(api_client, corpus):
    assert keys(corpus, found(api_client, '"banque centrale"')) == ["economie"]
    assert found(api_client, '"centrale banque"') == []


def test_or(api_client, corpus):
    assert set(keys(corpus, found(api_client, "heatwave OR taux"))) == {"glaciers", "economie"}


def test_exclusion(api_client, corpus):
    assert set(keys(corpus, found(api_client, "glaciers -suisses"))) == {"glaciers"}
    assert set(keys(corpus, found(api_client, "front -soldiers"))) == {"front"}


def test_all_words_must_match(api_client, corpus):
    assert keys(corpus, found(api_client, "soldats Syrsky")) == ["front"]
    assert found(api_client, "soldats glaciers") == []


# --- ranking ------------------------------------------------------------------------------------


def test_title_matches_outrank_body_matches(api_client):
    ArticleFactory(
        title="Markets today",
        body="The volcano was mentioned. Volcano again. A volcano erupted, the volcano smoked.",
        published_at=ago(1),
    )
    ArticleFactory(
        title="Volcano erupts in Iceland", body="Lava reached the sea.", published_at=ago(9)
    )
    response = api_client.get(LIST, {"q": "volcano"}).json()["results"]
    assert [a["title"] for a in response] == ["Volcano erupts in Iceland", "Markets today"]
    assert response[0]["rank"] > response[1]["rank"] > 0


def test_q_combines_with_filters_and_ordering(api_client, corpus):
    assert keys(corpus, found(api_client, "glacier", tag="climat")) == ["fonte"]
    assert (
        keys(corpus, found(api_client, "glacier", ordering="published_at"))
        == ["glaciers", "fonte"][::-1]
    )
    assert keys(corpus, found(api_client, "glacier", ordering="title")) == ["glaciers", "fonte"]


def test_every_match_is_ranked_whatever_its_age(api_client):
    """No candidate bound: an old strong match outranks newer weak ones."""
    for days in range(6):
        title = "Storm ahead" if days == 1 else f"Note {days}"
        ArticleFactory(title=title, body="A storm is coming.", published_at=ago(days))
    ArticleFactory(title="Storm warning", body="A storm, a storm.", published_at=ago(30))
    ArticleFactory(title="Old gale", body="Storm, storm, storm and storm.", published_at=ago(900))
    for hours in range(4):
        ArticleFactory(title=f"Calm {hours}", body="Sunny.", published_at=ago(0))
    data = api_client.get(LIST, {"q": "storm"}).json()
    titles = [a["title"] for a in data["results"]]
    assert data["count"] == 8
    assert titles[:2] == ["Storm warning", "Storm ahead"]
    assert titles[2] == "Old gale"  # four body matches beat one, however old
    assert titles[3:] == ["Note 0", "Note 2", "Note 3", "Note 4", "Note 5"]  # ties: newest first
    ranks = [a["rank"] for a in data["results"]]
    assert all(rank > 0 for rank in ranks) and ranks == sorted(ranks, reverse=True)


def test_equal_scores_come_newest_first_across_pages(api_client):
    for days in (5, 1, 9, 3, 7):
        ArticleFactory(title=f"Tie {days}", body="Identical words here.", published_at=ago(days))
    seen = []
    for page in (1, 2, 3):
        data = api_client.get(LIST, {"q": "identical", "page_size": 2, "page": page}).json()
        seen += [a["title"] for a in data["results"]]
    assert seen == ["Tie 1", "Tie 3", "Tie 5", "Tie 7", "Tie 9"]


def test_rank_recent_multiplies_bm25_by_a_decay_on_age(api_client, settings):
    settings.SEARCH_RECENCY_HALF_LIFE_DAYS = 10
    ArticleFactory(title="Storm warning", body="A storm, a storm.", published_at=ago(60))
    ArticleFactory(title="Markets", body="A storm is coming.", published_at=ago(0))
    plain = {a["title"]: a["rank"] for a in found_results(api_client, "storm")}
    recent = found_results(api_client, "storm", ordering="rank_recent")
    assert list(plain) == ["Storm warning", "Markets"]  # rank stays pure BM25
    assert [a["title"] for a in recent] == ["Markets", "Storm warning"]
    by_title = {a["title"]: a["rank"] for a in recent}
    assert by_title["Storm warning"] == pytest.approx(plain["Storm warning"] / 64, rel=1e-3)
    assert by_title["Markets"] == pytest.approx(plain["Markets"], rel=1e-3)
    settings.SEARCH_RECENCY_HALF_LIFE_DAYS = 10_000  # age hardly matters: BM25 again
    recent = found_results(api_client, "storm", ordering="rank_recent")
    assert [a["title"] for a in recent] == ["Storm warning", "Markets"]


def test_rank_recent_pages_are_exact_beyond_the_first_fetch(api_client, settings):
    """A new weak match beats 250 strong old ones: it is found though BM25 ranks it last."""
    from articles.search.introspect import RECENT_FIRST_FETCH

    settings.SEARCH_RECENCY_HALF_LIFE_DAYS = 1
    old = {"title": "Storm storm", "body": "Storm.", "published_at": ago(400)}
    articles_in_bulk([old] * (RECENT_FIRST_FETCH + 50))
    ArticleFactory(title="Markets", body="A storm is coming, then calm and sun.", published_at=NOW)
    data = api_client.get(LIST, {"q": "storm", "ordering": "rank_recent", "page_size": 3}).json()
    assert data["count"] == RECENT_FIRST_FETCH + 51
    assert data["results"][0]["title"] == "Markets"
    assert api_client.get(LIST, {"q": "storm"}).json()["results"][0]["title"] == "Storm storm"


def test_rank_recent_without_q_is_newest_first(api_client, corpus):
    titles = found(api_client, "", ordering="rank_recent")
    assert keys(corpus, titles) == ["front", "kursk", "glaciers", "fonte", "economie"]


# --- highlights ---------------------------------------------------------------------------------


def test_highlights_mark_matches_in_title_and_body(api_client, corpus):
    results = api_client.get(LIST, {"q": "glaciers", "language": "en"}).json()["results"]
    result = results[0]
    assert (
        result["highlights"]["title"] == "Alpine <mark>glaciers</mark> lose a record share of ice"
    )
    assert any("<mark>glacier</mark>" in part for part in result["highlights"]["body"])


def test_highlights_escape_everything_but_the_marks(api_client):
    ArticleFactory(
        title='Script tags: why <script>alert("x")</script> & "quotes" break pages',
        body="Plain text about the script tag & other <b>hazards</b>.",
    )
    result = api_client.get(LIST, {"q": "script"}).json()["results"][0]
    title = result["highlights"]["title"]
    assert title.startswith("<mark>Script</mark> tags")
    assert "<script>" not in title and "&lt;<mark>script</mark>&gt;" in title
    assert "&amp;" in title
    body = " ".join(result["highlights"]["body"])
    assert "<b>" not in body and "<mark>script</mark>" in body
    stripped = title.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped


def test_highlights_read_the_body_as_a_reader_does(api_client):
    ArticleFactory(
        title="Rythmes scolaires",
        body="<p>Le projet de <strong>réforme</strong> des rythmes <em>scolaires</em>. « Nous "
        "verrons »</p><p>Fin</p><ul><li>réforme</li><li>rentrée</li></ul>",
        language="fr",
    )
    result = api_client.get(LIST, {"q": "réforme", "language": "fr"}).json()["results"][0]
    body = " ".join(result["highlights"]["body"])
    # Inline tags add no space; the end of a paragraph or list item does.
    assert "de <mark>réforme</mark> des rythmes scolaires. « Nous verrons » Fin" in body
    assert "<mark>réforme</mark> rentrée" in body
    assert "  " not in body


def test_results_without_q_have_no_rank_or_highlights(api_client, corpus):
    result = api_client.get(LIST).json()["results"][0]
    assert result["rank"] is None and result["highlights"] is None


# --- hostile input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    ["a::b", "'", "!(", "-", "--", "&|!", '"', '""', "OR", "-(-)", "x:*", "\\", "😀", "a" * 500,
     "' OR 1=1 --", "<script>", "%", "_"],
)  # fmt: skip
def test_hostile_queries_answer_200(api_client, corpus, q):
    response = api_client.get(LIST, {"q": q})
    assert response.status_code == 200, response.content
    assert isinstance(response.json()["results"], list)


@pytest.mark.parametrize("q", ["a" * 5000, "x\x00y"])
def test_too_long_or_null_byte_queries_answer_400(api_client, corpus, q):
    response = api_client.get(LIST, {"q": q})
    assert response.status_code == 400 and "q" in response.json()


def test_stop_words_only_find_nothing(api_client, corpus):
    assert found(api_client, "the") == []


def test_search_counts_are_exact(api_client):
    for days in range(25):
        ArticleFactory(title=f"Storm {days}", published_at=ago(days))
    data = api_client.get(LIST, {"q": "storm", "page_size": 2}).json()
    assert (data["count"], data["count_exact"]) == (25, True)
    assert len(data["results"]) == 2 and "page=2" in data["next"]
    last = api_client.get(LIST, {"q": "storm", "page_size": 2, "page": 13}).json()
    assert [a["title"] for a in last["results"]] == ["Storm 24"] and last["next"] is None
    assert api_client.get(LIST, {"q": "storm", "page_size": 2, "page": 14}).status_code == 404
    assert api_client.get(LIST).json()["count"] == 25


# --- typo tolerance (more in test_typos.py) --------------------------------------------------


def test_unknown_words_match_within_one_or_two_typos_and_are_reported(api_client, corpus):
    data = api_client.get(LIST, {"q": "glacers", "language": "en"}).json()  # 7 letters: 1 edit
    assert keys(corpus, [a["title"] for a in data["results"]]) == ["glaciers"]
    assert data["corrected"] == [{"word": "glacers", "matched": ["glaciers"]}]
    data = api_client.get(LIST, {"q": "centrrale banqe"}).json()  # 9 letters: two edits
    assert keys(corpus, [a["title"] for a in data["results"]]) == ["economie"]
    assert data["corrected"] == [
        {"word": "centrrale", "matched": ["centrale"]},
        {"word": "banqe", "matched": ["banque"]},
    ]


def test_known_and_short_words_are_not_corrected(api_client, corpus):
    data = api_client.get(LIST, {"q": "glaciers"}).json()
    assert data["corrected"] == []
    assert found(api_client, "taus") == []  # four letters: no typo allowed
    assert found(api_client, "fraant") == []  # six letters, two edits away: too far
    # Corrected only when a correction matched something.
    assert api_client.get(LIST, {"q": "fraant"}).json()["corrected"] == []


def test_a_known_word_is_matched_exactly_not_fuzzily(api_client):
    ArticleFactory(title="Ukraine talks")
    ArticleFactory(title="Ukrainian grain")
    # "ukraine" is in the vocabulary: its neighbours one edit away are not matched.
    assert found(api_client, "ukraine", language="en") == ["Ukraine talks"]


# --- read your writes -----------------------------------------------------------------------------


def test_a_write_through_the_api_is_searchable_at_once(editor_client, api_client):
    created = editor_client.post(
        LIST,
        {"title": "Avalanche warning", "body": "Snow.", "language": "en",
         "status": "published"},
    ).json()  # fmt: skip
    assert found(api_client, "avalanche") == ["Avalanche warning"]
    editor_client.patch(f"{LIST}{created['id']}/", {"title": "Landslide warning"})
    assert found(api_client, "avalanche") == []
    assert found(api_client, "landslide") == ["Landslide warning"]
    editor_client.delete(f"{LIST}{created['id']}/")
    assert found(api_client, "landslide") == []


def test_a_language_code_stored_around_validation_cannot_break_the_query(api_client):
    """Rows written with raw SQL may hold any language string: the query still parses."""
    from django.db import connection

    article = ArticleFactory(title="Storm over the bay")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET language = %s WHERE id = %s", ["x'", article.pk]
        )
    assert api_client.get(LIST, {"q": "storm"}).status_code == 200


@pytest.mark.parametrize("path", [LIST, "/api/v1/quotes/"])
def test_a_page_far_past_the_end_is_404_not_a_huge_allocation(api_client, corpus, path):
    for q in ("", "glacier"):
        response = api_client.get(path, {"q": q, "page": 10**9, "page_size": 100})
        assert response.status_code == 404 and "detail" in response.json()
