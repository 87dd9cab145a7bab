"""Load the sample articles (French and English) once; running it again changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.dateparse import parse_datetime

from articles import lifecycle, services
from articles.models import Article

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "articles.json"


def demo_articles() -> list[dict[str, Any]]:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


class Command(BaseCommand):
    help = "Load the sample articles, skipping those whose URL is already stored."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        entries = demo_articles()
        stored = set(
            Article.objects.filter(url__in=[e["url"] for e in entries]).values_list(
                "url", flat=True
            )
        )
        created = 0
        for entry in entries:
            if entry["url"] in stored:
                continue
            fields = dict(entry)
            if fields.get("published_at"):
                fields["published_at"] = parse_datetime(fields["published_at"])
            services.article_create(actor=lifecycle.Actor("import"), **fields)
            created += 1
        self.stdout.write(
            f"Demo data: {created} article(s) loaded, {len(entries) - created} already there."
        )
