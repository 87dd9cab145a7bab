"""The outbox of events, what readers and editors were last told of each object, and the
webhook endpoints with their deliveries (the worker's queue)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q


class JSONText(models.JSONField):
    """JSON kept as the text it was written in (PostgreSQL's ``json``), not parsed into
    ``jsonb``: the change feed sends each event's data as it is, and turning ``jsonb`` back
    into text was the largest part of a page's time (bench/README.md, "Events")."""

    def db_type(self, connection) -> str:
        return "json"

    def from_db_value(self, value, expression, connection):
        # psycopg loads ``json`` itself (Django only hands ``jsonb`` over as text)
        if isinstance(value, str):
            return super().from_db_value(value, expression, connection)
        return value


# What an event is about: an article, or one of the named kinds (``articles.kinds``: tag, ...).
ARTICLE = "article"


class Event(models.Model):
    """One change a client could see, written in the transaction of the change.

    ``seq`` (every event) and ``public_seq`` (those readers get) are given after commit, in
    commit order, by ``articles.events.sequence``: the change feed's cursors are these
    numbers, so an event that commits late still comes after every cursor already handed out.
    """

    seq = models.BigIntegerField(null=True, unique=True)
    public_seq = models.BigIntegerField(null=True, unique=True)
    type = models.CharField(max_length=40)
    object = models.CharField(max_length=10)
    object_id = models.BigIntegerField()
    slug = models.CharField(max_length=255)
    occurred_at = models.DateTimeField()
    data = JSONText()  # compact, as the outbox writes it (``_outbox._insert``)
    public = models.BooleanField(help_text="Readers get it; otherwise editors only.")

    class Meta:
        indexes = [
            models.Index("id", condition=Q(seq__isnull=True), name="event_unsequenced"),
            models.Index("occurred_at", name="event_occurred"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.object_id}"


class KnownObject(models.Model):
    """What the feed has told of an object: a row means editors know it, ``public`` that
    readers do too; an article also keeps the names it used, whose visibility to readers
    may change with it."""

    pk = models.CompositePrimaryKey("object", "object_id")
    object = models.CharField(max_length=10)
    object_id = models.BigIntegerField()
    slug = models.CharField(max_length=255)  # for the tombstone, once the object is gone
    public = models.BooleanField()
    tag_ids = ArrayField(models.BigIntegerField(), default=list)
    author_ids = ArrayField(models.BigIntegerField(), default=list)
    source_ids = ArrayField(models.BigIntegerField(), default=list)
    # The next instant readers' view of the article changes by itself (a scheduled article
    # goes live, a live one expires): the worker's queue of scheduled events.
    changes_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                "changes_at", condition=Q(changes_at__isnull=False), name="known_changes_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.object} {self.object_id}"


class FeedState(models.Model):
    """One row: how far pruning went (older cursors answer 410) and how far the worker has
    turned events into deliveries."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    pruned_through_seq = models.BigIntegerField(default=0)
    pruned_through_public_seq = models.BigIntegerField(default=0)
    dispatched_through_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return "feed state"


class WebhookEndpoint(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=2000)
    events = ArrayField(models.CharField(max_length=40), default=list)
    filter = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    description = models.CharField(max_length=500, blank=True)
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "webhook endpoint"

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """An event to send to an endpoint; the worker's queue (``pending`` rows whose
    ``next_attempt_at`` has come), kept as the delivery log afterwards."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.BigIntegerField()
    event_type = models.CharField(max_length=40)
    message_id = models.CharField(max_length=60)
    payload = models.TextField()
    attempt = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index("next_attempt_at", condition=Q(state="pending"), name="delivery_due"),
            models.Index("endpoint", F("id").desc(), name="delivery_endpoint_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint_id}"
