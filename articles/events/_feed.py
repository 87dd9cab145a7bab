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
import json
import re
from dataclasses import dataclass

from django.db import connection, transaction
from psycopg.abc import Buffer
from psycopg.adapt import Loader

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
    """A page as UTF-8 JSON, the events' data as they were stored (not parsed, not decoded)."""

    json: bytes


class _Raw(Loader):
    """A text column as its bytes (the connection's encoding is UTF-8): a page's few MB of
    JSON go to the response without being decoded and encoded again."""

    def load(self, data: Buffer) -> bytes:
        return bytes(data)


# One event's JSON a row, in feed order, one more than asked (is there more). Its data is
# stored as the text it was written in (a json column, uncompressed out of line: a page
# reads some 3.5 MB of it) and goes out as it is, read once. Written with no request at
# hand, its links.self is a path, answered absolute here: the outbox writes compact JSON, in
# which "self" is only ever the links' key (text that looks like it is escaped, \"self\").
_PAGE_SQL = """
SELECT {column}, concat(
       '{{"cursor":"', rtrim(translate(encode(convert_to(%(prefix)s || {column}, 'UTF8'),
                                               'base64'), '+/', '-_'), '='),
       '","type":', to_json(type), ',"object":', to_json(object), ',"id":', object_id,
       ',"slug":', to_json(slug),
       ',"occurred_at":"', to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       '","data":', replace(data::text, '"self":"/', %(self_prefix)s), '}}')
  FROM articles_event WHERE {column} > %(after)s ORDER BY {column} LIMIT %(limit)s + 1
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
        cursor.cursor.adapters.register_loader("text", _Raw)
        cursor.execute(
            _PAGE_SQL.format(column=column),
            {"after": position, "limit": limit, "prefix": f"v1.{audience}.",
             "self_prefix": '"self":' + json.dumps(origin + "/")[:-1]},
        )  # fmt: skip
        rows = cursor.fetchall()
    shown = rows[:limit]
    next_cursor = encode(audience, shown[-1][0] if shown else position)
    has_more = "true" if len(rows) > limit else "false"
    end = f'],"next_cursor":"{next_cursor}","has_more":{has_more}}}'
    return FeedPage(b'{"results":[' + b",".join(event for _, event in shown) + end.encode())


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
