"""A TCP proxy to PostgreSQL that a test can cut and restore: a database outage on demand,
without touching the shared server."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

from django.db import connection


def _target() -> tuple[int, str | tuple[str, int]]:
    """Where the test database listens: a Unix socket folder or a TCP host and port."""
    db = connection.settings_dict
    if db["PORT"]:
        return socket.AF_INET, (db["HOST"] or "127.0.0.1", int(db["PORT"]))
    return socket.AF_UNIX, f"{db['HOST']}/.s.PGSQL.5432"


class DatabaseProxy:
    def __init__(self) -> None:
        self.family, self.address = _target()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(64)
        self.up = threading.Event()
        self.up.set()
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up.is_set():
                client.close()  # refused, as a stopped server would
                continue
            server = socket.socket(self.family, socket.SOCK_STREAM)
            try:
                server.connect(self.address)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.append((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.close()

    def cut(self) -> None:
        """Refuse new connections and kill every open one."""
        self.up.clear()
        with self.lock:
            for pair in self.pairs:
                for end in pair:
                    with contextlib.suppress(OSError):
                        end.shutdown(socket.SHUT_RDWR)
                        end.close()
            self.pairs.clear()

    def restore(self) -> None:
        self.up.set()

    def close(self) -> None:
        self.cut()
        self.listener.close()

    def url(self) -> str:
        db = connection.settings_dict
        user = f"{db['USER']}@" if db["USER"] else ""
        return f"postgres://{user}127.0.0.1:{self.port}/{db['NAME']}"


@contextlib.contextmanager
def database_proxy() -> Iterator[DatabaseProxy]:
    proxy = DatabaseProxy()
    try:
        yield proxy
    finally:
        proxy.close()
