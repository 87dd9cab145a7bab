"""Throttling that holds across workers and hosts.

Counts live in PostgreSQL (one atomic upsert per request, in an UNLOGGED table) or, with
``REDIS_URL``, in Redis (INCR): never in a worker's memory, where N workers would allow N times
the rate. Windows are fixed (``THROTTLE_ANON`` 120/minute means at most 120 requests in each
clock minute). One class throttles every request: anonymous clients by address, users by
account. Password guesses at the token endpoint are limited per client address and per
username (``THROTTLE_LOGIN``), so neither many addresses nor many usernames get more tries.
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from functools import cache

from django.conf import settings
from django.db import connection
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from articles import search

_UPSERT = """
INSERT INTO newsapi_throttle AS t (key, window_start, hits, expires_at)
VALUES (%s, %s, 1, now() + make_interval(secs => %s))
ON CONFLICT (key, window_start) DO UPDATE SET hits = t.hits + 1
RETURNING hits
"""
# One request in this many also deletes finished windows, in the same statement (so every
# request costs exactly one).
_PURGE_ONE_IN = 1000
_PURGE = "finished AS (DELETE FROM newsapi_throttle WHERE expires_at < now())"


class PostgresCounts:
    def hit(self, key: str, window: int, seconds: int, *, reading: bool = False) -> int:
        """Count one request. ``reading`` (an API read, which may search): the same
        statement reads the change log's status for this host's index, so the search that
        follows needs no round trip of its own before the engine answers."""
        # Data-modifying CTEs must be at the top level: the purge and the count side by side.
        ctes = [_PURGE] if random.randrange(_PURGE_ONE_IN) == 0 else []
        params: list[object] = [key, window, seconds * 2]
        told = search.engine().status_query() if reading else None
        if told is not None:
            status_sql, status_params, position = told
            ctes.append(f"hit AS ({_UPSERT})")
            upsert = f"WITH {', '.join(ctes)} SELECT hit.hits, s.* FROM hit, ({status_sql}) s"
            params += status_params
        else:
            upsert = f"WITH {', '.join(ctes)} {_UPSERT}" if ctes else _UPSERT
        with connection.cursor() as cursor:
            cursor.execute(upsert, params)
            row = cursor.fetchone()
        if told is not None:
            search.engine().told(position, row[1:])
        return row[0]


class RedisCounts:
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2)

    def hit(self, key: str, window: int, seconds: int, *, reading: bool = False) -> int:
        name = f"newsapi:throttle:{key}:{window}"
        pipeline = self.client.pipeline()
        pipeline.incr(name)
        pipeline.expire(name, seconds * 2)
        return int(pipeline.execute()[0])


@cache
def counts() -> PostgresCounts | RedisCounts:
    return RedisCounts(settings.REDIS_URL) if settings.REDIS_URL else PostgresCounts()


def parse_rate(rate: str) -> tuple[int, int]:
    """``"120/minute"`` -> (120, 60)."""
    number, period = rate.split("/")
    return int(number), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


def may_search(request: Request, view) -> bool:
    """Whether this request may search: an API read, unless its view answers it from
    PostgreSQL alone (``answered_by_postgresql``: True for every action, or the actions)."""
    if request.method not in ("GET", "HEAD"):
        return False
    postgresql = getattr(view, "answered_by_postgresql", ())
    return postgresql is not True and getattr(view, "action", None) not in postgresql


class SharedRateThrottle(BaseThrottle):
    """At most the scope's rate per fixed window, counted wherever the request lands."""

    scope = ""

    def rate(self, request: Request) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request: Request, view) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: Request, view) -> bool:
        reading = may_search(request, view)
        return self.allow_key(self.rate(request), self.get_cache_key(request, view), reading)

    def allow_key(self, rate: str | None, key: str | None, reading: bool = False) -> bool:
        """Count one request against ``key``; False once past ``rate`` in this window."""
        if rate is None or key is None:
            return True
        limit, seconds = parse_rate(rate)
        now = time.time()
        window = int(now // seconds)
        self.retry_after = math.ceil((window + 1) * seconds - now)
        return counts().hit(key, window, seconds, reading=reading) <= limit

    def wait(self) -> float | None:
        return getattr(self, "retry_after", None)


class ClientRateThrottle(SharedRateThrottle):
    """Anonymous clients by address (``THROTTLE_ANON``), users by account (``THROTTLE_USER``)."""

    def rate(self, request: Request) -> str | None:
        scope = "user" if request.user and request.user.is_authenticated else "anon"
        return api_settings.DEFAULT_THROTTLE_RATES.get(scope)

    def get_cache_key(self, request: Request, view) -> str:
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return f"anon:{self.get_ident(request)}"


class LoginAddressThrottle(SharedRateThrottle):
    scope = "login"

    def get_cache_key(self, request: Request, view) -> str:
        return f"login-address:{self.get_ident(request)}"


class LoginUsernameThrottle(SharedRateThrottle):
    scope = "login"

    def get_cache_key(self, request: Request, view) -> str | None:
        username = request.data.get("username") if hasattr(request.data, "get") else None
        return username_key(username)


def username_key(username: object) -> str | None:
    if not isinstance(username, str) or not username.strip():
        return None  # nothing to count: the login answers that a username is needed
    # Hashed: a username may hold any character.
    digest = hashlib.sha256(username.strip().casefold().encode(errors="replace")).hexdigest()
    return f"login-username:{digest[:32]}"


def login_wait(request, username: object) -> int | None:
    """For logins outside DRF (the admin): count one attempt per address and per username;
    the seconds to wait when either is past ``THROTTLE_LOGIN``, else None."""
    by_address, by_username = LoginAddressThrottle(), LoginUsernameThrottle()
    rate = api_settings.DEFAULT_THROTTLE_RATES.get("login")
    attempts = (
        (by_address, by_address.get_cache_key(request, None)),
        (by_username, username_key(username)),
    )
    for throttle, key in attempts:
        if not throttle.allow_key(rate, key):
            return throttle.wait()
    return None
