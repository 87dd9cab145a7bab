"""Events benchmark: the outbox's cost on the import path, webhook deliveries per second to a
local receiver, and change-feed pages of 1,000 events.

    .venv/bin/python bench/events.py --articles 5000

1. Generates the import benchmark's archive (``bench/ingest.py``) and stores it batch by batch
   (500) with the import's own write path (``ingest.store``, one process, no index follower:
   only the write path is timed), once with the outbox switched off and once with it on, into
   an emptied database of its own (``newsapi_bench_events``). Reports both rates, and the CPU
   time of this process and its PostgreSQL session (steadier than the wall clock on a shared
   machine); ``--import-rounds N`` alternates off and on N times (medians). With
   ``--outbox-base COMMIT`` only this step, as the outbox's own CPU time: each round stores
   the file without the outbox, with COMMIT's ``_outbox`` and with this tree's.
2. Registers one endpoint at a receiver on 127.0.0.1 (a process of its own, answers 200 at
   once), turns the events into deliveries and times one worker (``deliver_due`` rounds)
   sending them all; with ``--deliveries-base COMMIT`` the worker of COMMIT too, alternated
   with this one on the same deliveries (twice each).
3. Times change-feed pages of 1,000 events (``events.page``, as the view serves them) from
   random cursors, for readers and editors (links on an origin, as the view asks); p50/p95/p99.
4. Prints the results and writes ``bench/results/events.json``.

The feed's goal is stated at a million events, which no import of a few thousand articles
writes. ``--feed-events N`` then fills the event table up to N rows (set-based: copies of the
import's article events, in their order, numbered on as ``events.sequence`` numbers committed
events), VACUUM ANALYZEs it and times pages of 1,000 from ``--feed-pages`` random cursors, the
first page and the last full one (``filled_*`` in the results). ``--feed-reuse`` times the
feed again on the table such a run left (``bench/results/events_feed.json``), and
``--feed-base COMMIT`` that commit's ``_feed`` beside this one's on the same cursors::

    nice -n 10 .venv/bin/python bench/events.py --articles 2000 --feed-events 1000000
    nice -n 10 .venv/bin/python bench/events.py --feed-reuse --feed-base 46cf483
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import time
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # the bench database and percentiles
import ingest as ingest_bench  # the archive generator
import load  # CPU time of processes

DATABASE = "newsapi_bench_events"
EMPTIED = [*ingest_bench.TABLES, "articles_event", "articles_knownobject", "articles_takenslug",
           "articles_webhookdelivery", "articles_webhookendpoint"]  # fmt: skip
ORIGIN = "https://bench.example"  # the view answers links on the request's host


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--import-rounds", type=int, default=1, metavar="N")
    parser.add_argument("--database", default=DATABASE, help="the bench database's name")
    parser.add_argument(
        "--feed-events", type=int, metavar="N",
        help="fill the event table up to N events (copies of the import's) and time the feed",
    )  # fmt: skip
    parser.add_argument("--feed-pages", type=int, default=300)
    parser.add_argument(
        "--feed-reuse", action="store_true",
        help="only time the feed, on the event table a --feed-events run left",
    )  # fmt: skip
    parser.add_argument(
        "--deliveries-base", metavar="COMMIT",
        help="also time the deliveries with the worker of COMMIT, alternated with this one",
    )  # fmt: skip
    parser.add_argument(
        "--feed-base", metavar="COMMIT",
        help="also time the feed's pages with the _feed module of COMMIT, on the same cursors",
    )  # fmt: skip
    parser.add_argument(
        "--outbox-base", metavar="COMMIT",
        help="only time the outbox on the import's write path, this tree's and the _outbox "
        "module of COMMIT, --import-rounds times alternated with a store without it",
    )  # fmt: skip
    parser.add_argument("--receiver", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def store_all(path: Path, outbox: bool) -> tuple[float, float]:
    """Seconds and CPU seconds (this process and its PostgreSQL session) to store ``path``."""
    from django.db import connection

    from articles import events

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(EMPTIED)} CASCADE")
    original = events.articles_changed
    if not outbox:
        events.articles_changed = lambda ids: None
    try:
        cpu = _cpu_s()
        started = time.perf_counter()
        with path.open("rb") as stream:
            _common.store_ndjson(stream)
        return time.perf_counter() - started, _cpu_s() - cpu
    finally:
        events.articles_changed = original


def _cpu_s() -> float:
    """CPU seconds of this process and of its PostgreSQL session (0 for a remote server's)."""
    return time.process_time() + load.session_cpu_seconds()


def import_with_and_without(path: Path, articles: int, rounds: int) -> dict[str, Any]:
    """The import with the outbox off and on, ``rounds`` times alternated (which goes first
    too; the last store is with it on: the deliveries and the feed read its events); rates
    and slowdowns from the medians, wall clock and CPU."""
    runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for number in range(rounds):
        for outbox in (False, True) if (rounds - number) % 2 else (True, False):
            runs[outbox].append(store_all(path, outbox))
    off, on = (
        [statistics.median(t[i] for t in runs[outbox]) for i in (0, 1)] for outbox in (False, True)
    )
    return {
        "store_outbox_off_articles_per_s": round(articles / off[0]),
        "store_outbox_on_articles_per_s": round(articles / on[0]),
        "outbox_slowdown_percent": round((on[0] / off[0] - 1) * 100, 1),
        "outbox_cpu_slowdown_percent": round((on[1] / off[1] - 1) * 100, 1),
        "store_runs_s": {
            name: [[round(wall, 2), round(cpu, 2)] for wall, cpu in runs[outbox]]
            for name, outbox in (("off", False), ("on", True))
        },
        "import_rounds": rounds,
    }


def outbox_beside(path: Path, rounds: int, base: str) -> dict[str, Any]:
    """The CPU time (this process and its PostgreSQL session) of the outbox alone on the
    import's write path, this tree's and ``base``'s, in one process on the same file: each
    round stores it without the outbox, with ``base``'s and with this one's (the order turned
    round every other round); medians, and the outbox's share of the store without it."""
    from articles import events, representation
    from articles.api import serializers
    from articles.events import _outbox

    earlier = _base_module(base, "_outbox")

    # Earlier outboxes pass the names as model instances, later ones as ``values()`` rows
    # (the serializer writes both).
    def named(model: type, rows: list) -> dict[int, Any]:
        serializer = serializers.named_serializer(model)()
        return {
            row["id"] if isinstance(row, dict) else row.pk: serializer.to_representation(row)
            for row in rows
        }

    earlier.representation = types.SimpleNamespace(**{**vars(representation), "named": named})
    outboxes = {"off": None, base: earlier, "this": _outbox}
    store_cpu: dict[str, list[float]] = {name: [] for name in outboxes}
    outbox_cpu: dict[str, list[float]] = {name: [] for name in outboxes}
    original = events.articles_changed
    try:
        for number in range(rounds):
            for name in list(outboxes) if number % 2 == 0 else list(outboxes)[::-1]:
                module, spent = outboxes[name], [0.0]

                def changed(ids: Any, module: Any = module, spent: list = spent) -> None:
                    started = _cpu_s()
                    if module is not None:
                        module.articles_changed(ids)
                    spent[0] += _cpu_s() - started

                events.articles_changed = changed
                store_cpu[name].append(store_all(path, outbox=True)[1])
                outbox_cpu[name].append(spent[0])
                print(f"round {number + 1}, {name}: store {store_cpu[name][-1]:.2f} CPU s, "
                      f"outbox {outbox_cpu[name][-1]:.3f}", flush=True)  # fmt: skip
    finally:
        events.articles_changed = original
    off = statistics.median(store_cpu["off"])
    return {
        "rounds": rounds,
        "store_outbox_off_cpu_s": round(off, 3),
        **{
            f"outbox_cpu_s_{name}": round(statistics.median(outbox_cpu[name]), 3)
            for name in (base, "this")
        },
        **{
            f"outbox_cpu_share_percent_{name}": round(
                100 * statistics.median(outbox_cpu[name]) / off, 1
            )
            for name in (base, "this")
        },
        "store_cpu_s": {name: [round(t, 2) for t in runs] for name, runs in store_cpu.items()},
        "outbox_cpu_s": {name: [round(t, 3) for t in runs] for name, runs in outbox_cpu.items()},
    }


class _Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()


def _base_module(commit: str, module: str):
    """``articles.events.<module>`` as of ``commit`` (loaded from ``git show``), to time it
    beside this tree's on the same data."""
    import importlib.util
    import subprocess

    source = subprocess.run(
        ["git", "show", f"{commit}:articles/events/{module}.py"], cwd=_common.ROOT,
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    name = f"articles.events.{module}_base"
    spec = importlib.util.spec_from_loader(name, loader=None)
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[name] = loaded
    exec(compile(source, f"{commit}:{module}.py", "exec"), loaded.__dict__)
    return loaded


def _send_all(deliver) -> float:
    """Seconds one worker takes to send every pending delivery (as ``run_worker`` does: one
    HTTP client and, where the code takes one, one thread pool for all rounds)."""
    import inspect
    from concurrent.futures import ThreadPoolExecutor

    from articles.events import _webhooks

    takes_pool = "pool" in inspect.signature(deliver).parameters
    started = time.perf_counter()
    if takes_pool:
        with _webhooks.new_client() as client, ThreadPoolExecutor(_webhooks.ROUND) as pool:
            while deliver(client=client, pool=pool):
                pass
    else:
        import httpx

        with httpx.Client(timeout=10) as client:
            while deliver(client=client):
                pass
    return time.perf_counter() - started


def deliveries_per_s(base: str | None) -> dict[str, float]:
    """Deliveries per second of this tree's worker (and of ``base``'s, alternated with it,
    twice each, on the same deliveries set back to pending), to a receiver in a process of
    its own."""
    import subprocess

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.utils import timezone

    from articles import events
    from articles.events.models import WebhookDelivery, WebhookEndpoint

    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    receiver = subprocess.Popen(
        [sys.executable, __file__, "--receiver"], stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(receiver.stdout.readline())
        owner, _ = User.objects.get_or_create(username="bench-webhooks")
        WebhookEndpoint.objects.create(
            owner=owner, url=f"http://127.0.0.1:{port}/", events=["*"],
            secret=events.new_secret(),
        )  # fmt: skip
        while events.sequence():
            pass
        while events.dispatch():
            pass
        count = WebhookDelivery.objects.count()
        variants = {"this": events.deliver_due}
        if base:
            variants["base"] = _base_module(base, "_webhooks").deliver_due
        rates: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(2 if base else 1):
            for name, deliver in variants.items():
                WebhookDelivery.objects.update(
                    state="pending", attempt=0, next_attempt_at=timezone.now()
                )
                rates[name].append(round(count / _send_all(deliver)))
                assert not WebhookDelivery.objects.exclude(state="succeeded").exists()
    finally:
        receiver.kill()
        receiver.wait()
    result: dict[str, Any] = {"deliveries": count, "deliveries_per_s_one_worker": rates["this"]}
    if base:
        result[f"deliveries_per_s_one_worker_at_{base}"] = rates["base"]
    return result


def serve_receiver() -> None:
    """The receiver: answers 200 at once, keeps connections alive; prints its port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


def _highest(audience: str) -> int:
    from django.db import connection

    from articles import events

    column = "seq" if audience == events.EDITOR else "public_seq"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max({column}) FROM articles_event")
        return cursor.fetchone()[0] or 0


def _timed_page(position: int | None, audience: str, page=None) -> tuple[float, int]:
    """One page of 1,000 after ``position`` (None: the first) as the view asks for it (with
    ``page``, another tree's ``events.page``): milliseconds and bytes."""
    from articles import events
    from articles.events import _feed

    cursor_text = None if position is None else _feed.encode(audience, position)
    started = time.perf_counter()
    served = (page or events.page)(cursor_text, limit=1000, audience=audience, origin=ORIGIN)
    elapsed = (time.perf_counter() - started) * 1000
    body = served.json  # bytes (str before the page was built as bytes)
    return elapsed, len(body if isinstance(body, bytes) else body.encode())


def page_ms(pages: int, audience: str, rng: random.Random) -> dict[str, float]:
    highest = _highest(audience)
    samples = []
    for _ in range(pages):
        samples.append(_timed_page(rng.randint(0, max(0, highest - 1000)), audience)[0])
    return _common.percentiles(samples)


def fill_feed(total: int) -> dict[str, Any]:
    """Fill the event table up to ``total`` events: the import's article events copied over
    and over, in their order (their types, objects, audience and data: the article's detail
    representation, a few KB; an archive's names are told of once, its articles again at
    every change, so a million events are mostly these, the feed's heaviest), each copy
    numbered after the last as ``events.sequence`` numbers committed events (``seq`` for
    all, ``public_seq`` for readers' in the same order), the counters moved on; then VACUUM
    ANALYZE. Set-based, in chunks of 100,000 rows (each one statement). Each copy's data is a
    new value (``::text::json``), stored as the outbox's are, not the template's compressed
    one."""
    from django.db import connection

    from articles import events

    while events.sequence():
        pass
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(seq), max(public_seq) FROM articles_event")
        count, seq, public_seq = cursor.fetchone()
        cursor.execute("DROP TABLE IF EXISTS bench_event_template")
        cursor.execute(
            """
            CREATE TEMP TABLE bench_event_template AS
            SELECT row_number() OVER (ORDER BY seq) AS n,
                   count(*) FILTER (WHERE public) OVER (ORDER BY seq) AS public_n,
                   type, object, object_id, slug, public, data
              FROM articles_event WHERE object = 'article'
            """
        )
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE public) FROM bench_event_template")
        cycle, cycle_public = cursor.fetchone()
        # a week of events before now, oldest first: inside the retention, in seq order
        span = datetime.timedelta(days=7)
        for first in range(count + 1, total + 1, 100_000):
            last = min(total, first + 99_999)
            cursor.execute(
                """
                INSERT INTO articles_event
                       (seq, public_seq, type, object, object_id, slug, occurred_at, data,
                        public)
                SELECT %(seq)s + g - %(count)s,
                       CASE WHEN t.public THEN %(public_seq)s
                            + (g - %(count)s - 1) / %(cycle)s * %(cycle_public)s + t.public_n
                       END,
                       t.type, t.object, t.object_id, t.slug,
                       now() - %(span)s * (1 - g::float8 / %(total)s),
                       t.data::text::json, t.public
                  FROM generate_series(%(first)s, %(last)s) AS g
                  JOIN bench_event_template t ON t.n = (g - %(count)s - 1) %% %(cycle)s + 1
                 ORDER BY g
                """,
                {"seq": seq, "public_seq": public_seq, "count": count, "total": total,
                 "cycle": cycle, "cycle_public": cycle_public, "first": first, "last": last,
                 "span": span},
            )  # fmt: skip
        cursor.execute(
            "SELECT setval('articles_event_seq_counter', max(seq)),"
            " setval('articles_event_public_seq_counter', max(public_seq)) FROM articles_event"
        )
        cursor.execute("DROP TABLE bench_event_template")
    filled = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE articles_event")
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE public),"
            " pg_total_relation_size('articles_event'), avg(pg_column_size(data)),"
            " avg(octet_length(data::text)) FROM articles_event"
        )
        events_count, public, size, stored, text = cursor.fetchone()
    return {
        "feed_events": events_count,
        "feed_public_events": public,
        "feed_fill_s": round(filled, 1),
        "feed_table_mb": round(size / 1e6),
        "feed_data_bytes_stored_avg": round(stored),
        "feed_data_bytes_text_avg": round(text),
    }


def feed_at_scale(pages: int, rng: random.Random, base: str | None) -> dict[str, Any]:
    """Pages of 1,000 from ``pages`` random cursors per audience (with their bytes), readers'
    and editors' alternated (a shared machine's load and the cache then weigh on both alike),
    then the first page and the last full one (the median of 21 each). With ``base``, the
    page of that commit's ``_feed`` too, on the same cursors, first every other time."""
    from articles import events

    audiences = {events.READER: "reader", events.EDITOR: "editor"}
    variants = {"": events.page}
    if base:
        variants[f"_at_{base}"] = _base_module(base, "_feed").page
    highest = {audience: _highest(audience) for audience in audiences}
    samples = {(a, v): [] for a in audiences for v in variants}
    sizes = {(a, v): [] for a in audiences for v in variants}
    for number in range(pages):
        for audience in audiences:
            position = rng.randint(0, highest[audience] - 1000)
            order = list(variants.items())
            for variant, page in order[number % 2 :] + order[: number % 2]:
                ms, size = _timed_page(position, audience, page)
                samples[audience, variant].append(ms)
                sizes[audience, variant].append(size)
    result: dict[str, Any] = {}
    for (audience, variant), times in samples.items():
        name = audiences[audience] + variant
        page = variants[variant]
        result[f"feed_page_1000_ms_{name}"] = _common.percentiles(times)
        result[f"feed_page_1000_kb_{name}"] = round(sum(sizes[audience, variant]) / pages / 1000)
        for where, position in (("first", None), ("end", highest[audience] - 1000)):
            ends = sorted(_timed_page(position, audience, page)[0] for _ in range(21))
            result[f"feed_page_1000_ms_{name}_{where}"] = round(ends[10], 2)
    return result


def main() -> None:
    args = parse_args()
    if args.receiver:
        serve_receiver()
        return
    _common.BENCH_DATABASE = args.database
    _common.use_bench_database(reuse=args.feed_reuse)
    rng = random.Random(args.seed)
    if args.feed_reuse:
        _common.save("events_feed", feed_at_scale(args.feed_pages, rng, args.feed_base))
        return
    data = _common.ROOT / ".data" / f"bench-events-{args.articles}.ndjson"
    data.parent.mkdir(exist_ok=True)
    ingest_bench.generate(data, args.articles, args.seed)
    if args.outbox_base:
        _common.save("events_outbox", outbox_beside(data, args.import_rounds, args.outbox_base))
        data.unlink()
        return
    stored = import_with_and_without(data, args.articles, args.import_rounds)
    from articles.events.models import Event

    written = Event.objects.count()
    delivered = deliveries_per_s(args.deliveries_base)
    result = {
        "articles": args.articles,
        **stored,
        "events_written": written,
        "events_per_s": round(written * stored["store_outbox_on_articles_per_s"] / args.articles),
        **delivered,
        "feed_page_1000_ms_reader": page_ms(args.pages, "r", rng),
        "feed_page_1000_ms_editor": page_ms(args.pages, "e", rng),
    }
    data.unlink()
    if args.feed_events:
        result.update(fill_feed(args.feed_events))
        result.update(
            {
                f"filled_{k}": v
                for k, v in feed_at_scale(args.feed_pages, rng, args.feed_base).items()
            }
        )
    _common.save("events", result)


if __name__ == "__main__":
    main()
