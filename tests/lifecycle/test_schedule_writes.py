"""``expires_at`` through every door that writes or reads the write format (API, bulk,
import and export, extract, admin), and its one rule: after ``published_at``, else a 400."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.extract import extract
from articles.models import Article
from tests.factories import ArticleFactory
from tests.test_admin import article_form

pytestmark = pytest.mark.django_db
ARTICLES = "/api/v1/articles/"
PUBLISHED = "2026-10-02T09:30:00Z"
RULE = "The article must expire after it is published (published_at)."


def story(**fields) -> dict:
    return {"title": "Ferry strike", "body": "Ferries stop.", "language": "en",
            "status": "published", "published_at": PUBLISHED, **fields}  # fmt: skip


def test_expires_at_is_written_and_read_in_utc(editor_client):
    response = editor_client.post(
        ARTICLES, story(expires_at="2026-10-03T11:30:00+02:00"), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["expires_at"] == "2026-10-03T09:30:00Z"
    listed = editor_client.get(ARTICLES).json()["results"][0]
    assert listed["expires_at"] == "2026-10-03T09:30:00Z"


@pytest.mark.parametrize("expires_at", ["2026-10-01T09:30:00Z", PUBLISHED])
def test_expiring_before_publication_is_a_400_naming_expires_at(editor_client, expires_at):
    response = editor_client.post(ARTICLES, story(expires_at=expires_at), format="json")
    assert response.status_code == 400
    assert response.json() == {"expires_at": [RULE]}
    assert not Article.objects.exists()


def test_a_patch_is_checked_against_the_stored_date(editor_client):
    article = editor_client.post(ARTICLES, story(), format="json").json()
    response = editor_client.patch(
        f"{ARTICLES}{article['id']}/", {"expires_at": "2026-10-01T00:00:00Z"}, format="json"
    )
    assert response.status_code == 400 and response.json() == {"expires_at": [RULE]}
    assert Article.objects.get().expires_at is None


def test_bulk_items_are_checked_one_by_one(editor_client):
    ArticleFactory(url="https://example.org/known", published_at=timezone.now())
    items = [
        story(url="https://example.org/a", expires_at="2026-10-01T00:00:00Z"),
        story(url="https://example.org/b", expires_at="2026-10-05T00:00:00Z"),
        # Checked against the stored date (the database refuses the batch's update; the item
        # written on its own then says why).
        {**story(url="https://example.org/known", status="draft", expires_at="2000-01-01T00:00Z")},
    ]
    del items[2]["published_at"]
    results = editor_client.post(f"{ARTICLES}bulk/", {"articles": items}, format="json")
    assert [r["status"] for r in results.json()["results"]] == ["error", "created", "error"]
    assert results.json()["results"][0]["errors"] == {"expires_at": [RULE]}
    assert results.json()["results"][2]["errors"] == {"expires_at": [RULE]}
    stored = Article.objects.get(url="https://example.org/b").expires_at
    assert stored == datetime.datetime(2026, 10, 5, tzinfo=datetime.UTC)


def test_export_and_import_keep_expires_at(tmp_path):
    ArticleFactory(url="https://example.org/x", expires_at=timezone.now() + datetime.timedelta(1))
    out = io.StringIO()
    call_command("export_articles", stdout=out, stderr=io.StringIO())
    exported = [json.loads(line) for line in out.getvalue().splitlines()]
    assert exported[0]["expires_at"] is not None
    Article.objects.all().delete()
    path = tmp_path / "in.ndjson"
    path.write_text("".join(json.dumps(record) + "\n" for record in exported))
    call_command("import_articles", str(path), "--no-progress", stdout=io.StringIO())
    assert Article.objects.get().expires_at.isoformat() == exported[0]["expires_at"]


def test_extract_reads_open_graphs_expiration_time(editor_client):
    page = """<html lang="en"><head><title>Ferry strike</title>
      <meta property="article:published_time" content="2026-10-02T09:30:00Z">
      <meta property="article:expiration_time" content="2026-10-09T09:30:00Z"></head>
      <body><h1>Ferry strike</h1><p>Ferries stop for a day on the whole coast.</p></body></html>"""
    assert extract(page)["expires_at"] == datetime.datetime(2026, 10, 9, 9, 30, tzinfo=datetime.UTC)
    answer = editor_client.post(f"{ARTICLES}extract/", {"content": page}, format="json").json()
    assert answer["expires_at"] == "2026-10-09T09:30:00+00:00"


def test_the_admin_lists_scheduled_articles_with_when_they_go_live(admin_client_logged_in):
    soon = timezone.now() + datetime.timedelta(days=1)
    scheduled = ArticleFactory(title="Embargoed budget", published_at=soon)
    ArticleFactory(title="Live budget")
    changelist = reverse("admin:articles_article_changelist")
    page = admin_client_logged_in.get(changelist, {"readers": "scheduled"}).content.decode()
    assert "Embargoed budget" in page and "Live budget" not in page
    assert "Goes live" in page
    page = admin_client_logged_in.get(changelist, {"readers": "live"}).content.decode()
    assert "Live budget" in page and "Embargoed budget" not in page
    form = admin_client_logged_in.get(reverse("admin:articles_article_change",
                                              args=[scheduled.pk])).content.decode()  # fmt: skip
    assert 'name="expires_at' in form


def test_the_admin_form_takes_expires_at_and_refuses_it_before_publication(
    admin_client_logged_in,
):
    article = ArticleFactory(title="Ferry strike", tags=[], authors=[])
    url = reverse("admin:articles_article_change", args=[article.pk])
    too_early = {"expires_at_0": "2026-11-19", "expires_at_1": "10:00:00"}
    response = admin_client_logged_in.post(url, article_form(article, **too_early))
    assert response.status_code == 200 and RULE in response.text
    assert Article.objects.get(pk=article.pk).expires_at is None
    later = {"expires_at_0": "2026-11-21", "expires_at_1": "10:00:00"}
    response = admin_client_logged_in.post(url, article_form(article, **later))
    assert response.status_code == 302
    stored = Article.objects.get(pk=article.pk).expires_at
    assert stored == datetime.datetime(2026, 11, 21, 10, tzinfo=datetime.UTC)
