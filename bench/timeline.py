"""Source timelines and first/last quotes on the search benchmark's archive.

    .venv/bin/python bench/timeline.py --articles 100000          # generate (or --reuse)

Uses ``bench/run.py``'s archive (its database ``newsapi_bench`` and index folder: ``--reuse``
keeps both), whose 20,000 sources are Zipf-distributed, so the first ones are quoted in a large
share of the archive: the sources timed are the 20 most quoted and 80 drawn at random. For
each, ``--rounds`` times, interleaved: ``search.timeline`` per day, week and month and
``search.quoted_span`` in-process (the index's aggregations, as the view calls them), and
``GET /api/v1/sources/{slug}/timeline/?interval=month`` and the source's detail through
Django's test client (the whole view: throttle, the source's row, the log check). Prints
p50/p95/p99 in ms and writes ``bench/results/timeline.json``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # the bench database, percentiles and results
import archive  # the archive


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench archive")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--rounds", type=int, default=5)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    os.environ["THROTTLE_ANON"] = "100000000/minute"  # read when the settings load
    present = _common.use_bench_database(args.reuse)
    from django.conf import settings

    settings.SEARCH_INDEX_PATH = _common.INDEX
    settings.ALLOWED_HOSTS = ["*"]
    from django.db import connection
    from django.test import Client

    from articles import search

    if not present:
        print(f"generating {args.articles} articles...", flush=True)
        print(f"generated in {archive.generate(args):.1f} s", flush=True)
    if not present or not (_common.INDEX / "current").exists():
        started = time.perf_counter()
        search.engine().rebuild()
        print(f"index built in {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_article")
        (articles,) = cursor.fetchone()
        cursor.execute(
            "SELECT s.slug, count(*) FROM articles_quotation q"
            " JOIN articles_quotedsource s ON s.id = q.source_id"
            " JOIN articles_article a ON a.id = q.article_id AND a.status = 'published'"
            " GROUP BY s.slug ORDER BY count(*) DESC"
        )
        counted = cursor.fetchall()
    rng = random.Random(args.seed)
    slugs = [slug for slug, _ in counted[:20]] + rng.sample([s for s, _ in counted[20:]], 80)
    client = Client()
    samples: dict[str, list[float]] = {}

    def timed(name: str, call) -> None:
        started = time.perf_counter()
        call()
        samples.setdefault(name, []).append((time.perf_counter() - started) * 1000)

    def get(path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200, response.content[:500]

    search.engine().searcher()  # caught up before timing
    for _ in range(args.rounds):
        for slug in slugs:
            for interval in search.INTERVALS:
                timed(f"timeline_{interval}", partial(search.timeline, slug, interval=interval,
                                                      editor=False))  # fmt: skip
            timed("quoted_span", partial(search.quoted_span, slug, editor=False))
            timed("api_timeline_month", partial(get, f"/api/v1/sources/{slug}/timeline/"))
            timed("api_source_detail", partial(get, f"/api/v1/sources/{slug}/"))
    result = {
        "articles": articles,
        "top_source_quotes": counted[0][1],
        "sources_timed": len(slugs),
        "rounds": args.rounds,
        **{name: _common.percentiles(values) for name, values in samples.items()},
    }
    _common.save("timeline", result)


if __name__ == "__main__":
    main()
