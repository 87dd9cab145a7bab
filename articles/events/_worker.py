"""The worker's loop: write the events of articles whose scheduled time came, number new
events, turn them into deliveries, match saved searches, send those that are due, and now and
then prune events past their retention. Any number of workers may run, on any number of hosts:
each step is safe side by side (advisory lock, locked state rows, SKIP LOCKED)."""

from __future__ import annotations

import datetime
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from django.conf import settings
from django.db import DatabaseError, close_old_connections

from articles.events._feed import prune, sequence
from articles.events._schedule import publish_due
from articles.events._webhooks import ROUND, deliver_due, dispatch, new_client

log = logging.getLogger("articles.events.worker")
PRUNE_EVERY_S = 60.0


def retention() -> datetime.timedelta:
    return datetime.timedelta(days=float(getattr(settings, "EVENT_RETENTION_DAYS", 30)))


def work_once(client: httpx.Client | None = None, pool: ThreadPoolExecutor | None = None) -> int:
    """One round; how much it did (0: nothing was waiting). Saved searches are matched
    between the dispatch and the delivery, so that their alerts go out in the same round."""
    # Monitoring sits above events (it sends through their webhooks): imported when used.
    from articles.monitoring import percolate

    done = publish_due() + sequence() + dispatch() + percolate()
    return done + deliver_due(client=client, pool=pool)


def run(stop: threading.Event, *, idle_s: float = 0.5) -> None:
    """Work until ``stop`` is set (at least one round); a round in progress is finished."""
    last_prune = None
    with new_client() as client, ThreadPoolExecutor(ROUND, thread_name_prefix="webhook") as pool:
        while True:
            try:
                done = work_once(client, pool)
                if last_prune is None or time.monotonic() - last_prune >= PRUNE_EVERY_S:
                    pruned = prune(retention())  # numbered and dispatched ones only
                    last_prune = time.monotonic()
                    if pruned:
                        log.info("pruned %d events older than %s", pruned, retention())
            except DatabaseError as error:
                log.warning("database unavailable (%s): trying again", error)
                close_old_connections()
                done = 0
                stop.wait(2.0)
            if stop.wait(0 if done else idle_s):
                return
