"""GET, POST /articles/ and GET, PUT, PATCH, DELETE /articles/{id}/."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article, Tag
from tests.factories import ArticleFactory, indexed

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


def detail(article) -> str:
    return f"{LIST}{article.pk}/"


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


NEW_ARTICLE = {
    "title": "Les glaciers fondent",
    "standfirst": "Un été record.",
    "body": "<p>Les glaciers suisses <b>fondent</b>.</p><script>alert(1)</script>",
    "language": "fr",
    "section": "Sciences",
    "status": "published",
    "published_at": "2026-10-02T09:30:00Z",
    "url": "https://example.org/fr/glaciers",
    "authors": ["Élodie Martin", "Hugo Lefèvre"],
    "tags": ["Climat", "Suisse"],
    "quotes": [{"source": "Matthias Huss", "kind": "person", "text": "Nous perdons les glaciers."}],
}


# --- reading ----------------------------------------------------------------------------------


def test_list_shows_published_articles_newest_first_with_nested_relations(api_client):
    ArticleFactory(title="Older", published_at=timezone.now() - datetime.timedelta(days=2))
    ArticleFactory(
        title="Newer",
        published_at=timezone.now() - datetime.timedelta(hours=1),  # not the factory's sequence
        authors=["Zoé Arnaud", "Bruno Abel"],
        tags=["Climat"],
        quotes=[{"source": "Matthias Huss", "text": "Quoted words", "kind": "person"}],
    )
    ArticleFactory(title="A draft", status="draft", published_at=None)
    response = api_client.get(LIST)
    assert titles(response) == ["Newer", "Older"]
    newer = response.json()["results"][0]
    assert newer["authors"] == [
        {"name": "Zoé Arnaud", "slug": "zoe-arnaud"},
        {"name": "Bruno Abel", "slug": "bruno-abel"},
    ]
    assert newer["tags"] == [{"name": "Climat", "slug": "climat"}]
    assert newer["quotes"] == [
        {"source": {"name": "Matthias Huss", "slug": "matthias-huss", "kind": "person",
                    "description": ""},
         "text": "Quoted words"}
    ]  # fmt: skip
    assert "body" not in newer and newer["rank"] is None and newer["highlights"] is None
    assert response.json()["count"] == 2


def test_detail_has_the_body(api_client):
    article = ArticleFactory(body="The full body.")
    data = api_client.get(detail(article)).json()
    assert data["body"] == "The full body." and data["id"] == article.pk


def test_drafts_and_archived_are_404_for_readers_and_visible_to_editors(
    api_client, reader_client, editor_client
):
    draft = ArticleFactory(status="draft", published_at=None)
    archived = ArticleFactory(status="archived")
    for article in (draft, archived):
        assert api_client.get(detail(article)).status_code == 404
        assert reader_client.get(detail(article)).status_code == 404
        assert editor_client.get(detail(article)).status_code == 200
    assert editor_client.get(LIST).json()["count"] == 2
    assert reader_client.get(LIST, {"status": "draft"}).json()["count"] == 0
    assert titles(editor_client.get(LIST, {"status": "draft"})) == [draft.title]


def test_unknown_article_is_a_json_404(api_client):
    response = api_client.get(f"{LIST}999999/")
    assert response.status_code == 404 and response.json() == {
        "detail": "No Article matches the given query."
    }


def test_unknown_api_url_is_a_json_404(api_client):
    response = api_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


# --- filters ------------------------------------------------------------------------------------


@pytest.fixture
def tagged():
    return {
        "both": ArticleFactory(title="both", tags=["Ukraine", "Russie"], language="fr"),
        "ukraine": ArticleFactory(title="ukraine", tags=["Ukraine"], language="en"),
        "russie": ArticleFactory(title="russie", tags=["Russie", "Koursk"], language="fr"),
        "none": ArticleFactory(title="none", tags=["Sport"], language="en"),
    }


def test_tag_repeated_means_every_tag(api_client, tagged):
    assert titles(api_client.get(LIST, {"tag": ["ukraine", "russie"]})) == ["both"]
    assert titles(api_client.get(LIST, {"tag": "ukraine"})) == ["both", "ukraine"]


def test_any_tag_means_at_least_one(api_client, tagged):
    assert titles(api_client.get(LIST, {"any_tag": ["ukraine", "koursk"]})) == [
        "both", "ukraine", "russie",
    ]  # fmt: skip


def test_exclude_tag_removes_articles_with_any_of_them(api_client, tagged):
    assert titles(api_client.get(LIST, {"exclude_tag": ["ukraine", "sport"]})) == ["russie"]


def test_author_and_source_filters(api_client):
    ArticleFactory(title="by ann", authors=["Ann Writer", "Bob"])
    ArticleFactory(title="quoting", quotes=[{"source": "Acme Corp", "text": "hi"}])
    ArticleFactory(title="other")
    assert titles(api_client.get(LIST, {"author": "ann-writer"})) == ["by ann"]
    assert titles(api_client.get(LIST, {"source": "acme-corp"})) == ["quoting"]
    assert titles(api_client.get(LIST, {"author": "nobody"})) == []


def test_language_and_section_filters(api_client, tagged):
    ArticleFactory(title="sciences", section="Sciences")
    assert titles(api_client.get(LIST, {"language": "fr"})) == ["both", "russie"]
    assert titles(api_client.get(LIST, {"section": "sciences"})) == ["sciences"]


def test_date_filters_accept_dates_and_date_times(api_client):
    ArticleFactory(
        title="october", published_at=datetime.datetime(2026, 10, 15, 12, tzinfo=datetime.UTC)
    )
    ArticleFactory(
        title="november", published_at=datetime.datetime(2026, 11, 2, 8, tzinfo=datetime.UTC)
    )
    assert titles(api_client.get(LIST, {"published_after": "2026-11-01"})) == ["november"]
    assert titles(api_client.get(LIST, {"published_before": "2026-11-01"})) == ["october"]
    assert titles(api_client.get(LIST, {"published_after": "2026-11-02T08:00:00Z"})) == ["november"]
    assert titles(api_client.get(LIST, {"published_after": "2026-11-02T08:00:01Z"})) == []


def test_updated_after_returns_what_changed_since(api_client):
    old = ArticleFactory(title="old")
    Article.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    ArticleFactory(title="fresh")
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert titles(api_client.get(LIST, {"updated_after": since})) == ["fresh"]


@pytest.mark.parametrize(
    "params",
    [
        {"published_after": "yesterday"},
        {"published_before": "2026-13-45"},
        {"updated_after": "2026-02-30T00:00:00Z"},
        {"language": "french"},
        {"status": "deleted"},
        {"ordering": "body"},
        {"page_size": "0"},
        {"page_size": "101"},
        {"page_size": "lots"},
        {"q": "x" * 501},
    ],
)
def test_invalid_parameters_answer_400_with_the_parameter_named(api_client, params):
    ArticleFactory()
    response = api_client.get(LIST, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_rank_ordering_without_a_query_is_newest_first(api_client):
    ArticleFactory(title="old", published_at=timezone.now() - datetime.timedelta(days=1))
    ArticleFactory(title="new", published_at=timezone.now())
    assert titles(api_client.get(LIST, {"ordering": "rank"})) == ["new", "old"]


def test_page_out_of_range_is_404_and_a_page_that_is_no_number_a_400(api_client):
    ArticleFactory()
    assert api_client.get(LIST, {"page": 2}).status_code == 404
    assert api_client.get(LIST, {"page": "abc"}).status_code == 400


def test_pagination_and_page_size(api_client):
    for number in range(5):
        ArticleFactory(title=f"n{number}")
    first = api_client.get(LIST, {"page_size": 2}).json()
    assert first["count"] == 5 and len(first["results"]) == 2
    assert first["previous"] is None and "page=2" in first["next"]
    last = api_client.get(LIST, {"page_size": 2, "page": 3}).json()
    assert [a["title"] for a in last["results"]] == ["n4"] and last["next"] is None


def test_default_page_size_is_20_and_at_most_100(api_client):
    for _ in range(21):
        ArticleFactory()
    assert len(api_client.get(LIST).json()["results"]) == 20
    assert len(api_client.get(LIST, {"page_size": 100}).json()["results"]) == 21


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("title", ["alpha", "beta", "gamma"]),
        ("-title", ["gamma", "beta", "alpha"]),
        ("published_at", ["gamma", "alpha", "beta"]),
        ("-published_at", ["beta", "alpha", "gamma"]),
        ("updated_at", ["beta", "gamma", "alpha"]),
        ("-updated_at", ["alpha", "gamma", "beta"]),
    ],
)
def test_ordering(api_client, ordering, expected):
    now = timezone.now()
    made = {
        "beta": ArticleFactory(title="beta", published_at=now),
        "gamma": ArticleFactory(title="gamma", published_at=now - datetime.timedelta(days=2)),
        "alpha": ArticleFactory(title="alpha", published_at=now - datetime.timedelta(days=1)),
    }
    for hours, name in enumerate(["beta", "gamma", "alpha"]):
        Article.objects.filter(pk=made[name].pk).update(
            updated_at=now - datetime.timedelta(hours=10 - hours)
        )
    assert titles(api_client.get(LIST, {"ordering": ordering})) == expected


# --- writing ------------------------------------------------------------------------------------


def test_anonymous_writes_are_401_and_readers_403(api_client, reader_client):
    article = ArticleFactory()
    assert api_client.post(LIST, NEW_ARTICLE, format="json").status_code == 401
    assert reader_client.post(LIST, NEW_ARTICLE, format="json").status_code == 403
    assert api_client.patch(detail(article), {"title": "x"}, format="json").status_code == 401
    assert reader_client.patch(detail(article), {"title": "x"}, format="json").status_code == 403
    assert reader_client.delete(detail(article)).status_code == 403
    assert Article.objects.count() == 1


def test_editor_creates_an_article_with_names(editor_client):
    response = editor_client.post(LIST, NEW_ARTICLE, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["slug"] == "les-glaciers-fondent"
    assert [a["name"] for a in data["authors"]] == ["Élodie Martin", "Hugo Lefèvre"]
    assert [t["slug"] for t in data["tags"]] == ["climat", "suisse"]
    assert data["quotes"][0]["source"]["kind"] == "person"
    assert "<script>" not in data["body"] and "<b>fondent</b>" in data["body"]
    assert indexed("fondent") == {data["id"]}


def test_token_authentication_works_for_writes(api_client, editor):
    token = api_client.post(
        "/api/v1/auth/token/", {"username": "editor", "password": "correct-horse-battery"}
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.post(LIST, NEW_ARTICLE, format="json").status_code == 201


def test_patch_changes_given_fields_and_replaces_given_lists(editor_client):
    article = ArticleFactory(title="Before", tags=["Alpha", "Beta"], authors=["Ann"])
    response = editor_client.patch(
        detail(article), {"title": "After", "tags": ["Gamma"]}, format="json"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["title"] == "After" and [t["name"] for t in data["tags"]] == ["Gamma"]
    assert [a["name"] for a in data["authors"]] == ["Ann"]


def test_put_replaces_the_article(editor_client):
    article = ArticleFactory(title="Before")
    response = editor_client.put(detail(article), NEW_ARTICLE, format="json")
    assert response.status_code == 200, response.content
    assert Article.objects.get().title == NEW_ARTICLE["title"]


def test_delete(editor_client):
    article = ArticleFactory()
    assert editor_client.delete(detail(article)).status_code == 204
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"language": "french"}, "language"),
        ({"status": "gone"}, "status"),
        ({"published_at": "not a date"}, "published_at"),
        ({"url": "not a url"}, "url"),
        ({"tags": ["!!!"]}, "tags"),
        ({"tags": "Climat"}, "tags"),
        ({"quotes": [{"source": "X", "text": ""}]}, "quotes"),
        ({"quotes": [{"source": "X", "text": "t", "kind": "alien"}]}, "quotes"),
    ],
)
def test_invalid_writes_answer_400_and_store_nothing(editor_client, change, field):
    response = editor_client.post(LIST, {**NEW_ARTICLE, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Article.objects.exists() and not Tag.objects.exists()


def test_a_write_failing_in_the_service_stores_nothing(editor_client):
    ArticleFactory(url="https://example.org/taken")
    other = ArticleFactory(url="https://example.org/other", tags=["Kept"])
    response = editor_client.patch(
        detail(other), {"url": "https://example.org/taken", "tags": ["Fresh"]}, format="json"
    )
    assert response.status_code == 400 and "url" in response.json()
    assert list(Tag.objects.values_list("name", flat=True)) == ["Kept"]
    other.refresh_from_db()
    assert other.url == "https://example.org/other"


def test_posting_a_known_url_again_updates_that_article(editor_client):
    first = editor_client.post(LIST, NEW_ARTICLE, format="json")
    again = editor_client.post(LIST, {**NEW_ARTICLE, "title": "Titre corrigé"}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["title"] == "Titre corrigé"
    assert Article.objects.count() == 1


def test_re_importing_needs_the_change_permission(editor_client):
    from tests.factories import UserFactory

    editor_client.post(LIST, NEW_ARTICLE, format="json")
    adder = UserFactory(username="adder", permissions=["articles.add_article"])
    editor_client.force_authenticate(adder)
    response = editor_client.post(LIST, {**NEW_ARTICLE, "title": "Hijack"}, format="json")
    assert response.status_code == 403
    assert Article.objects.get().title == NEW_ARTICLE["title"]


def test_malformed_json_is_400(editor_client):
    response = editor_client.generic("POST", LIST, "{not json", content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()


# --- conditional GET ----------------------------------------------------------------------------


def test_responses_vary_on_who_asks(api_client):
    vary = api_client.get(LIST).headers["Vary"]
    assert "Authorization" in vary and "Cookie" in vary


@pytest.mark.parametrize("path", ["list", "detail"])
def test_etag_and_304(api_client, path):
    article = ArticleFactory()
    url = LIST if path == "list" else detail(article)
    first = api_client.get(url)
    etag = first.headers["ETag"]
    again = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    services.article_update(article, title="Changed")
    assert api_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
