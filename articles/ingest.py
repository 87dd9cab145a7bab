"""Reading and writing archives of articles: NDJSON or a JSON array in the API's write format,
streamed in constant memory, checked record by record and stored batch by batch.

A record is read under the API's own rules for a request body (nesting depth, valid Unicode,
at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes): one that breaks them, or that makes anything
fail later, is reported as failed with its place and reason, and the import goes on."""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import IO, Any

import ijson
from django.conf import settings
from django.db import connection, connections
from rest_framework.exceptions import ParseError
from rest_framework.exceptions import ValidationError as DrfValidationError

from articles import bulk, lifecycle, search
from articles.contract import TOO_DEEP, ArticleContract, check_json
from articles.extract import extract
from articles.fields import ARTICLE_FIELDS, FIELD_NAMES
from articles.lifeline import die_with_parent
from articles.models import Article
from articles.text import MarkupTooComplex

BATCH_SIZE = 500
IMPORT = lifecycle.Actor("import")  # a command run without --user: every right


@dataclass
class Entry:
    """One record of a file: where it is (a line, or a position in an array) and its value,
    or why it could not be read."""

    where: str
    value: Any = None
    error: str | None = None


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


def entries(stream: IO[bytes]) -> Iterator[Entry]:
    """The records of NDJSON (one object per line) or of a JSON array, told apart by the
    first character; an array is parsed incrementally (ijson), never loaded whole."""
    buffered = io.BufferedReader(stream) if not hasattr(stream, "peek") else stream
    head = buffered.peek(64).lstrip()
    if head.startswith(b"\xef\xbb\xbf"):  # a byte order mark
        buffered.read(3)
        head = head[3:].lstrip()
    if head.startswith(b"["):
        yield from _array_entries(buffered)
    else:
        yield from _line_entries(buffered)


def _line_entries(stream: IO[bytes]) -> Iterator[Entry]:
    limit = _record_limit()
    number = 0
    while line := stream.readline(limit + 1 if limit else -1):
        number += 1
        if limit and len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skipped, never held whole
                line = stream.readline(1 << 20)
            yield Entry(f"line {number}", error=_too_large(limit))
        elif line.strip():
            yield _line_entry(f"line {number}", line)


def _array_entries(stream: IO[bytes]) -> Iterator[Entry]:
    number = 0
    metered = _Metered(stream, _record_limit())
    try:
        for number, value in enumerate(ijson.items(metered, "item", use_float=True), start=1):
            metered.record_read()
            yield _checked_entry(f"record {number}", value)
    except (ijson.JSONError, UnicodeDecodeError) as error:
        yield Entry(f"record {number + 1}", error=f"not JSON: {error}; the rest is not read")
    except _TooLarge as error:
        yield Entry(f"record {number + 1}", error=f"{error}; the rest is not read")


def _line_entry(where: str, line: bytes) -> Entry:
    try:
        value = json.loads(line)
    except RecursionError:  # the decoder recurses once per level
        return Entry(where, error=TOO_DEEP)
    except ValueError as error:  # UnicodeDecodeError included
        return Entry(where, error=f"not JSON: {error}")
    return _checked_entry(where, value)


def _checked_entry(where: str, value: Any) -> Entry:
    """The record, or why the API would refuse it as a request body (depth, Unicode)."""
    try:
        check_json(value)
    except ParseError as error:
        return Entry(where, error=str(error.detail))
    return Entry(where, value)


def _record_limit() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0


def _too_large(limit: int) -> str:
    return f"larger than {limit:,} bytes, the largest request the API takes (MAX_BODY_MB)"


class _TooLarge(Exception):
    pass


class _Metered:
    """A stream that refuses to be read further once a record took more than ``limit`` bytes
    (give or take the parser's buffer), so a huge record is never held whole."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream, self.limit = stream, limit
        self.read_so_far = self.record_start = 0

    def read(self, size: int = -1) -> bytes:
        if self.limit and self.read_so_far - self.record_start > self.limit:
            raise _TooLarge(_too_large(self.limit))
        data = self.stream.read(size)
        self.read_so_far += len(data)
        return data

    def record_read(self) -> None:
        self.record_start = self.read_so_far


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
    from articles.search import _engine

    die_with_parent(parent)  # killed, the import cannot stop its follower
    _engine.forget_engines()  # the parent's open readers are not this process's
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


# --- export --------------------------------------------------------------------------------------

EXPORTED_FIELDS = FIELD_NAMES  # every field a write takes: an export imports back
_TIMES = tuple(each.name for each in ARTICLE_FIELDS if each.sql_type == "timestamptz")


def export_records(articles: Iterable[Article]) -> Iterator[dict[str, Any]]:
    """Articles in the write format, relations by name: what ``import_entries`` reads back.
    ``articles`` must prefetch bylines' authors, tags and quotes' sources."""
    for article in articles:
        record = {name: getattr(article, name) for name in EXPORTED_FIELDS}
        for name in _TIMES:
            if record[name] is not None:
                record[name] = record[name].isoformat()
        record["authors"] = [byline.author.name for byline in article.bylines.all()]
        record["tags"] = [tag.name for tag in article.tags.all()]
        record["quotes"] = [
            {
                "source": quote.source.name,
                "kind": quote.source.kind,
                "description": quote.source.description,
                "text": quote.text,
            }
            for quote in article.quotes.all()
        ]
        yield record
