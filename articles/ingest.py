"""Importing archives of articles (read by ``archives``) and raw pages: records checked with
the write contract (``articles.contract``) and stored batch by batch (``bulk``), in forked
workers when asked, with this host's search index following the import.

A record that cannot be read, or that makes anything fail later, is reported as failed with its
place and reason, and the import goes on."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, connections
from rest_framework.exceptions import ValidationError as DrfValidationError

from articles import bulk, lifecycle, search
from articles.archives import Entry, entries, export_records
from articles.contract import ArticleContract
from articles.extract import extract
from articles.lifeline import die_with_parent
from articles.models import Article
from articles.text import MarkupTooComplex

# ``entries`` and ``export_records`` (``archives``) are taken from here too: the commands
# read and write archives with them.
__all__ = [
    "BATCH_SIZE",
    "IMPORT",
    "Entry",
    "IndexFollower",
    "Report",
    "entries",
    "export_records",
    "import_entries",
    "import_raw_page",
    "page_to_store",
    "reason",
    "store",
    "upsert_values",
]

BATCH_SIZE = 500
IMPORT = lifecycle.Actor("import")  # a command run without --user: every right


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    def add(self, where: str, outcome: bulk.Outcome) -> None:
        if outcome.status == bulk.ERROR:
            self.failed.append((where, reason(outcome.errors)))
        else:
            setattr(self, outcome.status, getattr(self, outcome.status) + 1)

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, skipped {self.skipped}, "
            f"failed {len(self.failed)}"
        )


NOT_AN_OBJECT = "a record is a JSON object (an article in the API's write format)"


def reason(detail: Any) -> str:
    """An error's messages on one line: "title: This field is required."."""
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {reason(value)}" for key, value in detail.items())
    if isinstance(detail, list | tuple):
        return " ".join(reason(value) for value in detail)
    return str(detail)


def import_entries(
    records: Iterable[Entry],
    *,
    skip_existing: bool = False,
    batch_size: int = BATCH_SIZE,
    after_batch: Callable[[int], None] | None = None,
    workers: int = 1,
    actor: lifecycle.Actor = IMPORT,
) -> Report:
    """Store the records batch by batch; ``after_batch(count)`` runs after each is written.

    With ``workers`` > 1 (and outside a transaction), forked processes check and write the
    batches side by side. Records are dealt to them by their ``url``, so that every record of
    one article goes to the same process and is written in the file's order."""
    if workers > 1 and not connection.in_atomic_block:
        return _import_in_workers(records, skip_existing, batch_size, after_batch, workers, actor)
    report = Report()
    batch: list[Entry] = []

    def flush() -> None:
        for where, outcome in store(batch, skip_existing, actor):
            report.add(where, outcome)
        if after_batch is not None:
            after_batch(len(batch))
        batch.clear()

    for entry in records:
        batch.append(entry)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return report


def store(
    batch: list[Entry], skip_existing: bool, actor: lifecycle.Actor = IMPORT
) -> list[tuple[str, bulk.Outcome]]:
    """Check and write one batch of entries: an outcome for each, in order."""
    results: list[tuple[str, bulk.Outcome] | None] = [None] * len(batch)
    readable: dict[int, Any] = {}
    for number, entry in enumerate(batch):
        if entry.error:
            results[number] = (entry.where, bulk.Outcome(bulk.ERROR, errors=entry.error))
        elif not isinstance(entry.value, dict):
            results[number] = (entry.where, bulk.Outcome(bulk.ERROR, errors=NOT_AN_OBJECT))
        else:
            readable[number] = entry.value
    outcomes = upsert_values(list(readable.values()), skip_existing=skip_existing, actor=actor)
    for number, outcome in zip(readable, outcomes, strict=True):
        results[number] = (batch[number].where, outcome)
    return [result for result in results if result is not None]


def upsert_values(
    values: Sequence[Mapping[str, Any]],
    *,
    skip_existing: bool = False,
    may_update: bool = True,
    actor: lifecycle.Actor = IMPORT,
) -> list[bulk.Outcome]:
    """Articles in the write format, each checked with the write contract (errors as the API's
    400 gives them) and the valid ones stored together (``bulk.upsert_many``): an outcome for
    each, in order. Used by the import and by ``POST /articles/bulk/``."""
    serializer = ArticleContract()
    outcomes: list[bulk.Outcome | None] = [None] * len(values)
    valid: dict[int, dict[str, Any]] = {}
    for number, value in enumerate(values):
        try:
            valid[number] = serializer.run_validation(value)
        except DrfValidationError as error:
            outcomes[number] = bulk.Outcome(bulk.ERROR, errors=error.detail)
        except Exception as error:  # whatever one record raises is its answer
            outcomes[number] = bulk.unexpected(error)
    stored = bulk.upsert_many(
        list(valid.values()), skip_existing=skip_existing, may_update=may_update, actor=actor
    )
    for number, outcome in zip(valid, stored, strict=True):
        outcomes[number] = outcome
    return [outcome for outcome in outcomes if outcome is not None]


def _import_in_workers(
    records: Iterable[Entry],
    skip_existing: bool,
    batch_size: int,
    after_batch: Callable[[int], None] | None,
    workers: int,
    actor: lifecycle.Actor,
) -> Report:
    report = Report()
    connections.close_all()  # forked workers open their own
    context = multiprocessing.get_context("fork")
    pools = [_writer_pool(context) for _ in range(workers)]
    batches: list[list[Entry]] = [[] for _ in range(workers)]
    in_flight: deque[tuple[Future, ProcessPoolExecutor, int, list[str]]] = deque()
    dealt = 0

    def collect() -> None:
        future, pool, slot, wheres = in_flight.popleft()
        try:
            results = future.result()
        except Exception as error:  # the writer died (killed, out of memory)
            lost = bulk.Outcome(bulk.ERROR, errors=f"the process writing it failed ({error!r}): "
                                "it may not be stored; import it again")  # fmt: skip
            results = [(where, lost) for where in wheres]
            if isinstance(error, BrokenProcessPool) and pools[slot] is pool:
                pools[slot] = _writer_pool(context)
        for where, outcome in results:
            report.add(where, outcome)
        if after_batch is not None:
            after_batch(len(wheres))

    def submit(slot: int) -> None:
        future = pools[slot].submit(store, batches[slot], skip_existing, actor)
        in_flight.append((future, pools[slot], slot, [entry.where for entry in batches[slot]]))
        batches[slot] = []
        while len(in_flight) > 2 * workers:  # bounded memory
            collect()

    try:
        for entry in records:
            url = entry.value.get("url") if isinstance(entry.value, dict) else None
            slot = zlib.crc32(str(url).encode()) % workers if url else dealt % workers
            dealt += 1
            batches[slot].append(entry)
            if len(batches[slot]) >= batch_size:
                submit(slot)
        for slot in range(workers):
            if batches[slot]:
                submit(slot)
        while in_flight:
            collect()
    finally:
        for pool in pools:
            with contextlib.suppress(BrokenProcessPool):
                pool.submit(_close_connections).result()
            pool.shutdown()
    report.failed.sort(key=lambda failure: int(failure[0].rsplit(" ", 1)[-1]))
    return report


def _writer_pool(context: Any) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        1, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
    )


def _close_connections() -> None:
    connections.close_all()  # a worker's own, before it exits


class IndexFollower:
    """Keeps this host's search index up to the change log while an import writes.

    Outside a transaction it is a forked process applying the log every ``FOLLOW_EVERY_S``,
    so the index's work runs on another core beside the import's; the last changes are
    applied when the import ends; it dies with the import, killed or not (``lifeline``), as
    the writers do. Inside a transaction (whose changes no other connection sees yet) the log
    is applied here, every ``every`` articles."""

    def __init__(self, every: int = 5_000) -> None:
        self.every = every
        self.unapplied = 0
        self.process: Any = None
        self.stop: Any = None

    def __enter__(self) -> IndexFollower:
        if not connection.in_atomic_block:
            connections.close_all()  # the child opens its own; this process reconnects
            context = multiprocessing.get_context("fork")
            self.stop = context.Event()
            self.process = context.Process(
                target=_follow, args=(self.stop, os.getpid()), daemon=True
            )
            self.process.start()
        return self

    def stored(self, count: int) -> None:
        if self.process is None:
            self.unapplied += count
            if self.unapplied >= self.every:
                search.engine().apply()
                self.unapplied = 0

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None:
            self.stop.set()
            self.process.join()
        search.engine().apply()


# How often the follower applies the log: each apply ends in an index commit (0.1-0.3 s) and
# re-indexes every name the new articles use, so fewer, larger applies cost less.
FOLLOW_EVERY_S = 5.0


def _follow(stop: Any, parent: int) -> None:
    die_with_parent(parent)  # killed, the import cannot stop its follower
    search.forget_engines()  # the parent's open readers are not this process's
    try:
        while not stop.wait(FOLLOW_EVERY_S):
            search.engine().apply()
    finally:
        connections.close_all()


def page_to_store(content: str, **hints: Any) -> dict[str, Any]:
    """The article of a raw page, to store as a draft; when its url is stored already, an
    update that keeps the stored status (re-extracting a page does not unpublish it)."""
    article = extract(content, **hints)
    if article["url"] and Article.objects.filter(url=article["url"]).exists():
        del article["status"]
    return article


def import_raw_page(
    content: str, *, skip_existing: bool = False, actor: lifecycle.Actor = IMPORT, **hints: Any
) -> bulk.Outcome:
    """Extract the article of a raw page and store it, as ``POST
    /articles/extract/?save=true`` does."""
    try:
        page = page_to_store(content, **hints)
    except MarkupTooComplex as error:
        return bulk.Outcome(bulk.ERROR, errors=str(error))
    except Exception as error:  # a page that makes extraction fail is this page's failure
        return bulk.unexpected(error)
    serializer = ArticleContract(data=page)
    if not serializer.is_valid():
        return bulk.Outcome(bulk.ERROR, errors=reason(serializer.errors))
    return bulk.upsert_one(
        serializer.validated_data,
        actor=actor,
        skip_existing=skip_existing,
        may_create=True,
        may_update=True,
    )
