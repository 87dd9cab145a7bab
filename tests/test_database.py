"""Choosing the database: DATABASE_URL wins; otherwise the embedded PostgreSQL."""

from pathlib import Path

import psycopg
import pytest

from newsapi import database


def test_database_url_is_used_as_given(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://someone:secret@db.internal:6543/news")
    config = database.database_settings(tmp_path, conn_max_age=30, unresponsive_seconds=2)
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.internal",
        6543,
        "news",
        "someone",
    )
    assert config["CONN_MAX_AGE"] == 30 and config["CONN_HEALTH_CHECKS"] is True
    assert not (tmp_path / ".data").exists()  # nothing embedded was started


@pytest.mark.django_db
def test_connections_run_without_the_servers_jit(monkeypatch, tmp_path):
    """Compiling our set-based statements cost more than running them (bench/README.md)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit')")
        assert cursor.fetchone() == ("off",)
    monkeypatch.setenv("DATABASE_URL", "postgres://db.internal/news?options=-c%20jit%3Don")
    config = database.database_settings(tmp_path, conn_max_age=30, unresponsive_seconds=2)
    assert config["OPTIONS"]["options"] == "-c jit=off -c jit=on"  # the URL's, last, wins


@pytest.mark.slow
def test_embedded_postgres_works_from_a_deep_folder(tmp_path):
    """A Unix socket path is limited to ~100 characters; a deep clone must still connect."""
    deep = tmp_path.joinpath(*["a-rather-long-folder-name"] * 6)
    deep.mkdir(parents=True)
    pgdata = deep / "postgres"
    assert len(str(pgdata / ".s.PGSQL.5432")) > 107
    socket_dir = database.start_embedded_postgres(pgdata)
    try:
        assert len(str(Path(socket_dir) / ".s.PGSQL.5432")) <= 107
        with psycopg.connect(host=str(socket_dir), user="postgres", dbname="newsapi") as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        assert database.stop_embedded_postgres(pgdata.resolve())
    assert not database.stop_embedded_postgres(pgdata.resolve())  # already stopped


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_bad_boolean_settings_are_refused(monkeypatch, value):
    from django.core.exceptions import ImproperlyConfigured

    from newsapi.settings import env_bool

    monkeypatch.setenv("DEBUG", value)
    with pytest.raises(ImproperlyConfigured):
        env_bool("DEBUG", True)


def test_users_killed_outright_are_forgotten(tmp_path):
    """Otherwise the server would wait for them forever and never stop."""
    import json

    pgdata = tmp_path / "pg"
    pgdata.mkdir()
    (pgdata / ".handle_pids.json").write_text(json.dumps([999_999_999, 1]))
    database._forget_dead_users(pgdata)
    assert json.loads((pgdata / ".handle_pids.json").read_text()) == [1]


@pytest.mark.django_db
def test_ensure_database_creates_a_missing_database_once():
    from django.conf import settings
    from django.core.management import call_command

    params = database.connection_params(settings.DATABASES["default"])
    name = "newsapi_ensure_test"
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
    try:
        assert database.ensure_database(params, name) is True
        assert database.ensure_database(params, name) is False
        call_command("ensure_database")  # the configured one exists: nothing to do
    finally:
        with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")


@pytest.mark.slow
def test_sigterm_to_runserver_stops_its_embedded_postgres(tmp_path):
    """What a supervisor sends: runserver's reloader then kills its serving child outright,
    and the server must still stop with its last user."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    import psutil

    from tests.live import ROOT, free_port

    pgdata = tmp_path / "pg"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(NEWSAPI_EMBEDDED_PGDATA=str(pgdata), SEARCH_INDEX_PATH=str(tmp_path / "search"))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        postmaster = int((pgdata / "postmaster.pid").read_text().split()[0])
        assert psutil.pid_exists(postmaster)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        deadline = time.monotonic() + 30
        while psutil.pid_exists(postmaster) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not psutil.pid_exists(postmaster), "the embedded PostgreSQL is still running"
    finally:
        if server.poll() is None:
            server.kill()
        database.stop_embedded_postgres(pgdata.resolve())
