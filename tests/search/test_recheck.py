"""A search asks the change log nothing while nothing was written on this host since its
process last asked, less than ``SEARCH_RECHECK_MS`` ago: every write on the host changes the
index folder's write mark once it commits, so read-your-writes stays exact across processes,
and a write the mark cannot tell of (another host's) shows within that time. These tests
commit for real: inside a transaction (a test's, or ATOMIC_REQUESTS) a search always asks."""

from __future__ import annotations

import json
import os
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import search, services, synonyms
from articles.api import throttling
from articles.search import _changelog, _storage
from tests.factories import ArticleFactory, indexed
from tests.live import environment, gunicorn, request, run_python

# On disk: an index in memory has no mark other processes could change, so it always asks.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.index_on_disk]


def asked_log(captured: CaptureQueriesContext) -> bool:
    return any("newsapi_search_state" in query["sql"] for query in captured)


def rename_behind_the_marks_back(article_id: int, title: str) -> None:
    """A write as another host makes it: the row and the change log, committed, and this
    host's write mark left as it was."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE articles_article SET title = %s WHERE id = %s", [title, article_id])
    _changelog.record(_changelog.ARTICLE, [article_id])


def test_a_search_asks_the_log_nothing_when_nothing_was_written_since(settings):
    settings.SEARCH_RECHECK_MS = 60_000
    ArticleFactory(title="Glaciers of the north", language="en")
    assert indexed("glaciers")  # applies the new article
    assert indexed("glaciers")  # asks once more, at the new position: nothing pending
    with CaptureQueriesContext(connection) as captured:
        assert indexed("glaciers")
    assert len(captured) == 0


def test_a_write_on_this_host_is_searched_at_once(settings):
    settings.SEARCH_RECHECK_MS = 60_000
    ArticleFactory(title="Glaciers of the north", language="en")
    indexed("glaciers"), indexed("glaciers")
    second = services.article_create(
        title="Glaciers of the south", body="b", language="en", status="published"
    )
    with CaptureQueriesContext(connection) as captured:
        assert second.pk in indexed("glaciers")
    assert asked_log(captured)


def test_a_write_from_elsewhere_shows_once_the_recheck_time_is_over(settings):
    settings.SEARCH_RECHECK_MS = 60_000
    article = ArticleFactory(title="Glaciers of the north", language="en")
    indexed("glaciers"), indexed("glaciers")
    rename_behind_the_marks_back(article.pk, "Icebergs of the north")
    assert indexed("icebergs") == set()  # not asked: the mark says nothing changed here
    settings.SEARCH_RECHECK_MS = 200
    deadline = time.monotonic() + 10
    while indexed("icebergs") != {article.pk}:
        assert time.monotonic() < deadline, "another host's write never showed"
        time.sleep(0.05)


def test_with_no_recheck_time_every_search_asks(settings):
    settings.SEARCH_RECHECK_MS = 0
    article = ArticleFactory(title="Glaciers of the north", language="en")
    indexed("glaciers"), indexed("glaciers")
    rename_behind_the_marks_back(article.pk, "Icebergs of the north")
    assert indexed("icebergs") == {article.pk}


def test_a_synonym_set_applies_to_the_next_search(settings):
    settings.SEARCH_RECHECK_MS = 60_000
    article = ArticleFactory(title="Kyiv in winter", language="en")
    indexed("kyiv"), indexed("kyiv")
    assert indexed("kiev") == set()
    made = synonyms.synonym_set_create(terms=["Kyiv", "Kiev"])
    assert indexed("kiev") == {article.pk}
    synonyms.synonym_set_delete(made)
    assert indexed("kiev") == set()


def test_the_api_asks_no_statement_before_the_engine_when_nothing_changed(
    api_client, settings, monkeypatch
):
    settings.SEARCH_RECHECK_MS = 60_000
    ArticleFactory(title="Glaciers of the north", language="en")
    url = "/api/v1/articles/?q=glaciers"
    for _ in range(2):  # applies, then asks at the new position
        assert api_client.get(url).json()["count"] == 1
    # Counted in PostgreSQL: the throttle's statement, without the log's question.
    with CaptureQueriesContext(connection) as captured:
        assert api_client.get(url).json()["count"] == 1
    assert "newsapi_throttle" in captured[0]["sql"] and not asked_log(captured)
    assert len(captured) == 2  # the throttle, the page's rows
    # Counted in Redis: no statement at all before the page's rows.
    monkeypatch.setattr(
        throttling, "counts", lambda: throttling.RedisCounts("redis://127.0.0.1:6379/15")
    )
    with CaptureQueriesContext(connection) as captured:
        assert api_client.get(url).json()["count"] == 1
    assert len(captured) == 1 and "articles_article" in captured[0]["sql"]
    ArticleFactory(title="Glaciers of the south", language="en")
    with CaptureQueriesContext(connection) as captured:
        assert api_client.get(url).json()["count"] == 2
    assert asked_log(captured)


def test_an_index_in_memory_always_asks(settings):
    settings.SEARCH_INDEX_PATH = ":memory:"
    search.forget_engines()
    settings.SEARCH_RECHECK_MS = 60_000
    article = ArticleFactory(title="Glaciers of the north", language="en")
    indexed("glaciers"), indexed("glaciers")
    rename_behind_the_marks_back(article.pk, "Icebergs of the north")
    assert indexed("icebergs") == {article.pk}


def test_the_write_mark_changes_with_every_write_and_unreadable_means_ask(tmp_path):
    storage = _storage.DiskStorage(tmp_path / "search")
    assert storage.writes() == b""  # nothing written yet
    storage.mark_write()
    first = storage.writes()
    storage.mark_write()
    assert len(first) == 8 and storage.writes() not in (b"", first)
    old = os.umask(0o002)
    try:
        shared = _storage.DiskStorage(tmp_path / "shared")
        shared.mark_write()
    finally:
        os.umask(old)
    assert (tmp_path / "shared" / _storage.WRITES_FILE).stat().st_mode & 0o777 == 0o664
    (tmp_path / "a-file").write_text("")
    assert _storage.DiskStorage(tmp_path / "a-file").writes() is None


def test_a_write_the_mark_cannot_record_still_answers(settings, caplog):
    settings.SEARCH_INDEX_PATH = "/proc/newsapi-cannot-write-here"
    search.forget_engines()
    article = services.article_create(title="Kept", body="b", language="en", status="draft")
    assert article.pk
    assert "cannot change its write mark" in caplog.text


@pytest.mark.slow
@pytest.mark.index_on_disk
def test_a_write_by_another_process_is_searched_at_once_by_every_worker(tmp_path):
    """Both workers have just asked (nothing pending, the recheck time far off); a write
    committed by another process of the host shows in the very next search."""
    ArticleFactory(title="Warm up")
    env = environment(tmp_path / "search", SEARCH_RECHECK_MS="600000")
    with gunicorn(env, workers=2) as base:
        for n in range(4):
            for _ in range(8):  # fresh connections: either worker, each asked and answered
                status, _, body = request(f"{base}/api/v1/articles/?q=story")
                assert status == 200, body
            word = f"qqqmark{n}"
            written = run_python(
                "import django; django.setup()\n"
                "from articles import services\n"
                f"services.article_create(title='Story {word}', body='b', language='en',"
                " status='published')\n",
                env,
            )
            assert written.returncode == 0, written.stderr
            for _ in range(4):
                status, _, body = request(f"{base}/api/v1/articles/?q={word}")
                assert [a["title"] for a in json.loads(body)["results"]] == [f"Story {word}"]
