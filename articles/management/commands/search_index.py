"""Operate this host's search index: rebuild, status, check, apply, prune."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles import search
from articles.models import Article
from articles.search import engine


class Command(BaseCommand):
    help = (
        "rebuild: build a fresh index from PostgreSQL beside the live one and swap it in; "
        "status: documents, segments, size (live and total), last change applied, lag; check: "
        "the index holds exactly the articles PostgreSQL holds; apply: apply the change log now "
        "(status and apply also remove the folders of dead rebuilds); prune: drop "
        "log entries older than SEARCH_CHANGE_LOG_RETENTION_DAYS."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["rebuild", "status", "check", "apply", "prune"])
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, action: str, no_progress: bool, **options: Any) -> None:
        getattr(self, f"do_{action}")(no_progress=no_progress)

    def do_rebuild(self, *, no_progress: bool) -> None:
        total = Article.objects.count()
        with tqdm(total=total, unit="article", disable=no_progress, file=self.stderr) as bar:
            indexed = engine().rebuild(progress=bar.update)
        self.stdout.write(f"Indexed {indexed} article(s) into {engine().root}.")

    def do_status(self, **_: Any) -> None:
        removed = engine().remove_dead_generations()
        described = {**engine().describe(), "dead_generations_removed": removed}
        self.stdout.write(json.dumps(described, indent=2))

    def do_apply(self, **_: Any) -> None:
        removed = engine().remove_dead_generations()
        applied = engine().apply()  # builds the index first when there is none
        self.stdout.write(holdings(engine().describe(), applied=applied))
        if removed:
            self.stdout.write(f"Removed {removed} folder(s) that dead rebuilds left.")

    def do_prune(self, **_: Any) -> None:
        days = settings.SEARCH_CHANGE_LOG_RETENTION_DAYS
        pruned = search.prune_changelog(datetime.timedelta(days=days))
        self.stdout.write(f"Pruned {pruned} change(s).")

    def do_check(self, **_: Any) -> None:
        """Compare article ids window by window: PostgreSQL's against the index's."""
        missing, extra = search.out_of_step()
        if missing or extra:
            raise CommandError(
                f"Index out of step: {len(missing)} article(s) missing (e.g. {missing[:10]}), "
                f"{len(extra)} that PostgreSQL does not have (e.g. {extra[:10]}). "
                "Run `manage.py search_index rebuild`."
            )
        self.stdout.write("OK: the index holds exactly the articles PostgreSQL holds.")


def holdings(described: dict[str, Any], *, applied: int) -> str:
    """One line: what the index holds (its documents are articles, quotes and names)."""
    changes = f"; {applied} change(s) applied" if applied else ""
    return (
        f"Search index: {described['articles']} article(s) and {described['quotes']} quote(s), "
        f"plus {described['names']} tag, author and source name(s) for suggestions "
        f"({described['documents']} documents), up to date{changes}."
    )
