"""Two app hosts against a real primary and a real streaming replica (tests/replication.py):
reads go to the replica, a writer reads its own writes from the primary whatever the lag,
search follows the primary's change log on every host, a stopped replica costs no error, and
a host whose index folder is deleted rebuilds it while answering. A server that hangs (its
processes stopped, connections open) is given up on the client side: a hung replica is skipped
without an error, a hung primary answers 503."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live import ROOT, free_port
from tests.replication import Cluster

pytestmark = pytest.mark.slow


class Client:
    """An HTTP client; with ``cookies`` it keeps them, as a browser or requests.Session does."""

    def __init__(self, *, token: str | None = None, cookies: bool = True) -> None:
        self.token = token
        handlers = (
            [urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())] if cookies else []
        )
        self.opener = urllib.request.build_opener(*handlers)

    def call(self, method: str, url: str, data: dict | None = None) -> tuple[int, dict, dict]:
        body = None if data is None else json.dumps(data).encode()
        request = urllib.request.Request(url, data=body, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Token {self.token}")
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), json.loads(error.read() or b"{}")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    # Not under pytest's tmp folders (0700, root's): the servers' own user must reach it.
    root = Path(tempfile.mkdtemp(prefix="newsapi-replication-"))
    root.chmod(0o755)
    cluster = Cluster(root / "cluster")
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def environment(cluster: Cluster, index: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsapi.settings",
        "DATABASE_URL": cluster.primary_url,
        "DATABASE_REPLICA_URLS": cluster.standby_url,
        "NEWSAPI_QUIET_DATABASE": "1",
        "SEARCH_INDEX_PATH": str(index),
        "READ_YOUR_WRITES_SECONDS": "60",
        "THROTTLE_ANON": "1000000/minute",
        "THROTTLE_USER": "1000000/minute",
    }


@contextlib.contextmanager
def host(env: dict[str, str]) -> Iterator[str]:
    """One app host: gunicorn with two workers and a search index folder of its own."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsapi.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{base}/healthz", timeout=5)
                break
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300, check=True,
    )  # fmt: skip
    return result.stdout


def superuser_token(env: dict[str, str], username: str) -> str:
    return manage(
        env, "shell", "-c",
        "from django.contrib.auth.models import User; from rest_framework.authtoken.models "
        f"import Token; u = User.objects.create_superuser({username!r}, 'b@example.org', 'pw'); "
        "print(Token.objects.create(user=u).key)",
    ).strip().splitlines()[-1]  # fmt: skip


def until(condition, timeout: float = 10.0) -> float:
    """Seconds it took ``condition()`` to hold (fails after ``timeout``)."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "not within the documented delay"
        time.sleep(0.1)
    return time.monotonic() - started


def test_two_hosts_on_a_primary_and_a_streaming_replica(cluster, tmp_path):
    env_a = environment(cluster, tmp_path / "index-a")
    env_b = environment(cluster, tmp_path / "index-b")
    manage(env_a, "migrate", "--noinput")
    token = superuser_token(env_a, "boss")
    writer = Client(token=token)  # keeps the read-your-writes cookie
    reader = Client(cookies=False)
    with host(env_a) as a, host(env_b) as b:
        # A write answers with the cookie; with the replica lagging (replay paused), the
        # writer reads its article at once on either host, another client not yet.
        cluster.wait_for_standby()
        cluster.replay(paused=True)
        body = {"title": "Glaciers en recul", "body": "Les glaciers fondent.", "language": "fr",
                "status": "published", "tags": ["Climat"]}  # fmt: skip
        status, headers, created = writer.call("POST", f"{a}/api/v1/articles/", body)
        assert status == 201 and "newsapi_primary=" in headers.get("Set-Cookie", "")
        detail = f"/api/v1/articles/{created['id']}/"
        assert writer.call("GET", f"{a}{detail}")[0] == 200
        assert writer.call("GET", f"{b}{detail}")[2]["title"] == "Glaciers en recul"
        assert reader.call("GET", f"{b}{detail}")[0] == 404  # the replica has not replayed it
        # Search on host B follows the primary's change log: the new article is found, its
        # row read from the primary while the replica lacks it.
        searched = until(
            lambda: reader.call("GET", f"{b}/api/v1/articles/?q=glaciers")[2]["count"] == 1
        )
        assert searched < 10

        # Replica lag never shows the writer an older version of what it wrote.
        cluster.replay(paused=False)
        cluster.wait_for_standby()
        assert reader.call("GET", f"{b}{detail}")[2]["title"] == "Glaciers en recul"
        cluster.replay(paused=True)
        patched = writer.call("PATCH", f"{a}{detail}", {"title": "Glaciers : le bilan"})
        assert patched[0] == 200
        assert writer.call("GET", f"{b}{detail}")[2]["title"] == "Glaciers : le bilan"
        assert reader.call("GET", f"{b}{detail}")[2]["title"] == "Glaciers en recul"  # lagging
        cluster.replay(paused=False)
        until(lambda: reader.call("GET", f"{b}{detail}")[2]["title"] == "Glaciers : le bilan")

        # The replica stops: reads fall back to the primary, with no error.
        cluster.stop_server(cluster.standby)
        for base in (a, b):
            for path in (detail, "/api/v1/articles/?q=bilan", "/api/v1/tags/climat/"):
                status, _, data = reader.call("GET", f"{base}{path}")
                assert status == 200, (base, path, status, data)

        # Host B loses its index folder: it rebuilds it while answering.
        shutil.rmtree(tmp_path / "index-b")
        status, _, found = reader.call("GET", f"{b}/api/v1/articles/?q=bilan")
        assert status == 200 and found["count"] == 1
        assert (tmp_path / "index-b" / "current").exists()


def test_a_hung_server_is_given_up_and_a_busy_one_waited_for(
    cluster, tmp_path, monkeypatch, django_db_blocker
):
    """The database backend against a real server: a query longer than
    DATABASE_UNRESPONSIVE_SECONDS of silence finishes; once the server hangs, the health check
    of a kept connection, a query on another and a new connection all end in errors instead of
    waiting, and the server is used again once it answers."""
    from django.conf import settings
    from django.db import OperationalError, connections
    from django.db.utils import ConnectionHandler

    from newsapi import database
    from newsapi.postgresql.base import ServerNotResponding

    seconds = settings.DATABASE_UNRESPONSIVE_SECONDS
    monkeypatch.setenv("DATABASE_URL", cluster.primary_url)
    config = database.database_settings(tmp_path, conn_max_age=60, unresponsive_seconds=seconds)
    # Connections of their own (alias "hung"), so that the test database's are not given up.
    monkeypatch.setitem(
        connections.settings,
        "hung",
        ConnectionHandler({"default": config})["default"].settings_dict,
    )
    kept, other = (connections.create_connection("hung") for _ in "ab")
    with django_db_blocker.unblock():
        try:
            with kept.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(%s), 1", [3 * seconds])  # busy, not hung
                assert cursor.fetchone()[1] == 1
            other.ensure_connection()
            with cluster.frozen(cluster.primary):
                assert kept.is_usable() is False  # the health check of a kept connection
                with pytest.raises(OperationalError) as raised, other.cursor() as cursor:
                    cursor.execute("SELECT 1")
                assert isinstance(raised.value.__cause__, ServerNotResponding)
                kept.close()
                with pytest.raises(OperationalError):
                    kept.ensure_connection()  # at once: it was given up a moment ago
            time.sleep(seconds)  # until new connections to it are tried again
            kept.close()
            assert kept.is_usable() is False  # closed
            kept.ensure_connection()
            assert kept.is_usable() is True
        finally:
            for connection in (kept, other, connections["hung"]):
                connection.close()


def test_a_hung_replica_is_skipped_and_a_hung_primary_answers_503(cluster, tmp_path):
    if not cluster.running(cluster.standby):
        cluster.start_server(cluster.standby)  # an earlier test stopped it
    env_a = environment(cluster, tmp_path / "index-a")
    env_b = environment(cluster, tmp_path / "index-b")
    manage(env_a, "migrate", "--noinput")
    writer = Client(token=superuser_token(env_a, "frozen"))  # reads from the primary
    reader = Client(cookies=False)  # reads from the replica
    with host(env_a) as a, host(env_b) as b:
        body = {"title": "Banquise en hiver", "body": "La banquise gèle.", "language": "fr",
                "status": "published", "tags": ["Arctique"]}  # fmt: skip
        status, _, created = writer.call("POST", f"{a}/api/v1/articles/", body)
        assert status == 201
        cluster.wait_for_standby()
        paths = [f"/api/v1/articles/{created['id']}/", "/api/v1/articles/?q=banquise",
                 "/api/v1/tags/arctique/"]  # fmt: skip
        for base in (a, b):
            for path in paths * 2:  # each worker keeps a connection to the replica
                assert reader.call("GET", f"{base}{path}")[0] == 200

        # The replica hangs: every read still answers, from the primary.
        with cluster.frozen(cluster.standby):
            for base in (a, b):
                for path in paths * 2:
                    status, _, data = reader.call("GET", f"{base}{path}")
                    assert status == 200, (base, path, status, data)
        assert reader.call("GET", f"{a}{paths[0]}")[2]["title"] == "Banquise en hiver"

        # The primary hangs: writes and the writer's reads answer 503 with Retry-After.
        with cluster.frozen(cluster.primary):
            for base in (a, b):
                for method, path, data in (("POST", "/api/v1/articles/", body),
                                           ("GET", paths[0], None)):  # fmt: skip
                    status, headers, answer = writer.call(method, f"{base}{path}", data)
                    assert status == 503, (base, method, status, answer)
                    assert answer["detail"] and headers.get("Retry-After"), answer
        # Each worker of each host gives the primary a moment before it tries it again (503
        # meanwhile), and a request may reach either worker.
        search = f"{b}/api/v1/articles/?q=banquise"
        for url in (f"{a}{paths[0]}", f"{b}{paths[0]}", search):
            until(lambda url=url: all(writer.call("GET", url)[0] == 200 for _ in range(4)))
        assert writer.call("GET", search)[2]["count"] == 1
