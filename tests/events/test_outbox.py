"""Every change a client could see is an event, written in the change's transaction, through
every door; readers never learn of drafts nor of the names only drafts use."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import bulk, selectors, services
from articles.api.serializers import ArticleDetailSerializer, named_serializer
from articles.events import _outbox
from articles.events.models import Event
from articles.kinds import of_model
from articles.models import Article, Author, QuotedSource, Tag
from tests.events.helpers import Mirror, follow, types
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PUBLISHED = {
    "title": "Glaciers melt", "body": "<p>Fast.</p>", "language": "en", "status": "published",
    "published_at": "2026-10-02T09:30:00Z", "tags": ["Climate"], "authors": ["Ann Lee"],
    "quotes": [{"source": "Jo Huss", "text": "It goes fast."}],
}  # fmt: skip


def test_a_published_article_is_one_event_whose_data_is_its_detail(api_client, editor_client):
    response = editor_client.post("/api/v1/articles/", PUBLISHED, format="json")
    assert response.status_code == 201
    article_id = response.json()["id"]
    events, _ = follow(api_client)
    assert types(events) == [
        ("article.published", "glaciers-melt"),
        ("tag.created", "climate"),
        ("author.created", "ann-lee"),
        ("source.created", "jo-huss"),
    ]
    detail = api_client.get(f"/api/v1/articles/{article_id}/").json()
    assert events[0]["data"] == detail
    assert events[0]["object"] == "article" and events[0]["id"] == article_id
    assert events[1]["data"] == api_client.get("/api/v1/tags/climate/").json()


def test_readers_never_learn_of_drafts_nor_their_names(api_client, editor_client):
    draft = {**PUBLISHED, "status": "draft", "published_at": None, "tags": ["Embargo"]}
    article_id = editor_client.post("/api/v1/articles/", draft, format="json").json()["id"]
    assert follow(api_client)[0] == []
    editor_events, cursor = follow(editor_client)
    assert types(editor_events) == [
        ("article.created", "glaciers-melt"), ("tag.created", "embargo"),
        ("author.created", "ann-lee"), ("source.created", "jo-huss"),
    ]  # fmt: skip
    editor_client.patch(f"/api/v1/articles/{article_id}/", {"title": "Changed"}, format="json")
    editor_client.delete(f"/api/v1/articles/{article_id}/")
    assert follow(api_client)[0] == []
    assert types(follow(editor_client, cursor)[0]) == [
        ("article.updated", "glaciers-melt"), ("article.deleted", "glaciers-melt"),
    ]  # fmt: skip
    # Names the draft alone used never reach readers, not even as tombstones.
    assert not Event.objects.filter(public=True).exists()


def test_publishing_unpublishing_and_deleting_tell_readers(api_client, editor_client):
    draft = {**PUBLISHED, "status": "draft", "published_at": None}
    article_id = editor_client.post("/api/v1/articles/", draft, format="json").json()["id"]
    _, cursor = follow(api_client)
    editor_client.patch(f"/api/v1/articles/{article_id}/", {"status": "published"}, format="json")
    events, cursor = follow(api_client, cursor)
    assert types(events) == [
        ("article.published", "glaciers-melt"), ("tag.created", "climate"),
        ("author.created", "ann-lee"), ("source.created", "jo-huss"),
    ]  # fmt: skip
    editor_client.patch(f"/api/v1/articles/{article_id}/", {"title": "Melting"}, format="json")
    events, cursor = follow(api_client, cursor)
    assert types(events) == [("article.updated", "glaciers-melt")]
    assert events[0]["data"]["title"] == "Melting"
    editor_client.patch(f"/api/v1/articles/{article_id}/", {"status": "draft"}, format="json")
    events, cursor = follow(api_client, cursor)
    assert types(events) == [
        ("article.unpublished", "glaciers-melt"), ("tag.deleted", "climate"),
        ("author.deleted", "ann-lee"), ("source.deleted", "jo-huss"),
    ]  # fmt: skip
    assert events[0]["data"] == {"id": article_id, "slug": "glaciers-melt"}
    editor_client.patch(f"/api/v1/articles/{article_id}/", {"status": "published"}, format="json")
    editor_client.delete(f"/api/v1/articles/{article_id}/")
    events, _ = follow(api_client, cursor)
    assert [e["type"] for e in events][-4:] == [
        "article.deleted", "tag.deleted", "author.deleted", "source.deleted",
    ]  # fmt: skip


def test_editors_get_drafts_back_after_an_unpublish(editor_client):
    article = ArticleFactory(title="Shown", tags=["Kept"])
    _, cursor = follow(editor_client)
    services.articles_set_status(Article.objects.filter(pk=article.pk), "draft")
    events, _ = follow(editor_client, cursor)
    shown = [(e["type"], bool(e["data"].get("title"))) for e in events if e["object"] == "article"]
    assert shown == [
        ("article.unpublished", False), ("article.updated", True),
    ]  # fmt: skip


def test_renaming_a_tag_updates_it_and_its_articles(api_client):
    article = ArticleFactory(title="Tagged", tags=["Kiev"])
    _, cursor = follow(api_client)
    services.named_update(Tag.objects.get(slug="kiev"), name="Kyiv")
    events, cursor = follow(api_client, cursor)
    assert types(events) == [("article.updated", "tagged"), ("tag.updated", "kyiv")]
    assert events[0]["data"]["tags"] == [{"name": "Kyiv", "slug": "kyiv"}]
    assert events[0]["data"]["updated_at"] != article.updated_at
    services.named_delete(Tag.objects.get(slug="kyiv"))
    events, _ = follow(api_client, cursor)
    assert types(events) == [("article.updated", "tagged"), ("tag.deleted", "kyiv")]


def test_a_failed_write_leaves_no_event(editor_client):
    bad = {**PUBLISHED, "quotes": [{"source": "X", "text": "   "}]}
    assert editor_client.post("/api/v1/articles/", bad, format="json").status_code == 400
    assert not Event.objects.exists()


def _items(count: int, status: str = "published", names: str = "") -> list[dict]:
    return [
        {**PUBLISHED, "title": f"Item {n}", "url": f"https://example.org/{names}{n}",
         "status": status, "tags": [f"Tag {names}{n % 3}"], "authors": [f"Ann {names}"],
         "quotes": [{"source": f"Jo {names}", "text": "Said."}]}
        for n in range(count)
    ]  # fmt: skip


def _bulk_queries(count: int, names: str) -> int:
    from articles import ingest

    with CaptureQueriesContext(connection) as queries:
        outcomes = ingest.upsert_values(_items(count, names=names))
    assert {o.status for o in outcomes} == {bulk.CREATED}
    return len(queries)


def test_bulk_writes_its_events_set_based(api_client):
    few = _bulk_queries(3, "a")
    many = _bulk_queries(60, "b")
    assert many == few  # the same statements whatever the number of articles
    events, _ = follow(api_client)
    assert [e["type"] for e in events].count("article.published") == 63


def test_bulk_endpoint_and_updates(api_client, editor_client):
    response = editor_client.post("/api/v1/articles/bulk/", _items(4), format="json")
    assert response.json()["created"] == 4
    _, cursor = follow(api_client)
    changed = [{**item, "title": "Changed"} for item in _items(4)]
    assert (
        editor_client.post("/api/v1/articles/bulk/", changed, format="json").json()["updated"] == 4
    )
    events, _ = follow(api_client, cursor)
    assert [e["type"] for e in events] == ["article.updated"] * 4
    assert {e["data"]["title"] for e in events} == {"Changed"}


def test_import_and_extract_write_events(api_client, editor_client, tmp_path):
    path = tmp_path / "a.ndjson"
    path.write_text("\n".join(json.dumps(item) for item in _items(3)))
    call_command("import_articles", str(path), "--no-progress", "--workers", "1",
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    events, _ = follow(api_client)
    assert [e["type"] for e in events].count("article.published") == 3
    page = (
        "<html><body><h1>A page title here</h1><p>"
        + "Words of a page. " * 30
        + "</p></body></html>"
    )
    response = editor_client.post(
        "/api/v1/articles/extract/?save=true", {"content": page, "language": "en"}, format="json"
    )
    assert response.status_code == 201, response.content
    editor_events, _ = follow(editor_client)
    assert editor_events[-1]["type"] == "article.created" or any(
        e["type"] == "article.created" and e["id"] == response.json()["id"] for e in editor_events
    )


def test_admin_saves_and_status_actions_write_events(api_client, admin_client_logged_in):
    article = ArticleFactory(title="Adminned", status="draft", published_at=None)
    _, cursor = follow(api_client)
    response = admin_client_logged_in.post(
        "/admin/articles/article/",
        {"action": "publish", "_selected_action": [article.pk]},
    )
    assert response.status_code == 302
    events, cursor = follow(api_client, cursor)
    assert types(events) == [("article.published", "adminned")]
    admin_client_logged_in.post(
        "/admin/articles/article/", {"action": "unpublish", "_selected_action": [article.pk]}
    )
    events, _ = follow(api_client, cursor)
    assert types(events) == [("article.unpublished", "adminned")]


def test_a_bulk_written_articles_event_data_is_its_detail(api_client, editor_client):
    response = editor_client.post("/api/v1/articles/bulk/", [PUBLISHED], format="json")
    assert response.json()["created"] == 1
    events, _ = follow(api_client)
    [event] = [e for e in events if e["type"] == "article.published"]
    detail = api_client.get(f"/api/v1/articles/{event['id']}/").json()
    assert event["data"] == detail
    assert event["data"]["tags"] and event["data"]["authors"] and event["data"]["quotes"]


def test_an_events_data_goes_out_as_written_its_link_made_absolute(api_client):
    """The feed sends each event's stored JSON text as it is, rewriting only the links' path:
    text that looks like a link, quotes, backslashes and accents come back unchanged."""
    title = 'Le "self":"/piège\\ d\'été, {"self": "/x"} \u2028'
    article = ArticleFactory(title=title, standfirst='"self":"/api/v1/articles/1/"')
    events, _ = follow(api_client)
    [event] = [e for e in events if e["type"] == "article.published"]
    assert event["data"] == api_client.get(f"/api/v1/articles/{article.pk}/").json()
    assert event["data"]["title"] == title
    assert event["data"]["links"]["self"] == f"http://testserver/api/v1/articles/{article.pk}/"


def test_a_name_gone_from_readers_then_deleted_leaves_both_mirrors_right(api_client, editor_client):
    """A tag readers lose (its one live article back to draft) is deleted for them and
    updated for editors, in that order; deleted afterwards, it goes from editors' copies too."""
    readers, editors = Mirror(), Mirror()
    article = ArticleFactory(title="Shown", tags=["Fleeting"])
    tag = Tag.objects.get(slug="fleeting")
    reader_events, reader_cursor = follow(api_client)
    editor_events, editor_cursor = follow(editor_client)
    readers.apply(reader_events)
    editors.apply(editor_events)
    services.articles_set_status(Article.objects.filter(pk=article.pk), "draft")
    reader_events, reader_cursor = follow(api_client, reader_cursor)
    editor_events, editor_cursor = follow(editor_client, editor_cursor)
    assert [t for t in types(editor_events) if t[0].startswith("tag.")] == [
        ("tag.deleted", "fleeting"), ("tag.updated", "fleeting"),
    ]  # fmt: skip
    readers.apply(reader_events)
    editors.apply(editor_events)
    assert readers.of("tag") == {} and readers.of("article") == {}
    assert set(editors.of("tag")) == {tag.pk} and set(editors.of("article")) == {article.pk}
    services.named_delete(tag)
    reader_events, _ = follow(api_client, reader_cursor)
    editor_events, _ = follow(editor_client, editor_cursor)
    assert reader_events == []
    assert types(editor_events) == [("article.updated", "shown"), ("tag.deleted", "fleeting")]
    editors.apply(editor_events)
    assert editors.of("tag") == {} and editors.of("article")[article.pk]["tags"] == []


@pytest.mark.parametrize("model", [Tag, Author, QuotedSource])
def test_a_names_event_written_in_sql_is_its_representation(model, settings, api_client):
    """A name's event data is written in SQL (``json_sql``): the very text the outbox would
    store of the serializer's representation (keys in order, escapes, its link quoted as
    ``reverse`` quotes it, null and empty fields, counts), before and after readers lose it."""
    settings.TIME_ZONE = "America/New_York"  # nothing in it depends on the zone
    names = ['Zoé "Z" Arnaud \\ l\'été', "ข่าว", "🌍 Planet & Co", "C++ / Rust"]
    extra = {Tag: {}, Author: {"aliases": ["Zoé A.", "Z. \"A\""], "bio": "Née à Lyon.\nPlume\t!",
                               "url": "https://example.org/zoe?a=1&b=é"},
             QuotedSource: {"aliases": ["Z. Arnaud"], "kind": "organization",
                            "description": "Porte-parole \"adjointe\""}}[model]  # fmt: skip
    services.named_create(model, name=names[0], wikidata_id="Q42", **extra)
    quotes = [{"source": name, "text": "Oui."} for name in names]
    article = ArticleFactory(tags=names, authors=names, quotes=quotes)
    ArticleFactory(quotes=[{"source": "senior official", "kind": "anonymous", "text": "Non."}])
    kind, thai = of_model(model).name, model.objects.get(name=names[1]).pk
    told = _last_data(kind)
    assert told == _shown(model) and len(told) >= len(names)
    assert '"self":"/api/v1/' in told[thai] and f'"{_count(model)}":1' in told[thai]
    events = [e for e in follow(api_client)[0] if e["object"] == kind and e["id"] == thai]
    detail = api_client.get(events[-1]["data"]["links"]["self"]).json()
    # A source's detail adds the dates of its first and last quotes, which its events (its row
    # as the list shows it) have never carried.
    assert events[-1]["data"] == {
        field: value for field, value in detail.items()
        if field not in ("first_quoted_at", "last_quoted_at")
    }  # fmt: skip
    services.articles_set_status(Article.objects.filter(pk=article.pk), "draft")
    told = _last_data(kind)  # editors get it back, without its count
    assert told == _shown(model) and f'"{_count(model)}":0' in told[thai]


def _count(model) -> str:
    return "quote_count" if model is QuotedSource else "article_count"


def _last_data(kind: str) -> dict[int, str]:
    """Each object's last event data, as the stored text."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (object_id) object_id, data::text FROM articles_event"
            " WHERE object = %s AND type NOT LIKE '%%.deleted' ORDER BY object_id, id DESC",
            [kind],
        )
        return dict(cursor.fetchall())


def _shown(model) -> dict[int, str]:
    """Every name of ``model`` as the outbox would write its representation in Python."""
    serializer = named_serializer(model)()
    rows = selectors.names_with_counts(model).values(*named_serializer(model).columns())
    return {row["id"]: _outbox.compact_json(serializer.to_representation(row)) for row in rows}


def test_an_articles_event_written_in_sql_is_its_detail_text(settings):
    """An article's event data is written in SQL (``json_sql``): the very text the outbox
    would store of the detail serializer's representation (date-times with and without
    microseconds or none, reading time, relations in order, escapes, null fields)."""
    settings.TIME_ZONE = "America/New_York"  # answers are in UTC whatever the zone
    at = datetime.datetime(2026, 10, 2, 9, 30, 15, tzinfo=datetime.UTC)
    made = [
        ArticleFactory(title='Le "self":"/x" \\ été\ttab 🌍', published_at=at, url=None,
                       body="<p>" + "mot " * 500 + "</p>", tags=["Zoé", "ข่าว", "Alpes"],
                       authors=["B", "A"], expires_at=at + datetime.timedelta(days=999),
                       quotes=[{"source": "Jo \"J\" Huss", "text": "Vite.\nOui.",
                                "kind": "organization"}]),
        ArticleFactory(published_at=at.replace(microsecond=120000)),
        ArticleFactory(status="draft", published_at=None, tags=[]),
    ]  # fmt: skip
    rows = selectors.article_rows([article.pk for article in made], body=True)
    serializer = ArticleDetailSerializer()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT object_id, data::text FROM articles_event WHERE object = 'article' ORDER BY id"
        )
        stored = dict(cursor.fetchall())
    for article in made:
        assert stored[article.pk] == _outbox.compact_json(
            serializer.to_representation(rows[article.pk])
        )
