"""Documents into an index: the change log's changes applied to it, and every article read
for a rebuild (in batches, the next read while this one is indexed). ``_engine`` decides when
and under which lock; this module only writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import tantivy
from django.conf import settings
from django.db import connection

from articles.kinds import NAMED_KINDS
from articles.search import _changelog as changelog
from articles.search._building import built_batches
from articles.search._documents import article_documents, named_documents, read_articles
from articles.search._schema import SCHEMA, Kind, term

REBUILD_BATCH = 2000
LARGE_ARCHIVE = 20_000


def kind_ids(kind: str, ids: list[int], field: str = "id") -> tantivy.Query:
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, term("kind", kind)),
            (tantivy.Occur.Must, tantivy.Query.term_set_query(SCHEMA, field, ids)),
        ]
    )


def large_archive() -> bool:
    """Whether the archive is large enough for a rebuild's big memory budget and reader
    thread (tests rebuild tiny archives)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'articles_article'::regclass")
        estimate = cursor.fetchone()[0]
    return estimate is not None and estimate >= LARGE_ARCHIVE


def article_batches(*, threaded: bool) -> Iterator[list]:
    """Every article's row, newest id first, in batches. ``threaded``: the next batch is read
    by a thread of its own (its own connection) while this one builds documents, so that
    PostgreSQL and Python work at once. Not inside a transaction: that thread would not see
    its uncommitted rows."""
    batches = _article_id_batches(REBUILD_BATCH)
    if not threaded or connection.in_atomic_block:
        for ids in batches:
            yield read_articles(ids)
        return
    with ThreadPoolExecutor(max_workers=1) as reader:
        try:
            upcoming = None
            for ids in batches:
                following = reader.submit(read_articles, ids)
                if upcoming is not None:
                    yield upcoming.result()
                upcoming = following
            if upcoming is not None:
                yield upcoming.result()
        finally:
            reader.submit(_close_connection).result()


def write_archive(index: tantivy.Index, progress: Callable[[int], None] | None) -> int:
    """Every article's documents and every name's into the new, empty ``index``, committed;
    the number of articles. ``progress`` is told the size of each batch written. A large
    archive's documents are built by ``SEARCH_REBUILD_PROCESSES`` other processes (unless
    inside a transaction: they would not see its rows), a small one's in this process."""
    large = large_archive()
    heap = settings.SEARCH_REBUILD_HEAP_BYTES if large else settings.SEARCH_WRITER_HEAP_BYTES
    writer = index.writer(heap)
    processes = settings.SEARCH_REBUILD_PROCESSES if large else 0
    if processes and not connection.in_atomic_block:
        batches = built_batches(_article_id_batches(REBUILD_BATCH), processes)
        add = writer.add_json
    else:
        batches = (
            (len(rows), (doc for row in rows for doc in article_documents(row)))
            for rows in article_batches(threaded=large)
        )
        add = writer.add_document
    indexed = 0
    for count, documents in batches:
        for doc in documents:
            add(doc)
        indexed += count
        if progress:
            progress(count)
    for kind in Kind.NAMED:
        for doc in named_documents(kind):
            writer.add_document(doc)
    commit(writer)
    return indexed


def commit(writer: tantivy.IndexWriter) -> None:
    writer.commit()
    writer.garbage_collect_files()
    writer.wait_merging_threads()


def catch_up(
    index: tantivy.Index,
    position: changelog.Position,
    *,
    also: dict[str, set[int]] | None = None,
) -> changelog.Pending:
    """Apply to ``index`` a chunk of the changes pending at ``position`` (one commit), and
    the objects ``also`` names (kind -> ids: tentative changes to apply again)."""
    pending = changelog.pending(position, limit=settings.SEARCH_APPLY_CHUNK)
    if pending.count or also:
        writer = index.writer(settings.SEARCH_WRITER_HEAP_BYTES, 1)
        write_changes(index, writer, changelog.merged(pending.changes, also or {}))
        commit(writer)
    return pending


def catch_up_all(index: tantivy.Index, position: changelog.Position) -> changelog.Position:
    """Apply to ``index`` every change pending at ``position``, chunk by chunk."""
    while True:
        pending = catch_up(index, position)
        position = pending.position
        if not pending.more:
            return position


def write_changes(
    index: tantivy.Index, writer: tantivy.IndexWriter, changes: dict[str, set[int]]
) -> None:
    """Replace the documents of the changed articles and of every name they used or use."""
    article_ids = sorted(changes[changelog.ARTICLE])
    named = {kind.name: set(changes[kind.change_code]) for kind in NAMED_KINDS}
    if article_ids:
        index.reload()
        searcher = index.searcher()
        for kind, ids in _named_ids_in_index(searcher, article_ids).items():
            named[kind] |= ids
        writer.delete_documents_by_query(
            tantivy.Query.term_set_query(SCHEMA, "article_id", article_ids)
        )
        for row in read_articles(article_ids):
            for doc in article_documents(row):
                writer.add_document(doc)
            for kind in NAMED_KINDS:
                named[kind.name].update(entity[0] for entity in row.names(kind))
    for kind, ids in named.items():
        if ids:
            writer.delete_documents_by_query(kind_ids(kind, sorted(ids)))
            for doc in named_documents(kind, ids):
                writer.add_document(doc)


def _named_ids_in_index(searcher: tantivy.Searcher, article_ids: list[int]) -> dict[str, set]:
    """The tags, authors and sources that the indexed versions of these articles name."""
    query = kind_ids(Kind.ARTICLE, article_ids, field="article_id")
    size = 65_000
    aggs = {kind.name: {"terms": {"field": kind.id_field, "size": size}} for kind in NAMED_KINDS}
    result = searcher.aggregate(query, aggs)
    return {name: {int(b["key"]) for b in result[name]["buckets"]} for name in aggs}


def _close_connection() -> None:
    connection.close()  # this thread's own


def _article_id_batches(size: int) -> Iterator[list[int]]:
    """Every article id, newest first, in batches (keyset pagination). Documents added
    in this order rank newer articles first among equal scores."""
    last = None
    while True:
        with connection.cursor() as cursor:
            if last is None:
                cursor.execute("SELECT id FROM articles_article ORDER BY id DESC LIMIT %s", [size])
            else:
                cursor.execute(
                    "SELECT id FROM articles_article WHERE id < %s ORDER BY id DESC LIMIT %s",
                    [last, size],
                )
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return
        yield ids
        last = ids[-1]
