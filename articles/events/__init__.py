"""Events: the outbox every write fills in its transaction, the change feed that serves it,
webhooks that push it, and the worker that delivers them (see README, Events).

Writers call ``articles_changed`` and ``names_changed`` at the end of a write; the feed's
readers call ``page``; the worker calls ``publish_due``, ``sequence``, ``dispatch``,
``deliver_due`` and ``prune``.
"""

from articles.events._endpoints import checked_filter, checked_url, new_secret, rotate_secret
from articles.events._feed import (
    EDITOR,
    READER,
    BadCursor,
    ExpiredCursor,
    FeedPage,
    page,
    prune,
    sequence,
)
from articles.events._outbox import EVENT_TYPES, articles_changed, copy_text, names_changed
from articles.events._schedule import publish_due
from articles.events._webhooks import deliver_due, dispatch, queue_status, send_test
from articles.events._webhooks import payload as webhook_payload
from articles.events._webhooks import payload_around as webhook_payload_around
from articles.events._webhooks import payload_json as webhook_payload_json
from articles.events._worker import run as run_worker
from articles.events._worker import work_once

__all__ = [
    "EDITOR",
    "EVENT_TYPES",
    "READER",
    "BadCursor",
    "ExpiredCursor",
    "FeedPage",
    "articles_changed",
    "checked_filter",
    "checked_url",
    "copy_text",
    "deliver_due",
    "dispatch",
    "names_changed",
    "new_secret",
    "page",
    "prune",
    "publish_due",
    "queue_status",
    "rotate_secret",
    "run_worker",
    "send_test",
    "sequence",
    "webhook_payload",
    "webhook_payload_around",
    "webhook_payload_json",
    "work_once",
]
