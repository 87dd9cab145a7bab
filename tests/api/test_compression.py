"""Responses go out gzipped when the client accepts it, and compression never mixes audiences
or breaks conditional requests."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def _json(response) -> dict:
    return json.loads(gzip.decompress(response.content))


def test_a_list_is_gzipped_when_the_client_accepts_it(api_client):
    for number in range(5):
        ArticleFactory(title=f"Les glaciers fondent {number}", status="published")
    plain = api_client.get("/api/v1/articles/")
    packed = api_client.get("/api/v1/articles/", **GZIP)
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert len(packed.content) < len(plain.content)
    assert _json(packed) == plain.json()
    vary = {part.strip() for part in packed["Vary"].split(",")}
    assert {"Accept-Encoding", "Authorization", "Cookie"} <= vary


def test_a_gzipped_answer_keeps_its_etag_for_conditional_reads_and_writes(editor_client):
    article = ArticleFactory(title="Un titre", body="<p>" + "Du texte. " * 80 + "</p>")
    url = f"/api/v1/articles/{article.pk}/"
    packed = editor_client.get(url, **GZIP)
    assert packed["Content-Encoding"] == "gzip"
    weak = packed["ETag"]
    assert weak == editor_client.get(url)["ETag"]  # one version, whatever the encoding
    assert editor_client.get(url, HTTP_IF_NONE_MATCH=weak, **GZIP).status_code == 304
    written = editor_client.patch(
        url, {"title": "Un autre titre"}, format="json", HTTP_IF_MATCH=weak, **GZIP
    )
    assert written.status_code == 200, written.content
    assert _json(written)["title"] == "Un autre titre"
    stale = editor_client.patch(url, {"title": "Encore"}, format="json", HTTP_IF_MATCH=weak)
    assert stale.status_code == 412 and stale["ETag"] == written["ETag"]


def test_readers_and_editors_get_their_own_gzipped_answers(api_client, editor_client):
    ArticleFactory(title="Publié", status="published")
    ArticleFactory(title="Brouillon secret", status="draft")
    reader = _json(api_client.get("/api/v1/articles/?status=published", **GZIP))
    editor = _json(editor_client.get("/api/v1/articles/?status=draft", **GZIP))
    assert [item["title"] for item in reader["results"]] == ["Publié"]
    assert [item["title"] for item in editor["results"]] == ["Brouillon secret"]
    assert b"Brouillon" not in gzip.decompress(api_client.get("/api/v1/articles/", **GZIP).content)
