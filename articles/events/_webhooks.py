"""Webhooks: the deliveries the worker makes (an endpoint's checks and filter are
``_endpoints``, one attempt's signed POST ``_http``).

``dispatch`` turns numbered events into deliveries (one per endpoint that wants the event),
in the order of the feed, one dispatcher at a time (the feed state's row is locked).
``deliver_due`` is the queue: it takes due deliveries with ``FOR UPDATE SKIP LOCKED`` and
leases them (their next attempt is put off by ``LEASE_S``, committed at once), sends them side
by side with no transaction open, and records the round's results in one statement, only
where its lease is still there. So however many workers run on however many hosts, one
delivery is attempted by one of them at a time (an attempt ends within ``TIMEOUT_S``, well
inside the lease); a worker that dies mid-way leaves its deliveries pending, due again when
the lease ends: another one sends them then. Delivery is at least once; ``webhook-id`` is
the same on every attempt.
"""

from __future__ import annotations

import datetime
import json
import random
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from articles import selectors
from articles.events._endpoints import matches, resolve
from articles.events._feed import ensure_state
from articles.events._http import TIMEOUT_S, Attempt, send
from articles.events._outbox import compact_json as payload_json
from articles.events.models import Event, FeedState, WebhookDelivery, WebhookEndpoint

# Seconds after each failed attempt; then every 2 h until a day has passed.
RETRY_DELAYS_S = (5, 30, 120, 600, 1800, 3600)
RETRY_EVERY_S = 7200
GIVE_UP_AFTER_S = 24 * 3600
DISABLE_AFTER_S = 5 * 24 * 3600
TEST_EVENT = "webhook.test"
# Deliveries sent side by side in one round (each with a thread and a kept-alive connection).
ROUND = 64
# How long a claimed delivery stays the claimer's: longer than an attempt (TIMEOUT_S) and the
# recording of its result; a worker killed mid-way leaves its deliveries due again after it.
LEASE_S = 30.0
LEASE_MARGIN_S = 5.0


# --- dispatch: events to deliveries ------------------------------------------------------------


def payload(event_type: str, occurred_at: datetime.datetime, data: Any) -> str:
    return payload_around(event_type, occurred_at, payload_json(data))


def payload_around(event_type: str, occurred_at: datetime.datetime, data_json: str) -> str:
    """``payload`` of the data whose ``payload_json`` is ``data_json``: compact JSON is the
    same text whole or put together from its values' texts, so that many deliveries can
    share the encoding of what they have in common (percolation's article summaries)."""
    timestamp = occurred_at.isoformat().replace("+00:00", "Z")
    return (
        f'{{"type":{payload_json(event_type)},"timestamp":{payload_json(timestamp)},'
        f'"data":{data_json}}}'
    )


def dispatch(batch: int = 1000) -> int:
    """Deliveries for the next numbered events (at most ``batch``); how many events."""
    ensure_state()
    with transaction.atomic():
        state = FeedState.objects.select_for_update().get(pk=1)
        found = list(
            Event.objects.filter(seq__gt=state.dispatched_through_seq)
            .order_by("seq")
            .values("id", "seq", "type", "object", "occurred_at", "data", "public")[:batch]
        )
        if not found:
            return 0
        endpoints = list(WebhookEndpoint.objects.filter(active=True).select_related("owner"))
        editors = {e.pk for e in endpoints if selectors.can_see_unpublished(e.owner)}
        now = timezone.now()
        deliveries = [
            WebhookDelivery(
                endpoint=endpoint, event_id=event["id"], event_type=event["type"],
                message_id=f"msg_{event['id']}", next_attempt_at=now,
                payload=payload(event["type"], event["occurred_at"], event["data"]),
            )
            for event in found
            for endpoint in endpoints
            if (event["public"] or endpoint.pk in editors)
            and matches(endpoint, event["type"], event["object"], event["data"])
        ]  # fmt: skip
        WebhookDelivery.objects.bulk_create(deliveries, batch_size=500)
        state.dispatched_through_seq = found[-1]["seq"]
        state.save(update_fields=["dispatched_through_seq"])
    return len(found)


def send_test(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A ``webhook.test`` delivery, sent by the next worker round."""
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_id=0, event_type=TEST_EVENT, next_attempt_at=now,
        message_id=f"msg_test_{secrets.token_hex(8)}",
        payload=payload(TEST_EVENT, now, {"endpoint": endpoint.pk, "url": endpoint.url}),
    )  # fmt: skip
    return delivery


# --- delivery ----------------------------------------------------------------------------------


def new_client() -> httpx.Client:
    """The worker's HTTP client: kept-alive connections, as many as deliveries in flight."""
    limits = httpx.Limits(max_connections=ROUND, max_keepalive_connections=ROUND)
    return httpx.Client(timeout=TIMEOUT_S, limits=limits)


def _scale() -> float:
    return float(getattr(settings, "WEBHOOK_RETRY_SCALE", 1.0))


def retry_delay(attempts_made: int) -> float:
    """Seconds before the next attempt after ``attempts_made`` failed ones, with jitter."""
    base = (
        RETRY_DELAYS_S[attempts_made - 1]
        if attempts_made <= len(RETRY_DELAYS_S)
        else (RETRY_EVERY_S)
    )
    return base * _scale() * random.uniform(0.8, 1.2)


@dataclass
class Claimed:
    """A delivery this worker holds until ``lease`` (its ``next_attempt_at`` meanwhile)."""

    id: int
    endpoint_id: int
    message_id: str
    payload: str
    attempt: int
    created_at: datetime.datetime
    lease: datetime.datetime


# Due deliveries, each leased to this worker: its next attempt is put off by the lease, in a
# statement of its own (committed at once), so that no other worker takes it meanwhile. The
# lease (the new ``next_attempt_at``, to the microsecond) is the claim's token: results are
# recorded only where it is still there, so a worker whose lease ran out records nothing.
_CLAIM_SQL = """
WITH due AS (
    SELECT d.id FROM articles_webhookdelivery d
      JOIN articles_webhookendpoint e ON e.id = d.endpoint_id AND e.active
     WHERE d.state = 'pending' AND d.next_attempt_at <= clock_timestamp()
     ORDER BY d.next_attempt_at, d.id
     LIMIT %s
       FOR UPDATE OF d SKIP LOCKED
)
UPDATE articles_webhookdelivery d
   SET next_attempt_at = clock_timestamp() + make_interval(secs => %s)
  FROM due WHERE d.id = due.id
RETURNING d.id, d.endpoint_id, d.message_id, d.payload, d.attempt, d.created_at,
          d.next_attempt_at
"""

_RECORD_SQL = """
UPDATE articles_webhookdelivery d
   SET attempt = d.attempt + r.attempted::int,
       status_code = CASE WHEN r.attempted THEN r.status_code ELSE d.status_code END,
       duration_ms = CASE WHEN r.attempted THEN r.duration_ms ELSE d.duration_ms END,
       response_body = CASE WHEN r.attempted THEN r.response_body ELSE d.response_body END,
       error = CASE WHEN r.attempted THEN r.error ELSE d.error END,
       state = r.state, next_attempt_at = r.next_attempt_at
  FROM jsonb_to_recordset(%s::jsonb) AS r(
       id bigint, lease timestamptz, attempted boolean, status_code int, duration_ms int,
       response_body text, error text, state text, next_attempt_at timestamptz)
 WHERE d.id = r.id AND d.state = 'pending' AND d.next_attempt_at = r.lease
RETURNING d.id
"""


def _claim(limit: int) -> list[Claimed]:
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, [limit, LEASE_S])
        return sorted((Claimed(*row) for row in cursor.fetchall()), key=lambda c: c.id)


def _addresses(endpoint: WebhookEndpoint) -> list[str] | ValueError:
    """Where the endpoint's host resolves now (once a round, for all its deliveries), or why
    it may not be used."""
    parts = urlsplit(endpoint.url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return resolve(parts.hostname or "", port)
    except ValueError as error:
        return error


def deliver_due(
    limit: int = ROUND, client: httpx.Client | None = None, pool: ThreadPoolExecutor | None = None
) -> int:
    """Send due deliveries (at most ``limit``, all at once); how many were attempted.

    Each is leased first (committed), then sent with no transaction open, then its result is
    recorded (one statement for the round): several workers never attempt one delivery at
    the same time, and one killed mid-way loses nothing (another sends it when the lease
    runs out)."""
    own_client, own_pool = client is None, pool is None
    client = client or new_client()
    pool = pool or ThreadPoolExecutor(ROUND, thread_name_prefix="webhook")
    try:
        due = _claim(limit)
        if not due:
            return 0
        endpoints = WebhookEndpoint.objects.in_bulk({d.endpoint_id for d in due})
        addresses = {pk: _addresses(endpoint) for pk, endpoint in endpoints.items()}
        # Sent only while the lease has room for a whole attempt (a round larger than the
        # pool waits for threads); the others are given back untried.
        send_by = time.monotonic() + LEASE_S - TIMEOUT_S - LEASE_MARGIN_S

        def attempt(delivery: Claimed) -> Attempt | None:
            endpoint = endpoints.get(delivery.endpoint_id)  # None: deleted meanwhile
            if endpoint is None or time.monotonic() > send_by:
                return None
            return send(client, endpoint, delivery, addresses[delivery.endpoint_id])

        attempts = list(pool.map(attempt, due))
        _record(due, attempts, endpoints)
        return sum(a is not None for a in attempts)
    finally:
        if own_client:
            client.close()
        if own_pool:
            pool.shutdown()


def _record(
    due: list[Claimed], attempts: list[Attempt | None], endpoints: dict[int, WebhookEndpoint]
) -> None:
    now = timezone.now()
    rows = []
    touched: dict[int, WebhookEndpoint] = {}
    for delivery, attempt in zip(due, attempts, strict=True):
        row = {"id": delivery.id, "lease": delivery.lease.isoformat(), "state": "pending"}
        rows.append(row)
        if attempt is None:  # not tried: due again at once, the log as it was
            row.update(attempted=False, next_attempt_at=now.isoformat())
            continue
        row.update(
            attempted=True, status_code=attempt.status_code, duration_ms=attempt.duration_ms,
            response_body=attempt.response_body, error=attempt.error,
        )  # fmt: skip
        endpoint = touched.setdefault(delivery.endpoint_id, endpoints[delivery.endpoint_id])
        if attempt.succeeded:
            row.update(state=WebhookDelivery.State.SUCCEEDED, next_attempt_at=None)
            endpoint.failing_since = None
            continue
        endpoint.failing_since = endpoint.failing_since or now
        next_at = now + datetime.timedelta(seconds=retry_delay(delivery.attempt + 1))
        if (next_at - delivery.created_at).total_seconds() > GIVE_UP_AFTER_S * _scale():
            row.update(state=WebhookDelivery.State.FAILED, next_attempt_at=None)
        else:
            row["next_attempt_at"] = next_at.isoformat()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_RECORD_SQL, [json.dumps(rows)])
            recorded = {row[0] for row in cursor.fetchall()}
        for endpoint in touched.values():
            if not any(d.id in recorded for d in due if d.endpoint_id == endpoint.pk):
                continue  # every lease of it ran out: another worker tells
            _record_endpoint(endpoint, now)


def _record_endpoint(endpoint: WebhookEndpoint, now: datetime.datetime) -> None:
    failing = endpoint.failing_since is not None
    if failing and (now - endpoint.failing_since).total_seconds() > DISABLE_AFTER_S * _scale():
        endpoint.active = False
        endpoint.disabled_reason = (
            f"Disabled at {now.isoformat()}: every delivery failed since "
            f"{endpoint.failing_since.isoformat()}. Fix the receiver, then set active."
        )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=endpoint.failing_since, active=endpoint.active,
        disabled_reason=endpoint.disabled_reason,
    )  # fmt: skip


def queue_status() -> dict[str, Any]:
    """What /healthz says of the queue: due deliveries and events not yet dispatched."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT count(*) FROM articles_webhookdelivery
                     WHERE state = 'pending' AND next_attempt_at <= clock_timestamp()),
                   (SELECT min(next_attempt_at) FROM articles_webhookdelivery
                     WHERE state = 'pending' AND next_attempt_at <= clock_timestamp()),
                   LEAST((SELECT min(occurred_at) FROM articles_event WHERE seq IS NULL),
                         (SELECT occurred_at FROM articles_event
                           WHERE seq > COALESCE((SELECT dispatched_through_seq
                                                   FROM articles_feedstate WHERE id = 1), 0)
                           ORDER BY seq LIMIT 1))
            """
        )
        due, oldest_due, oldest_event = cursor.fetchone()
    now = timezone.now()
    oldest = min((t for t in (oldest_due, oldest_event) if t is not None), default=None)
    return {
        "pending": due,
        "oldest_pending_at": oldest.isoformat() if oldest else None,
        "oldest_pending_seconds": round((now - oldest).total_seconds(), 3) if oldest else 0,
    }
