"""A rebuild's documents built in processes of their own: reading rows and building documents
is Python under one GIL, so other processes are the way to the machine's other cores while
this one's writer indexes. Each builder (forked, with a connection of its own) reads the
batches of articles it is handed, builds their documents as ``FieldValues`` and sends them
back as JSON lines, which the writer parses (``IndexWriter.add_json``); batches come back in
the order they were handed out, so documents are added in the same order as in-process.

Bounded: each builder has at most ``AHEAD`` batches handed out and not yet taken back. A
builder ends when its pipe closes: when this process ends, killed or not, so do they."""

from __future__ import annotations

import json
import multiprocessing
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection

from django.db import connections

from articles.search._documents import FieldValues, article_documents, read_articles

AHEAD = 2  # batches in flight per builder: one being built while the last is indexed
_FAILED = b"!"  # the first byte of a builder's answer when it failed (then its traceback)
_kept: list[object] = []  # a builder's inherited database connections (see _own_connections)


def built_batches(batches: Iterable[list[int]], processes: int) -> Iterator[tuple[int, list[str]]]:
    """For each batch of article ids, in order: how many of those articles exist, and their
    documents (each article's, then its quotations'), one JSON text each."""
    context = multiprocessing.get_context("fork")  # the builders inherit settings and schema
    pipes = [context.Pipe() for _ in range(processes)]
    builders = []
    try:
        for _, theirs in pipes:
            # Every other end is closed in the builder: an end kept open there would hide
            # the end of this process (or of another builder) from whoever reads the pipe.
            others = [end for pipe in pipes for end in pipe if end is not theirs]
            builder = context.Process(target=_build, args=(theirs, others), daemon=True)
            builder.start()
            theirs.close()
            builders.append(builder)
        handed: deque[Connection] = deque()
        ids = iter(batches)
        turn = 0
        for _ in range(processes * AHEAD):
            if not _hand(ids, pipes[turn % processes][0], handed):
                break
            turn += 1
        while handed:
            answer = _answer(handed.popleft())
            if _hand(ids, pipes[turn % processes][0], handed):
                turn += 1
            count, _, lines = answer.partition(b"\n")
            yield int(count), lines.decode().split("\n") if lines else []
    finally:
        for ours, _ in pipes:
            ours.close()  # the builders' recv sees the end
        for builder in builders:
            builder.join(timeout=10)
            if builder.is_alive():
                builder.kill()


def _hand(ids: Iterator[list[int]], pipe: Connection, handed: deque[Connection]) -> bool:
    batch = next(ids, None)
    if batch is None:
        return False
    pipe.send(batch)
    handed.append(pipe)
    return True


def _answer(pipe: Connection) -> bytes:
    try:
        answer = pipe.recv_bytes()
    except EOFError:
        raise RuntimeError("A rebuild's document builder ended unexpectedly.") from None
    if answer.startswith(_FAILED):
        raise RuntimeError(f"A rebuild's document builder failed:\n{answer[1:].decode()}")
    return answer


def _build(pipe: Connection, others: list[Connection]) -> None:
    """A builder's loop: batches of ids in, ``count\\njson\\njson...`` out, until the pipe
    closes (or breaks: the parent is gone)."""
    for end in others:
        end.close()
    _own_connections()
    try:
        while True:
            ids = pipe.recv()
            try:
                answer = _documents_json(ids)
            except Exception:
                answer = _FAILED + traceback.format_exc().encode()
            pipe.send_bytes(answer)
    except (EOFError, OSError):
        return
    finally:
        connections.close_all()  # its own


def _documents_json(ids: list[int]) -> bytes:
    rows = read_articles(ids)
    lines = [
        json.dumps(doc, ensure_ascii=False, check_circular=False)
        for row in rows
        for doc in article_documents(row, document=FieldValues)
    ]
    return "\n".join([str(len(rows)), *lines]).encode()


def _own_connections() -> None:
    """Let this forked process open connections of its own. The inherited ones share their
    sockets with the parent: they are kept, unclosed (closing or collecting one would end
    the parent's session), until the process exits (``os._exit``: no finalisers)."""
    for connection in connections.all(initialized_only=True):
        _kept.append(connection.connection)
        connection.connection = None
