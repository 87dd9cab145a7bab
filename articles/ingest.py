"""Reading and writing archives of articles: NDJSON or a JSON array in the API's write format,
streamed in constant memory, checked record by record and stored batch by batch."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import ijson
from rest_framework.exceptions import ValidationError as DrfValidationError

from articles import bulk
from articles.api.serializers import ArticleWriteSerializer
from articles.models import Article

BATCH_SIZE = 500


@dataclass
class Entry:
    """One record of a file: where it is (a line, or a position in an array) and its value,
    or why it could not be read."""

    where: str
    value: Any = None
    error: str | None = None


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    def add(self, where: str, outcome: bulk.Outcome) -> None:
        if outcome.status == bulk.ERROR:
            self.failed.append((where, reason(outcome.errors)))
        else:
            setattr(self, outcome.status, getattr(self, outcome.status) + 1)

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, skipped {self.skipped}, "
            f"failed {len(self.failed)}"
        )


def entries(stream: IO[bytes]) -> Iterator[Entry]:
    """The records of NDJSON (one object per line) or of a JSON array, told apart by the
    first character; an array is parsed incrementally (ijson), never loaded whole."""
    buffered = io.BufferedReader(stream) if not hasattr(stream, "peek") else stream
    head = buffered.peek(64).lstrip()
    if head.startswith(b"\xef\xbb\xbf"):  # a byte order mark
        buffered.read(3)
        head = head[3:].lstrip()
    if head.startswith(b"["):
        yield from _array_entries(buffered)
    else:
        yield from _line_entries(buffered)


def _line_entries(stream: IO[bytes]) -> Iterator[Entry]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            yield Entry(where, json.loads(line))
        except (ValueError, UnicodeDecodeError) as error:
            yield Entry(where, error=f"not JSON: {error}")


def _array_entries(stream: IO[bytes]) -> Iterator[Entry]:
    number = 0
    try:
        for number, value in enumerate(ijson.items(stream, "item", use_float=True), start=1):
            yield Entry(f"record {number}", value)
    except (ijson.JSONError, UnicodeDecodeError) as error:
        yield Entry(f"record {number + 1}", error=f"not JSON: {error}; the rest is not read")


def validated(entry: Entry, serializer: ArticleWriteSerializer) -> dict[str, Any]:
    """The record as the API's write serializer takes it, or ValueError with the reason."""
    if entry.error:
        raise ValueError(entry.error)
    if not isinstance(entry.value, dict):
        raise ValueError("a record is a JSON object (an article in the API's write format)")
    try:
        return serializer.run_validation(entry.value)
    except DrfValidationError as error:
        raise ValueError(reason(error.detail)) from None


def reason(detail: Any) -> str:
    """An error's messages on one line: "title: This field is required."."""
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {reason(value)}" for key, value in detail.items())
    if isinstance(detail, list | tuple):
        return " ".join(reason(value) for value in detail)
    return str(detail)


def import_entries(
    records: Iterable[Entry],
    *,
    skip_existing: bool = False,
    batch_size: int = BATCH_SIZE,
    after_batch: Any = None,
) -> Report:
    """Store the records batch by batch; ``after_batch(count)`` runs after each."""
    report = Report()
    serializer = ArticleWriteSerializer()
    batch: list[tuple[str, dict[str, Any]]] = []

    def flush() -> None:
        outcomes = bulk.upsert_many([item for _, item in batch], skip_existing=skip_existing)
        for (where, _), outcome in zip(batch, outcomes, strict=True):
            report.add(where, outcome)
        if after_batch is not None:
            after_batch(len(batch))
        batch.clear()

    for entry in records:
        try:
            batch.append((entry.where, validated(entry, serializer)))
        except ValueError as error:
            report.failed.append((entry.where, str(error)))
            continue
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return report


# --- export --------------------------------------------------------------------------------------

EXPORTED_FIELDS = [
    "title", "standfirst", "body", "language", "section", "edition", "url", "image_url",
    "image_caption", "image_credit", "status", "published_at",
]  # fmt: skip


def export_records(articles: Iterable[Article]) -> Iterator[dict[str, Any]]:
    """Articles in the write format, relations by name: what ``import_entries`` reads back.
    ``articles`` must prefetch bylines' authors, tags and quotes' sources."""
    for article in articles:
        record = {name: getattr(article, name) for name in EXPORTED_FIELDS}
        if record["published_at"] is not None:
            record["published_at"] = record["published_at"].isoformat()
        record["authors"] = [byline.author.name for byline in article.bylines.all()]
        record["tags"] = sorted(tag.name for tag in article.tags.all())
        record["quotes"] = [
            {
                "source": quote.source.name,
                "kind": quote.source.kind,
                "description": quote.source.description,
                "text": quote.text,
            }
            for quote in article.quotes.all()
        ]
        yield record
