"""The change log: every write records what it changed, in its own transaction.

An index's position is a PostgreSQL snapshot plus the highest change id it applied. A change
is pending for that index when its transaction was not yet visible in the snapshot (it
committed later, whatever its id) or its id is higher (written since, including by the
current transaction, whose own earlier rows an index read in it has seen). Applying is
idempotent: an article's documents are replaced whole.

A search inside a transaction that wrote applies that transaction's own changes, not yet
committed, to the shared index (a test, a script: it reads its own writes). They are
tentative (``Pending.own``): the index keeps them aside with the transaction's id, and once
that transaction is over (committed or rolled back: ``transaction_statuses``) applies their
objects again, as they are then.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import connection

ARTICLE, TAG, AUTHOR, SOURCE = "a", "t", "p", "s"


@dataclass(frozen=True)
class Position:
    snapshot: str  # pg_snapshot text: "xmin:xmax:xip,..."
    last_id: int

    @property
    def xmin(self) -> str:
        return self.snapshot.split(":", 1)[0]


@dataclass(frozen=True)
class Status:
    """What the database says of an index at ``position``."""

    database_id: str
    pending: bool
    # The index saw none of some pruned changes, or is ahead of this database (a restored
    # backup): it must be rebuilt.
    stale: bool
    # Bumped by every change of the synonym sets (a trigger; migration 0013).
    synonyms_version: int = 0
    # The id of the transaction asking, when it has one (it wrote): its own tentative
    # changes in an index need no settling while it runs.
    transaction: str | None = None


def record(kind: str, ids: Iterable[int]) -> None:
    """Log that these objects changed; call inside the writing transaction."""
    ids = sorted(set(ids))
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO newsapi_search_change (kind, object_id) SELECT %s, unnest(%s::bigint[])",
            [kind, ids],
        )


_PENDING = """
    SELECT id, kind, object_id, txid FROM newsapi_search_change WHERE id > %s
    UNION
    SELECT id, kind, object_id, txid FROM newsapi_search_change
     WHERE txid >= %s::xid8 AND NOT pg_visible_in_snapshot(txid, %s::pg_snapshot)
       AND txid IS DISTINCT FROM pg_current_xact_id_if_assigned()
"""

_STATUS_SQL = f"""
SELECT s.database_id::text,
       EXISTS ({_PENDING}),
       (s.pruned_through IS NOT NULL
        AND NOT pg_visible_in_snapshot(s.pruned_through, %s::pg_snapshot))
       OR pg_snapshot_xmax(%s::pg_snapshot) > pg_snapshot_xmax(pg_current_snapshot()),
       s.synonyms_version,
       pg_current_xact_id_if_assigned()::text
  FROM newsapi_search_state s WHERE s.id = 1
"""


def database_id() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT database_id::text FROM newsapi_search_state WHERE id = 1")
        return cursor.fetchone()[0]


def status_query(position: Position) -> tuple[str, list[object]]:
    """The statement that tells an index at ``position`` its status (one row: database id,
    pending, stale, the synonyms' version), and its parameters: to run alone or within
    another statement."""
    return _STATUS_SQL, [
        position.last_id, position.xmin, position.snapshot, position.snapshot, position.snapshot,
    ]  # fmt: skip


def status(position: Position) -> Status:
    """One statement, run before every search (unless the request's first statement asked
    already: see ``_engine.Engine.status_query``)."""
    with connection.cursor() as cursor:
        cursor.execute(*status_query(position))
        return Status(*cursor.fetchone())


@dataclass(frozen=True)
class Pending:
    changes: dict[str, set[int]]  # kind -> object ids
    position: Position  # where the index is once they are applied
    count: int
    more: bool = False  # a chunk: changes past it are still pending at ``position``
    # Those of the changes written by the transaction reading them, not committed yet:
    # (its id, kind -> object ids), or None.
    own: tuple[str, dict[str, set[int]]] | None = None


def pending(position: Position, *, limit: int | None = None) -> Pending:
    """The changes not applied at ``position``, and the position after them, read in one
    statement (one snapshot). ``limit``: at most this many, the lowest ids first.

    The position after a chunk is (this snapshot, the chunk's highest id): every change
    visible in it with an id up to there is in the chunk or applied already. When the chunk
    is made of changes that committed late, below the index's highest id, that position is
    behind the old one: the changes applied between are applied again (idempotent), never
    skipped."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT pg_current_snapshot()::text, p.id, p.kind, p.object_id,
                   pg_current_xact_id_if_assigned()::text,
                   p.txid = pg_current_xact_id_if_assigned()
              FROM (SELECT 1) one
              LEFT JOIN (SELECT * FROM ({_PENDING}) u ORDER BY id LIMIT %s) p ON true
             ORDER BY p.id
            """,
            [position.last_id, position.xmin, position.snapshot,
             None if limit is None else limit + 1],
        )  # fmt: skip
        rows = cursor.fetchall()
    snapshot = rows[0][0]
    rows = [row for row in rows if row[1] is not None]
    more = limit is not None and len(rows) > limit
    if more:
        rows = rows[:limit]
    changes: dict[str, set[int]] = {ARTICLE: set(), TAG: set(), AUTHOR: set(), SOURCE: set()}
    own: dict[str, set[int]] = {}
    for _, _, kind, object_id, _, is_own in rows:
        changes[kind].add(object_id)
        if is_own:
            own.setdefault(kind, set()).add(object_id)
    last_id = rows[-1][1] if more else max([position.last_id, *(row[1] for row in rows)])
    mine = (rows[0][4], own) if own else None
    return Pending(changes, Position(snapshot, last_id), len(rows), more, mine)


def merged(*changes: Mapping[str, Iterable[int]]) -> dict[str, set[int]]:
    """Kind -> object ids of all these changes together."""
    together: dict[str, set[int]] = {}
    for each in changes:
        for kind, ids in each.items():
            together.setdefault(kind, set()).update(ids)
    return together


def own_changes() -> tuple[str, dict[str, set[int]]] | None:
    """The changes the current transaction wrote, not committed yet: (its id, kind -> object
    ids), or None (a rebuild inside it read them as they are in it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT txid::text, kind, array_agg(object_id) FROM newsapi_search_change
                WHERE txid = pg_current_xact_id_if_assigned() GROUP BY txid, kind"""
        )
        rows = cursor.fetchall()
    return (rows[0][0], {kind: set(ids) for _, kind, ids in rows}) if rows else None


def transaction_statuses(ids: Iterable[str]) -> dict[str, str | None]:
    """How these transactions are: "in progress", "committed", "aborted", or None (too old
    to tell: over). One not yet begun in this snapshot's view counts as in progress
    (``pg_xact_status`` refuses ids in the future)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT t, CASE WHEN t::xid8 >= pg_snapshot_xmax(pg_current_snapshot())
                              THEN 'in progress' ELSE pg_xact_status(t::xid8) END
                 FROM unnest(%s::text[]) t""",
            [sorted(ids)],
        )
        return dict(cursor.fetchall())


def articles_changed_since(position: Position, *, limit: int) -> set[int] | None:
    """The articles with a change pending at ``position``, read now: a superset of those
    whose documents differ between an index at ``position`` and the same index with any
    changes applied since (an article's documents change only through its own changes).
    None when there are more than ``limit``, or when the log no longer holds every change
    since ``position`` (pruned since, or the database is behind it: a restored backup)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT (s.pruned_through IS NOT NULL
                    AND NOT pg_visible_in_snapshot(s.pruned_through, %s::pg_snapshot))
                   OR pg_snapshot_xmax(%s::pg_snapshot) > pg_snapshot_xmax(pg_current_snapshot()),
                   ARRAY(SELECT DISTINCT p.object_id FROM ({_PENDING}) p
                          WHERE p.kind = %s LIMIT %s)
              FROM newsapi_search_state s WHERE s.id = 1
            """,
            [position.snapshot, position.snapshot, position.last_id, position.xmin,
             position.snapshot, ARTICLE, limit + 1],
        )  # fmt: skip
        stale, ids = cursor.fetchone()
    if stale or len(ids) > limit:
        return None
    return set(ids)


def head() -> Position:
    """The position of an index that has seen everything visible now (for a rebuild, read in
    the same snapshot as the articles it indexes)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_current_snapshot()::text, COALESCE(max(id), 0) FROM newsapi_search_change"
        )
        snapshot, last_id = cursor.fetchone()
    return Position(snapshot, last_id)


def log_size() -> tuple[int, int]:
    """(rows in the log, highest change id)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), COALESCE(max(id), 0) FROM newsapi_search_change")
        return cursor.fetchone()


def prune(older_than: datetime.timedelta) -> int:
    """Delete changes older than ``older_than``; an index that had not applied them will
    rebuild (it is told through ``pruned_through``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH gone AS (
                DELETE FROM newsapi_search_change WHERE created_at < now() - %s
                RETURNING txid
            )
            UPDATE newsapi_search_state
               SET pruned_through = GREATEST(pruned_through, (SELECT max(txid) FROM gone))
             WHERE id = 1 AND EXISTS (SELECT 1 FROM gone)
            RETURNING (SELECT count(*) FROM gone)
            """,
            [older_than],
        )
        row = cursor.fetchone()
    return row[0] if row else 0
