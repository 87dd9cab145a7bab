"""Real servers and processes against the test database, for tests that need more than one
process: gunicorn with several workers, or a Python process that dies mid-write."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The URL of the database this test runs on (the test database)."""
    db = connection.settings_dict
    user = f"{db['USER']}@" if db["USER"] else ""
    host = f"{db['HOST']}:{db['PORT']}" if db["PORT"] else ""
    query = "" if db["PORT"] else f"?host={db['HOST']}"
    return f"postgres://{user}{host}/{db['NAME']}{query}"


def environment(index: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsapi.settings",
        "DATABASE_URL": database_url(),
        "NEWSAPI_QUIET_DATABASE": "1",
        "SEARCH_INDEX_PATH": str(index),
        # Counts are shared by every process and outlive a test: keep them out of the way.
        "THROTTLE_ANON": "1000000/minute",
        "THROTTLE_USER": "1000000/minute",
        **extra,
    }


def request(
    url: str, *, method: str = "GET", data: Any = None, token: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    body = None if data is None else json.dumps(data).encode()
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Token {token}"
    call = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(call, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    return request(url)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 2) -> Iterator[str]:
    """Serve the project with gunicorn; yields its base URL. When the test fails inside, the
    server's own log (tracebacks of any 500) is printed with the failure."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsapi.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--timeout", "60"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            for _ in range(200):
                try:
                    get(f"{base}/healthz")
                    break
                except OSError:
                    if server.poll() is not None:
                        log.seek(0)
                        raise RuntimeError(log.read()) from None
                    time.sleep(0.1)
            yield base
        except BaseException:
            log.seek(0)
            print("--- the server's log ---", log.read()[-20_000:], sep="\n", file=sys.stderr)
            raise
        finally:
            server.terminate()
            server.wait(timeout=20)
            end_other_sessions()


def end_other_sessions(seconds: float = 5.0) -> None:
    """A stopped server's database sessions end a moment after it: wait, so that the test
    database can be dropped at the end of the run; end any left (a session whose connection a
    test cut may linger) once ``seconds`` are over."""
    others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) {others}")
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.05)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_terminate_backend(pid) {others}")


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
