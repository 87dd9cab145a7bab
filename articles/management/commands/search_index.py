"""Operate this host's search index: rebuild, status, check, apply, prune."""

from __future__ import annotations

import datetime
import json
from typing import Any

import tantivy
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from articles.models import Article
from articles.search import engine
from articles.search._changelog import prune
from articles.search._schema import SCHEMA, Kind, term

CHECK_WINDOW = 50_000


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
        self.stdout.write(f"Pruned {prune(datetime.timedelta(days=days))} change(s).")

    def do_check(self, **_: Any) -> None:
        """Compare article ids window by window: PostgreSQL's against the index's."""
        searcher = engine().searcher()
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(max(id), 0) FROM articles_article")
            highest = cursor.fetchone()[0]
        indexed_max = _index_max_id(searcher)
        missing, extra = [], []
        for low in range(0, max(highest, indexed_max) + 1, CHECK_WINDOW):
            high = low + CHECK_WINDOW
            stored = set(
                Article.objects.filter(id__gte=low, id__lt=high).values_list("id", flat=True)
            )
            indexed = _index_ids(searcher, low, high)
            missing += sorted(stored - indexed)
            extra += sorted(indexed - stored)
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


def _articles_between(low: int, high: int) -> tantivy.Query:
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, term("kind", Kind.ARTICLE)),
            (
                tantivy.Occur.Must,
                tantivy.Query.range_query(
                    SCHEMA, "id", tantivy.FieldType.Unsigned, low, high, include_upper=False
                ),
            ),
        ]
    )


def _index_ids(searcher: tantivy.Searcher, low: int, high: int) -> set[int]:
    hits = searcher.search(_articles_between(low, high), high - low, count=False).hits
    addresses = [address for _, address in hits]
    return {int(i) for i in searcher.fast_field_values("id", addresses)} if addresses else set()


def _index_max_id(searcher: tantivy.Searcher) -> int:
    query = term("kind", Kind.ARTICLE)
    hits = searcher.search(query, 1, order_by_field="id", order=tantivy.Order.Desc).hits
    return int(hits[0][0]) if hits else 0
