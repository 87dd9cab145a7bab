"""The production configuration: settings that refuse to start, and gunicorn serving the app
with DEBUG off, static files from whitenoise and JSON errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.live import environment, get, gunicorn

pytestmark = pytest.mark.slow

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
        (
            {"DEBUG": "false", "SECRET_KEY": "a-strong-" + "key0" * 12, "ALLOWED_HOSTS": ""},
            "ALLOWED_HOSTS",
        ),
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
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback, no TLS proxy in front
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    with gunicorn(env, workers=2) as base:
        status, _, body = get(f"{base}/healthz")
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


def test_a_search_writer_budget_below_tantivys_minimum_is_refused():
    result = run_python("import django; django.setup()", SEARCH_WRITER_HEAP_MB="1")
    assert result.returncode != 0
    assert "SEARCH_WRITER_HEAP_MB and SEARCH_REBUILD_HEAP_MB need >= 15" in result.stderr


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-" + "".join(chr(65 + n % 26) + str(n % 10) for n in range(30)),
    "ALLOWED_HOSTS": "news.example.org",
    "NEWSAPI_QUIET_DATABASE": "1",
}


def test_the_deploy_check_passes_with_the_documented_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**os.environ, **PRODUCTION}, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "key", ["short", "x" * 60, "django-insecure-" + "abcdefghij" * 5,
            "insecure-local-development-key-do-not-use-in-production"],
)  # fmt: skip
def test_a_weak_or_default_secret_key_refuses_to_start_in_production(key):
    result = run_python("import django; django.setup()", **{**PRODUCTION, "SECRET_KEY": key})
    assert result.returncode != 0
    assert "SECRET_KEY is weak" in result.stderr


@pytest.mark.parametrize("name", ["django.request", "django.server", "django.utils.autoreload"])
def test_each_log_record_is_printed_once(name):
    """Django's own console handler beside the root's printed every line twice."""
    import logging

    from django.conf import settings

    handlers, logger = [], logging.getLogger(name)
    while logger is not None:
        handlers += logger.handlers
        logger = logger.parent if logger.propagate else None
    # pytest's own capturing handlers sit on the root beside ours: count those of the settings.
    printing = [h for h in handlers if h.__module__.startswith("logging")]
    assert len(printing) == 1 and settings.LOGGING["root"]["handlers"] == ["console"]
