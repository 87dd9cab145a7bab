"""Readers' time filter (scheduling and expiry) against the status filter alone, in process,
on the bench index (``bench/run.py`` builds it): 30 runs each of a count, the newest 20 and a
tag aggregation, for each way of saying "live now". See bench/README.md, Scheduling.

    .venv/bin/python bench/visibility.py
"""

import datetime
import os
import sys
import time
from pathlib import Path

import django
import tantivy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsapi.settings")
os.environ.setdefault("NEWSAPI_QUIET_DATABASE", "1")
django.setup()

from articles.search.introspect import (  # noqa: E402
    SCHEMA,
    Kind,
    live_now,
    microseconds,
    narrow,
    register_analysers,
    term,
)

RUNS = 30
Occur, INTEGER = tantivy.Occur, tantivy.FieldType.Integer


def ranged(name: str, *, inverted: bool = False, **bounds) -> tantivy.Query:
    return tantivy.Query.range_query(SCHEMA, name, INTEGER, use_inverted_index=inverted, **bounds)


def variants(now: int) -> dict[str, list]:
    base = [
        narrow(term("kind", Kind.ARTICLE)),
        narrow(term("status", "published")),
    ]
    inside = {"published": {"upper_bound": now},
              "expires": {"lower_bound": now, "include_lower": False}}  # fmt: skip
    outside = {"published": {"lower_bound": now, "include_lower": False},
               "expires": {"upper_bound": now}}  # fmt: skip
    return {
        "status only": base,
        "fast ranges": base + [narrow(ranged(n, **b)) for n, b in inside.items()],
        "inverted ranges": base
        + [narrow(ranged(n, inverted=True, **b)) for n, b in inside.items()],
        "must-not inverted": base
        + [(Occur.MustNot, ranged(n, inverted=True, **b)) for n, b in outside.items()],
        "must-not fast (used)": base + live_now()[1:],
    }


def main() -> None:
    index = tantivy.Index.open(str(next((ROOT / ".data" / "bench-search").glob("gen-*"))))
    register_analysers(index)
    searcher = index.searcher()
    asks = {
        "count": lambda query: searcher.search(query, 1, count=True),
        "newest 20": lambda query: searcher.search(
            query, 20, count=True, order_by_field="published_desc", order=tantivy.Order.Desc
        ),
        "tag facet": lambda query: searcher.aggregate(
            query, {"t": {"terms": {"field": "tag_label", "size": 20}}}
        ),
    }
    now = microseconds(datetime.datetime.now(datetime.UTC))
    for name, clauses in variants(now).items():
        query = tantivy.Query.boolean_query(clauses)
        for ask, run in asks.items():
            start = time.perf_counter()
            for _ in range(RUNS):
                run(query)
            print(f"{name:22} {ask:10} {(time.perf_counter() - start) / RUNS * 1000:7.2f} ms")


if __name__ == "__main__":
    main()
