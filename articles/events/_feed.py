"""The change feed: events in commit order, behind opaque cursors.

Writers insert events with no position. ``sequence`` then numbers the committed ones, one
sequencer at a time (an advisory lock held to its commit): a sequencer only sees rows whose
transaction has committed, and the next one starts after it committed, so an event that
commits late is numbered after every number already handed out. A cursor is such a number:
following the feed from any cursor never skips an event (nothing is numbered below a number
a client has seen) and never repeats one (numbers are given once). This is the change log's
idea (a position that a late commit cannot fall behind) in a form that pages of any size can
express: a snapshot plus an id cannot say "half of a late transaction's events".

Readers follow ``public_seq`` (the events they may see, numbered apart, so that even a
cursor's value tells nothing of editors' events); editors follow ``seq``.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from dataclasses import dataclass

from django.db import connection, transaction

SEQUENCE_LOCK = 0x6E657773_0001  # pg_advisory_xact_lock key: one sequencer at a time
SEQUENCE_BATCH = 10_000
READER, EDITOR = "r", "e"
_COLUMN = {READER: "public_seq", EDITOR: "seq"}
_COUNTER = {READER: "articles_event_public_seq_counter", EDITOR: "articles_event_seq_counter"}
_PRUNED = {READER: "pruned_through_public_seq", EDITOR: "pruned_through_seq"}
_CURSOR = re.compile(r"^v1\.([re])\.(\d{1,18})$")


class BadCursor(ValueError):
    """Not a cursor of this feed (400)."""


class ExpiredCursor(Exception):
    """A cursor from before the oldest event kept (410: resync)."""


def encode(audience: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"v1.{audience}.{position}".encode()).decode().rstrip("=")


def decode(cursor: str, audience: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor("Not a cursor of this feed: use a next_cursor it gave.") from None
    match = _CURSOR.match(text)
    if match is None:
        raise BadCursor("Not a cursor of this feed: use a next_cursor it gave.")
    if match.group(1) != audience:
        raise BadCursor(
            "This cursor was given to "
            + ("editors" if match.group(1) == EDITOR else "readers")
            + ": follow the feed again from the start (no `after`)."
        )
    return int(match.group(2))


def sequence(batch: int = SEQUENCE_BATCH) -> int:
    """Number the committed events that have no number yet (at most ``batch``); how many."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM articles_event WHERE seq IS NULL)")
        if not cursor.fetchone()[0]:
            return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCE_LOCK])
        cursor.execute(
            """
            WITH todo AS (
                SELECT id, public FROM articles_event WHERE seq IS NULL ORDER BY id LIMIT %s
            ), numbered AS (
                SELECT id, nextval('articles_event_seq_counter') AS seq,
                       CASE WHEN public THEN nextval('articles_event_public_seq_counter') END
                           AS public_seq
                  FROM todo
            )
            UPDATE articles_event e SET seq = n.seq, public_seq = n.public_seq
              FROM numbered n WHERE e.id = n.id
            """,
            [batch],
        )
        return cursor.rowcount


@dataclass(frozen=True)
class FeedPage:
    """A page as JSON text (built by PostgreSQL: the events' data is not parsed again)."""

    json: str


_PAGE_SQL = """
WITH page AS (
    SELECT {column} AS position, type, object, object_id, slug, occurred_at, data
      FROM articles_event WHERE {column} > %(after)s ORDER BY {column} LIMIT %(limit)s + 1
), shown AS (
    SELECT * FROM page ORDER BY position LIMIT %(limit)s
)
SELECT (SELECT count(*) FROM page) > %(limit)s,
       (SELECT max(position) FROM shown),
       COALESCE((SELECT json_agg(json_build_object(
           'cursor', rtrim(translate(encode(convert_to(%(prefix)s || position, 'UTF8'),
                                            'base64'), '+/', '-_'), '='),
           'type', type, 'object', object, 'id', object_id,
           'slug', slug,
           'occurred_at', to_char(occurred_at AT TIME ZONE 'UTC',
                                  'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           -- written with no request at hand: links.self is a path, answered absolute
           'data', CASE WHEN left(data #>> '{{links,self}}', 1) = '/'
                        THEN jsonb_set(data, '{{links,self}}',
                                       to_jsonb(%(origin)s || (data #>> '{{links,self}}')))
                        ELSE data END) ORDER BY position)
         -- data (a few KB: stored apart, compressed) read once, not at each of its three
         -- uses above: each would fetch and decompress it again (most of a page's time);
         -- || '{{}}' makes that copy (data is always an object: the copy is equal to it)
         FROM (SELECT position, type, object, object_id, slug, occurred_at,
                      data || '{{}}' AS data
                 FROM shown OFFSET 0) AS read), '[]')::text
"""


def page(after: str | None, *, limit: int, audience: str, origin: str = "") -> FeedPage:
    """The events after the cursor ``after`` (from the oldest kept without it), oldest first,
    their objects' links on ``origin`` (``https://host``, as the detail endpoints answer them).
    Raises BadCursor or ExpiredCursor."""
    sequence()
    column = _COLUMN[audience]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE((SELECT {_PRUNED[audience]} FROM articles_feedstate WHERE id = 1),"
            f" 0), (SELECT CASE WHEN is_called THEN last_value ELSE 0 END"
            f" FROM {_COUNTER[audience]})"
        )
        pruned_through, highest = cursor.fetchone()
        position = pruned_through if after is None else decode(after, audience)
        if position > highest:
            raise BadCursor("Not a cursor of this feed: it is past its newest event.")
        if position < pruned_through:
            raise ExpiredCursor()
        cursor.execute(
            _PAGE_SQL.format(column=column),
            {"after": position, "limit": limit, "prefix": f"v1.{audience}.", "origin": origin},
        )
        has_more, last, results = cursor.fetchone()
    next_cursor = encode(audience, last if last is not None else position)
    return FeedPage(
        f'{{"results": {results}, "next_cursor": "{next_cursor}", '
        f'"has_more": {"true" if has_more else "false"}}}'
    )


def ensure_state() -> None:
    """The feed's one state row (made by the migration; a test database flush removes it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO articles_feedstate (id, pruned_through_seq, pruned_through_public_seq,"
            " dispatched_through_seq) VALUES (1, 0, 0, 0) ON CONFLICT DO NOTHING"
        )


def prune(older_than: datetime.timedelta) -> int:
    """Delete numbered events older than ``older_than``; cursors before them become 410s."""
    ensure_state()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH gone AS (
                DELETE FROM articles_event
                 WHERE occurred_at < now() - %s AND seq IS NOT NULL
                RETURNING seq, public_seq
            )
            UPDATE articles_feedstate
               SET pruned_through_seq = GREATEST(pruned_through_seq,
                                                 (SELECT max(seq) FROM gone)),
                   pruned_through_public_seq = GREATEST(pruned_through_public_seq,
                                                        (SELECT max(public_seq) FROM gone))
             WHERE id = 1
            RETURNING (SELECT count(*) FROM gone)
            """,
            [older_than],
        )
        row = cursor.fetchone()
    return row[0] if row else 0
