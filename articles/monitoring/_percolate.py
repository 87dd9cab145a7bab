"""The worker's percolation step: articles that became visible or changed while visible (the
outbox's ``article.published`` and ``article.updated`` events, and for editors, who see
drafts, ``article.created``) are matched against every active saved search as the article
list would answer its owner now (a reader's never matches a draft), and each match is
recorded once per version of the article and sent to the saved search's webhook.

One percolator at a time (the state row is locked to the commit), and everything of a batch
(matches, deliveries, how far it read) commits together: a worker that dies mid-way leaves
the batch to the next one, and a version matched twice (two events, two workers) is recorded
once (the matches recorded of the batch's versions are left out; a unique constraint stands
behind that).

A batch is every event waiting, up to ``BATCH``: a worker that keeps up matches a few
articles at a time, one that is behind (a burst of imports) matches thousands together, each
batch's fixed costs (the batch's index, typo-tolerant searches planned again, the saved
searches read) spread over more articles. Matches are written with COPY, their ids taken from
the table's sequence beforehand; the table has no foreign key constraints (their checks,
row by row, cost more than the rest of writing a match): the batch's articles and saved
searches are locked instead (``FOR KEY SHARE``, as a foreign key's check would), and Django
deletes a saved search's or an article's matches with it.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from psycopg.copy import QueuedLibpqWriter
from rest_framework.exceptions import ValidationError

from articles import representation, search, selectors, services
from articles.events import copy_text, webhook_payload_around, webhook_payload_json
from articles.memory import collection_put_off
from articles.monitoring._searches import search_params
from articles.monitoring.models import PercolationState

log = logging.getLogger("articles.monitoring")
MATCHED = "saved_search.matched"
EVENT_TYPES = ("article.created", "article.published", "article.updated")
BATCH = 10_000  # events, at most (what is waiting, when fewer)

# Per process: plans of the saved searches, and their list parameters, kept between rounds.
_PERCOLATOR = search.Percolator()
_PARAMS: dict[tuple[str, bool], search.ArticleSearch | None] = {}
_SEARCHES: dict[tuple[str, str, bool], search.ArticleSearch | None] = {}


def percolate(batch: int = BATCH) -> int:
    """Match the next events' articles (at most ``batch`` events); how many events."""
    with collection_put_off(), transaction.atomic():
        state = _locked_state()
        with connection.cursor() as cursor:
            cursor.execute(_EVENTS_SQL, [state.percolated_through_seq, batch])
            events = cursor.fetchall()
        if not events:
            return 0
        state.percolated_through_seq = events[-1][0]
        state.save(update_fields=["percolated_through_seq"])
        changed: dict[int, int] = {}  # article id -> when it last changed (µs, in event order)
        for _, kind, obj, object_id, occurred_us in events:
            if obj == "article" and kind in EVENT_TYPES:
                changed.pop(object_id, None)
                changed[object_id] = occurred_us
        if changed:
            saved = _active_searches()
            if saved:
                _record(_matches(changed, saved), saved)
        return len(events)


_EVENTS_SQL = """
SELECT seq, type, object, object_id, (EXTRACT(EPOCH FROM occurred_at) * 1000000)::bigint
  FROM articles_event WHERE seq > %s ORDER BY seq LIMIT %s
"""


def _locked_state() -> PercolationState:
    with connection.cursor() as cursor:  # the migration makes it; a test database flush not
        cursor.execute(
            "INSERT INTO articles_percolationstate (id, percolated_through_seq)"
            " VALUES (1, 0) ON CONFLICT DO NOTHING"
        )
    return PercolationState.objects.select_for_update().get(pk=1)


@dataclasses.dataclass(frozen=True)
class _Saved:
    params: search.ArticleSearch
    created_us: int  # when it was saved (µs since the epoch)
    name: str
    webhook_id: int | None


_SEARCHES_SQL = """
SELECT s.id, s.q, s.filters::text, (EXTRACT(EPOCH FROM s.created_at) * 1000000)::bigint,
       s.name, s.webhook_id, s.owner_id = ANY(%s)
  FROM articles_savedsearch s WHERE s.active ORDER BY s.id
"""


def _active_searches() -> dict[int, _Saved]:
    """Every active saved search, with the list's parameters for its owner (those no
    longer valid left out)."""
    editors = list(
        get_user_model().objects.with_perm("articles.change_article").values_list("pk", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(_SEARCHES_SQL, [editors])
        rows = cursor.fetchall()
    saved = {}
    for search_id, q, filters, created_us, name, webhook_id, editor in rows:
        key = (q, filters, editor)
        if key not in _SEARCHES:
            params = _params(search_id, filters, editor=editor)
            _SEARCHES[key] = None if params is None else dataclasses.replace(params, q=q)
        if _SEARCHES[key] is not None:
            saved[search_id] = _Saved(_SEARCHES[key], created_us, name, webhook_id)
    return saved


def _matches(changed: dict[int, int], saved: dict[int, _Saved]) -> list[tuple[int, str, list[int]]]:
    """(article id, version, the saved searches it matches) for these articles, in the order
    of their changes: every active saved search that matches one as the article list would
    answer its owner now, saved before the change."""
    found = _PERCOLATOR.match({sid: each.params for sid, each in saved.items()}, list(changed))
    by_article: dict[int, list[int]] = {}
    for search_id, article_ids in found.matches.items():
        for article_id in article_ids:
            by_article.setdefault(article_id, []).append(search_id)
    earliest = min(changed.values())
    recent = {sid: each.created_us for sid, each in saved.items() if each.created_us > earliest}
    result = []
    for article_id, when in changed.items():
        search_ids = by_article.get(article_id)
        if not search_ids:
            continue
        if recent:
            search_ids = [sid for sid in search_ids if recent.get(sid, earliest) <= when]
        search_ids.sort()
        version = services.version_of(article_id, found.updated_at[article_id])
        result.append((article_id, version, search_ids))
    return result


def _params(search_id: int, filters: str, *, editor: bool) -> search.ArticleSearch | None:
    """The list's parameters of a saved search's filters (checked when it was saved, and by
    the same rules here; kept for the same filters): its ``q``, checked when saved, is only
    trimmed by them."""
    key = (filters, editor)
    if key not in _PARAMS:
        try:
            _PARAMS[key] = search_params("", json.loads(filters), editor=editor)
        except ValidationError as error:  # rules of the list that changed since it was saved
            log.warning("saved search %s no longer valid: %s", search_id, error.detail)
            _PARAMS[key] = None
    return _PARAMS[key]


# What a foreign key's check would lock (and find): the batch's articles and saved searches
# that still exist, kept so until the commit (a deletion locks its row first, then deletes
# the matches with it: see ``saved_search_delete`` and ``services.article_delete``).
_LOCK_SQL = "SELECT id FROM {} WHERE id = ANY(%s) ORDER BY id FOR KEY SHARE"
_RECORDED_SQL = """
SELECT m.article_id, m.version, m.saved_search_id
  FROM unnest(%s::bigint[], %s::text[]) AS v(article_id, version)
  JOIN articles_savedsearchmatch m ON m.article_id = v.article_id AND m.version = v.version
"""
# The next ``count`` match ids (the last of them), and the time they are recorded: only
# percolation takes them, one percolator at a time (under its lock), so that none is taken
# between the two calls.
_IDS_SQL = """
SELECT setval(seq, nextval(seq) + %s - 1), clock_timestamp()
  FROM pg_get_serial_sequence('articles_savedsearchmatch', 'id') AS seq
"""
_COPY_SQL = (
    "COPY articles_savedsearchmatch (id, saved_search_id, article_id, version, matched_at)"
    " FROM STDIN"
)


def _record(matched: list[tuple[int, str, list[int]]], saved: dict[int, _Saved]) -> None:
    """Store the matches not stored yet, and a delivery of each to its webhook."""
    if not matched:
        return
    with connection.cursor() as cursor:
        articles = _locked(cursor, "articles_article", [row[0] for row in matched])
        wanted = {sid for row in matched for sid in row[2]}
        searches = _locked(cursor, "articles_savedsearch", sorted(wanted))
        cursor.execute(_RECORDED_SQL, [[row[0] for row in matched], [row[1] for row in matched]])
        recorded = set(cursor.fetchall())
        kept = []
        for article_id, version, search_ids in matched:
            if article_id not in articles:
                continue  # deleted meanwhile
            if len(searches) < len(wanted):  # some deleted meanwhile
                search_ids = [sid for sid in search_ids if sid in searches]
            if recorded:  # a version matched before (its events in two batches, a retry)
                search_ids = [s for s in search_ids if (article_id, version, s) not in recorded]
            kept.append((article_id, version, search_ids))
        count = sum(len(search_ids) for _, _, search_ids in kept)
        if not count:
            return
        first, matched_at = _ids(cursor, count)
        at = matched_at.isoformat()
        lines, sent, next_id = [], [], first
        for article_id, version, search_ids in kept:
            tail = f"\t{article_id}\t{copy_text(version)}\t{at}\n"
            lines += [f"{next_id + n}\t{search_id}{tail}" for n, search_id in enumerate(search_ids)]
            sent += [
                (next_id + n, search_id, article_id)  # (match id, saved search, article)
                for n, search_id in enumerate(search_ids)
                if saved[search_id].webhook_id is not None
            ]
            next_id += len(search_ids)
        # Read before the COPY holds the connection; the writer's thread sends the matches
        # while their deliveries are put together (the server storing them meanwhile).
        shown = selectors.article_rows(sorted({article_id for _, _, article_id in sent}))
        writer = QueuedLibpqWriter(cursor.cursor)
        with cursor.cursor.copy(_COPY_SQL, writer=writer) as copy:
            copy.write("".join(lines))
            deliveries = _deliveries(sent, saved, matched_at, shown)
        if deliveries:
            with cursor.cursor.copy(_DELIVERIES_SQL) as copy:
                copy.write(deliveries)


def _locked(cursor: Any, table: str, ids: list[int]) -> set[int]:
    cursor.execute(_LOCK_SQL.format(table), [ids])
    return {row[0] for row in cursor.fetchall()}


def _ids(cursor: Any, count: int) -> tuple[int, datetime.datetime]:
    """The first of ``count`` consecutive new match ids, and the time."""
    cursor.execute(_IDS_SQL, [count])
    last, matched_at = cursor.fetchone()
    return last - count + 1, matched_at


def _deliveries(
    sent: list[tuple[int, int, int]],
    saved: dict[int, _Saved],
    matched_at: datetime.datetime,
    shown: dict[int, Any],
) -> str:
    """One delivery of each match to its saved search's webhook, in COPY's text format
    (``shown``: the articles' rows, ``selectors.article_rows``); each article's summary
    encoded once for all its deliveries."""
    summaries = {
        article_id: webhook_payload_json(summary)
        for article_id, summary in representation.article_summary(shown).items()
    }
    at = matched_at.isoformat()
    lines = []
    for match_id, search_id, article_id in sent:
        if article_id not in summaries:
            continue
        each = saved[search_id]
        found = webhook_payload_json({"id": search_id, "name": each.name})
        data = f'{{"saved_search":{found},"article":{summaries[article_id]}}}'
        text = copy_text(webhook_payload_around(MATCHED, matched_at, data))
        lines.append(
            f"{each.webhook_id}\t{match_id}\t{MATCHED}\tmsg_match_{match_id}\t{text}"
            f"\t0\tpending\t\t\t{at}\t{at}\n"
        )
    return "".join(lines)


_DELIVERIES_SQL = (
    "COPY articles_webhookdelivery (endpoint_id, event_id, event_type, message_id, payload,"
    " attempt, state, response_body, error, created_at, next_attempt_at) FROM STDIN"
)
