"""Generated hostile input on every endpoint (hypothesis): control characters, bidi overrides,
lone surrogates, huge numbers, deep or wrongly typed JSON, unknown and repeated parameters.
Every answer is JSON below 500, and a refused write leaves nothing behind."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Author, QuotedSource, Tag
from tests.factories import ArticleFactory

SCHEMA = yaml.safe_load((Path(__file__).parents[2] / "openapi.yaml").read_text())
HOSTILE = settings(
    max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)

# Text a careless or hostile client sends: any code point but NUL-free surrogates (JSON
# escapes them), the characters that break parsers, and the ones that fool readers.
NASTY = st.sampled_from(
    ["\u202e", "\u2066", "\x00", "\x07", "\ud800", "\ufeff", "\u0301", "%", "'", '"', "\\",
     "-", "--", "*", "(", ")", "|", ":", "~", "^", "[", "]", "{", "}", "?", "&", "#", "\u0e48",
     "1e309", "-0", "NaN", "null", "9" * 30, "\u00e9", "\ufffd", " ", "\n"]
)  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=30),
    st.lists(st.one_of(NASTY, st.text(max_size=3)), max_size=12).map("".join),
)
SCALAR = st.one_of(
    TEXT, st.integers(min_value=-(2**70), max_value=2**70), st.floats(), st.booleans(), st.none()
)
JSON = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)

ARTICLE_FIELDS = ["title", "body", "language", "standfirst", "section", "edition", "url",
                  "image_url", "image_caption", "image_credit", "status", "published_at",
                  "authors", "tags", "quotes"]  # fmt: skip


def query_parameters(path: str) -> list[str]:
    operation = SCHEMA["paths"][path]["get"]
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]


def quote_bytes(value: str, safe: str, encoding: str | None, errors: str | None) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe=safe)


def is_json_below_500(response) -> bool:
    return response.status_code < 500 and response["Content-Type"].startswith("application/json")


def as_json(value) -> str:
    """JSON text; a lone surrogate goes out escaped, as a real client would send it."""
    return json.dumps(value, allow_nan=True)


@pytest.fixture
def story(db):
    return ArticleFactory(
        title="Glaciers en recul", tags=["Climat"], authors=["Ann Lee"],
        quotes=[{"source": "Maire de Lyon", "text": "Il faut agir."}],
    )  # fmt: skip


READ_PATHS = [path for path, item in SCHEMA["paths"].items() if "get" in item]


@pytest.mark.django_db
@pytest.mark.parametrize("path", READ_PATHS)
def test_reads_answer_hostile_parameters_with_json_below_500(editor_client, story, path):
    names = [*query_parameters(path), "unknown", "page[size]"]
    url = path.replace("{id}", str(story.pk)).replace("{slug}", "climat")

    @HOSTILE
    @given(st.dictionaries(st.sampled_from(names), st.lists(TEXT, min_size=1, max_size=2)))
    def check(params):
        query = [(name, value) for name, values in params.items() for value in values]
        # Percent-encoded as bytes, so a lone surrogate arrives as the invalid UTF-8 it is.
        response = editor_client.get(f"{url}?{urlencode(query, quote_via=quote_bytes)}")
        assert is_json_below_500(response), (query, response.status_code, response.content[:300])

    check()


def snapshot() -> tuple:
    return (
        list(Article.objects.order_by("pk").values_list("pk", "updated_at")),
        Tag.objects.count(),
        Author.objects.count(),
        QuotedSource.objects.count(),
    )


@pytest.mark.django_db
def test_article_writes_refuse_hostile_bodies_whole(editor_client, story):
    @HOSTILE
    @given(
        st.dictionaries(st.sampled_from(ARTICLE_FIELDS), JSON, max_size=8),
        st.sampled_from(["post", "patch", "put"]),
    )
    def check(fields, method):
        body = {"title": "Un titre", "body": "Un corps.", "language": "fr", **fields}
        url = "/api/v1/articles/" if method == "post" else f"/api/v1/articles/{story.pk}/"
        before = snapshot()
        response = getattr(editor_client, method)(
            url, as_json(body), content_type="application/json"
        )
        assert is_json_below_500(response), (body, response.status_code, response.content[:300])
        if response.status_code >= 400:
            assert snapshot() == before, body
        else:
            article = Article.objects.get(pk=response.json()["id"])
            assert "\u202e" not in article.title and "\x07" not in article.title

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["tags", "authors", "sources"])
def test_name_writes_refuse_hostile_bodies_whole(editor_client, story, path):
    @HOSTILE
    @given(st.dictionaries(st.sampled_from(["name", "bio", "url", "kind", "description"]), JSON))
    def check(fields):
        before = snapshot()
        response = editor_client.post(
            f"/api/v1/{path}/", as_json(fields), content_type="application/json"
        )
        assert is_json_below_500(response), (fields, response.status_code, response.content[:300])
        if response.status_code >= 400:
            assert snapshot() == before, fields
        else:
            detail = f"/api/v1/{path}/{response.json()['slug']}/"
            assert editor_client.get(detail).status_code == 200
            assert editor_client.delete(detail).status_code == 204

    check()


@pytest.mark.django_db
def test_the_token_endpoint_refuses_hostile_bodies(api_client):
    @HOSTILE
    @given(st.dictionaries(st.sampled_from(["username", "password", "x"]), JSON))
    def check(fields):
        response = api_client.post(
            "/api/v1/auth/token/", as_json(fields), content_type="application/json"
        )
        assert is_json_below_500(response), (fields, response.status_code)
        assert response.status_code in (400, 401, 429)

    check()


@pytest.mark.django_db
def test_bulk_and_extract_refuse_hostile_bodies_whole(editor_client, story):
    @HOSTILE
    @given(
        st.one_of(JSON, st.lists(st.dictionaries(st.sampled_from(ARTICLE_FIELDS), JSON))),
        st.one_of(TEXT, JSON),
    )
    def check(articles, page):
        before = snapshot()
        response = editor_client.post(
            "/api/v1/articles/bulk/", as_json({"articles": articles}),
            content_type="application/json",
        )  # fmt: skip
        assert is_json_below_500(response), (articles, response.status_code)
        if response.status_code >= 400:
            assert snapshot() == before, articles
        else:  # one answer per item, in order
            results = response.json()["results"]
            assert [result["index"] for result in results] == list(range(len(articles)))
            if all(result["status"] == "error" for result in results):
                assert snapshot() == before, articles
        response = editor_client.post(
            "/api/v1/articles/extract/?save=true", as_json({"content": page}),
            content_type="application/json",
        )  # fmt: skip
        assert is_json_below_500(response), (page, response.status_code, response.content[:300])

    check()
