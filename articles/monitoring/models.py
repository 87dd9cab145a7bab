"""Saved searches, the articles that matched them, and how far percolation has read the
outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F


class SavedSearch(models.Model):
    """A query kept by a user: new and changed articles that match it are recorded (and sent
    to ``webhook`` when it names one)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=200)
    q = models.CharField(max_length=500, blank=True)
    # Article list filters as the list takes them: {"tag": ["ukraine"], "language": "fr"}.
    filters = models.JSONField(default=dict, blank=True)
    webhook = models.ForeignKey(
        "articles.WebhookEndpoint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="saved_searches",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "saved searches"
        indexes = [models.Index("owner", "id", name="savedsearch_owner")]

    def __str__(self) -> str:
        return self.name


class SavedSearchMatch(models.Model):
    """One version of an article that matched a saved search (recorded once per version).

    Written by percolation alone, with COPY, many thousands a second: without foreign key
    constraints in the database (percolation locks the rows they would check; Django deletes
    a saved search's or an article's matches with it), and with one index per way it is
    read: a saved search's in order, an article's versions (the unique constraint)."""

    saved_search = models.ForeignKey(
        SavedSearch,
        on_delete=models.CASCADE,
        related_name="matches",
        db_constraint=False,
        db_index=False,  # the order's index starts with it
    )
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="saved_search_matches",
        db_constraint=False,
        db_index=False,  # the unique constraint's index starts with it
    )
    version = models.CharField(max_length=60)
    matched_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "saved search matches"
        constraints = [
            models.UniqueConstraint(
                "article", "version", "saved_search", name="savedsearchmatch_once_per_version"
            )
        ]
        indexes = [models.Index("saved_search", F("id"), name="savedsearchmatch_order")]

    def __str__(self) -> str:
        return f"{self.saved_search_id}: {self.article_id}"


class PercolationState(models.Model):
    """One row: the last event (``seq``) whose article was matched against saved searches."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    percolated_through_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return "percolation state"
