"""An article's near-duplicate fingerprint: its MinHash signature, its LSH band keys and the
group of near-duplicates it belongs to."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q


class Fingerprint(models.Model):
    """Only articles whose story text is long enough have one (``duplicates.signature``)."""

    article = models.OneToOneField(
        "articles.Article", primary_key=True, on_delete=models.CASCADE, related_name="fingerprint"
    )
    # NUM_PERM little-endian uint32: the datasketch MinHash (affine32) of its shingles.
    signature = models.BinaryField()
    # One key per LSH band: articles that share a key are candidates (GIN: one query a batch).
    bands = ArrayField(models.BigIntegerField())
    # The smallest article id of its group of near-duplicates; null when it has none.
    group_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            # No pending list: every batch asks the index, and would scan it whole.
            GinIndex(fields=["bands"], name="fingerprint_bands", fastupdate=False),
            models.Index(
                fields=["group_id"], name="fingerprint_group", condition=Q(group_id__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"fingerprint of article {self.article_id}"
