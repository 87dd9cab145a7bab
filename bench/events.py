"""Events benchmark: the outbox's cost on the import path, webhook deliveries per second to a
local receiver, and change-feed pages of 1,000 events.

    .venv/bin/python bench/events.py --articles 5000

1. Generates the import benchmark's archive (``bench/ingest.py``) and stores it batch by batch
   (500) with the import's own write path (``ingest.store``, one process, no index follower:
   only the write path is timed), once with the outbox switched off and once with it on, into
   an emptied database of its own (``newsapi_bench_events``). Reports both rates.
2. Registers one endpoint at a receiver on 127.0.0.1 (answers 200 at once), turns the events
   into deliveries and times one worker (``deliver_due`` rounds) sending them all.
3. Times change-feed pages of 1,000 events (``events.page``, as the view serves them) from
   random cursors, for readers and editors; p50/p95.
4. Prints the results and writes ``bench/results/events.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ingest as ingest_bench  # the archive generator
import run as search_bench  # the bench database and percentiles

DATABASE = "newsapi_bench_events"
EMPTIED = [*ingest_bench.TABLES, "articles_event", "articles_knownobject",
           "articles_webhookdelivery", "articles_webhookendpoint"]  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--pages", type=int, default=60)
    return parser.parse_args()


def store_all(path: Path, outbox: bool) -> float:
    from django.db import connection

    from articles import events
    from articles.ingest import entries, store

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(EMPTIED)} CASCADE")
    original = events.articles_changed
    if not outbox:
        events.articles_changed = lambda ids: None
    try:
        started = time.perf_counter()
        batch = []
        with path.open("rb") as stream:
            for entry in entries(stream):
                batch.append(entry)
                if len(batch) == 500:
                    store(batch, False)
                    batch = []
            if batch:
                store(batch, False)
        return time.perf_counter() - started
    finally:
        events.articles_changed = original


class _Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()


def deliveries_per_s() -> tuple[int, float]:
    from django.conf import settings
    from django.contrib.auth.models import User

    from articles import events
    from articles.events.models import WebhookDelivery, WebhookEndpoint

    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    owner, _ = User.objects.get_or_create(username="bench-webhooks")
    WebhookEndpoint.objects.create(
        owner=owner, url=f"http://127.0.0.1:{server.server_address[1]}/", events=["*"],
        secret=events.new_secret(),
    )  # fmt: skip
    while events.sequence():
        pass
    while events.dispatch():
        pass
    count = WebhookDelivery.objects.count()
    import httpx

    started = time.perf_counter()
    with httpx.Client(timeout=10) as client:
        while events.deliver_due(client=client):
            pass
    seconds = time.perf_counter() - started
    server.shutdown()
    assert not WebhookDelivery.objects.exclude(state="succeeded").exists()
    return count, seconds


def page_ms(pages: int, audience: str, rng: random.Random) -> dict[str, float]:
    from django.db import connection

    from articles import events
    from articles.events import _feed

    column = "seq" if audience == events.EDITOR else "public_seq"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max({column}) FROM articles_event")
        highest = cursor.fetchone()[0] or 0
    samples = []
    for _ in range(pages):
        cursor_text = _feed.encode(audience, rng.randint(0, max(0, highest - 1000)))
        started = time.perf_counter()
        page = events.page(cursor_text, limit=1000, audience=audience)
        samples.append((time.perf_counter() - started) * 1000)
        assert page.json.count('"cursor"') >= min(1000, highest) - 1 or highest < 1000
    return search_bench.percentiles(samples)


def main() -> None:
    args = parse_args()
    search_bench.BENCH_DATABASE = DATABASE
    search_bench.use_bench_database(reuse=False)
    data = search_bench.ROOT / ".data" / f"bench-events-{args.articles}.ndjson"
    data.parent.mkdir(exist_ok=True)
    ingest_bench.generate(data, args.articles, args.seed)
    off = store_all(data, outbox=False)
    on = store_all(data, outbox=True)
    from articles.events.models import Event

    written = Event.objects.count()
    count, seconds = deliveries_per_s()
    rng = random.Random(args.seed)
    result = {
        "articles": args.articles,
        "store_outbox_off_articles_per_s": round(args.articles / off),
        "store_outbox_on_articles_per_s": round(args.articles / on),
        "outbox_slowdown_percent": round((on / off - 1) * 100, 1),
        "events_written": written,
        "events_per_s": round(written / on),
        "deliveries": count,
        "deliveries_per_s_one_worker": round(count / seconds),
        "feed_page_1000_ms_reader": page_ms(args.pages, "r", rng),
        "feed_page_1000_ms_editor": page_ms(args.pages, "e", rng),
    }
    data.unlink()
    search_bench.RESULTS.mkdir(exist_ok=True)
    (search_bench.RESULTS / "events.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
