"""/feeds/articles.rss, .atom and .json: valid (feedparser, a JSON Feed 1.1 schema), the
article list's filters and q, readers' articles only, conditional GETs."""

from __future__ import annotations

import json

import feedparser
import jsonschema_rs
import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# The parts of JSON Feed 1.1 (https://jsonfeed.org/version/1.1) that the feed uses.
JSON_FEED_SCHEMA = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": {"type": "string", "format": "uri"},
        "feed_url": {"type": "string", "format": "uri"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                "properties": {
                    "id": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "title": {"type": "string"},
                    "summary": {"type": "string"},
                    "content_html": {"type": "string"},
                    "date_published": {"type": ["string", "null"], "format": "date-time"},
                    "date_modified": {"type": "string", "format": "date-time"},
                    "authors": {
                        "type": "array",
                        "items": {"type": "object", "properties": {"name": {"type": "string"}}},
                    },
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "language": {"type": "string"},
                },
            },
        },
    },
}


@pytest.fixture
def archive():
    ArticleFactory(
        title="Glaciers melt", standfirst="Fast.", body="<p>The <b>ice</b> goes.</p>",
        tags=["Climate", "Alps"], authors=["Ann Lee", "Bo Chen"], url="https://example.org/g",
    )  # fmt: skip
    ArticleFactory(title="Football tonight", tags=["Sport"])
    ArticleFactory(title="Embargoed", status="draft", published_at=None, tags=["Secret"])


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_rss_and_atom_validate_and_carry_each_field(client, archive, kind):
    response = client.get(f"/feeds/articles.{kind}")
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    titles = [entry.title for entry in parsed.entries]
    assert titles == ["Glaciers melt", "Football tonight"]  # newest first, no draft
    first = parsed.entries[0]
    assert first.link == "https://example.org/g"
    assert {tag.term for tag in first.tags} == {"Climate", "Alps"}
    assert first.summary == "Fast."
    assert "<b>ice</b>" in first.content[0].value
    assert "Ann Lee" in first.author
    assert first.published_parsed
    if kind == "atom":
        assert first.updated_parsed
    assert b"Secret" not in response.content


def test_json_feed_validates(client, archive):
    response = client.get("/feeds/articles.json")
    assert response["Content-Type"] == "application/feed+json"
    feed = json.loads(response.content)
    jsonschema_rs.validate(JSON_FEED_SCHEMA, feed)
    assert [item["title"] for item in feed["items"]] == ["Glaciers melt", "Football tonight"]
    assert feed["items"][0]["content_html"] == "<p>The <b>ice</b> goes.</p>"
    assert feed["items"][0]["authors"] == [{"name": "Ann Lee"}, {"name": "Bo Chen"}]


def test_feeds_take_the_list_filters_q_and_limit(client, archive):
    for kind in ("rss", "atom"):
        entries = feedparser.parse(client.get(f"/feeds/articles.{kind}?tag=sport").content).entries
        assert [e.title for e in entries] == ["Football tonight"]
    feed = json.loads(client.get("/feeds/articles.json?q=glaciers").content)
    assert [item["title"] for item in feed["items"]] == ["Glaciers melt"]
    feed = json.loads(client.get("/feeds/articles.json?limit=1").content)
    assert len(feed["items"]) == 1
    # Drafts stay out even when asked for.
    assert b"Embargoed" not in client.get("/feeds/articles.json?status=draft").content


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "tags=x", "ordering=x"])
def test_bad_parameters_are_400s(client, query):
    response = client.get(f"/feeds/articles.json?{query}")
    assert response.status_code == 400 and response.json()


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_conditional_get(client, archive, kind):
    first = client.get(f"/feeds/articles.{kind}")
    assert first["ETag"] and first["Last-Modified"]
    assert (
        client.get(f"/feeds/articles.{kind}", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    )
    since = client.get(f"/feeds/articles.{kind}", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    ArticleFactory(title="Newest")
    assert (
        client.get(f"/feeds/articles.{kind}", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    )
