"""Fingerprint every article and regroup the archive's near-duplicates."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from articles import duplicates


class Command(BaseCommand):
    help = (
        "Compute every article's near-duplicate fingerprint (MinHash of its body's word "
        "shingles) and its group, in one transaction: for an archive stored before "
        "near-duplicates existed or imported with DUPLICATES_ENABLED=false, after a change of "
        "DUPLICATE_THRESHOLD, or to join copies written at the same instant. Articles whose "
        "group changed are logged for the search index (their documents carry it)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            fingerprinted, grouped = duplicates.rebuild()
        self.stdout.write(
            f"{fingerprinted} article(s) fingerprinted, {grouped} in groups of near-duplicates "
            f"({time.perf_counter() - started:.1f} s)"
        )
