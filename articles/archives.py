"""Archives of articles: NDJSON or a JSON array in the API's write format, read streamed in
constant memory (``entries``: one ``Entry`` a record, or why it could not be read) and written
(``export_records``: what ``entries`` reads back).

A record is read under the API's own rules for a request body (``contract.check_json``: nesting
depth, valid Unicode; at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes): one that breaks them is an
entry with its place and reason, and the reading goes on."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import ijson
from django.conf import settings
from rest_framework.exceptions import ParseError

from articles.contract import TOO_DEEP, check_json
from articles.fields import ARTICLE_FIELDS, FIELD_NAMES
from articles.models import Article


@dataclass
class Entry:
    """One record of a file: where it is (a line, or a position in an array) and its value,
    or why it could not be read."""

    where: str
    value: Any = None
    error: str | None = None


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
    limit = _record_limit()
    number = 0
    while line := stream.readline(limit + 1 if limit else -1):
        number += 1
        if limit and len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skipped, never held whole
                line = stream.readline(1 << 20)
            yield Entry(f"line {number}", error=_too_large(limit))
        elif line.strip():
            yield _line_entry(f"line {number}", line)


def _array_entries(stream: IO[bytes]) -> Iterator[Entry]:
    number = 0
    metered = _Metered(stream, _record_limit())
    try:
        for number, value in enumerate(ijson.items(metered, "item", use_float=True), start=1):
            metered.record_read()
            yield _checked_entry(f"record {number}", value)
    except (ijson.JSONError, UnicodeDecodeError) as error:
        yield Entry(f"record {number + 1}", error=f"not JSON: {error}; the rest is not read")
    except _TooLarge as error:
        yield Entry(f"record {number + 1}", error=f"{error}; the rest is not read")


def _line_entry(where: str, line: bytes) -> Entry:
    try:
        value = json.loads(line)
    except RecursionError:  # the decoder recurses once per level
        return Entry(where, error=TOO_DEEP)
    except ValueError as error:  # UnicodeDecodeError included
        return Entry(where, error=f"not JSON: {error}")
    return _checked_entry(where, value)


def _checked_entry(where: str, value: Any) -> Entry:
    """The record, or why the API would refuse it as a request body (depth, Unicode)."""
    try:
        check_json(value)
    except ParseError as error:
        return Entry(where, error=str(error.detail))
    return Entry(where, value)


def _record_limit() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0


def _too_large(limit: int) -> str:
    return f"larger than {limit:,} bytes, the largest request the API takes (MAX_BODY_MB)"


class _TooLarge(Exception):
    pass


class _Metered:
    """A stream that refuses to be read further once a record took more than ``limit`` bytes
    (give or take the parser's buffer), so a huge record is never held whole."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream, self.limit = stream, limit
        self.read_so_far = self.record_start = 0

    def read(self, size: int = -1) -> bytes:
        if self.limit and self.read_so_far - self.record_start > self.limit:
            raise _TooLarge(_too_large(self.limit))
        data = self.stream.read(size)
        self.read_so_far += len(data)
        return data

    def record_read(self) -> None:
        self.record_start = self.read_so_far


# --- export --------------------------------------------------------------------------------------

EXPORTED_FIELDS = FIELD_NAMES  # every field a write takes: an export imports back
_TIMES = tuple(each.name for each in ARTICLE_FIELDS if each.sql_type == "timestamptz")


def export_records(articles: Iterable[Article]) -> Iterator[dict[str, Any]]:
    """Articles in the write format, relations by name: what ``import_entries`` reads back.
    ``articles`` must prefetch bylines' authors, tags and quotes' sources."""
    for article in articles:
        record = {name: getattr(article, name) for name in EXPORTED_FIELDS}
        for name in _TIMES:
            if record[name] is not None:
                record[name] = record[name].isoformat()
        record["authors"] = [byline.author.name for byline in article.bylines.all()]
        record["tags"] = [tag.name for tag in article.tags.all()]
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
