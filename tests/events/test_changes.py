"""GET /api/v1/changes/: cursors, pages, retention, bad input; and a feed followed while many
writers commit out of order reproduces the archive exactly."""

from __future__ import annotations

import datetime
import random
import threading
import time

import pytest
from django.db import connection, transaction

from articles import events, services
from articles.models import Article
from tests.events.helpers import CHANGES, Mirror, follow
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_pages_of_any_size_give_every_event_once_in_order(api_client):
    for number in range(7):
        ArticleFactory(title=f"Article {number}")
    whole, end = follow(api_client)
    paged, paged_end = follow(api_client, limit=2)
    assert paged == whole and len(whole) == 7
    assert paged_end == end
    # The last page's cursor is one to resume from: the same once nothing happened...
    again = api_client.get(CHANGES, {"after": end}).json()
    assert again == {"results": [], "next_cursor": end, "has_more": False}
    # ...and it brings what happens next.
    ArticleFactory(title="Later")
    assert [e["slug"] for e in follow(api_client, end)[0]] == ["later"]
    # Each event's own cursor resumes right after it.
    assert follow(api_client, whole[3]["cursor"])[0] == whole[4:] + follow(api_client, end)[0]


def test_bad_parameters_are_400s(api_client):
    for params in ({"limit": 0}, {"limit": 1001}, {"limit": "x"}, {"after": "nonsense"},
                   {"after": "djEuci45OTk5OTk5OTk"}, {"cursor": "x"}):  # fmt: skip
        response = api_client.get(CHANGES, params)
        assert response.status_code == 400, params
        assert response.json()


def test_cursors_belong_to_their_audience(api_client, editor_client):
    ArticleFactory()
    _, editor_cursor = follow(editor_client)
    response = api_client.get(CHANGES, {"after": editor_cursor})
    assert response.status_code == 400
    assert "editors" in response.json()["after"][0]


def test_an_expired_cursor_is_410_resync(api_client, settings):
    ArticleFactory(title="Old")
    _, start = follow(api_client)
    ArticleFactory(title="Older still", tags=["Gone"])
    _, end = follow(api_client)
    connection.cursor().execute("UPDATE articles_event SET occurred_at = now() - interval '2 h'")
    settings.EVENT_RETENTION_DAYS = 0.0001
    from articles.events._worker import retention

    assert events.prune(retention()) == 3  # two articles and a tag
    response = api_client.get(CHANGES, {"after": start})
    assert response.status_code == 410
    assert response.json()["resync"] is True and response.json()["detail"]
    # The newest cursor is still good, and the feed starts from the oldest kept.
    assert api_client.get(CHANGES, {"after": end}).status_code == 200
    ArticleFactory(title="New")
    assert [e["slug"] for e in follow(api_client)[0]] == ["new"]


def test_the_worker_prunes_expired_events(settings):
    ArticleFactory()
    connection.cursor().execute("UPDATE articles_event SET occurred_at = now() - interval '1 h'")
    settings.EVENT_RETENTION_DAYS = 0.0001
    stop = threading.Event()
    stop.set()  # one round
    events.run_worker(stop)
    assert not connection.cursor().execute("SELECT 1 FROM articles_event").fetchall()


@pytest.mark.django_db(transaction=True)
def test_a_late_commit_is_not_skipped(client):
    """An event written first (a lower id) but committed after a later one still comes after
    the cursor a client got in between."""
    written, release = threading.Event(), threading.Event()

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                ArticleFactory(title="Early")
                written.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    written.wait(30)
    ArticleFactory(title="Late")
    seen, cursor = follow(client)
    assert [e["slug"] for e in seen if e["object"] == "article"] == ["late"]
    release.set()
    thread.join()
    seen, _ = follow(client, cursor)
    assert [e["slug"] for e in seen if e["object"] == "article"] == ["early"]


WRITERS = 4
WRITES_EACH = 15


def _writer(number: int, barrier: threading.Barrier, errors: list) -> None:
    rng = random.Random(number)
    try:
        barrier.wait()
        mine: list[int] = []
        for step in range(WRITES_EACH):
            with transaction.atomic():
                choice = rng.random()
                if not mine or choice < 0.4:
                    article = services.article_create(
                        title=f"W{number} {step}", body="Text.", language="en",
                        status=rng.choice(["published", "draft"]), tags=[f"T{rng.randrange(4)}"],
                        published_at=datetime.datetime.now(datetime.UTC),
                    )  # fmt: skip
                    mine.append(article.pk)
                elif choice < 0.7:
                    article = Article.objects.get(pk=rng.choice(mine))
                    services.article_update(
                        article, status=rng.choice(["published", "draft", "archived"]),
                        title=f"W{number} {step} changed",
                    )  # fmt: skip
                elif choice < 0.85:
                    services.article_update(
                        Article.objects.get(pk=rng.choice(mine)), tags=[f"T{rng.randrange(4)}"]
                    )
                else:
                    pk = mine.pop(rng.randrange(len(mine)))
                    services.article_delete(Article.objects.get(pk=pk))
                # Held open a while after writing: transactions commit out of id order.
                threading.Event().wait(rng.uniform(0, 0.03))
    except Exception as error:
        errors.append(error)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_feed_followed_during_concurrent_writes_mirrors_the_archive(client):
    barrier = threading.Barrier(WRITERS + 1)
    errors: list = []
    threads = [threading.Thread(target=_writer, args=(n, barrier, errors)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    mirror, cursor, pages = Mirror(), None, 0
    while any(thread.is_alive() for thread in threads):
        found, cursor = follow(client, cursor, limit=7)
        mirror.apply(found)
        pages += 1
        time.sleep(0.1)  # within the anonymous rate (THROTTLE_ANON)
    for thread in threads:
        thread.join()
    found, cursor = follow(client, cursor, limit=7)
    mirror.apply(found)
    assert not errors
    assert pages > 3  # the client followed while the writers wrote
    archive = {
        row["id"]: row
        for row in client.get("/api/v1/articles/", {"page_size": 100}).json()["results"]
    }
    mirrored = mirror.of("article")
    assert set(mirrored) == set(archive)
    for pk, data in mirrored.items():
        detail = client.get(f"/api/v1/articles/{pk}/").json()
        assert data == detail
    tags = {t["slug"] for t in client.get("/api/v1/tags/").json()["results"]}
    assert {data["slug"] for data in mirror.of("tag").values()} == tags
