"""The index rebuild against a plain tantivy build of the same documents (issue 19).

    NEWSAPI_BENCH_DATABASE=newsapi_bench_x nice -n 5 .venv/bin/python bench/rebuild.py \
        --articles 100000 --reuse --rounds 3 [--before /tmp/before] [--limit 50000]
    # --before DIR: another checkout's rebuild timed too (same venv, same archive), e.g.
    #   git worktree add --detach /tmp/before <main's commit>

On ``run.py``'s archive (generated first unless ``--reuse`` finds one). Each round times, in
a process of its own and in an order that turns each round: this checkout's rebuild
(``search.engine().rebuild()``, default settings, into a folder of its own), the ``--before``
checkout's, and ``plain``: the same documents built in Python first (untimed), then only
tantivy's work timed (a writer with the rebuild's budget, every ``add_document``, the commit
and its merges). CPU seconds are the process's and its children's (the building processes),
not PostgreSQL's. ``--limit``: the plain build's newest articles only (its documents are held
in memory; its rate does not depend on the count at this size).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, use_bench_database

FOLDER = ROOT / ".data" / "bench-rebuild"


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench archive")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another checkout's rebuild, timed too")
    parser.add_argument("--limit", type=int, default=None, help="articles of the plain build")
    parser.add_argument(
        "--processes", default="", help="also this checkout's rebuild with these "
        "SEARCH_REBUILD_PROCESSES, e.g. 0,2 (each a run of its own)"
    )  # fmt: skip
    parser.add_argument("--one", help=argparse.SUPPRESS)  # in the child: rebuild or plain
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    return parser


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def time_rebuild(folder: Path) -> dict:
    from django.conf import settings

    from articles import search

    settings.SEARCH_INDEX_PATH = folder
    search.forget_engines()
    started, cpu = time.perf_counter(), cpu_seconds()
    articles = search.engine().rebuild()
    return {"articles": articles, "s": time.perf_counter() - started, "cpu": cpu_seconds() - cpu}


def time_plain(folder: Path, limit: int | None) -> dict:
    """Tantivy's own work on the rebuild's documents: built first, then indexed."""
    import tantivy
    from django.conf import settings

    from articles.search._documents import article_documents, named_documents, read_articles
    from articles.search._schema import SCHEMA, Kind, register_analysers
    from articles.search._writing import _article_id_batches

    documents, articles = [], 0
    for ids in _article_id_batches(2000):
        for row in read_articles(ids):
            documents.extend(article_documents(row))
            articles += 1
        if limit and articles >= limit:
            break
    for kind in Kind.NAMED:
        documents.extend(named_documents(kind))
    folder.mkdir(parents=True)
    index = tantivy.Index(SCHEMA, path=str(folder), reuse=False)
    register_analysers(index)
    started, cpu = time.perf_counter(), cpu_seconds()
    writer = index.writer(settings.SEARCH_REBUILD_HEAP_BYTES)
    for doc in documents:
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    return {"articles": articles, "s": time.perf_counter() - started, "cpu": cpu_seconds() - cpu}


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(args.root))  # that checkout's articles package, not this one's
    use_bench_database(True)
    import articles

    assert Path(articles.__file__).is_relative_to(args.root), articles.__file__
    folder = FOLDER / args.one
    shutil.rmtree(folder, ignore_errors=True)
    try:
        result = time_plain(folder, args.limit) if args.one == "plain" else time_rebuild(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result))


def measure(args: argparse.Namespace) -> dict[str, list[dict]]:
    runs = {"rebuild": (ROOT, {}), "plain": (ROOT, {})}
    if args.before:
        runs["before"] = (args.before.resolve(), {})
    for processes in filter(None, args.processes.split(",")):
        runs[f"processes={processes}"] = (ROOT, {"SEARCH_REBUILD_PROCESSES": processes})
    results: dict[str, list[dict]] = {name: [] for name in runs}
    names = list(runs)
    for round_ in range(args.rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            root, env = runs[name]
            command = [sys.executable, __file__, "--one", "plain" if name == "plain" else
                       "rebuild", "--root", str(root)]  # fmt: skip
            if args.limit:
                command += ["--limit", str(args.limit)]
            load = os.getloadavg()[0]
            output = subprocess.run(
                command, check=True, capture_output=True, text=True, env={**os.environ, **env}
            ).stdout
            result = json.loads(output.strip().splitlines()[-1])
            result |= {"rate": round(result["articles"] / result["s"]), "load": round(load, 2)}
            results[name].append(result)
            print(f"round {round_ + 1} {name}: {result['articles']} articles in "
                  f"{result['s']:.1f} s ({result['rate']}/s), {result['cpu']:.1f} s CPU, "
                  f"load {load:.2f}", flush=True)  # fmt: skip
    return results


def main() -> None:
    args = parser().parse_args()
    if args.one:
        child(args)
        return
    present = use_bench_database(args.reuse)
    if not present:
        from archive import generate

        print(f"generating {args.articles} articles...", flush=True)
        print(f"generated in {generate(args):.1f} s", flush=True)
    results = measure(args)
    rates = {name: [run["rate"] for run in runs] for name, runs in results.items()}
    medians = {name: statistics.median(values) for name, values in rates.items()}
    print(json.dumps({"rates": rates, "medians": medians}))
    for name, values in rates.items():  # round by round, then of the medians
        for other in ("plain", "before", "processes=0"):
            if other in rates and other != name:
                each = ", ".join(f"{a / b:.2f}" for a, b in zip(values, rates[other], strict=True))
                print(f"{name} / {other}: {each}; medians {medians[name] / medians[other]:.2f}")


if __name__ == "__main__":
    main()
