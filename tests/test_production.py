"""The production configuration: settings that refuse to start, and gunicorn serving the app
with DEBUG off, static files from whitenoise and JSON errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.live import environment, free_port, get

ROOT = Path(settings.BASE_DIR)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsapi.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"DEBUG": "false", "ALLOWED_HOSTS": "news.example.org"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
    ],
)
def test_production_settings_refuse_to_start_without_their_secrets(env, missing):
    result = run_python("import django; django.setup()", **{"SECRET_KEY": "", **env})
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_the_api_with_debug_off(tmp_path):
    from tests.factories import ArticleFactory

    ArticleFactory(title="Served by gunicorn")
    env = environment(
        tmp_path / "search",
        DEBUG="false",
        SECRET_KEY="a-test-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsapi.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "30"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                status, _, body = get(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200 and json.loads(body)["database"] == "ok"
        assert json.loads(body)["search"]["state"] == "ok"

        status, _, body = get(f"{base}/api/v1/articles/?q=gunicorn")
        assert status == 200
        assert [a["title"] for a in json.loads(body)["results"]] == ["Served by gunicorn"]

        status, _, body = get(f"{base}/api/v1/no-such-thing/")
        assert status == 404 and json.loads(body) == {"detail": "Not found."}

        status, headers, _ = get(f"{base}/api/docs/")
        assert status == 200
        page = get(f"{base}/api/docs/")[2].decode()
        asset = page.split('src="')[1].split('"')[0]
        status, headers, _ = get(f"{base}{asset}")
        assert status == 200 and "max-age" in headers.get("Cache-Control", "")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_search_writer_budget_below_tantivys_minimum_is_refused():
    result = run_python("import django; django.setup()", SEARCH_WRITER_HEAP_MB="1")
    assert result.returncode != 0
    assert "SEARCH_WRITER_HEAP_MB and SEARCH_REBUILD_HEAP_MB need >= 15" in result.stderr
