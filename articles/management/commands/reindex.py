"""Rebuild every article's search document, in batches of set-based SQL, with a progress bar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from articles.models import Article
from articles.search import iter_article_id_batches, refresh_search_documents


class Command(BaseCommand):
    help = "Rebuild the stored search document of every article."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, batch_size: int, no_progress: bool, **options: Any) -> None:
        total = Article.objects.count()
        done = 0
        with tqdm(total=total, unit="article", disable=no_progress, file=self.stderr) as bar:
            for ids in iter_article_id_batches(batch_size):
                with transaction.atomic():
                    done += refresh_search_documents(ids)
                bar.update(len(ids))
        self.stdout.write(f"Reindexed {done} article(s).")
