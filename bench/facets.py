"""Facets computed afresh after real writes: write-then-facets cycles, one server per checkout.

    .venv/bin/python bench/facets.py --cycles 100 --ports 8822 --before /path/to/main-worktree

On the archive and index of ``bench/run.py`` (its bench database and ``.data/bench-search``:
run it first). Each cycle writes one article through the service layer (an update of a
published article's tags, authors, section or date; a new article; a status change), applies
the log to the index in this process (``apply``, timed apart), then asks each server for the
whole archive's facets (a reader's) and for a head word's, servers and kinds in an order that
alternates. The index moved, so no kept result serves: every request is the first after a
write, as a reader sees it. ``--before DIR`` also serves the checkout in DIR (a worktree of
main, say) on the next port, on the same database and index: the two answers of each request
must be equal, and their times are compared side by side. Each request's time is also read as
the CPU time its server's workers spent on it, which the shared machine disturbs less.

The writes stay in the bench database (a few hundred articles changed: `run.py --reuse` still
measures the same archive, near enough).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import random
import sys
import time
import urllib.parse
from pathlib import Path

import load
from _common import INDEX, ROOT, percentiles, save, use_bench_database


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=100, help="write-then-facets cycles")
    parser.add_argument("--warm", type=int, default=8, help="cycles first, not measured")
    parser.add_argument("--q", default="time", help="the head word of the second kind")
    parser.add_argument("--before", type=Path, help="a checkout to compare with (served too)")
    parser.add_argument("--ports", type=int, default=0, help="this checkout's port; --before: +1")
    parser.add_argument("--seed", type=int, default=20261203)
    return parser


def worker_cpu_seconds(master: int) -> float:
    """CPU seconds so far of the server's workers, every thread (``schedstat``: nanoseconds,
    finer than the clock ticks of ``stat``)."""
    total = 0
    for pid in load.workers(master):
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += int((task / "schedstat").read_text().split()[0])
    return total / 1e9


def ask(port: int, master: int, params: dict) -> tuple[float, float, bytes]:
    """(wall ms, server CPU ms, body) of one facets request."""
    path = f"/api/v1/articles/facets/?{urllib.parse.urlencode(params)}"
    cpu = worker_cpu_seconds(master)
    started = time.perf_counter()
    status, body = load.fetch(port, path)
    wall = (time.perf_counter() - started) * 1000
    assert status == 200, (port, path, status, body[:200])
    return wall, (worker_cpu_seconds(master) - cpu) * 1000, body


def write(rng: random.Random, pool: list[int], tags: list[str], names: list[str]) -> str:
    """One write through the services, as an API client's would be; returns its kind."""
    from django.utils import timezone

    from articles import services
    from articles.models import Article

    kind = rng.choices(["tags", "authors", "section", "date", "create", "status"],
                       weights=[4, 1, 1, 1, 2, 1])[0]  # fmt: skip
    if kind == "create":
        article = services.article_create(
            title=f"Bench article {rng.randrange(10**9)}", body="<p>Written by bench/facets.</p>",
            language=rng.choice(["en", "fr"]), section=rng.choice(["Monde", "Sport", "Culture"]),
            status="published", published_at=timezone.now(), tags=rng.sample(tags, 4),
            authors=rng.sample(names, 1),
        )  # fmt: skip
        pool.append(article.pk)
        return kind
    article = Article.objects.get(pk=rng.choice(pool))
    if kind == "tags":
        services.article_update(article, tags=rng.sample(tags, rng.randint(1, 5)))
    elif kind == "authors":
        services.article_update(article, authors=rng.sample(names, rng.randint(1, 2)))
    elif kind == "section":
        services.article_update(article, section=rng.choice(["Monde", "Sport", "Culture", ""]))
    elif kind == "date":
        moment = timezone.now() - datetime.timedelta(days=rng.randint(0, 3650))
        services.article_update(article, published_at=moment, expires_at=None)
    else:  # unpublished, or published again
        status = "draft" if article.status == "published" else "published"
        services.articles_set_status(Article.objects.filter(pk=article.pk), status)
    return kind


def main() -> None:
    args = parser().parse_args()
    if not use_bench_database(True):
        sys.exit("no bench archive: run bench/run.py first")
    from django.conf import settings
    from run import api_environment

    from articles import search
    from articles.models import Article, Author, Tag
    from tests.live import free_port

    settings.SEARCH_INDEX_PATH = INDEX
    if not (INDEX / "current").exists():
        sys.exit(f"no bench index at {INDEX}: run bench/run.py first")
    rng = random.Random(args.seed)
    pool = list(Article.objects.filter(status="published").order_by("?").values_list(
        "id", flat=True)[:20_000])  # fmt: skip
    tags = list(Tag.objects.order_by("id").values_list("name", flat=True)[:2000])
    names = list(Author.objects.order_by("id").values_list("name", flat=True)[:500])
    search.engine().apply()
    env = api_environment()
    port = args.ports or free_port()
    checkouts = {"after": (ROOT, port)}
    if args.before:
        checkouts["before"] = (args.before.resolve(), port + 1 if args.ports else free_port())
    kinds = {"facets_all": {}, "facets_q": {"q": args.q}}
    times: dict[str, list[float]] = {}
    writes: dict[str, int] = {}
    applied: list[float] = []
    differing = 0
    with contextlib.ExitStack() as stack:
        masters = {}
        for name, (where, where_port) in checkouts.items():
            server = load.gunicorn("newsapi.wsgi", env, where_port, cwd=where)
            masters[name] = stack.enter_context(server).pid
        for cycle in range(args.warm + args.cycles):
            kind = write(rng, pool, tags, names)
            started = time.perf_counter()
            search.engine().apply()
            measured = cycle >= args.warm
            if measured:
                writes[kind] = writes.get(kind, 0) + 1
                applied.append((time.perf_counter() - started) * 1000)
            order = list(kinds.items())
            servers = list(checkouts.items())
            if cycle % 2:
                order.reverse()
                servers.reverse()
            for request, params in order:
                bodies = {}
                for name, (_, where_port) in servers:
                    wall, cpu, bodies[name] = ask(where_port, masters[name], params)
                    if measured:
                        times.setdefault(f"{request}_{name}", []).append(wall)
                        times.setdefault(f"{request}_{name}_cpu", []).append(cpu)
                if len(bodies) == 2 and json.loads(bodies["after"]) != json.loads(bodies["before"]):
                    differing += 1
    result = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="minutes"),
        "articles": Article.objects.count(),
        "cycles": args.cycles,
        "writes": writes,
        "answers_differing": differing if args.before else None,
        "apply_ms": percentiles(applied),
        "requests": {kind: percentiles(values) for kind, values in sorted(times.items())},
    }
    save("facets", result)


if __name__ == "__main__":
    main()
