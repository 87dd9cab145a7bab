"""Hostile and careless clients: concurrent writers, stale versions, broken JSON, NUL bytes,
impossible time zones, oversized bodies, unknown hosts, a database that goes away. Every answer
is a JSON 4xx or 503, never a 500, and nothing acknowledged is lost."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import OperationalError, close_old_connections, connection
from rest_framework.authtoken.models import Token

from articles.models import Article, QuotedSource, Tag
from tests.conftest import EDITOR_PERMISSIONS
from tests.factories import ArticleFactory, UserFactory

LIST = "/api/v1/articles/"


def detail(article) -> str:
    return f"{LIST}{article.pk}/"


# --- versions: ETag and If-Match ------------------------------------------------------------------


@pytest.mark.django_db
def test_if_match_makes_a_write_conditional(editor_client):
    article = ArticleFactory(title="Versioned")
    first = editor_client.get(detail(article))
    version = first["ETag"]
    assert version.startswith('"') and first.status_code == 200
    changed = editor_client.patch(detail(article), {"title": "Changed"}, HTTP_IF_MATCH=version)
    assert changed.status_code == 200 and changed["ETag"] != version
    stale = editor_client.patch(detail(article), {"title": "Lost"}, HTTP_IF_MATCH=version)
    assert stale.status_code == 412 and "detail" in stale.json()
    assert Article.objects.get().title == "Changed"
    assert (
        editor_client.put(
            detail(article), {"title": "X", "body": "b", "language": "en"}, HTTP_IF_MATCH=version
        ).status_code
        == 412
    )
    assert editor_client.delete(detail(article), HTTP_IF_MATCH=version).status_code == 412
    assert (
        editor_client.patch(detail(article), {"title": "Any"}, HTTP_IF_MATCH="*").status_code == 200
    )
    current = editor_client.get(detail(article))["ETag"]
    assert editor_client.delete(detail(article), HTTP_IF_MATCH=current).status_code == 204


@pytest.mark.django_db
def test_the_etag_answers_304_and_follows_a_tag_rename(api_client, editor_client):
    article = ArticleFactory(tags=["Alpha"])
    version = api_client.get(detail(article))["ETag"]
    assert api_client.get(detail(article), HTTP_IF_NONE_MATCH=version).status_code == 304
    editor_client.patch("/api/v1/tags/alpha/", {"name": "Omega"})
    fresh = api_client.get(detail(article), HTTP_IF_NONE_MATCH=version)
    assert fresh.status_code == 200 and fresh.json()["tags"][0]["name"] == "Omega"


@pytest.mark.django_db(transaction=True)
def test_concurrent_patches_of_different_fields_all_survive():
    editor = UserFactory(username="racer", permissions=EDITOR_PERMISSIONS)
    token = Token.objects.create(user=editor).key
    article = ArticleFactory(title="Original", standfirst="s", section="World", edition="")
    changes = [
        {"title": "New title"}, {"standfirst": "New standfirst"}, {"section": "Science"},
        {"edition": "France"}, {"image_caption": "A caption"}, {"image_credit": "A credit"},
    ]  # fmt: skip
    answers: list[int] = []
    start = threading.Barrier(len(changes))

    def patch(change: dict) -> None:
        from rest_framework.test import APIClient

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        start.wait()
        try:
            answers.append(client.patch(detail(article), change, format="json").status_code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=patch, args=(change,)) for change in changes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [200] * len(changes)
    stored = Article.objects.get(pk=article.pk)
    for change in changes:
        for field, value in change.items():
            assert getattr(stored, field) == value, field


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_naming_new_names_in_opposite_orders_do_not_deadlock():
    from articles import services

    names = [f"Shared {n}" for n in range(6)]
    failures: list[BaseException] = []
    start = threading.Barrier(6)

    def create(number: int) -> None:
        order = names if number % 2 else list(reversed(names))
        start.wait()
        try:
            services.article_create(
                title="Same title", body="b", language="en", tags=order, authors=order,
                quotes=[{"source": name, "text": "t"} for name in order],
            )  # fmt: skip
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=create, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert Article.objects.count() == 6
    assert len(set(Article.objects.values_list("slug", flat=True))) == 6
    assert Tag.objects.count() == 6


# --- hostile input --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_a_nul_byte_in_a_slug_is_a_json_404(editor_client, method):
    response = getattr(editor_client, method)("/api/v1/tags/%00/")
    assert response.status_code == 404 and response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("path", [LIST, "/api/v1/auth/token/"])
def test_deeply_nested_json_is_a_400(api_client, editor_client, path):
    body = "[" * 1000 + "]" * 1000
    client = editor_client if path == LIST else api_client
    response = client.generic("POST", path, body, content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()


@pytest.mark.django_db
def test_a_lone_surrogate_is_a_400(editor_client):
    body = '{"title": "x", "body": "b", "language": "en", "status": "\\ud800"}'
    response = editor_client.generic("POST", LIST, body, content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()


@pytest.mark.django_db
def test_a_publication_date_with_any_offset_is_stored_in_utc(editor_client):
    response = editor_client.post(
        LIST,
        {"title": "Far east", "body": "b", "language": "en", "status": "published",
         "published_at": "2026-01-01T00:00:00-20:00"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["published_at"] == "2026-01-01T20:00:00Z"
    for path in (LIST, f"{LIST}facets/"):
        answer = editor_client.get(path, {"published_after": "2026-01-01T00:00:00-20:00"})
        assert answer.status_code == 200


@pytest.mark.django_db
def test_a_body_over_the_limit_is_a_json_413(editor_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"title": "x", "body": "y" * 5000, "language": "en"})
    response = editor_client.generic("POST", LIST, body, content_type="application/json")
    assert response.status_code == 413 and "detail" in response.json()


@pytest.mark.django_db
def test_an_unknown_host_is_a_json_400(client):
    response = client.get(LIST, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.json() == {"detail": "Unknown host."}


@pytest.mark.django_db
def test_a_large_body_of_distinct_words_is_stored_and_searchable(editor_client, api_client):
    words = " ".join(f"w{n}x" for n in range(150_000))
    response = editor_client.post(
        LIST, {"title": "Wordy", "body": words, "language": "en", "status": "published"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201
    assert api_client.get(LIST, {"q": "w149999x"}).json()["count"] == 1


@pytest.mark.django_db
def test_a_database_fault_is_a_json_503_with_retry_after(api_client, monkeypatch):
    from articles.api import views

    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views.selectors, "can_see_unpublished", broken)
    response = api_client.get(f"{LIST}1/")
    assert response.status_code == 503 and response["Retry-After"]
    assert "may or may not have been stored" in response.json()["detail"]


# --- names that only drafts use ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "field", "value"),
    [("/api/v1/tags/", "tags", ["Merger of X and Y"]),
     ("/api/v1/authors/", "authors", ["Embargoed Writer"]),
     ("/api/v1/sources/", "quotes", [{"source": "CFO of Z", "text": "Numbers."}])],
)  # fmt: skip
def test_names_only_drafts_use_are_hidden_from_readers(
    api_client, editor_client, path, field, value
):
    draft = ArticleFactory(title="Embargo", status="draft", published_at=None, **{field: value})
    name = value[0] if isinstance(value[0], str) else value[0]["source"]
    slug = editor_client.get(path).json()["results"][0]["slug"]
    assert api_client.get(path).json()["count"] == 0
    assert api_client.get(f"{path}{slug}/").status_code == 404
    assert api_client.get(path, {"q": name[:4]}).json()["count"] == 0
    assert editor_client.get(f"{path}{slug}/").status_code == 200
    editor_client.patch(detail(draft), {"status": "published"}, format="json")
    assert api_client.get(f"{path}{slug}/").status_code == 200


# --- the statement timeout ------------------------------------------------------------------------


def session_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_statement_timeout_bounds_api_reads_only(api_client, editor_client, settings):
    settings.DATABASE_STATEMENT_TIMEOUT_MS = 4000
    assert api_client.get("/api/v1/tags/").status_code == 200
    assert session_timeout() == "4s"
    assert editor_client.post("/api/v1/tags/", {"name": "Unbounded"}).status_code == 201
    assert session_timeout() == "0"  # a write may take as long as it needs
    assert api_client.get("/api/v1/articles/").status_code == 200
    assert session_timeout() == "4s"


@pytest.mark.django_db
def test_a_read_past_the_statement_timeout_answers_503(api_client, settings, monkeypatch):
    from articles import selectors

    settings.DATABASE_STATEMENT_TIMEOUT_MS = 50
    article = ArticleFactory()

    def slow(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1)")

    monkeypatch.setattr(selectors, "can_see_unpublished", slow)
    response = api_client.get(detail(article))
    assert response.status_code == 503 and response["Retry-After"]


# --- names and text: identity, control characters -------------------------------------------------


@pytest.mark.django_db
def test_names_are_one_or_several_as_a_reader_would_expect(editor_client):
    payload = {
        "title": "Langages et conflits",
        "body": "Un corps.",
        "language": "fr",
        "tags": ["Russie-Ukraine", "Russie\u2013Ukraine", "C++", "C#", "C", "AT&T", "ATT",
                 "\u0e02\u0e48\u0e32\u0e27", "\u0e02\u0e32\u0e27"],
    }  # fmt: skip
    response = editor_client.post(LIST, payload, format="json")
    assert response.status_code == 201, response.json()
    slugs = sorted(tag["slug"] for tag in response.json()["tags"])
    assert slugs == sorted(["russie-ukraine", "c-plus-plus", "c-sharp", "c", "at-and-t", "att",
                     "\u0e02\u0e48\u0e32\u0e27", "\u0e02\u0e32\u0e27"])  # fmt: skip
    # A tag created on its own with the other dash is the same tag, not a clash.
    again = editor_client.post("/api/v1/tags/", {"name": "Russie\u2014Ukraine"}, format="json")
    assert again.status_code == 409 and "exists" in str(again.json())
    thai = editor_client.get("/api/v1/tags/\u0e02\u0e48\u0e32\u0e27/")
    assert thai.status_code == 200 and thai.json()["name"] == "\u0e02\u0e48\u0e32\u0e27"


@pytest.mark.django_db
def test_control_characters_and_bidi_overrides_are_not_stored(editor_client):
    payload = {
        "title": "Budget\u202e vot\u00e9\x07",
        "body": "Ligne une\nligne\x1b deux.",
        "language": "fr",
        "authors": ["\u2066Ann\u2069 Lee"],
        "quotes": [{"source": "Porte\x01-parole", "text": "Oui\u202e.", "description": "x\x08y"}],
    }
    response = editor_client.post(LIST, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "Budget vot\u00e9"
    assert body["body"] == "Ligne une\nligne deux."
    assert body["authors"][0]["name"] == "Ann Lee"
    assert body["quotes"][0]["text"] == "Oui."
    assert body["quotes"][0]["source"]["name"] == "Porte-parole"
    assert QuotedSource.objects.get().description == "xy"


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v2/", "/api/v1/articles/x/y/"])
def test_every_404_under_the_api_is_json_whatever_debug_is(client, settings, debug, path):
    settings.DEBUG = debug
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
