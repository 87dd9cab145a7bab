"""Import benchmark: ``import_articles`` on a generated NDJSON archive against COPY of the rows
it stored.

    .venv/bin/python bench/ingest.py --articles 100000

1. Generates NDJSON in the API's write format (seeded; ``bench/run.py``'s vocabulary and
   proportions: French and English, HTML bodies of 150 to 800 words, about 4 Zipf-distributed
   tags from 5,000, 1 or 2 authors from 2,000, 0 to 3 quotes from 20,000 sources).
2. Imports it into an empty database of its own (``newsapi_bench_import``) with the command's
   own code path (batches of 500, the search index fed after each batch, into a fresh index
   folder), timed from the first record read to the last index commit.
3. The limit line: the rows it stored are copied out, the tables emptied, and the same rows
   COPY-ed back in (no index): what PostgreSQL alone takes to store them.
4. Prints the rates and writes ``bench/results/ingest.json``.
"""

from __future__ import annotations

import argparse
import datetime
import html
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # the bench database and results
import archive  # the search benchmark's vocabulary and names

DATABASE = "newsapi_bench_import"
TABLES = ["articles_tag", "articles_author", "articles_quotedsource", "articles_article",
          "articles_article_tags", "articles_byline", "articles_quotation"]  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument("--batch-size", type=int, default=500)
    for name, (_, what, _) in COMPARED.items():
        parser.add_argument(
            f"--compare-{name}",
            type=int,
            metavar="ROUNDS",
            default=0,
            help=f"Import the same file ROUNDS times with {what} off and on (alternating "
            "which goes first, tables emptied before each) and report the cost.",
        )
    return parser.parse_args()


def generate(path: Path, count: int, seed: int) -> float:
    started = time.perf_counter()
    rng = random.Random(seed)
    vocab = {language: archive.Vocabulary(language) for language in archive.LANGUAGES}
    tags = archive.names(rng, vocab["en"], archive.TAGS, 2)
    authors = archive.names(rng, vocab["fr"], archive.AUTHORS, 2)
    sources = archive.names(rng, vocab["en"], archive.SOURCES, 2)
    tag_weights = archive.zipf_cumulative(len(tags))
    source_weights = archive.zipf_cumulative(len(sources))
    now = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    with path.open("w", encoding="utf-8") as out:
        for number in range(1, count + 1):
            language = archive.LANGUAGES[number % 2]
            words = vocab[language]
            paragraphs = [
                " ".join(words.draw(rng, rng.randint(40, 120))) for _ in range(rng.randint(3, 7))
            ]
            draft = rng.random() < 0.03
            published = now - datetime.timedelta(seconds=rng.randint(0, 10 * 365 * 86_400))
            record = {
                "title": " ".join(words.draw(rng, rng.randint(8, 16))).capitalize(),
                "standfirst": " ".join(words.draw(rng, 25)),
                "body": "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs),
                "language": language,
                "section": rng.choice(["World", "Politics", "Science", "Business", "Sport"]),
                "url": f"https://example.org/{language}/{number}",
                "status": "draft" if draft else "published",
                "published_at": None if draft else published.isoformat(),
                "tags": sorted({rng.choices(tags, cum_weights=tag_weights)[0] for _ in range(4)}),
                "authors": sorted({rng.choice(authors) for _ in range(rng.choice((1, 1, 1, 2)))}),
                "quotes": [
                    {"source": rng.choices(sources, cum_weights=source_weights)[0],
                     "text": " ".join(words.draw(rng, rng.randint(8, 30)))}
                    for _ in range(rng.choice((0, 1, 2, 2, 3)))
                ],
            }  # fmt: skip
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return time.perf_counter() - started


def import_file(path: Path, workers: int, batch_size: int) -> tuple[float, object]:
    from django.conf import settings

    from articles import search
    from articles.ingest import IndexFollower, entries, import_entries

    index = Path(tempfile.mkdtemp(prefix="bench-import-index-"))  # this host's, fresh
    settings.SEARCH_INDEX_PATH = index
    search.engine().rebuild()  # an empty index, as on a new host
    started = time.perf_counter()
    with path.open("rb") as stream, IndexFollower() as index:  # as the command does
        report = import_entries(
            entries(stream), after_batch=index.stored, workers=workers, batch_size=batch_size
        )
    seconds = time.perf_counter() - started
    everything = search.ArticleSearch(q="", editor=True)
    report.indexed = search.search_articles(everything, offset=0, limit=1).count
    shutil.rmtree(index, ignore_errors=True)
    return seconds, report


def copy_limit() -> float:
    """Copy the stored rows out, empty the tables, and time COPY-ing them back in."""
    from django.db import connection

    dumps: dict[str, io.BytesIO] = {}
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table in TABLES:
            buffer = io.BytesIO()
            with raw.copy(f"COPY {table} TO STDOUT (FORMAT binary)") as copy:
                for chunk in copy:
                    buffer.write(chunk)
            dumps[table] = buffer
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
        started = time.perf_counter()
        for table in TABLES:
            with raw.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy:
                copy.write(dumps[table].getvalue())
        seconds = time.perf_counter() - started
    return seconds


def empty_tables() -> None:
    """Everything an import writes, gone. TRUNCATE fires no row triggers, so the names' taken
    slugs (kept by triggers) are emptied too: left, they refused the next run's names
    wherever two writers gave a name another id than the run before."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {', '.join(TABLES)}, articles_fingerprint, articles_revision, "
            "articles_event, articles_knownobject, newsapi_search_change, articles_takenslug "
            "RESTART IDENTITY CASCADE"
        )


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds of this process and its reaped writers and follower, and of the
    PostgreSQL server (every session, ended or not, and its background processes)."""
    import resource

    import load

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # reaped: the pools shut down
    ours = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    return ours, load.server_cpu_seconds()


def _outbox(enabled: bool) -> None:
    """The outbox on or off (off: no events; the writers are forked, so they inherit it)."""
    from articles import events

    if not hasattr(events, "_articles_changed"):
        events._articles_changed = events.articles_changed
    events.articles_changed = events._articles_changed if enabled else lambda ids: None


def _duplicates(enabled: bool) -> None:
    from django.conf import settings

    settings.DUPLICATES_ENABLED = enabled


# --compare-<name>: what it switches, and its goal.
COMPARED = {
    "duplicates": (_duplicates, "near-duplicate detection", "at most 15% slower"),
    "outbox": (_outbox, "the events' outbox", "at most 10% slower"),
}


def compare(name: str, rounds: int, data: Path, args: argparse.Namespace) -> None:
    """The import with ``name`` off and on, side by side, ``rounds`` times (which goes first
    alternates; tables emptied before each): the cost on the import path."""
    switch, what, goal = COMPARED[name]
    times: dict[bool, list[float]] = {False: [], True: []}
    cpu: dict[bool, list[float]] = {False: [], True: []}
    server: dict[bool, list[float]] = {False: [], True: []}
    for round_number in range(rounds):
        for enabled in (False, True) if round_number % 2 == 0 else (True, False):
            empty_tables()
            switch(enabled)
            used, served = _cpu_seconds()
            seconds, report = import_file(data, args.workers, args.batch_size)
            after = _cpu_seconds()
            used, served = after[0] - used, after[1] - served
            switch(True)
            assert report.indexed == args.articles, report.summary()
            times[enabled].append(seconds)
            cpu[enabled].append(used)
            server[enabled].append(served)
            print(f"round {round_number + 1}, {name} {'on' if enabled else 'off'}: "
                  f"{seconds:.1f} s, {used:.1f} CPU s, {served:.1f} server CPU s",
                  flush=True)  # fmt: skip
    ratios = sorted(on / off for on, off in zip(times[True], times[False], strict=True))
    total = {e: [c + s for c, s in zip(cpu[e], server[e], strict=True)] for e in (False, True)}
    result = {
        "compared": f"{what} (goal: {goal})",
        "articles": args.articles,
        "workers": args.workers,
        "rounds": rounds,
        "off_s": [round(t, 2) for t in times[False]],
        "on_s": [round(t, 2) for t in times[True]],
        "off_best_s": round(min(times[False]), 2),
        "on_best_s": round(min(times[True]), 2),
        "median_on_over_off": round(ratios[len(ratios) // 2], 3),
        "best_on_over_best_off": round(min(times[True]) / min(times[False]), 3),
        # CPU of this process and its writers and follower: steadier than wall time on a
        # shared machine; and with the PostgreSQL server's (0 for a server not on this host).
        "cpu_off_s": [round(t, 2) for t in cpu[False]],
        "cpu_on_s": [round(t, 2) for t in cpu[True]],
        "cpu_on_over_off": round(sum(cpu[True]) / sum(cpu[False]), 3),
        "server_cpu_off_s": [round(t, 2) for t in server[False]],
        "server_cpu_on_s": [round(t, 2) for t in server[True]],
        "cpu_with_server_on_over_off": round(sum(total[True]) / sum(total[False]), 3),
    }
    _common.save(f"ingest_{name}", result)


def main() -> None:
    args = parse_args()
    _common.BENCH_DATABASE = DATABASE
    _common.use_bench_database(reuse=False)
    data = _common.ROOT / ".data" / f"bench-import-{args.articles}.ndjson"
    data.parent.mkdir(exist_ok=True)
    generated = generate(data, args.articles, args.seed)
    compared = [name for name in COMPARED if getattr(args, f"compare_{name}")]
    for name in compared:
        compare(name, getattr(args, f"compare_{name}"), data, args)
    if compared:
        data.unlink()
        return
    import_seconds, report = import_file(data, args.workers, args.batch_size)
    copy_seconds = copy_limit()
    result = {
        "articles": args.articles,
        "workers": args.workers,
        "batch_size": args.batch_size,
        "file_mb": round(data.stat().st_size / 1e6, 1),
        "generate_s": round(generated, 1),
        "import_s": round(import_seconds, 1),
        "import_articles_per_s": round(args.articles / import_seconds),
        "copy_s": round(copy_seconds, 1),
        "copy_articles_per_s": round(args.articles / copy_seconds),
        "import_vs_copy": round(import_seconds / copy_seconds, 1),
        "report": report.summary(),
        "indexed": report.indexed,
    }
    data.unlink()
    _common.save("ingest", result)


if __name__ == "__main__":
    main()
