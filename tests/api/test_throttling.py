"""Throttling holds across workers: counts live in PostgreSQL (or Redis), not in a worker."""

from __future__ import annotations

import socket

import pytest
from django.db import connection

from tests.live import environment, gunicorn, request

pytestmark = pytest.mark.django_db(transaction=True)
REDIS = ("127.0.0.1", 6379)


def statuses(base: str, count: int) -> list[int]:
    return [request(f"{base}/api/v1/tags/")[0] for _ in range(count)]


@pytest.mark.slow
def test_two_workers_share_the_count_in_postgresql(tmp_path):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM newsapi_throttle")
    env = environment(tmp_path / "search", THROTTLE_ANON="5/day")
    with gunicorn(env, workers=2) as base:
        answers = statuses(base, 9)
        status, headers, _ = request(f"{base}/api/v1/tags/")
    assert answers == [200] * 5 + [429] * 4  # not 5 per worker
    assert status == 429 and int(headers["Retry-After"]) > 0


def redis_answers() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_answers(), reason="no Redis at 127.0.0.1:6379")
@pytest.mark.slow
def test_two_workers_share_the_count_in_redis(tmp_path):
    import redis

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM newsapi_throttle")
    client = redis.Redis(*REDIS, db=15)
    for key in client.scan_iter("newsapi:throttle:*"):
        client.delete(key)
    env = environment(
        tmp_path / "search", THROTTLE_ANON="5/day", REDIS_URL="redis://127.0.0.1:6379/15"
    )
    with gunicorn(env, workers=2) as base:
        answers = statuses(base, 9)
    assert answers == [200] * 5 + [429] * 4
    assert any(client.scan_iter("newsapi:throttle:anon:*"))
    with connection.cursor() as cursor:  # nothing counted in PostgreSQL meanwhile
        cursor.execute("SELECT count(*) FROM newsapi_throttle")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_finished_windows_are_purged_in_the_counting_statement(monkeypatch, api_client):
    from articles.api import throttling

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO newsapi_throttle VALUES ('anon:gone', 1, 3, now() - interval '1 day')"
        )
    monkeypatch.setattr(throttling, "_PURGE_ONE_IN", 1)  # this time, purge
    assert throttling.PostgresCounts().hit("anon:here", 10, 60) == 1
    # A read also asks the change log, in the same statement as the purge and the count.
    assert throttling.PostgresCounts().hit("anon:here", 10, 60, reading=True) == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM newsapi_throttle")
        assert [row[0] for row in cursor.fetchall()] == ["anon:here"]
    assert api_client.get("/api/v1/articles/").status_code == 200  # purging, on a read
