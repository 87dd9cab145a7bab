"""An article's revisions: what it was after each save, who saved it and through which door."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now


class Revision(models.Model):
    """The article after one save (``content``: its fields and lists, as ``_revisions``
    snapshots them) and what that save changed (``field_changes``: ``{field: [old, new]}``)."""

    class Source(models.TextChoices):
        API = "api", "API"
        ADMIN = "admin", "Admin"
        IMPORT = "import", "Import"
        BULK = "bulk", "Bulk"
        EXTRACT = "extract", "Extract"
        RESTORE = "restore", "Restore"

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(db_default=Now())
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as written: the history still names a user who was deleted since.
    username = models.CharField(max_length=150, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    content = models.JSONField()
    # None: a new article's first revision, whose changes are every field it was given (its
    # ``content`` again, so not written twice: ``field_changes``).
    changes = models.JSONField(null=True)

    class Meta:
        ordering = ["article_id", "-number"]
        constraints = [
            models.UniqueConstraint("article", "number", name="revision_article_number"),
        ]

    def __str__(self) -> str:
        return f"revision {self.number} of article {self.article_id}"

    def field_changes(self) -> dict[str, list]:
        """What this save changed: ``{field: [old, new]}``."""
        if self.changes is not None:
            return self.changes
        from articles.lifecycle._revisions import creation_changes

        return creation_changes(self.content)
