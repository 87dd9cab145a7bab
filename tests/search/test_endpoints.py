"""Facets, suggestions and related articles, answered by the search index; what drafts name
stays with editors through every door."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

FACETS = "/api/v1/articles/facets/"
SUGGEST = "/api/v1/suggest/"


def at(year: int, month: int, day: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


@pytest.fixture
def archive():
    a = ArticleFactory(
        title="Les glaciers fondent",
        body="La fonte des glaciers.",
        language="fr",
        section="Sciences",
        tags=["Climat", "Glaciers"],
        authors=["Élodie Martin"],
        quotes=[{"source": "Matthias Huss", "text": "Vite."}],
        published_at=at(2026, 10),
    )
    b = ArticleFactory(
        title="Glaciers retreat",
        body="Glaciers melt in the Alps.",
        language="en",
        section="Science",
        tags=["Climate", "Glaciers"],
        authors=["Priya Natarajan", "Élodie Martin"],
        quotes=[
            {"source": "Matthias Huss", "text": "Fast."},
            {"source": "Matthias Huss", "text": "Again."},
        ],
        published_at=at(2026, 10, 20),
    )
    c = ArticleFactory(
        title="Glacier tourism booms",
        body="Visitors come to see the glacier.",
        language="en",
        section="Travel",
        tags=["Glaciers", "Tourism"],
        authors=["Priya Natarajan"],
        published_at=at(2026, 9),
    )
    d = ArticleFactory(
        title="Central bank holds rates",
        body="Rates unchanged.",
        language="en",
        section="Business",
        tags=["Economy"],
        authors=["Marcus Bell"],
        published_at=at(2026, 9),
    )
    draft = ArticleFactory(
        title="Glacier draft", body="Glacier.", status="draft", published_at=None, tags=["Glaciers"]
    )
    return {"a": a, "b": b, "c": c, "d": d, "draft": draft}


# --- facets -------------------------------------------------------------------------------------


def test_facets_for_a_search_counted_by_hand(api_client, archive):
    data = api_client.get(FACETS, {"q": "glacier"}).json()
    assert data["total"] == 3  # a, b, c; not d, not the draft
    assert data["tags"][0] == {"slug": "glaciers", "name": "Glaciers", "count": 3}
    assert {(t["slug"], t["count"]) for t in data["tags"][1:]} == {
        ("climat", 1), ("climate", 1), ("tourism", 1),
    }  # fmt: skip
    assert data["authors"] == [
        {"slug": "elodie-martin", "name": "Élodie Martin", "count": 2},
        {"slug": "priya-natarajan", "name": "Priya Natarajan", "count": 2},
    ]
    # b quotes Matthias Huss twice: it counts once.
    assert data["sources"] == [{"slug": "matthias-huss", "name": "Matthias Huss", "count": 2}]
    assert data["languages"] == [{"value": "en", "count": 2}, {"value": "fr", "count": 1}]
    assert {s["value"] for s in data["sections"]} == {"Sciences", "Science", "Travel"}
    assert data["months"] == [{"value": "2026-10", "count": 2}, {"value": "2026-09", "count": 1}]


def test_facets_follow_the_filters(api_client, archive):
    data = api_client.get(FACETS, {"language": "en", "exclude_tag": "tourism"}).json()
    assert data["total"] == 2
    assert {t["slug"] for t in data["tags"]} == {"climate", "glaciers", "economy"}


def test_facets_without_anything_count_the_published_archive(api_client, editor_client, archive):
    assert api_client.get(FACETS).json()["total"] == 4
    assert editor_client.get(FACETS).json()["total"] == 5


def test_facets_of_nothing(api_client, archive):
    data = api_client.get(FACETS, {"q": "the"}).json()
    assert data["total"] == 0 and data["tags"] == [] and data["months"] == []


def test_facets_reject_bad_filters(api_client, archive):
    assert api_client.get(FACETS, {"published_after": "soon"}).status_code == 400


def warm(api_client) -> None:
    """Build the index (the first search of a test does) before counting queries."""
    assert api_client.get(FACETS).status_code == 200


def test_facets_cost_one_statement_the_throttle_with_the_log_and_synonyms_check(
    api_client, archive
):
    warm(api_client)
    with CaptureQueriesContext(connection) as captured:
        assert api_client.get(FACETS, {"q": "glacier", "tag": "glaciers"}).status_code == 200
    assert len(captured) == 1, [q["sql"] for q in captured]


def test_at_most_20_values_per_facet(api_client):
    ArticleFactory(tags=[f"Tag {n:02}" for n in range(25)])
    assert len(api_client.get(FACETS).json()["tags"]) == 20


# --- suggestions --------------------------------------------------------------------------------


def suggested(api_client, q: str, kind: str) -> list[str]:
    response = api_client.get(SUGGEST, {"q": q})
    assert response.status_code == 200, response.content
    return [item.get("name") or item.get("title") for item in response.json()[kind]]


def test_suggest_completes_a_prefix_of_any_word_accent_insensitively(api_client):
    ArticleFactory(
        title="Séoul propose des pourparlers",
        tags=["Corée du Nord", "Coral reefs", "Décor"],
        authors=["Élodie Martin"],
        quotes=[{"source": "Volodymyr Zelensky", "text": "t"}],
    )
    assert suggested(api_client, "cor", "tags") == ["Coral reefs", "Corée du Nord"]
    assert suggested(api_client, "Coree du", "tags") == ["Corée du Nord"]
    assert suggested(api_client, "nord", "tags") == ["Corée du Nord"]
    assert suggested(api_client, "elo", "authors") == ["Élodie Martin"]
    assert suggested(api_client, "zel", "sources") == ["Volodymyr Zelensky"]
    assert suggested(api_client, "seoul", "articles") == ["Séoul propose des pourparlers"]
    assert suggested(api_client, "pourp", "articles") == ["Séoul propose des pourparlers"]


def test_suggest_tolerates_one_typo(api_client):
    ArticleFactory(
        title="Alpine glaciers lose ice", quotes=[{"source": "Volodymyr Zelensky", "text": "t"}]
    )
    assert suggested(api_client, "zelenksy", "sources") == ["Volodymyr Zelensky"]
    assert suggested(api_client, "glacers", "articles") == ["Alpine glaciers lose ice"]
    assert suggested(api_client, "zzzzqx", "sources") == []


def test_suggest_puts_prefix_matches_before_typo_matches(api_client):
    ArticleFactory(tags=["Glaciers", "Glacial lakes"])
    assert suggested(api_client, "glacia", "tags")[0] == "Glacial lakes"


def test_suggest_leaves_out_drafts_and_respects_limit(api_client):
    ArticleFactory(title="Secret glacier plan", status="draft", published_at=None)
    for n in range(4):
        ArticleFactory(title=f"Glacier report {n}")
    titles = [
        a["title"] for a in api_client.get(SUGGEST, {"q": "glacier", "limit": 2}).json()["articles"]
    ]
    assert len(titles) == 2 and "Secret glacier plan" not in titles


@pytest.mark.parametrize(
    "params", [{}, {"q": ""}, {"q": "x" * 101}, {"q": "ab", "limit": 0}, {"q": "ab", "limit": "x"}]
)
def test_suggest_rejects_bad_parameters(api_client, params):
    assert api_client.get(SUGGEST, params).status_code == 400


@pytest.mark.parametrize("q", ["%", "_", "'", "a::b", "!(", "-", "\\"])
def test_suggest_survives_hostile_input(api_client, q):
    ArticleFactory(tags=["50% off"])
    assert api_client.get(SUGGEST, {"q": q}).status_code == 200


def test_suggest_query_count(api_client):
    ArticleFactory(tags=["Glaciers"])
    warm(api_client)
    with CaptureQueriesContext(connection) as captured:
        api_client.get(SUGGEST, {"q": "glac"})
    assert len(captured) == 1  # the throttle with the change log check; the index does the rest


# --- related ------------------------------------------------------------------------------------


def related(api_client, article, **params) -> list[str]:
    response = api_client.get(f"/api/v1/articles/{article.pk}/related/", params)
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def test_related_ranks_shared_tags_then_sources_then_words(api_client):
    me = ArticleFactory(
        title="Glaciers melt in the Alps",
        tags=["Climate", "Alps"],
        quotes=[{"source": "Matthias Huss", "text": "t"}],
    )
    ArticleFactory(
        title="Two tags and a source",
        tags=["Climate", "Alps"],
        quotes=[{"source": "Matthias Huss", "text": "x"}],
    )
    ArticleFactory(title="Two tags", tags=["Climate", "Alps"])
    ArticleFactory(title="One tag", tags=["Climate"])
    ArticleFactory(title="Alps glaciers again", tags=["Skiing"])
    ArticleFactory(title="Nothing in common", tags=["Economy"])
    ArticleFactory(
        title="A draft sharing tags", tags=["Climate", "Alps"], status="draft", published_at=None
    )
    assert related(api_client, me) == [
        "Two tags and a source",
        "Two tags",
        "One tag",
        "Alps glaciers again",
    ]
    assert related(api_client, me, limit=2) == ["Two tags and a source", "Two tags"]


def test_related_finds_the_best_among_many_sharing_less(api_client):
    old = ArticleFactory(title="Alpha", tags=["Climate", "Alps"], published_at=at(2020, 1))
    for n in range(30):
        ArticleFactory(title=f"Newer {n}", tags=["Climate"])
    me = ArticleFactory(title="Echo", tags=["Climate", "Alps"])
    assert related(api_client, me)[0] == old.title


def test_related_scores_are_given_as_rank(api_client):
    me = ArticleFactory(tags=["Climate"])
    ArticleFactory(tags=["Climate"])
    result = api_client.get(f"/api/v1/articles/{me.pk}/related/").json()["results"][0]
    assert result["rank"] >= 1


def test_related_of_a_hidden_article_is_404_and_bad_limit_400(api_client, editor_client):
    draft = ArticleFactory(status="draft", published_at=None, tags=["Alpha"])
    ArticleFactory(tags=["Alpha"])
    missing = api_client.get(f"/api/v1/articles/{draft.pk}/related/")
    assert missing.status_code == 404 and missing.json()["detail"]
    for pk in ("0", "abc", "١٢", str(2**63), "99999999999999999999999"):
        assert api_client.get(f"/api/v1/articles/{pk}/related/").status_code == 404, pk
    assert len(editor_client.get(f"/api/v1/articles/{draft.pk}/related/").json()["results"]) == 1
    shown = ArticleFactory()
    assert api_client.get(f"/api/v1/articles/{shown.pk}/related/", {"limit": 0}).status_code == 400
    assert api_client.get(f"/api/v1/articles/{shown.pk}/related/", {"limit": 51}).status_code == 400


def test_related_query_count_does_not_grow(api_client):
    me = ArticleFactory(tags=["Climate"], authors=["A"])
    for n in range(12):
        ArticleFactory(
            tags=["Climate", f"T{n}"], authors=[f"W{n}"], quotes=[{"source": f"S{n}", "text": "t"}]
        )
    warm(api_client)
    with CaptureQueriesContext(connection) as few:
        api_client.get(f"/api/v1/articles/{me.pk}/related/", {"limit": 2})
    with CaptureQueriesContext(connection) as many:
        api_client.get(f"/api/v1/articles/{me.pk}/related/", {"limit": 12})
    # the throttle with the log check, the article with its tags and sources, the page's rows
    assert len(few) == len(many) == 3


# --- drafts stay with editors ----------------------------------------------------------------


def test_names_only_drafts_use_stay_with_editors_through_every_door(
    api_client, editor_client, archive
):
    ArticleFactory(
        title="Merger of Globex and Initech",
        status="draft",
        published_at=None,
        tags=["Globex merger"],
        authors=["Embargo Writer"],
        quotes=[{"source": "Initech CFO", "text": "Confidential figures."}],
    )
    for q in ("globex", "embargo", "initech"):
        for kind in ("tags", "authors", "sources", "articles"):
            assert suggested(api_client, q, kind) == [], (q, kind)
    assert suggested(editor_client, "globex", "tags") == ["Globex merger"]
    assert suggested(editor_client, "initech", "sources") == ["Initech CFO"]
    assert suggested(editor_client, "merger", "articles") == ["Merger of Globex and Initech"]
    slugs = {t["slug"] for t in api_client.get(FACETS).json()["tags"]}
    assert "globex-merger" not in slugs
    assert "globex-merger" in {t["slug"] for t in editor_client.get(FACETS).json()["tags"]}
    quotes = api_client.get("/api/v1/quotes/", {"q": "confidential"}).json()
    assert quotes["count"] == 0
    assert editor_client.get("/api/v1/quotes/", {"q": "confidential"}).json()["count"] == 1


def test_a_name_becomes_public_when_a_published_article_uses_it(api_client, editor_client):
    draft = ArticleFactory(title="Draft", status="draft", published_at=None, tags=["Newcomer"])
    assert suggested(api_client, "newc", "tags") == []
    editor_client.patch(f"/api/v1/articles/{draft.pk}/", {"status": "published"})
    assert suggested(api_client, "newc", "tags") == ["Newcomer"]


# --- the index's own failures ------------------------------------------------------------------


def test_search_answers_503_json_when_the_index_cannot_be_opened(api_client, settings):
    ArticleFactory(title="Storm")
    assert api_client.get("/api/v1/articles/", {"q": "storm"}).status_code == 200
    settings.SEARCH_INDEX_PATH = "/proc/newsapi-cannot-write-here"
    response = api_client.get("/api/v1/articles/", {"q": "storm"})
    assert response.status_code == 503
    assert "detail" in response.json() and response["Retry-After"]


def test_facet_counts_stay_exact_when_a_segment_cut_a_term(api_client, monkeypatch):
    from articles.search import introspect

    # Each aggregation asks 2 terms at first.
    introspect.tune(monkeypatch, FACET_TERMS=2)
    for n in range(25):
        ArticleFactory(tags=[f"Filler {n:02}", *(["Rare"] if n == 24 else [])])
    assert api_client.get(FACETS).status_code == 200  # one index segment with all of these
    for _ in range(3):
        ArticleFactory(tags=["Rare"])
    tags = api_client.get(FACETS).json()["tags"]  # a second segment
    assert tags[0] == {"slug": "rare", "name": "Rare", "count": 4}


def test_kept_facets_never_outlive_a_write(api_client, editor_client):
    ArticleFactory(tags=["Alpha"])
    assert api_client.get(FACETS).json()["total"] == 1
    assert api_client.get(FACETS).json()["total"] == 1  # kept
    editor_client.post(
        "/api/v1/articles/",
        {"title": "New", "body": "b", "language": "en", "status": "published", "tags": ["Beta"]},
    )
    data = api_client.get(FACETS).json()
    assert data["total"] == 2 and {t["slug"] for t in data["tags"]} == {"alpha", "beta"}
    assert editor_client.get(FACETS).json()["total"] == 2


def test_section_matches_any_case_and_accents_and_facets_filter_back_exactly(api_client):
    ArticleFactory(title="one", section="Éducation")
    ArticleFactory(title="two", section="Éducation")
    ArticleFactory(title="three", section="education")
    ArticleFactory(title="four", section="Sport")
    for typed in ("education", "Éducation", "EDUCATION", "éducation"):
        found = api_client.get("/api/v1/articles/", {"section": typed}).json()
        assert found["count"] == 3, typed
    sections = api_client.get("/api/v1/articles/facets/").json()["sections"]
    assert sections == [
        {"value": "Éducation", "count": 3},  # the most common spelling of the folded key
        {"value": "Sport", "count": 1},
    ]
    for facet in sections:
        again = api_client.get("/api/v1/articles/", {"section": facet["value"]}).json()
        assert again["count"] == facet["count"]
