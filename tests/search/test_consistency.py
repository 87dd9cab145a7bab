"""The index never misses a write: across processes, crashes, rebuilds, other databases and
transactions that commit out of order. These tests commit for real (other processes must see
the data) and run real gunicorn workers and Python processes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction
from rest_framework.authtoken.models import Token

from articles import search, services
from tests.conftest import EDITOR_PERMISSIONS
from tests.factories import ArticleFactory, UserFactory, indexed
from tests.live import ROOT, environment, gunicorn, request, run_python

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.index_on_disk]


def titles(base: str, q: str) -> list[str]:
    status, _, body = request(f"{base}/api/v1/articles/?q={q}")
    assert status == 200, body
    return [a["title"] for a in json.loads(body)["results"]]


@pytest.mark.slow
def test_read_your_writes_across_two_gunicorn_workers(tmp_path):
    editor = UserFactory(username="writer", permissions=EDITOR_PERMISSIONS)
    token = Token.objects.create(user=editor).key
    ArticleFactory(title="Warm up")
    with gunicorn(environment(tmp_path / "search"), workers=2) as base:
        for n in range(24):
            word = f"zyxword{n}"
            status, _, body = request(
                f"{base}/api/v1/articles/", method="POST", token=token,
                data={"title": f"Story {word}", "body": "Text.", "language": "en",
                      "status": "published"},
            )  # fmt: skip
            assert status == 201, body
            # Fresh connections: the kernel hands them to either worker.
            assert titles(base, word) == [f"Story {word}"], n
        status, _, body = request(f"{base}/api/v1/articles/?q=zyxword7")
        article = json.loads(body)["results"][0]
        request(
            f"{base}/api/v1/articles/{article['id']}/", method="PATCH", token=token,
            data={"title": "Renamed qqqrenamed"},
        )  # fmt: skip
        for _ in range(6):  # whichever worker answers
            assert titles(base, "qqqrenamed") == ["Renamed qqqrenamed"]
            assert titles(base, "zyxword7") == []


CRASH_DURING_APPLY = """
import os, django
django.setup()
from articles import search, services
from articles.search import _engine, _writing
search.engine().searcher()  # the index, up to date
services.article_create(title="Survivor {word}", body="b", language="en", status="published")
def die(*args, **kwargs):
    os._exit(3)
module, name = "{target}".split(".")
setattr(_writing if module == "_writing" else _engine, name, die)
search.engine().searcher()  # applies the new article, and dies at {target}
"""


@pytest.mark.parametrize("target", ["_writing.commit", "_engine.IndexState"])
@pytest.mark.slow
def test_a_crash_between_the_database_commit_and_the_index_leaves_nothing_out(tmp_path, target):
    """Killed before the index commit, or after it but before the position was saved: the
    change is in the log, and the next search (another process) applies it, once."""
    ArticleFactory(title="Before")
    env = environment(tmp_path / "search")
    word = f"crash{target.split('.')[1].lower()}"
    result = run_python(CRASH_DURING_APPLY.format(word=word, target=target), env)
    assert result.returncode == 3, result.stderr
    status = run_python(
        "import django; django.setup()\n"
        "from articles import search\n"
        f"print(search.search_articles(search.ArticleSearch(q='{word}'), offset=0, limit=5)"
        ".count)",
        env,
    )
    assert status.stdout.strip() == "1", status.stderr


REBUILD_LOOP = """
import django
django.setup()
from articles import search
for _ in range({times}):
    search.engine().rebuild()
"""


@pytest.mark.slow
def test_searches_keep_answering_while_the_index_is_rebuilt(tmp_path):
    for n in range(40):
        ArticleFactory(title=f"Steady {n}", tags=["Steady"])
    env = environment(tmp_path / "search")
    with gunicorn(env, workers=2) as base:
        assert len(titles(base, "steady")) == 20
        rebuilds = subprocess.Popen(
            [sys.executable, "-c", REBUILD_LOOP.format(times=5)], cwd=ROOT, env=env,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        answered, expected = 0, 40
        while rebuilds.poll() is None or answered < 10:
            status, _, body = request(f"{base}/api/v1/articles/?q=steady&page_size=5")
            assert status == 200, body
            assert json.loads(body)["count"] == expected
            answered += 1
            if answered == 5:  # a write in the middle of the rebuilds is kept too
                ArticleFactory(title="Steady latecomer", tags=["Steady"])
                expected = 41
        assert answered > 10 and rebuilds.wait() == 0, rebuilds.stderr.read()
        status, _, body = request(f"{base}/api/v1/articles/?q=latecomer")
        assert json.loads(body)["count"] == 1
    generations = list((tmp_path / "search").glob("gen-*"))
    assert len(generations) == 1  # old ones are removed


def _generation() -> str:
    return str(search.engine().storage.live_folder())


def test_an_index_of_another_database_is_rebuilt():
    ArticleFactory(title="Mine")
    assert indexed("mine")
    before = _generation()
    with connection.cursor() as cursor:  # as if DATABASE_URL now named another database
        cursor.execute("UPDATE newsapi_search_state SET database_id = gen_random_uuid()")
    assert indexed("mine")
    assert _generation() != before


def test_an_index_behind_a_pruned_log_is_rebuilt():
    ArticleFactory(title="Pruned")
    assert indexed("pruned")
    before = _generation()
    with connection.cursor() as cursor:  # a change this index never saw left the log
        cursor.execute("UPDATE newsapi_search_state SET pruned_through = pg_current_xact_id()")
    assert indexed("pruned")
    assert _generation() != before


def test_an_index_ahead_of_its_database_is_rebuilt(settings):
    """A restored backup: the database's transaction counter is behind the index's."""
    ArticleFactory(title="Restored")
    assert indexed("restored")
    folder = search.engine().storage.live_folder()
    state = json.loads((folder / "state.json").read_text())
    xmin, xmax, _ = state["snapshot"].split(":")
    state["snapshot"] = f"{int(xmin) + 10**9}:{int(xmax) + 10**9}:"
    (folder / "state.json").write_text(json.dumps(state))
    assert indexed("restored")
    assert search.engine().storage.live_folder() != folder


def test_a_deleted_or_corrupt_index_is_rebuilt(settings):
    ArticleFactory(title="Phoenix")
    assert indexed("phoenix")
    shutil.rmtree(settings.SEARCH_INDEX_PATH)
    assert indexed("phoenix")
    folder = search.engine().storage.live_folder()
    (folder / "meta.json").write_text("not json at all")
    search.engine()._index = None  # as a process starting now would
    assert indexed("phoenix")


def test_a_transaction_that_commits_after_a_later_one_is_not_skipped():
    """Change ids are taken at insert, commits happen later: the index must not step past a
    change whose transaction was still open when it applied a newer one."""
    ArticleFactory(title="Baseline")
    assert indexed("baseline")
    inserted, release = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                services.article_create(
                    title="Slowpoke", body="b", language="en", status="published"
                )
                inserted.set()
                release.wait(timeout=30)
        except BaseException as error:  # pragma: no cover - reported below
            failure.append(error)
        finally:
            close_old_connections()
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert inserted.wait(timeout=30), failure
    services.article_create(title="Quickstep", body="b", language="en", status="published")
    assert indexed("quickstep") and not indexed("slowpoke")  # applied past Slowpoke's id
    release.set()
    thread.join(timeout=30)
    assert not failure, failure
    time.sleep(0.05)
    assert indexed("slowpoke")
