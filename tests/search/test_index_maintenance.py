"""Index maintenance that survives kills and stalls: folders of killed rebuilds are removed,
a writer lock held by another process is waited for with a bound, and a backlog is applied in
chunks that each save their position. Real processes: kill -9, a held lock, a killed apply."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import close_old_connections, connection, transaction

from articles import search, services
from articles.search import _storage
from tests.factories import ArticleFactory, indexed
from tests.live import ROOT, environment, gunicorn, request

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.index_on_disk]


def start(code: str, env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, env=env, text=True, **kwargs
    )  # fmt: skip


def wait_for(path: Path, process: subprocess.Popen, seconds: float = 120) -> None:
    """Until ``path`` exists; fails if ``process`` ends first."""
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, f"the process ended ({process.returncode}) first"
        assert time.monotonic() < deadline, f"no {path.name} in {seconds} s"
        time.sleep(0.02)


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip


def status(env: dict[str, str]) -> dict:
    result = manage(env, "search_index", "status")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def generations(root: Path) -> list[Path]:
    return sorted(root.glob("gen-*"))


# --- folders of dead rebuilds -------------------------------------------------------------------

# A rebuild that stops once its new index is committed (full size, not swapped in), until
# ``release`` exists.
PAUSED_REBUILD = """
import os, time, django
django.setup()
from articles import search
from articles.search import _engine, _writing
commit = _writing.commit
def paused(writer):
    commit(writer)
    open({marker!r}, "w").close()
    while not os.path.exists({release!r}):
        time.sleep(0.02)
_writing.commit = paused
search.engine().rebuild()
"""


def paused_rebuild(env: dict[str, str], tmp_path: Path, n: int) -> subprocess.Popen:
    marker, release = tmp_path / f"built-{n}", tmp_path / f"release-{n}"
    process = start(PAUSED_REBUILD.format(marker=str(marker), release=str(release)), env)
    wait_for(marker, process)
    return process


@pytest.fixture
def archive(settings):
    for n in range(30):
        ArticleFactory(title=f"Archived story {n}", body="Words about the archive. " * 20)
    assert len(indexed("archived")) == 30  # the live index, built
    return Path(settings.SEARCH_INDEX_PATH)


@pytest.mark.slow
def test_folders_of_rebuilds_killed_with_kill_9_are_removed(archive, tmp_path):
    """Each rebuild removes what killed ones left when it starts; status removes the last."""
    env = environment(archive)
    live = generations(archive)
    assert len(live) == 1
    for n in range(3):
        rebuild = paused_rebuild(env, tmp_path, n)
        os.kill(rebuild.pid, signal.SIGKILL)
        assert rebuild.wait() == -signal.SIGKILL
    assert len(generations(archive)) == 2  # the live one and the last killed one's
    described = status(env)
    assert described["dead_generations_removed"] == 1
    assert generations(archive) == live and described["generations"] == 1
    assert 0 < described["size_bytes"] <= described["total_size_bytes"]
    assert described["total_size_bytes"] == _storage.disk_usage(archive)
    assert len(indexed("archived")) == 30


@pytest.mark.slow
def test_status_and_apply_leave_the_folder_of_a_live_rebuild_alone(archive, tmp_path):
    env = environment(archive)
    live = generations(archive)
    rebuild = paused_rebuild(env, tmp_path, 0)  # alive, holding the rebuild lock
    try:
        both = generations(archive)
        assert len(both) == 2
        described = status(env)
        assert described["dead_generations_removed"] == 0 and described["generations"] == 2
        # The total counts the rebuild's folder too.
        assert described["total_size_bytes"] > described["size_bytes"] + 1000
        applied = manage(env, "search_index", "apply")
        assert applied.returncode == 0, applied.stderr
        assert generations(archive) == both
        (tmp_path / "release-0").touch()
        assert rebuild.wait(timeout=120) == 0
    finally:
        rebuild.kill()
    assert generations(archive) == [folder for folder in both if folder not in live]
    assert status(env)["generations"] == 1
    assert len(indexed("archived")) == 30


# A large archive's rebuild whose builders each note their pid, then take 2 s a batch.
REBUILD_WITH_BUILDERS = """
import os, time, django
django.setup()
from articles import search
from articles.search import _building, _writing
_writing.large_archive = lambda: True
_writing.REBUILD_BATCH = 1
read = _building.read_articles
def slow(ids):
    open(os.path.join({folder!r}, f"builder-{{os.getpid()}}"), "w").close()
    time.sleep(2)
    return read(ids)
_building.read_articles = slow
search.engine().rebuild()
"""


def gone(pid: int) -> bool:
    """Whether the process ended (a zombie nobody reaped counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except FileNotFoundError:
        return True


@pytest.mark.slow
def test_a_rebuild_killed_with_kill_9_takes_its_builders_with_it(archive, tmp_path):
    """They end within a batch's time (their pipe breaks), so no rebuild lock stays held."""
    env = environment(archive, SEARCH_REBUILD_PROCESSES="2")
    rebuild = start(REBUILD_WITH_BUILDERS.format(folder=str(tmp_path)), env)
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("builder-*"))) < 2:
        assert rebuild.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(rebuild.pid, signal.SIGKILL)
    assert rebuild.wait() == -signal.SIGKILL
    builders = [int(path.name.split("-")[1]) for path in tmp_path.glob("builder-*")]
    deadline = time.monotonic() + 30
    while not all(gone(pid) for pid in builders):
        assert time.monotonic() < deadline, "builders outlived their rebuild"
        time.sleep(0.05)
    described = status(env)  # the rebuild lock is free: the killed one's folder is removed
    assert described["dead_generations_removed"] == 1 and described["generations"] == 1
    assert len(indexed("archived")) == 30


# --- a writer lock held by another process ------------------------------------------------------

# Holds the lock until killed (or for 30 s: a search that waits without limit ends then).
HOLD_LOCK = """
import fcntl, select, sys
with open({path!r}, "a+") as handle:
    fcntl.flock(handle, fcntl.LOCK_EX)
    print("held", flush=True)
    select.select([sys.stdin], [], [], 30)
"""


def hold_lock(path: Path, env: dict[str, str]) -> subprocess.Popen:
    holder = start(
        HOLD_LOCK.format(path=str(path)), env, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def search_status(base: str, q: str) -> tuple[int, dict[str, str], dict]:
    code, headers, body = request(f"{base}/api/v1/articles/?q={q}")
    return code, headers, json.loads(body)


@pytest.mark.slow
def test_a_held_writer_lock_answers_503_with_retry_after_not_a_hang(tmp_path):
    ArticleFactory(title="Settled story")
    index = tmp_path / "search"
    with gunicorn(environment(index, SEARCH_LOCK_WAIT_MS="300"), workers=2) as base:
        assert search_status(base, "settled")[0] == 200  # builds the index
        holder = hold_lock(index / "lock", environment(index))
        try:
            # Nothing to apply: the lock is not needed, searches answer.
            assert search_status(base, "settled")[2]["count"] == 1
            ArticleFactory(title="Pending story")
            for _ in range(4):  # whichever worker answers: none hangs
                code, headers, body = search_status(base, "pending")
                assert code == 503, body
                assert headers["Retry-After"] == "5" and body["detail"]
            code, _, body = request(f"{base}/api/v1/articles/?q=settled")
            assert code == 503  # the index lacks a write: no answer that would miss it
        finally:
            os.kill(holder.pid, signal.SIGKILL)
            holder.wait()
        code, _, body = search_status(base, "pending")
        assert code == 200 and body["count"] == 1  # the lock is free again: applied


# Holds the writer lock, applies the pending changes under it once the search has started
# waiting, and keeps holding it.
APPLY_WHILE_HOLDING = """
import os, sys, time, django
django.setup()
from articles import search
engine = search.engine()
with engine._locked():
    print("held", flush=True)
    while not os.path.exists({go!r}):
        time.sleep(0.01)
    time.sleep(0.5)
    engine.apply()
    print("applied", flush=True)
    sys.stdin.read()
"""

SEARCH = """
import django
django.setup()
from articles import search
open({go!r}, "w").close()
print(search.search_articles(search.ArticleSearch(q="{q}"), offset=0, limit=5).count)
"""


@pytest.mark.slow
def test_a_search_answers_once_the_lock_holder_has_applied_its_change(settings, tmp_path):
    """The holder applies the change and keeps the lock: the waiting search then answers
    from the index as it is (read-your-writes holds) rather than waiting on."""
    ArticleFactory(title="Early")
    assert indexed("early")
    env = environment(Path(settings.SEARCH_INDEX_PATH), SEARCH_LOCK_WAIT_MS="60000")
    ArticleFactory(title="Awaited")
    go = tmp_path / "go"
    holder = start(
        APPLY_WHILE_HOLDING.format(go=str(go)), env, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        searched = subprocess.run(
            [sys.executable, "-c", SEARCH.format(go=str(go), q="awaited")], cwd=ROOT,
            env=env, capture_output=True, text=True, timeout=40,
        )  # fmt: skip
        assert searched.returncode == 0, searched.stderr
        assert searched.stdout.strip() == "1"
        assert holder.stdout.readline().strip() == "applied"
        assert holder.poll() is None  # it still holds the lock
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_wait_is_bounded_in_process_too(settings):
    settings.SEARCH_LOCK_WAIT_MS = 50
    ArticleFactory(title="Quiet")
    assert indexed("quiet")
    root = Path(settings.SEARCH_INDEX_PATH)
    holder = hold_lock(root / "lock", environment(root))
    try:
        ArticleFactory(title="Louder")
        with pytest.raises(search.SearchUnavailable, match="holds the search index's lock"):
            indexed("louder")
    finally:
        holder.kill()
        holder.wait()
    assert indexed("louder")


# --- chunks -------------------------------------------------------------------------------------


def _change_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM newsapi_search_change")
        return cursor.fetchone()[0]


def test_a_backlog_is_applied_in_chunks_each_saved_with_its_position(settings, monkeypatch):
    settings.SEARCH_APPLY_CHUNK = 4
    ArticleFactory(title="First")
    assert indexed("first")
    before = _change_rows()
    for n in range(13):
        ArticleFactory(title=f"Backlog {n}")
    rows = _change_rows() - before
    saved: list[int] = []
    write_state = _storage.DiskStorage.write_state

    def counted(storage: _storage.DiskStorage, name: str, state: _storage.IndexState) -> None:
        saved.append(state.last_id)
        write_state(storage, name, state)

    monkeypatch.setattr(_storage.DiskStorage, "write_state", counted)
    assert len(indexed("backlog")) == 13
    assert len(saved) == math.ceil(rows / 4) and saved == sorted(set(saved))


# Applies a backlog chunk by chunk and stops (for a kill) once ``stop_after`` are saved.
APPLY_UNTIL_KILLED = """
import os, time, django
django.setup()
from articles import search
from articles.search import _storage, _writing
write_state = _storage.DiskStorage.write_state
saved = []
def counted(storage, name, state):
    write_state(storage, name, state)
    saved.append(state)
    if len(saved) == {stop_after}:
        open({marker!r}, "w").close()
        time.sleep(600)
_storage.DiskStorage.write_state = counted
search.engine().apply()
"""


@pytest.mark.slow
def test_an_apply_killed_mid_way_keeps_the_chunks_it_saved(settings, tmp_path):
    ArticleFactory(title="Head start")
    assert indexed("head")
    root = Path(settings.SEARCH_INDEX_PATH)
    env = environment(root, SEARCH_APPLY_CHUNK="5")
    first = status(env)["last_change_applied"]
    for n in range(30):
        ArticleFactory(title=f"Queued {n}")
    assert status(env)["lag"] == 30
    marker = tmp_path / "saved"
    applying = start(APPLY_UNTIL_KILLED.format(stop_after=2, marker=str(marker)), env)
    try:
        wait_for(marker, applying)
    finally:
        os.kill(applying.pid, signal.SIGKILL)
        applying.wait()
    described = status(env)
    assert described["last_change_applied"] > first
    assert described["lag"] == 20  # two chunks of five saved, and kept
    settings.SEARCH_APPLY_CHUNK = 5
    assert len(indexed("queued")) == 30
    assert manage(env, "search_index", "check").returncode == 0


def test_a_late_transaction_larger_than_a_chunk_is_not_skipped(settings):
    """Its changes are below the index's highest id once it commits: chunks of them step the
    position back (re-applying some) rather than past them."""
    settings.SEARCH_APPLY_CHUNK = 2
    ArticleFactory(title="Baseline")
    assert indexed("baseline")
    inserted, release = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                for n in range(5):
                    services.article_create(
                        title=f"Slowpoke {n}", body="b", language="en", status="published"
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
    for n in range(3):
        services.article_create(title=f"Quickstep {n}", body="b", language="en",
                                status="published")  # fmt: skip
    assert len(indexed("quickstep")) == 3 and not indexed("slowpoke")
    release.set()
    thread.join(timeout=30)
    assert not failure, failure
    time.sleep(0.05)
    assert len(indexed("slowpoke")) == 5 and len(indexed("quickstep")) == 3
