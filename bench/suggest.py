"""Suggestions alone on the search benchmark's archive (``bench/run.py`` builds it), in process
and through HTTP, optionally beside another checkout's code on the same archive.

    .venv/bin/python bench/suggest.py --articles 1000000
    .venv/bin/python bench/suggest.py --articles 1000000 --ports 8810 \\
        --against ../before --against-index ../before/.data/bench-search

The prefixes are ``run.py``'s: the first 2 to 5 letters of its head words, in its order. In
process, each is asked for by a reader and by an editor (``search.suggest``, with its change-log
check), timed in wall and CPU time; the answers' digest tells whether two checkouts answered
alike. Through HTTP (``--ports N``), this checkout's API (gunicorn, 2 sync workers) on N and,
with ``--against DIR``, that checkout's on N+1 with its own index (``--against-index``), asked
in turns, so that both see the same machine. Prints p50/p95/p99 in ms and writes
``bench/results/suggest.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # the bench database, percentiles and results
import load  # gunicorn and a plain HTTP client

WARM_UP = 20


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="as run.py was given")
    parser.add_argument("--queries", type=int, default=200, help="prefixes")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--index", type=Path, default=_common.INDEX)
    parser.add_argument("--ports", type=int, default=0, help="0: in process only")
    parser.add_argument("--against", type=Path, help="another checkout, served on --ports + 1")
    parser.add_argument("--against-index", type=Path, help="its index folder")
    return parser.parse_args()


def prefixes(args: argparse.Namespace) -> list[str]:
    import run  # its query picks

    from articles import search

    rng = random.Random(args.seed + 1)
    head = run.pick_queries(search.engine().searcher(), args.articles, rng)["head"]
    return [head[i % len(head)][0][: 2 + i % 4] for i in range(args.queries)]


def in_process(asked: list[str]) -> tuple[dict[str, list[float]], str]:
    from articles import search

    times: dict[str, list[float]] = {}
    digest = hashlib.sha256()
    for i, q in enumerate([*asked[:WARM_UP], *asked]):
        for editor in (False, True):
            who = "editor" if editor else "reader"
            wall, cpu = time.perf_counter(), time.process_time()
            answer = search.suggest(q, editor=editor)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if i >= WARM_UP:
                times.setdefault(f"{who}_wall", []).append(wall * 1000)
                times.setdefault(f"{who}_cpu", []).append(cpu * 1000)
                digest.update(json.dumps([q, editor, answer], sort_keys=True).encode())
    return times, digest.hexdigest()[:16]


def over_http(args: argparse.Namespace, asked: list[str]) -> dict[str, list[float]]:
    import contextlib

    from run import api_environment

    env = api_environment()
    servers = {"http": (_common.ROOT, args.index, args.ports)}
    if args.against:
        servers["http_against"] = (args.against.resolve(), args.against_index, args.ports + 1)
    times: dict[str, list[float]] = {name: [] for name in servers}
    with contextlib.ExitStack() as stack:
        for root, index, port in servers.values():
            own = {**env, "SEARCH_INDEX_PATH": str(Path(index).resolve()), "PYTHONPATH": str(root)}
            stack.enter_context(load.gunicorn("newsapi.wsgi", own, port, cwd=root))
        names = list(servers)
        for i, q in enumerate([*asked[:WARM_UP], *asked]):
            for name in names if i % 2 else reversed(names):  # turns: neither always goes first
                path = "/api/v1/suggest/?" + urllib.parse.urlencode({"q": q})
                started = time.perf_counter()
                status, _ = load.fetch(servers[name][2], path)
                assert status == 200, (name, q, status)
                if i >= WARM_UP:
                    times[name].append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    args = parse_args()
    if not _common.use_bench_database(reuse=True):
        raise SystemExit("no bench archive: build it with bench/run.py first")
    from django.conf import settings

    settings.SEARCH_INDEX_PATH = args.index
    asked = prefixes(args)
    load_before = os.getloadavg()[0]
    times, digest = in_process(asked)
    if args.ports:
        times.update(over_http(args, asked))
    result = {
        "articles": args.articles,
        "checkout": str(_common.ROOT),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "answers_digest": digest,
        "requests": {name: _common.percentiles(values) for name, values in times.items()},
    }
    _common.save("suggest", result)


if __name__ == "__main__":
    main()
