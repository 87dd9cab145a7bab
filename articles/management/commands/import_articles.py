"""Import articles: NDJSON or a JSON array in the API's write format, '-' for stdin. A known
canonical url updates its article (or is skipped with --skip-existing). Bad records are reported
with their line and reason; the others are stored."""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles import lifecycle
from articles.bulk import ERROR
from articles.ingest import (
    BATCH_SIZE,
    IMPORT,
    IndexFollower,
    Report,
    entries,
    import_entries,
    import_raw_page,
    reason,
)
from articles.models import Article


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a file, or - for stdin")
        parser.add_argument(
            "--skip-existing", action="store_true", help="Leave articles whose url is stored."
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument(
            "--workers",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="Processes checking and writing batches side by side (default: the cores, "
            "at most 4).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")
        parser.add_argument(
            "--raw",
            action="store_true",
            help="Each PATH is one raw article page (HTML or plain text as scraped): extract "
            "the article, its tags and quotes, and store it as a draft.",
        )
        parser.add_argument("--language", help="With --raw: the pages' language (ISO 639-1).")
        parser.add_argument("--url", help="With --raw and one page: its canonical URL.")
        parser.add_argument(
            "--user",
            help="Import as this user, under their rights (a contributor's records may not "
            "publish or change others' articles) and named in the revisions. Default: no "
            "user, every right.",
        )

    def handle(self, *args: Any, paths: list[str], **options: Any) -> None:
        options["actor"] = self._actor(options["user"])
        if options["raw"]:
            self._import_raw(paths, **options)
            return
        progress = tqdm(
            unit="article",
            disable=options["no_progress"] or not sys.stderr.isatty(),
            file=sys.stderr,
        )
        reports = []
        with progress, IndexFollower() as index:

            def after_batch(count: int) -> None:
                index.stored(count)
                progress.update(count)

            for path in paths:
                reports.append((path, self._import(path, after_batch=after_batch, **options)))
        failed = 0
        for path, report in reports:
            self.stdout.write(f"{path}: {report.summary()}")
            for where, why in report.failed:
                self.stdout.write(f"  {path} {where}: {why}")
            failed += len(report.failed)
        if failed:
            raise CommandError(f"{failed} record(s) failed; the others were stored.")

    def _import_raw(self, paths: list[str], **options: Any) -> None:
        if options["url"] and len(paths) > 1:
            raise CommandError("--url names one page: give one PATH with it.")
        failed = 0
        with IndexFollower():
            for path in paths:
                outcome = import_raw_page(
                    self._read(path),
                    skip_existing=options["skip_existing"],
                    url=options["url"],
                    language=options["language"],
                    actor=options["actor"],
                )
                if outcome.status == ERROR:
                    failed += 1
                    self.stdout.write(f"{path}: failed: {reason(outcome.errors)}")
                    continue
                article = Article.objects.get(pk=outcome.id)
                self.stdout.write(
                    f"{path}: {outcome.status} article {article.pk} {article.title!r} "
                    f"({article.quotes.count()} quote(s), {article.tags.count()} tag(s))"
                )
        if failed:
            raise CommandError(f"{failed} page(s) failed; the others were stored.")

    @staticmethod
    def _actor(username: str | None) -> lifecycle.Actor:
        if username is None:
            return IMPORT
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user {username!r}.")
        if not user.has_perm("articles.add_article"):
            raise CommandError(f"{username} may not write articles (no add_article).")
        return lifecycle.Actor.of(user, "import")

    @staticmethod
    def _read(path: str) -> str:
        try:
            data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("latin-1")

    def _import(self, path: str, *, after_batch: Any, **options: Any) -> Report:
        try:
            opened = nullcontext(sys.stdin.buffer) if path == "-" else Path(path).open("rb")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        with opened as stream:
            return import_entries(
                entries(stream),
                skip_existing=options["skip_existing"],
                batch_size=options["batch_size"],
                after_batch=after_batch,
                workers=max(1, options["workers"]),
                actor=options["actor"],
            )
