"""Django's PostgreSQL backend, with every wait for the server bounded on the client side.

A PostgreSQL that hangs (its processes stopped, a network partition) leaves its connections
open, and its kernel may go on acknowledging TCP: keepalives do not fire, ``statement_timeout``
cannot, and a query, a commit or the health check of a kept connection would wait for ever.
So a connection that has heard nothing from its server for ``DATABASE_UNRESPONSIVE_SECONDS``
asks whether the server still answers: a new connection to it, bounded by the same time. A
server that answers is only busy (a long migration, a lock wait): the wait goes on, and is
checked again later, less and less often. One that does not is given up: the connection is
closed with :class:`ServerNotResponding` (an ``OperationalError``: the API answers 503, a
replica is skipped) and, for as long again, new connections to it fail at once instead of
each waiting for its connect timeout.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Generator
from typing import Any

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base as django_postgresql
from psycopg import errors
from psycopg.waiting import Ready, Wait

logger = logging.getLogger(__name__)

# After a check that found the server answering, the next one waits twice as long, up to this.
MOST_PATIENCE_SECONDS = 60.0

# Database alias -> time (time.monotonic) until which new connections to it fail at once.
_given_up: dict[str, float] = {}


class ServerNotResponding(errors.OperationalError):
    """The server neither answered a connection's wait nor took a new connection in time."""


def unresponsive_seconds() -> float:
    return float(settings.DATABASE_UNRESPONSIVE_SECONDS)


class BoundedConnection(psycopg.Connection):
    """A psycopg connection whose waits for its server end when the server stops answering."""

    alias = "default"

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        if timeout is not None:  # psycopg's own bounded waits (cancelling, closing)
            return super().wait(gen, interval, timeout)
        return super().wait(self._watched(gen), interval)

    def _watched(self, gen: Generator) -> Generator:
        """``gen``, passed through; psycopg's wait sends it "nothing ready" every ``interval``,
        which is when the silence is measured. Heard means the server sent something, or took
        what was to be written (a writable socket alone, while an answer is awaited, is not)."""
        patience = unresponsive_seconds()
        heard = time.monotonic()
        try:
            wanted = next(gen)
            while True:
                ready = yield wanted
                if ready & Ready.R or (ready and wanted == Wait.W):
                    heard = time.monotonic()
                    patience = unresponsive_seconds()
                elif time.monotonic() - heard >= patience:
                    if not self._server_answers():
                        self._give_up(time.monotonic() - heard)
                    heard = time.monotonic()
                    patience = min(2 * patience, MOST_PATIENCE_SECONDS)
                wanted = gen.send(ready)
        except StopIteration as done:
            return done.value

    def _server_answers(self) -> bool:
        """Whether the server takes a new connection within ``DATABASE_UNRESPONSIVE_SECONDS``
        (or refuses it: that is an answer too)."""
        params = self.info.get_parameters()
        if self.info.password:
            params["password"] = self.info.password
        params["connect_timeout"] = str(math.ceil(unresponsive_seconds()))
        try:
            psycopg.Connection.connect(**params).close()
        except errors.ConnectionTimeout:
            return False
        except psycopg.Error:
            return True
        return True

    def _give_up(self, silent_for: float) -> None:
        _given_up[self.alias] = time.monotonic() + unresponsive_seconds()
        self.pgconn.finish()  # what was sent is lost: the connection cannot be used again
        message = (
            f"database {self.alias!r} has not answered for {silent_for:.0f} s and takes no new "
            "connection: given up"
        )
        logger.warning(message)
        raise ServerNotResponding(message)


class _Driver:
    """psycopg, as Django's backend uses it (``DatabaseWrapper.Database``), whose connections
    are :class:`BoundedConnection`."""

    connect = staticmethod(BoundedConnection.connect)

    def __getattr__(self, name: str) -> Any:
        return getattr(psycopg, name)


class DatabaseWrapper(django_postgresql.DatabaseWrapper):
    Database = _Driver()

    def get_new_connection(self, conn_params: dict[str, Any]) -> BoundedConnection:
        if _given_up.get(self.alias, 0.0) > time.monotonic():
            raise ServerNotResponding(
                f"database {self.alias!r} stopped answering a moment ago: not tried again yet"
            )
        try:
            connection = super().get_new_connection(conn_params)
        except errors.ConnectionTimeout:
            _given_up[self.alias] = time.monotonic() + unresponsive_seconds()
            raise
        connection.alias = self.alias
        return connection
