"""Facets, suggestions, related articles and the statement timeout."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import search
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


def test_facets_are_one_query_after_parsing(api_client, archive):
    with CaptureQueriesContext(connection) as captured:
        assert api_client.get(FACETS, {"q": "glacier", "tag": "glaciers"}).status_code == 200
    # parse the query, then every facet in one statement (and savepoint, SET LOCAL, release)
    assert len(captured) == 5


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
    with CaptureQueriesContext(connection) as captured:
        api_client.get(SUGGEST, {"q": "glac"})
    # savepoint + threshold + tags, authors, sources, titles + release
    assert len(captured) == 7


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


def test_related_candidates_are_those_sharing_the_most(api_client, monkeypatch):
    monkeypatch.setattr(search, "RELATED_CANDIDATES", 2)
    old = ArticleFactory(title="Alpha", tags=["Climate", "Alps"])
    for title in ("Bravo", "Charlie", "Delta"):
        ArticleFactory(title=title, tags=["Climate"])
    me = ArticleFactory(title="Echo", tags=["Climate", "Alps"])
    assert related(api_client, me)[0] == old.title


def test_related_scores_are_given_as_rank(api_client):
    me = ArticleFactory(tags=["Climate"])
    ArticleFactory(tags=["Climate"])
    result = api_client.get(f"/api/v1/articles/{me.pk}/related/").json()["results"][0]
    assert result["rank"] >= 1


def test_related_of_a_hidden_article_is_404_and_bad_limit_400(api_client):
    draft = ArticleFactory(status="draft", published_at=None)
    assert api_client.get(f"/api/v1/articles/{draft.pk}/related/").status_code == 404
    shown = ArticleFactory()
    assert api_client.get(f"/api/v1/articles/{shown.pk}/related/", {"limit": 0}).status_code == 400
    assert api_client.get(f"/api/v1/articles/{shown.pk}/related/", {"limit": 51}).status_code == 400


def test_related_query_count_does_not_grow(api_client):
    me = ArticleFactory(tags=["Climate"], authors=["A"])
    for n in range(12):
        ArticleFactory(
            tags=["Climate", f"T{n}"], authors=[f"W{n}"], quotes=[{"source": f"S{n}", "text": "t"}]
        )
    with CaptureQueriesContext(connection) as few:
        api_client.get(f"/api/v1/articles/{me.pk}/related/", {"limit": 2})
    with CaptureQueriesContext(connection) as many:
        api_client.get(f"/api/v1/articles/{me.pk}/related/", {"limit": 12})
    assert len(few) == len(many) == 6  # article, scores, page, 3 prefetches


# --- statement timeout --------------------------------------------------------------------------


def test_a_search_past_the_statement_timeout_answers_503(api_client):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO articles_article (title, slug, standfirst, body, language, section,
                edition, image_url, image_caption, image_credit, status, published_at,
                created_at, updated_at, search_vector)
            SELECT 'Storm ' || n, 'storm-' || n, '', 'A storm is coming ' || n, 'en', '', '',
                   '', '', '', 'published', now() - n * interval '1 minute', now(), now(),
                   to_tsvector('newsapi_english', 'storm warning number ' || n)
              FROM generate_series(1, 30000) AS n
            """
        )
        cursor.execute("SET statement_timeout = 1")
    response = api_client.get("/api/v1/articles/", {"q": "storm warning"})
    assert response.status_code == 503
    assert "detail" in response.json()


def test_the_search_condition_can_use_the_gin_index():
    """The stored document is compared with one constant tsquery covering every language, so
    the planner answers it from the GIN index (no tsvector is computed at query time)."""
    ArticleFactory(title="Glaciers", language="en")
    ArticleFactory(title="Glaciers", language="fr")
    parsed = search.parse_query("glaciers")  # 'glacier' in English, 'glaci' in French
    assert len(parsed.branches) == 2
    from articles.models import Article

    queryset = search.filter_articles(Article.objects.all(), parsed).order_by().values("id")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Leave the planner only bitmap scans, which need an index condition.
        for plan_kind in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{plan_kind} = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "article_search_vector" in plan, plan
    assert "to_tsvector" not in plan
    # The language is in the tsquery too: no row's document is read to test it.
    filters = [line for line in plan.splitlines() if "Filter:" in line]
    assert not any("search_vector" in line for line in filters), plan
