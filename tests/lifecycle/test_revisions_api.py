"""Revisions through the API: kept by every door, listed, read back whole, restored."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import connection

from articles.events.models import Event
from articles.lifecycle.models import Revision
from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"
DRAFT = {
    "title": "Les glaciers fondent",
    "body": "<p>Premier paragraphe.</p><p>Deuxième paragraphe.</p>",
    "language": "fr",
    "status": "draft",
    "tags": ["Climat"],
    "authors": ["Élodie Martin"],
    "quotes": [{"source": "Matthias Huss", "text": "Nous perdons les glaciers."}],
}


def revisions(article_id: int) -> str:
    return f"{LIST}{article_id}/revisions/"


def create(client, **fields) -> dict:
    response = client.post(LIST, {**DRAFT, **fields}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_every_save_keeps_a_revision_with_its_changes(editor_client):
    article = create(editor_client)
    editor_client.patch(
        f"{LIST}{article['id']}/", {"title": "Les glaciers fondent vite"}, format="json"
    )
    editor_client.patch(f"{LIST}{article['id']}/", {"tags": ["Climat", "Suisse"]}, format="json")
    page = editor_client.get(revisions(article["id"])).json()
    assert page["count"] == 3
    newest, middle, first = page["results"]
    assert [r["number"] for r in page["results"]] == [3, 2, 1]
    assert {r["user"] for r in page["results"]} == {"editor"}
    assert {r["source"] for r in page["results"]} == {"api"}
    assert middle["changes"] == {"title": ["Les glaciers fondent", "Les glaciers fondent vite"]}
    assert newest["changes"] == {
        "tags": [
            [{"id": newest["changes"]["tags"][0][0]["id"], "name": "Climat", "slug": "climat"}],
            [
                {"id": newest["changes"]["tags"][1][0]["id"], "name": "Climat", "slug": "climat"},
                {"id": newest["changes"]["tags"][1][1]["id"], "name": "Suisse", "slug": "suisse"},
            ],
        ]
    }
    # The first: what the new article was given.
    assert first["changes"]["title"] == [None, "Les glaciers fondent"]
    assert first["changes"]["quotes"][1][0]["text"] == "Nous perdons les glaciers."
    assert "edition" not in first["changes"]  # empty: nothing given


def test_a_new_articles_first_changes_are_its_given_fields_not_stored_twice(editor_client):
    article = create(editor_client, standfirst="", published_at=None)
    revision = Revision.objects.get(article_id=article["id"], number=1)
    assert revision.changes is None  # its content says them
    # As PostgreSQL wrote them before: every field of the content but the derived ones, from
    # nothing, unless empty.
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT jsonb_object_agg(f.key, jsonb_build_array(NULL::jsonb, f.value))::text
                 FROM articles_revision r, jsonb_each(r.content) f
                WHERE r.id = %s AND f.key <> 'word_count'
                  AND f.value NOT IN ('""', '[]', 'null')""",
            [revision.pk],
        )
        expected = json.loads(cursor.fetchone()[0])
    page = editor_client.get(revisions(article["id"])).json()
    assert page["results"][0]["changes"] == expected == revision.field_changes()
    assert list(revision.field_changes()) == list(expected)  # in the same order
    assert "standfirst" not in expected and "title" in expected


def test_a_save_that_changes_nothing_keeps_no_revision_and_tells_nobody(editor_client):
    article = create(editor_client)
    detail = f"{LIST}{article['id']}/"
    etag = editor_client.get(detail).headers["ETag"]
    events = Event.objects.count()
    response = editor_client.patch(detail, {"title": DRAFT["title"], "tags": ["climat"]})
    assert response.status_code == 200
    assert response.headers["ETag"] == etag
    assert Revision.objects.filter(article_id=article["id"]).count() == 1
    assert Event.objects.count() == events


def test_a_revision_is_the_whole_article_as_it_was(editor_client):
    article = create(editor_client)
    detail = f"{LIST}{article['id']}/"
    editor_client.patch(detail, {"title": "Autre titre", "quotes": []}, format="json")
    then = editor_client.get(f"{revisions(article['id'])}1/")
    assert then.status_code == 200
    now = editor_client.get(detail).json()
    old = then.json()
    assert set(old) == set(now)
    assert old["title"] == DRAFT["title"] and now["title"] == "Autre titre"
    assert old["quotes"][0]["source"]["name"] == "Matthias Huss" and now["quotes"] == []
    assert old["authors"] == [{"name": "Élodie Martin", "slug": "elodie-martin"}]


def test_restore_is_a_new_revision_conditional_on_if_match(editor_client):
    article = create(editor_client)
    detail = f"{LIST}{article['id']}/"
    editor_client.patch(detail, {"title": "Autre titre", "tags": ["Suisse"]}, format="json")
    current = editor_client.get(detail).headers["ETag"]
    restore = f"{revisions(article['id'])}1/restore/"

    stale = editor_client.post(restore, HTTP_IF_MATCH='"1-1"')
    assert stale.status_code == 412 and stale.headers["ETag"] == current

    restored = editor_client.post(restore, HTTP_IF_MATCH=current)
    assert restored.status_code == 200
    assert restored.json()["title"] == DRAFT["title"]
    assert [tag["name"] for tag in restored.json()["tags"]] == ["Climat"]
    assert restored.headers["ETag"] == editor_client.get(detail).headers["ETag"] != current
    newest = editor_client.get(revisions(article["id"])).json()["results"][0]
    assert newest["number"] == 3 and newest["source"] == "restore"
    assert newest["changes"]["title"] == ["Autre titre", DRAFT["title"]]


def test_restore_finds_names_renamed_since(editor_client):
    article = create(editor_client)
    editor_client.patch(f"{LIST}{article['id']}/", {"tags": []}, format="json")
    editor_client.patch("/api/v1/tags/climat/", {"name": "Climat et météo"}, format="json")
    restored = editor_client.post(f"{revisions(article['id'])}1/restore/").json()
    assert restored["tags"] == [{"name": "Climat et météo", "slug": "climat-et-meteo"}]


def test_unknown_revisions_are_404(editor_client):
    article = create(editor_client)
    assert editor_client.get(f"{revisions(article['id'])}9/").status_code == 404
    response = editor_client.post(f"{revisions(article['id'])}9/restore/")
    assert response.status_code == 404 and "revision 9" in response.json()["detail"]
    assert editor_client.get(revisions(999_999)).status_code == 404


def test_revisions_are_for_editors(api_client, reader_client, editor_client):
    article = ArticleFactory()  # published: readers see the article, not its history
    assert api_client.get(revisions(article.pk)).status_code == 401
    response = reader_client.get(revisions(article.pk))
    assert response.status_code == 403 and "editors" in response.json()["detail"]
    assert reader_client.post(f"{revisions(article.pk)}1/restore/").status_code == 403
    assert editor_client.get(revisions(article.pk)).status_code == 200


def test_contributors_read_the_history_of_their_own_articles_only(contributor_client):
    own = contributor_client.post(
        LIST, {"title": "Mon brouillon", "body": "Texte.", "language": "fr", "status": "draft"},
        format="json",
    ).json()  # fmt: skip
    assert contributor_client.get(revisions(own["id"])).status_code == 200
    published = ArticleFactory()  # another's, which they see
    response = contributor_client.get(revisions(published.pk))
    assert response.status_code == 403 and "another user's" in response.json()["detail"]


def test_revision_keep_drops_the_oldest(editor_client, settings):
    settings.REVISION_KEEP = 3
    article = create(editor_client)
    for number in range(4):
        editor_client.patch(f"{LIST}{article['id']}/", {"title": f"Titre {number}"})
    numbers = [r["number"] for r in editor_client.get(revisions(article["id"])).json()["results"]]
    assert numbers == [5, 4, 3]


def test_the_list_is_paginated_in_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    article = create(editor_client)
    for number in range(25):
        editor_client.patch(f"{LIST}{article['id']}/", {"title": f"Titre {number}"})
    # The throttle, the user's permissions (2), the article, the count, the page.
    with django_assert_max_num_queries(6):
        page = editor_client.get(revisions(article["id"]), {"page_size": 20}).json()
    assert page["count"] == 26 and len(page["results"]) == 20 and page["next"]
    with django_assert_max_num_queries(6):
        assert len(editor_client.get(page["next"]).json()["results"]) == 6
    assert editor_client.get(revisions(article["id"]), {"pages": 2}).status_code == 400


def test_bulk_keeps_revisions_set_based_and_skips_what_did_not_change(editor_client):
    items = [
        {**DRAFT, "title": f"Dépêche {n}", "url": f"https://example.org/d/{n}"} for n in range(3)
    ]
    assert editor_client.post(f"{LIST}bulk/", items, format="json").json()["created"] == 3
    ids = list(Article.objects.order_by("id").values_list("id", flat=True))
    versions = {a.pk: a.updated_at for a in Article.objects.all()}
    events = Event.objects.count()
    items[1] = {**items[1], "title": "Dépêche corrigée"}
    response = editor_client.post(f"{LIST}bulk/", items, format="json").json()
    assert response["updated"] == 3
    by_article = {
        pk: list(Revision.objects.filter(article_id=pk).values_list("source", flat=True))
        for pk in ids
    }
    assert by_article == {ids[0]: ["bulk"], ids[1]: ["bulk", "bulk"], ids[2]: ["bulk"]}
    newest = Revision.objects.filter(article_id=ids[1]).first()
    assert newest.changes == {"title": ["Dépêche 1", "Dépêche corrigée"]}
    unchanged = Article.objects.exclude(pk=ids[1])
    assert all(a.updated_at == versions[a.pk] for a in unchanged)  # their ETags stay
    told = Event.objects.order_by("id").values_list("object_id", flat=True)[events:]
    assert set(told) == {ids[1]}


def test_the_import_and_extract_keep_revisions_with_their_door(editor_client, editor, tmp_path):
    path = tmp_path / "articles.ndjson"
    path.write_text(json.dumps({**DRAFT, "url": "https://example.org/imported"}) + "\n")
    call_command("import_articles", str(path), "--workers", "1", "--user", "editor")
    imported = Revision.objects.get(article__url="https://example.org/imported")
    assert (imported.source, imported.username, imported.user) == ("import", "editor", editor)
    assert imported.article.created_by == editor

    page = "<html><body><h1>Un titre extrait</h1><p>Un corps de texte assez long.</p></body></html>"
    response = editor_client.post(
        f"{LIST}extract/?save=true", {"content": page, "language": "fr"}, format="json"
    )
    assert response.status_code == 201, response.json()
    extracted = Revision.objects.get(article_id=response.json()["id"])
    assert (extracted.source, extracted.username) == ("extract", "editor")
