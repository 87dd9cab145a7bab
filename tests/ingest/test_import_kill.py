"""kill -9 of a running import: its forked helpers (the writers and the index follower) die
with it, and their database sessions end. A real import process, really killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.ingest.test_import_export import record
from tests.live import ROOT, database_url, environment

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie holds nothing: no memory, no socket


def sessions(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [name])
        return cursor.fetchone()[0]


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_kill_9_of_an_import_ends_its_helpers_and_their_database_sessions(tmp_path):
    name = f"import-killed-{os.getpid()}"
    url = database_url()
    env = environment(
        tmp_path / "search",
        DATABASE_URL=f"{url}{'&' if '?' in url else '?'}application_name={name}",
    )
    log = (tmp_path / "import.log").open("w+")
    command = [sys.executable, "manage.py", "import_articles", "-", "--workers", "2",
               "--batch-size", "2", "--no-progress"]  # fmt: skip
    importer = subprocess.Popen(
        command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=log, stderr=log
    )
    helpers: set[int] = set()
    try:
        # stdin stays open: the import waits for more records, its helpers connected.
        importer.stdin.write("".join(json.dumps(record(n)) + "\n" for n in range(40)).encode())
        importer.stdin.flush()
        ready = wait_for(lambda: sessions(name) >= 3 and len(children(importer.pid)) >= 3, 60)
        log.seek(0)
        assert ready, (sessions(name), children(importer.pid), log.read()[-3000:])
        helpers = children(importer.pid)
        os.kill(importer.pid, signal.SIGKILL)
        importer.wait(timeout=10)
        assert wait_for(lambda: not any(alive(pid) for pid in helpers), 20), [
            pid for pid in helpers if alive(pid)
        ]
        assert wait_for(lambda: sessions(name) == 0, 20), sessions(name)
    finally:
        for pid in helpers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)  # the old behaviour: they would stay for good
        if importer.poll() is None:
            importer.kill()
        importer.stdin.close()
        log.close()
        wait_for(lambda: sessions(name) == 0, 10)
