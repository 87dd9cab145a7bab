"""How often a quoted source was quoted: per day, week or month, and its first and last time.

Answered by aggregations over its quotation documents (and its article documents, for the
number of articles), never by reading rows: a histogram of publication dates by UTC day or
week (from Monday), and for months a terms aggregation over the documents' ``YYYY-MM`` (months
are not of one length, and tantivy's histogram steps are). A source quoted every day for 50
years has 18,000 days.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import tantivy

from articles.search._engine import engine
from articles.search._filters import visibility
from articles.search._paging import match_count
from articles.search._schema import Kind, term

Occur = tantivy.Occur
INTERVALS = ("day", "week", "month")
_DAY = 86_400_000_000  # microseconds
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_EPOCH_DATE = _EPOCH.date()


@dataclass(frozen=True)
class Bucket:
    start: datetime.datetime  # UTC midnight of the day, the Monday, or the 1st of the month
    period: str  # 2026-11-02, 2026-W45, 2026-11
    quotes: int
    articles: int


@dataclass(frozen=True)
class Span:
    first: datetime.datetime | None
    last: datetime.datetime | None


def _query(kind: str, slug: str, editor: bool) -> tantivy.Query:
    return tantivy.Query.boolean_query(
        [*visibility(kind, editor=editor), (Occur.Must, term("source", slug))]
    )


def _moment(microseconds: float) -> datetime.datetime:
    return _EPOCH + datetime.timedelta(microseconds=int(microseconds))


def quoted_span(slug: str, *, editor: bool) -> Span:
    """When the source was first and last quoted, in articles the caller may see (dated
    ones)."""
    aggs = {"first": {"min": {"field": "published"}}, "last": {"max": {"field": "published"}}}
    found = engine().searcher().aggregate(_query(Kind.QUOTE, slug, editor), aggs)
    first, last = found["first"].get("value"), found["last"].get("value")
    return Span(
        first=None if first is None else _moment(first),
        last=None if last is None else _moment(last),
    )


def quote_count(slug: str) -> int:
    """The source's quotations in articles readers see now (the count its detail shows)."""
    return match_count(engine().searcher(), _query(Kind.QUOTE, slug, False))


# Histogram steps and offsets (microseconds): days, and weeks from Monday (1970-01-01 was a
# Thursday: weeks start 4 days after it). Months are rolled up from days.
_STEPS = {"day": (_DAY, 0), "week": (7 * _DAY, 4 * _DAY)}
_MONTHS = 100_000  # every month there is (terms aggregations need a size)


def _counts(searcher: tantivy.Searcher, query: tantivy.Query, interval: str) -> dict[int, int]:
    """Documents per bucket, by the bucket's first day (days since 1970-01-01, UTC)."""
    if interval == "month":  # the documents' ``month`` (YYYY-MM): a few hundred terms at most
        terms = {"terms": {"field": "month", "size": _MONTHS, "segment_size": _MONTHS}}
        buckets = searcher.aggregate(query, {"m": terms})["m"]["buckets"]
        return {
            (datetime.date.fromisoformat(f"{b['key']}-01") - _EPOCH_DATE).days: int(b["doc_count"])
            for b in buckets
        }
    step, offset = _STEPS[interval]
    histogram = {"field": "published", "interval": step, "offset": offset, "min_doc_count": 1}
    buckets = searcher.aggregate(query, {"h": {"histogram": histogram}})["h"]["buckets"]
    counts: dict[int, int] = {}
    for bucket in buckets:
        counts[int(bucket["key"]) // _DAY] = int(bucket["doc_count"])
    return counts


def _next(day: int, interval: str) -> int:
    if interval == "day":
        return day + 1
    if interval == "week":
        return day + 7
    first = _EPOCH_DATE + datetime.timedelta(days=day)
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return (following - _EPOCH_DATE).days


def _period(start: datetime.date, interval: str) -> str:
    if interval == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if interval == "month":
        return start.strftime("%Y-%m")
    return start.isoformat()


def timeline(slug: str, *, interval: str, editor: bool) -> list[Bucket]:
    """Quotes of the source and articles quoting it per ``interval`` (UTC), oldest first,
    from its first bucket to its last, empty ones between included."""
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {INTERVALS}")
    searcher = engine().searcher()
    quotes = _counts(searcher, _query(Kind.QUOTE, slug, editor), interval)
    articles = _counts(searcher, _query(Kind.ARTICLE, slug, editor), interval)
    days = quotes.keys() | articles.keys()
    if not days:
        return []
    buckets, day, last = [], min(days), max(days)
    while day <= last:
        start = _EPOCH_DATE + datetime.timedelta(days=day)
        buckets.append(
            Bucket(
                datetime.datetime(start.year, start.month, start.day, tzinfo=datetime.UTC),
                _period(start, interval), quotes.get(day, 0), articles.get(day, 0),
            )
        )  # fmt: skip
        day = _next(day, interval)
    return buckets
