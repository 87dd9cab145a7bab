"""Reads from PostgreSQL read replicas (``DATABASE_REPLICA_URLS``), writes to the primary.

Replicas are opt-in per request: only a safe (GET, HEAD, OPTIONS) request may read from one,
and not when its client wrote a moment ago. A write answers with a short-lived cookie
(``newsapi_primary``, ``READ_YOUR_WRITES_SECONDS``); while a client sends it back (or sends
the header ``X-Read-Primary: 1``), its reads go to the primary, so it always sees its own
writes whatever the replicas' lag. Everything outside a request (management commands,
migrations, the search index and its change log, which use the default connection) uses the
primary. A replica that does not answer is left alone for ``REPLICA_RETRY_SECONDS`` and its
reads go to the primary: no error reaches the client.
"""

from __future__ import annotations

import contextvars
import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
COOKIE = "newsapi_primary"
HEADER = "HTTP_X_READ_PRIMARY"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REPLICA_RETRY_SECONDS = 10.0

# Whether this request may read from a replica (never outside a request).
_replica_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "newsapi_replica_allowed", default=False
)
_down_until: dict[str, float] = {}
_turn = itertools.count()
_turn_lock = threading.Lock()


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def _usable(alias: str) -> bool:
    """Whether ``alias`` answers now (one health check per request, as Django does for
    kept connections); a replica that failed is skipped for a while."""
    if _down_until.get(alias, 0.0) > time.monotonic():
        return False
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError:
        _down_until[alias] = time.monotonic() + REPLICA_RETRY_SECONDS
        connection.close()
        return False
    return True


def read_alias() -> str:
    """The database this request reads from: a working replica in turn, or the primary."""
    aliases = replica_aliases()
    if not aliases or not _replica_allowed.get():
        return PRIMARY
    with _turn_lock:
        start = next(_turn)
    for offset in range(len(aliases)):
        alias = aliases[(start + offset) % len(aliases)]
        if _usable(alias):
            return alias
    return PRIMARY


class PrimaryReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: type, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool:
        return True  # every database holds the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


class ReadYourWrites:
    """Lets safe requests read from replicas, unless their client wrote within
    ``READ_YOUR_WRITES_SECONDS``; a successful write sets the cookie that says so."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_aliases():
            return self.get_response(request)
        safe = request.method in SAFE_METHODS
        wrote_lately = _wrote_lately(request)
        token = _replica_allowed.set(safe and not wrote_lately)
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(token)
        if not safe and response.status_code < 400:
            window = settings.READ_YOUR_WRITES_SECONDS
            response.set_cookie(
                COOKIE, str(int(time.time() + window)), max_age=window, httponly=True,
                samesite="Lax", secure=request.is_secure(),
            )  # fmt: skip
        if wrote_lately:
            response["X-Read-From"] = "primary"
        return response


def _wrote_lately(request: HttpRequest) -> bool:
    if request.META.get(HEADER) == "1":
        return True
    try:
        return float(request.COOKIES.get(COOKIE, "0")) > time.time()
    except ValueError:
        return False
