"""The review workflow through every door: contributors write and submit their own drafts;
publishing, scheduling, deleting and others' articles need an editor (403 saying so)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from articles.lifecycle import Actor
from articles.models import Article
from tests.factories import ArticleFactory, UserFactory
from tests.lifecycle.conftest import client_of

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"
DRAFT = {"title": "Un brouillon", "body": "Le corps.", "language": "fr", "status": "draft"}


def detail(article_id: int) -> str:
    return f"{LIST}{article_id}/"


def says_what_contributors_may(response) -> bool:
    return response.status_code == 403 and "Contributors may" in response.json()["detail"]


def test_contributors_write_and_submit_their_own_drafts(contributor_client, contributor):
    created = contributor_client.post(LIST, DRAFT, format="json")
    assert created.status_code == 201
    article = Article.objects.get(pk=created.json()["id"])
    assert article.created_by == contributor
    assert contributor_client.get(detail(article.pk)).status_code == 200  # their own draft
    changed = contributor_client.patch(detail(article.pk), {"body": "Un corps meilleur."})
    assert changed.status_code == 200
    submitted = contributor_client.patch(detail(article.pk), {"status": "review"})
    assert submitted.status_code == 200 and submitted.json()["status"] == "review"
    assert (
        contributor_client.put(detail(article.pk), {**DRAFT, "status": "review"}).status_code == 200
    )


def test_contributors_list_their_own_drafts_and_submissions(contributor_client, newsroom_client):
    own = contributor_client.post(LIST, DRAFT, format="json").json()
    submitted = contributor_client.post(LIST, {**DRAFT, "status": "review"}, format="json").json()
    theirs = newsroom_client.post(LIST, DRAFT, format="json").json()
    published = ArticleFactory()
    listed = {a["id"] for a in contributor_client.get(LIST).json()["results"]}
    assert listed == {own["id"], submitted["id"], published.pk}
    assert theirs["id"] not in listed
    queue = contributor_client.get(LIST, {"status": "review"}).json()["results"]
    assert [a["id"] for a in queue] == [submitted["id"]]
    found = contributor_client.get(LIST, {"q": "brouillon"}).json()["results"]
    assert {a["id"] for a in found} == {own["id"], submitted["id"]}


def test_readers_do_not_see_articles_in_review(api_client, contributor_client):
    created = contributor_client.post(LIST, {**DRAFT, "status": "review"}, format="json").json()
    assert api_client.get(detail(created["id"])).status_code == 404
    assert created["id"] not in [a["id"] for a in api_client.get(LIST).json()["results"]]


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "published"},
        {"status": "published", "published_at": "2099-01-01T06:00:00Z"},  # scheduling
        {"status": "archived"},
    ],
)
def test_contributors_cannot_publish_schedule_or_archive(contributor_client, fields):
    assert says_what_contributors_may(
        contributor_client.post(LIST, {**DRAFT, **fields}, format="json")
    )
    own = contributor_client.post(LIST, DRAFT, format="json").json()
    assert says_what_contributors_may(contributor_client.patch(detail(own["id"]), fields))
    assert Article.objects.get(pk=own["id"]).status == "draft"


def test_contributors_cannot_delete_or_change_others_articles(contributor_client, newsroom_client):
    own = contributor_client.post(LIST, DRAFT, format="json").json()
    response = contributor_client.delete(detail(own["id"]))
    assert says_what_contributors_may(response) and "Deleting" in response.json()["detail"]
    published = ArticleFactory()
    response = contributor_client.patch(detail(published.pk), {"title": "Mine now"})
    assert says_what_contributors_may(response) and "another user" in response.json()["detail"]
    # Another's draft: not seen at all, as readers do not see drafts.
    theirs = newsroom_client.post(LIST, DRAFT, format="json").json()
    assert contributor_client.get(detail(theirs["id"])).status_code == 404
    assert contributor_client.patch(detail(theirs["id"]), {"title": "X"}).status_code == 404
    # Re-posting another's url is changing their article.
    response = contributor_client.post(
        LIST, {**DRAFT, "url": "https://example.org/x", "title": "Mine"}, format="json"
    )
    assert response.status_code == 201
    newsroom_client.patch(detail(response.json()["id"]), {"status": "published"})
    again = contributor_client.post(
        LIST, {**DRAFT, "url": "https://example.org/x", "title": "Hijack"}, format="json"
    )
    assert says_what_contributors_may(again)


def test_contributors_cannot_change_their_article_once_published(
    contributor_client, newsroom_client
):
    own = contributor_client.post(LIST, {**DRAFT, "status": "review"}, format="json").json()
    assert newsroom_client.patch(detail(own["id"]), {"status": "published"}).status_code == 200
    response = contributor_client.patch(detail(own["id"]), {"title": "Changed"})
    assert says_what_contributors_may(response) and "published" in response.json()["detail"]


def test_editors_publish_schedule_and_delete(newsroom_client):
    article = newsroom_client.post(LIST, DRAFT, format="json").json()
    later = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    scheduled = newsroom_client.patch(
        detail(article["id"]), {"status": "published", "published_at": later}
    )
    assert scheduled.status_code == 200
    assert newsroom_client.delete(detail(article["id"])).status_code == 204


def test_publishing_needs_the_publish_permission(api_client):
    changer = UserFactory(
        username="changer", permissions=["articles.add_article", "articles.change_article"]
    )
    client = client_of(changer)
    article = ArticleFactory(status="draft", published_at=None)
    assert client.patch(detail(article.pk), {"title": "Fixed"}).status_code == 200
    response = client.patch(detail(article.pk), {"status": "published"})
    assert response.status_code == 403 and "publish" in response.json()["detail"]
    published = ArticleFactory()
    assert client.patch(detail(published.pk), {"title": "Typo fixed"}).status_code == 200
    assert client.patch(detail(published.pk), {"status": "draft"}).status_code == 403
    assert (
        client.patch(detail(published.pk), {"published_at": "2020-01-01T00:00:00Z"}).status_code
        == 403
    )


def test_bulk_refuses_a_contributors_items_one_by_one(contributor_client):
    items = [
        {**DRAFT, "url": "https://example.org/1"},
        {**DRAFT, "url": "https://example.org/2", "status": "published"},
    ]
    response = contributor_client.post(f"{LIST}bulk/", items, format="json").json()
    assert [r["status"] for r in response["results"]] == ["created", "error"]
    assert "publish" in str(response["results"][1]["errors"])
    items[0]["status"] = "review"
    response = contributor_client.post(f"{LIST}bulk/", items[:1], format="json").json()
    assert response["results"][0]["status"] == "updated"


def test_extract_saves_a_contributors_draft(contributor_client, contributor):
    page = "<html><body><h1>Titre extrait</h1><p>Un corps de texte assez long.</p></body></html>"
    response = contributor_client.post(
        f"{LIST}extract/?save=true", {"content": page, "language": "fr"}, format="json"
    )
    assert response.status_code == 201
    assert Article.objects.get(pk=response.json()["id"]).created_by == contributor


def test_import_runs_under_the_users_rights(contributor, tmp_path, capsys):
    path = tmp_path / "articles.ndjson"
    path.write_text(
        json.dumps({**DRAFT, "url": "https://example.org/a"})
        + "\n"
        + json.dumps({**DRAFT, "url": "https://example.org/b", "status": "published"})
        + "\n"
    )
    with pytest.raises(CommandError, match="1 record"):
        call_command("import_articles", str(path), "--workers", "1", "--user", "cora")
    assert "publish" in capsys.readouterr().out
    assert Article.objects.get().created_by == contributor
    with pytest.raises(CommandError, match="no active user"):
        call_command("import_articles", str(path), "--user", "nobody")


def test_contributors_see_their_own_and_the_live_articles_not_others_scheduled_or_expired(
    contributor, contributor_client
):
    """Contributor-own and reader visibility combined, through the index (list, search,
    count, facets) and PostgreSQL (detail)."""
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    theirs = Actor("api", user_id=contributor.pk, username=contributor.username)
    own_draft = ArticleFactory(title="Mon brouillon", status="draft", language="fr", actor=theirs)
    # An editor scheduled the contributor's article: still theirs to see.
    own_scheduled = ArticleFactory(
        title="Mon papier programme", published_at=now + hour, language="fr", actor=theirs
    )
    live = ArticleFactory(title="Le papier en ligne", published_at=now - hour)
    others_scheduled = ArticleFactory(title="Le papier programme", published_at=now + hour)
    others_expired = ArticleFactory(
        title="Le papier perime", published_at=now - 2 * hour, expires_at=now - hour
    )
    others_draft = ArticleFactory(title="Son brouillon", status="draft")
    seen = {own_draft.pk, own_scheduled.pk, live.pk}
    hidden = {others_scheduled.pk, others_expired.pk, others_draft.pk}

    listed = contributor_client.get(LIST).json()
    assert {a["id"] for a in listed["results"]} == seen and listed["count"] == 3
    found = contributor_client.get(LIST, {"q": "papier"}).json()
    assert {a["id"] for a in found["results"]} == {own_scheduled.pk, live.pk}
    facets = contributor_client.get(f"{LIST}facets/").json()["languages"]
    assert {row["value"]: row["count"] for row in facets} == {"fr": 2, "en": 1}
    for pk in seen:
        assert contributor_client.get(detail(pk)).status_code == 200, pk
    for pk in hidden:
        assert contributor_client.get(detail(pk)).status_code == 404, pk
