"""Scheduling and expiry (SPEC: Lifecycle): a published article dated in the future, or past
its ``expires_at``, is hidden from readers through every door until (from) that instant, with
no worker needed for reads; the worker then writes its ``article.published`` /
``article.unpublished`` once. The tests move through a real instant a few seconds away (the
index compares with the time of each search: nothing is mocked)."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

import pytest
from django.utils import timezone
from django.utils.http import http_date

from articles import events
from articles.events.models import Event
from articles.models import Article
from tests.events.helpers import follow, types
from tests.factories import ArticleFactory

ARTICLES = "/api/v1/articles/"
LEAD_S = 2.0  # how far ahead the instant is set: the "before" checks run within it


def later(seconds: float = LEAD_S) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=seconds)


def wait_until(condition: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def doors(client, article_id: int, neighbour_id: int) -> dict[str, bool]:
    """Whether each door shows the article (or its names) to this client."""

    def ids(path: str, **params) -> set[int]:
        data = client.get(path, params).json()
        return {item["id"] for item in data.get("results", data.get("items", []))}

    facets = client.get(f"{ARTICLES}facets/").json()
    suggest = client.get("/api/v1/suggest/", {"q": "volcan"}).json()
    names = client.get("/api/v1/suggest/", {"q": "embarg"}).json()
    feed = client.get("/feeds/articles.json").json()
    quotes = client.get("/api/v1/quotes/", {"q": "lava"}).json()["results"]
    return {
        "list": article_id in ids(ARTICLES),
        "search": article_id in ids(ARTICLES, q="volcano"),
        "count": client.get(ARTICLES).json()["count"] == 2,
        "filtered count": client.get(ARTICLES, {"tag": "embargoed-island"}).json()["count"] == 1,
        "facets": {"slug": "embargoed-island", "name": "Embargoed island", "count": 1}
        in facets["tags"],
        "facet total": facets["total"] == 2,
        "suggested title": [a["id"] for a in suggest["articles"]] == [article_id],
        "suggested tag": [t["slug"] for t in names["tags"]] == ["embargoed-island"],
        "suggested author": [a["slug"] for a in names["authors"]] == ["embargo-writer"],
        "suggested source": bool(
            client.get("/api/v1/suggest/", {"q": "secret vol"}).json()["sources"]
        ),
        "related": article_id in ids(f"{ARTICLES}{neighbour_id}/related/"),
        "quotes": [q["article"]["id"] for q in quotes] == [article_id],
        "quotes by source": bool(
            client.get("/api/v1/quotes/", {"source": "secret-volcanologist"}).json()["count"]
        ),
        "detail": client.get(f"{ARTICLES}{article_id}/").status_code == 200,
        "feed": any(item["id"].endswith(f"/articles/{article_id}/") for item in feed["items"]),
        "tag detail": client.get("/api/v1/tags/embargoed-island/").status_code == 200,
        "tag list": "embargoed-island"
        in {t["slug"] for t in client.get("/api/v1/tags/").json()["results"]},
        "shared tag count": client.get("/api/v1/tags/islands/").json()["article_count"] == 2,
        "author count": client.get("/api/v1/authors/").json()["count"] == 2,
        "source count": client.get("/api/v1/sources/secret-volcanologist/").status_code == 200
        and client.get("/api/v1/sources/secret-volcanologist/").json()["quote_count"] == 1,
    }


def volcano(**dates) -> dict:
    return ArticleFactory(
        title="Volcano erupts on the island",
        body="The volcano on the island erupted at dawn, sending lava to the sea.",
        tags=["Islands", "Embargoed island"],
        authors=["Embargo Writer"],
        quotes=[{"source": "Secret Volcanologist", "text": "The lava reached the sea."}],
        **dates,
    )


@pytest.fixture
def neighbour(db):
    return ArticleFactory(
        title="Islands of the Atlantic",
        body="Island life on the Atlantic islands.",
        tags=["Islands"],
        authors=["Island Reporter"],
    )


def test_a_scheduled_article_appears_at_its_instant_through_every_door(
    api_client, editor_client, neighbour
):
    _, start = follow(api_client)
    article = volcano(published_at=later())
    hidden = doors(api_client, article.pk, neighbour.pk)
    assert not any(hidden.values()), hidden
    assert editor_client.get(f"{ARTICLES}{article.pk}/").status_code == 200
    wait_until(lambda: api_client.get(f"{ARTICLES}{article.pk}/").status_code == 200)
    shown = doors(api_client, article.pk, neighbour.pk)
    assert all(shown.values()), shown
    # Changed before the feed last answered: a conditional GET must not hear "not modified".
    published_at = Article.objects.get(pk=article.pk).published_at
    assert api_client.get("/feeds/articles.rss")["Last-Modified"] == http_date(
        published_at.timestamp()
    )

    # The change feed told readers nothing until the worker saw the instant pass; then once.
    events.sequence()
    assert follow(api_client, start)[0] == []
    events.publish_due()
    events.publish_due()  # a second look (another worker) tells nothing again
    events.sequence()
    told, _ = follow(api_client, start)
    assert types(told) == [
        ("article.published", article.slug),
        ("tag.created", "embargoed-island"),
        ("author.created", "embargo-writer"),
        ("source.created", "secret-volcanologist"),
    ]
    published = told[0]
    assert published["data"]["id"] == article.pk and published["data"]["expires_at"] is None


def test_an_expired_article_disappears_at_its_instant_through_every_door(api_client, neighbour):
    article = volcano(published_at=timezone.now() - datetime.timedelta(hours=1),
                      expires_at=later())  # fmt: skip
    events.sequence()
    _, start = follow(api_client)
    shown = doors(api_client, article.pk, neighbour.pk)
    assert all(shown.values()), shown
    wait_until(lambda: api_client.get(f"{ARTICLES}{article.pk}/").status_code == 404)
    hidden = doors(api_client, article.pk, neighbour.pk)
    assert not any(hidden.values()), hidden
    # The expired item left the feed with no change of its own: still "modified" since.
    expires_at = Article.objects.get(pk=article.pk).expires_at
    assert api_client.get("/feeds/articles.atom")["Last-Modified"] == http_date(
        expires_at.timestamp()
    )

    events.publish_due()
    events.publish_due()
    events.sequence()
    told, _ = follow(api_client, start)
    assert types(told) == [
        ("article.unpublished", article.slug),
        ("tag.deleted", "embargoed-island"),
        ("author.deleted", "embargo-writer"),
        ("source.deleted", "secret-volcanologist"),
    ]
    assert told[0]["data"] == {"id": article.pk, "slug": article.slug}


def test_editors_see_scheduled_and_expired_articles(editor_client):
    scheduled = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=1))
    expired = ArticleFactory(
        published_at=timezone.now() - datetime.timedelta(days=2),
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    listed = {a["id"] for a in editor_client.get(ARTICLES).json()["results"]}
    assert {scheduled.pk, expired.pk} <= listed
    assert editor_client.get(f"{ARTICLES}{expired.pk}/").json()["expires_at"] is not None


def test_the_worker_tells_a_schedule_once_and_only_when_its_time_came(api_client, editor_client):
    article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=1))
    assert events.publish_due() == 0  # not due: nothing looked at
    events.sequence()
    assert [e["type"] for e in follow(editor_client)[0]] == ["article.created"]
    assert follow(api_client)[0] == []
    # Brought forward by an editor: the write itself publishes it (no worker needed).
    editor_client.patch(
        f"{ARTICLES}{article.pk}/",
        {"published_at": (timezone.now() - datetime.timedelta(minutes=1)).isoformat()},
        format="json",
    )
    assert events.publish_due() == 0
    assert Event.objects.filter(type="article.published", object_id=article.pk).count() == 1


def test_moving_a_live_article_into_the_future_unpublishes_it_for_readers(editor_client):
    article = ArticleFactory()
    editor_client.patch(
        f"{ARTICLES}{article.pk}/",
        {"published_at": (timezone.now() + datetime.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert Event.objects.filter(type="article.unpublished", object_id=article.pk).count() == 1


def test_suggestions_pass_over_names_only_hidden_articles_use(api_client, editor_client):
    hidden = [f"Alpine pass {n}" for n in range(1, 8)]  # more than one page of suggestions
    ArticleFactory(tags=hidden[:4], published_at=timezone.now() + datetime.timedelta(days=1))
    ArticleFactory(tags=hidden[4:], expires_at=timezone.now() - datetime.timedelta(minutes=1),
                   published_at=timezone.now() - datetime.timedelta(days=1))  # fmt: skip
    ArticleFactory(tags=["Alpine pass 9"])

    def suggested(client) -> list[str]:
        return [t["name"] for t in client.get("/api/v1/suggest/", {"q": "alpine"}).json()["tags"]]

    assert suggested(api_client) == ["Alpine pass 9"]
    assert suggested(editor_client) == hidden[:5]
