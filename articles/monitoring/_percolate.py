"""The worker's percolation step: articles that became visible or changed while visible (the
outbox's ``article.published`` and ``article.updated`` events, and for editors, who see
drafts, ``article.created``) are matched against every active saved search as the article
list would answer its owner now (a reader's never matches a draft), and each match is
recorded once per version of the article and sent to the saved search's webhook.

One percolator at a time (the state row is locked to the commit), and everything of a batch
(matches, deliveries, how far it read) commits together: a worker that dies mid-way leaves
the batch to the next one, and a version matched twice (two events, two workers) is recorded
once (a unique constraint).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from rest_framework.exceptions import ValidationError

from articles import search, selectors, services
from articles.events import webhook_payload
from articles.events.models import Event
from articles.monitoring._searches import search_params
from articles.monitoring.models import PercolationState, SavedSearch

log = logging.getLogger("articles.monitoring")
MATCHED = "saved_search.matched"
EVENT_TYPES = ("article.created", "article.published", "article.updated")
BATCH = 2000

# Per process: plans of the saved searches, and their list parameters, kept between rounds.
_PERCOLATOR = search.Percolator()
_PARAMS: dict[tuple[str, bool], search.ArticleSearch | None] = {}


def percolate(batch: int = BATCH) -> int:
    """Match the next events' articles (at most ``batch`` events); how many events."""
    with transaction.atomic():
        state = _locked_state()
        events = list(
            Event.objects.filter(seq__gt=state.percolated_through_seq)
            .order_by("seq")
            .values_list("seq", "type", "object", "object_id", "occurred_at")[:batch]
        )
        if not events:
            return 0
        state.percolated_through_seq = events[-1][0]
        state.save(update_fields=["percolated_through_seq"])
        changed: dict[int, Any] = {}  # article id -> when it last changed (in event order)
        for _, kind, obj, object_id, occurred_at in events:
            if obj == "article" and kind in EVENT_TYPES:
                changed.pop(object_id, None)
                changed[object_id] = occurred_at
        if changed:
            _record(_matches(changed))
        return len(events)


def _locked_state() -> PercolationState:
    with connection.cursor() as cursor:  # the migration makes it; a test database flush not
        cursor.execute(
            "INSERT INTO articles_percolationstate (id, percolated_through_seq)"
            " VALUES (1, 0) ON CONFLICT DO NOTHING"
        )
    return PercolationState.objects.select_for_update().get(pk=1)


def _matches(changed: dict[int, Any]) -> list[tuple[int, int, str]]:
    """(saved search id, article id, version) for every active saved search that matches one
    of these articles as the article list would answer its owner now, saved before the
    change, in the order of the changes."""
    saved = list(
        SavedSearch.objects.filter(active=True).values_list(
            "id", "owner_id", "q", "filters", "created_at"
        )
    )
    if not saved:
        return []
    editors = set(
        get_user_model().objects.with_perm("articles.change_article").values_list("pk", flat=True)
    )
    searches: dict[int, search.ArticleSearch] = {}
    created = {}
    for search_id, owner_id, q, filters, created_at in saved:
        params = _params(search_id, filters, editor=owner_id in editors)
        if params is not None:
            searches[search_id] = dataclasses.replace(params, q=q)
            created[search_id] = created_at
    found = _PERCOLATOR.match(searches, list(changed))
    order = {article_id: n for n, article_id in enumerate(changed)}
    return sorted(
        (
            (search_id, article_id, services.version_of(article_id, found.updated_at[article_id]))
            for search_id, article_ids in found.matches.items()
            for article_id in article_ids
            if created[search_id] <= changed[article_id]
        ),
        key=lambda match: (order[match[1]], match[0]),
    )


def _params(search_id: int, filters: dict, *, editor: bool) -> search.ArticleSearch | None:
    """The list's parameters of a saved search's filters (checked when it was saved, and by
    the same rules here; kept for the same filters): its ``q``, checked when saved, is only
    trimmed by them."""
    key = (json.dumps(filters, sort_keys=True), editor)
    if key not in _PARAMS:
        try:
            _PARAMS[key] = search_params("", filters, editor=editor)
        except ValidationError as error:  # rules of the list that changed since it was saved
            log.warning("saved search %s no longer valid: %s", search_id, error.detail)
            _PARAMS[key] = None
    return _PARAMS[key]


_INSERT_SQL = """
INSERT INTO articles_savedsearchmatch (saved_search_id, article_id, version, matched_at)
SELECT (r->>0)::bigint, (r->>1)::bigint, r->>2, clock_timestamp()
  FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS e(r, n)
 ORDER BY n
ON CONFLICT (saved_search_id, article_id, version) DO NOTHING
RETURNING id, saved_search_id, article_id, matched_at
"""


def _record(matches: list[tuple[int, int, str]]) -> None:
    """Store the matches not stored yet, and a delivery of each to its webhook."""
    if not matches:
        return
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SQL, [json.dumps(matches)])
        stored = sorted(cursor.fetchall())
    notified = {
        pk: (name, webhook_id)
        for pk, name, webhook_id in SavedSearch.objects.filter(
            pk__in={row[1] for row in stored}, webhook__isnull=False
        ).values_list("pk", "name", "webhook_id")
    }
    sent = [row for row in stored if row[1] in notified]
    if not sent:
        return
    summaries = article_summaries([row[2] for row in sent])
    deliveries = [
        [notified[search_id][1], match_id, f"msg_match_{match_id}", matched_at.isoformat(),
         payload(matched_at, {
             "saved_search": {"id": search_id, "name": notified[search_id][0]},
             "article": summaries[article_id],
         })]
        for match_id, search_id, article_id, matched_at in sent
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_DELIVERIES_SQL, [MATCHED, json.dumps(deliveries)])


# One statement from one JSON document (as the outbox writes events): psycopg quotes each
# value of a many-row INSERT apart, slower than the matching itself.
_DELIVERIES_SQL = """
INSERT INTO articles_webhookdelivery
       (endpoint_id, event_id, event_type, message_id, payload, attempt, state, response_body,
        error, created_at, next_attempt_at)
SELECT (r->>0)::bigint, (r->>1)::bigint, %s, r->>2, r->>4, 0, 'pending', '', '',
       (r->>3)::timestamptz, (r->>3)::timestamptz
  FROM jsonb_array_elements(%s::jsonb) AS e(r)
"""


def payload(matched_at: Any, data: dict[str, Any]) -> str:
    return webhook_payload(MATCHED, matched_at, data)


def article_summaries(ids: list[int]) -> dict[int, dict[str, Any]]:
    """The articles as the list shows them (the API's own representation, by definition of
    the event's data: imported here, as the outbox does)."""
    from articles.api.serializers import ArticleSummarySerializer

    serializer = ArticleSummarySerializer()
    rows = selectors.article_rows(sorted(set(ids)))
    return {pk: serializer.to_representation(row) for pk, row in rows.items()}
