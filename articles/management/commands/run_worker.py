"""Run a background worker: write the events of scheduled articles whose time came, deliver
webhooks and prune old events until SIGTERM or Ctrl-C (a round in progress is finished). Run any
number of them, on any number of hosts (see README, Events and Lifecycle)."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from articles.events import run_worker


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--idle", type=float, default=0.5, help="Seconds to wait when nothing is due."
        )
        parser.add_argument(
            "--exit-with-parent",
            action="store_true",
            help="Stop when the process that started this one exits (make run uses it).",
        )

    def handle(self, *args: Any, idle: float, exit_with_parent: bool, **options: Any) -> None:
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        if exit_with_parent:
            threading.Thread(target=_watch_parent, args=(stop,), daemon=True).start()
        self.stderr.write("worker: started")
        run_worker(stop, idle_s=idle)
        self.stderr.write("worker: stopped")


def _watch_parent(stop: threading.Event) -> None:
    parent = os.getppid()
    while not stop.wait(1.0):
        if os.getppid() != parent:
            stop.set()
