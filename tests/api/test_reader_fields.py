"""What a reader app needs of an article (links, word count, reading time, the image's alt
text, who its quoted sources are), its names in the order given, name lists sorted as readers
sort, and the ETag (and Location) on every answer that is an article."""

from __future__ import annotations

import pytest
from django.test import override_settings

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"
TAGS = ["Zèbres", "Éducation", "Alpes", "oceans"]
WRITE = {
    "title": "Les glaciers fondent",
    "body": "<p>Un deux trois quatre cinq &amp; six.</p>",
    "language": "fr",
    "status": "published",
    "image_url": "https://example.org/glacier.jpg",
    "image_alt": "Un glacier vu d'avion",
    "tags": TAGS,
    "authors": ["Zoé Arnaud", "Bruno Abel"],
    "quotes": [{"source": "Matthias Huss", "text": "Vite.", "description": "glaciologue"}],
}


def names(entries: list[dict]) -> list[str]:
    return [entry["name"] for entry in entries]


def test_an_article_has_links_words_reading_time_alt_text_and_its_sources(editor_client):
    created = editor_client.post(LIST, WRITE, format="json")
    assert created.status_code == 201, created.content
    article = created.json()
    self_url = f"http://testserver/api/v1/articles/{article['id']}/"
    assert article["links"] == {"self": self_url}
    assert created.headers["Location"] == self_url
    assert (article["word_count"], article["reading_time_minutes"]) == (6, 1)
    assert article["image_alt"] == "Un glacier vu d'avion"
    assert article["quotes"][0]["source"] == {
        "name": "Matthias Huss", "slug": "matthias-huss", "kind": "person",
        "description": "glaciologue",
    }  # fmt: skip
    for url in (LIST, f"{LIST}?q=glaciers", self_url):
        shown = editor_client.get(url).json()
        shown = shown["results"][0] if "results" in shown else shown
        assert shown["links"] == {"self": self_url}
        assert (shown["word_count"], shown["image_alt"]) == (6, "Un glacier vu d'avion")
        assert shown["quotes"][0]["source"]["description"] == "glaciologue"


@override_settings(READING_WORDS_PER_MINUTE=2)
def test_reading_time_is_the_words_at_the_set_pace_rounded_up(api_client):
    article = ArticleFactory(body="un deux trois quatre cinq")
    assert Article.objects.get(pk=article.pk).word_count == 5
    assert api_client.get(f"{LIST}{article.pk}/").json()["reading_time_minutes"] == 3


def test_tags_authors_and_quotes_keep_their_order_on_every_read(editor_client):
    quotes = [{"source": name, "text": "Oui."} for name in ("Zoé", "Ali", "Élise")]
    created = editor_client.post(LIST, {**WRITE, "quotes": quotes}, format="json").json()
    assert names(created["tags"]) == TAGS
    for url in (LIST, f"{LIST}?q=glaciers", f"{LIST}{created['id']}/"):
        shown = editor_client.get(url).json()
        shown = shown["results"][0] if "results" in shown else shown
        assert names(shown["tags"]) == TAGS
        assert names(shown["authors"]) == ["Zoé Arnaud", "Bruno Abel"]
        assert [q["source"]["name"] for q in shown["quotes"]] == ["Zoé", "Ali", "Élise"]
    changed = editor_client.patch(
        f"{LIST}{created['id']}/", {"tags": ["Alpes", "Zèbres"]}, format="json"
    )
    assert names(changed.json()["tags"]) == ["Alpes", "Zèbres"]
    assert names(editor_client.get(f"{LIST}{created['id']}/").json()["tags"]) == ["Alpes", "Zèbres"]


def test_bulk_keeps_the_order_of_tags(editor_client):
    items = [{**WRITE, "url": "https://example.org/bulk-order"}]
    answer = editor_client.post(f"{LIST}bulk/", {"articles": items}, format="json").json()
    shown = editor_client.get(f"{LIST}{answer['results'][0]['id']}/").json()
    assert names(shown["tags"]) == TAGS


def test_name_lists_sort_with_accents_ignored_and_case_folded(api_client):
    ArticleFactory(tags=TAGS, authors=["Zoé Arnaud"])
    tags = api_client.get("/api/v1/tags/").json()["results"]
    assert names(tags) == ["Alpes", "Éducation", "oceans", "Zèbres"]
    assert tags[1]["links"] == {"self": "http://testserver/api/v1/tags/education/"}
    author = api_client.get("/api/v1/authors/").json()["results"][0]
    assert author["links"]["self"].startswith("http://testserver/api/v1/authors/")


def test_the_admin_tag_filter_sorts_as_readers_do(admin_client_logged_in):
    ArticleFactory(tags=["Oceans", "Éducation", "alpes"])
    page = admin_client_logged_in.get("/admin/articles/article/").content.decode()
    assert page.index("tag=alpes") < page.index("tag=education") < page.index("tag=oceans")


def test_every_answer_that_is_an_article_carries_its_etag(editor_client):
    created = editor_client.post(LIST, {**WRITE, "url": "https://example.org/e"}, format="json")
    detail = f"{LIST}{created.json()['id']}/"
    assert created.headers["ETag"] == editor_client.get(detail).headers["ETag"]
    again = editor_client.post(LIST, {**WRITE, "url": "https://example.org/e"}, format="json")
    assert again.status_code == 200 and "Location" not in again.headers
    assert again.headers["ETag"] == editor_client.get(detail).headers["ETag"]
    bulk = editor_client.post(
        f"{LIST}bulk/",
        {"articles": [{**WRITE, "url": "https://example.org/e"}, {"title": ""}]},
        format="json",
    ).json()
    assert bulk["results"][0]["etag"] == editor_client.get(detail).headers["ETag"]
    assert bulk["results"][1]["etag"] is None
    current = editor_client.get(detail).headers["ETag"]
    stale = editor_client.patch(detail, {"title": "X"}, format="json", HTTP_IF_MATCH='"0-0"')
    assert stale.status_code == 412 and stale.headers["ETag"] == current
    page = {"content": "Titre\n\n« Oui », a dit Paul Martin.\n", "url": "https://example.org/x"}
    saved = editor_client.post(f"{LIST}extract/?save=true", page, format="json")
    assert saved.status_code == 201 and saved.headers["Location"] == saved.json()["links"]["self"]
    resaved = editor_client.post(f"{LIST}extract/?save=true", page, format="json")
    assert resaved.status_code == 200 and resaved.json()["id"] == saved.json()["id"]
    assert (
        resaved.headers["ETag"]
        == editor_client.get(resaved.json()["links"]["self"]).headers["ETag"]
    )
