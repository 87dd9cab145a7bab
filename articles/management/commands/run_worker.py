"""Run a background worker: webhook deliveries and the events' upkeep (see README, Events)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from articles.events import run_worker


class Command(BaseCommand):
    help = (
        "Deliver webhooks and prune old events until SIGTERM or Ctrl-C (a round in progress "
        "is finished). Run any number of them, on any number of hosts."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--idle", type=float, default=0.5, help="Seconds to wait when nothing is due."
        )

    def handle(self, *args: Any, idle: float, **options: Any) -> None:
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stderr.write("worker: started")
        run_worker(stop, idle_s=idle)
        self.stderr.write("worker: stopped")
