"""Export articles as NDJSON in the API's write format: what import_articles reads back."""

from __future__ import annotations

import datetime
import json
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.ingest import export_records
from articles.models import Article, Byline, Quotation


def since(value: str) -> datetime.datetime:
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(value)
        moment = datetime.datetime.combine(day, datetime.time())
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=datetime.UTC)


class Command(BaseCommand):
    help = "Export articles as NDJSON (one article a line), oldest first."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--since", help="Only articles changed at or after this date or date-time (UTC)."
        )
        parser.add_argument(
            "--status",
            action="append",
            choices=Article.Status.values,
            help="Only articles with this status (repeat for several).",
        )
        parser.add_argument("--output", "-o", help="A file to write (default: stdout).")

    def handle(self, *args: Any, **options: Any) -> None:
        articles = Article.objects.order_by("pk").prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            "tags",
            Prefetch("quotes", queryset=Quotation.objects.select_related("source")),
        )
        if options["since"]:
            try:
                articles = articles.filter(updated_at__gte=since(options["since"]))
            except ValueError:
                raise CommandError(f"--since {options['since']!r} is not a date") from None
        if options["status"]:
            articles = articles.filter(status__in=options["status"])
        path = options["output"]
        count = 0
        with Path(path).open("w", encoding="utf-8") if path else nullcontext(self.stdout) as out:
            for record in export_records(articles.iterator(chunk_size=1000)):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        self.stderr.write(f"Exported {count} article(s).")
