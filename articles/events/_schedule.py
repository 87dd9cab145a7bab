"""Scheduled publishing and expiry: the events of articles whose date came or that expired.

Readers' doors need no worker (each read compares with its own time); the change feed and
webhooks do, since events are written, not computed. Every write of an article records in its
``KnownObject.changes_at`` the next instant readers' view of it changes by itself; the worker
takes the rows whose instant has passed (``SKIP LOCKED``: each by one worker) and decides
from state as every write does, so a transition is told once, whoever looks again.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.functions import Now

from articles.events._outbox import articles_changed
from articles.events.models import ARTICLE, KnownObject

BATCH = 500


def publish_due(*, batch: int = BATCH) -> int:
    """Tell what readers now see differently of articles whose instant has passed
    (``article.published``, ``article.unpublished``, and their names' events); how many
    articles were looked at."""
    with transaction.atomic():
        due = list(
            KnownObject.objects.select_for_update(skip_locked=True)
            .filter(object=ARTICLE, changes_at__lte=Now())
            .order_by("object_id")
            .values_list("object_id", flat=True)[:batch]
        )
        articles_changed(due, written=False)
    return len(due)
