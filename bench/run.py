"""Search benchmark: a realistic archive, the API over HTTP against the engine's own limit.

    make bench                                   # BENCH_ARTICLES, default 100,000
    BENCH_ARTICLES=20000 make bench              # a few minutes
    .venv/bin/python bench/run.py --articles 1000000 --reuse   # keep the generated archive

1. Generates French and English articles (seeded): word frequencies from the ``wordfreq``
   package, titles of about 12 words, HTML bodies of 150 to 800 words, Zipf-distributed tags
   (4.3 per article), authors and quoted sources (1.6 quotes per article), ten years of
   dates, 3% drafts; loads them with COPY into a database of its own (``newsapi_bench``).
2. Builds the search index with the app's own rebuild (``search.engine().rebuild()``).
3. Serves the app with gunicorn (2 sync workers) on loopback and runs each request kind,
   query by query interleaved with (a) the same query on in-process tantivy (the engine's
   limit line: parse, compile, top 20 and exact count) and (b) PostgreSQL ranking every match
   with ``ts_rank`` over a stored, GIN-indexed tsvector (the Django-docs way, head terms).
   Facets are measured twice: as served (results are kept per index state) and computed
   afresh (``facets_all_uncached``, which ``facets_vs_search_p95`` uses).
4. Under concurrent load (``bench/load.py``, ``--load-seconds 0`` skips it): 8 clients in a
   closed loop on a mix of those requests, the API against bare Django on the same workers.
5. Writes ``bench/results/latest.json`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import time
import urllib.parse
import urllib.request
from pathlib import Path

import load
from _common import INDEX, RESULTS, percentiles
from archive import LANGUAGES, Vocabulary, prepare


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--articles", type=int, default=int(os.environ.get("BENCH_ARTICLES", 100_000))
    )
    parser.add_argument("--queries", type=int, default=200, help="requests per kind")
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench archive")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--no-pg", action="store_true", help="skip the ts_rank comparison")
    load.add_arguments(parser)
    return parser


# --- measuring --------------------------------------------------------------------------------


def http_ms(base: str, path: str, params: dict) -> float:
    url = f"{base}{path}?{urllib.parse.urlencode(params, doseq=True)}"
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
        assert response.status == 200, url
    return (time.perf_counter() - started) * 1000


def engine_ms(searcher, params) -> float:
    from articles.search.introspect import article_query

    started = time.perf_counter()
    compiled = article_query(params, searcher)
    if compiled.query is not None:
        searcher.search(compiled.query, 20, count=True)
    return (time.perf_counter() - started) * 1000


def pg_rank_ms(word: str, language: str) -> float:
    from django.db import connection

    config = "french" if language == "fr" else "english"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, ts_rank(bench_tsv, q) AS rank, count(*) OVER () "
            "FROM articles_article, websearch_to_tsquery(%s::regconfig, %s) q "
            "WHERE bench_tsv @@ q AND status = 'published' ORDER BY rank DESC LIMIT 20",
            [config, word],
        )
        cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def document_frequencies(searcher, language: str, words: list[str]) -> dict[str, int]:
    from articles.search.introspect import ANALYSERS, analyser_key, text_field

    key = analyser_key(language)
    found = {}
    for word in words:
        terms = ANALYSERS.language(key).analyze(word)
        if len(terms) == 1:
            found[word] = searcher.doc_freq(text_field("body", key), terms[0])
    return found


def pick_queries(searcher, articles: int, rng: random.Random) -> dict[str, list[tuple]]:
    """Head words (in >= 5% of articles), tail words (the rarest that match at all: a handful
    of articles at 100,000), phrases from the text."""
    vocab = {language: Vocabulary(language, 30_000) for language in LANGUAGES}
    head, tail = [], []
    for language in LANGUAGES:
        words = vocab[language].words
        frequencies = document_frequencies(searcher, language, words[50:400] + words[-5000:])
        per_language = articles / 2
        head += [(w, language) for w, n in frequencies.items() if n >= 0.05 * per_language]
        rarest = sorted((n, w) for w, n in frequencies.items() if n >= 1)[:30]
        tail += [(w, language) for _, w in rarest]
    phrases = []
    for language in LANGUAGES:
        for _ in range(50):
            words = vocab[language].words[100:600]
            phrases.append((f'"{rng.choice(words)} {rng.choice(words)}"', language))
    return {"head": head, "tail": tail, "phrase": phrases}


def worker_memory_mb(master: int) -> dict[str, float]:
    """The larger worker's resident memory: all of it, its own (anonymous) part, and the part
    that is the index's files mapped from the page cache (shared by every worker)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    largest: dict[str, int] = {"VmRSS": 0, "RssAnon": 0, "RssFile": 0}
    for pid in children:
        values = {}
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in largest:
                values[name] = int(rest.split()[0])
        if values.get("VmRSS", 0) > largest["VmRSS"]:
            largest = {**largest, **values}
    return {key: round(value / 1024, 1) for key, value in largest.items()}


def workload(args: argparse.Namespace) -> tuple:
    """The searcher, the queries of each kind, published article ids and popular tags."""
    from articles import search
    from articles.models import Article, Tag

    rng = random.Random(args.seed + 1)
    searcher = search.engine().searcher()
    queries = pick_queries(searcher, args.articles, rng)
    article_ids = list(Article.objects.filter(status="published").values_list("id", flat=True)[
        : 5000])  # fmt: skip
    popular_tags = list(
        Tag.objects.order_by("id").values_list("slug", flat=True)[:50]
    )  # Zipf: low ids are the most used
    return searcher, queries, article_ids, popular_tags


# The API as the benchmarks serve it: production settings, throttles out of the way.
SERVER_SETTINGS = {
    "SEARCH_INDEX_PATH": str(INDEX),
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "THROTTLE_ANON": "100000000/minute",
    "THROTTLE_USER": "100000000/minute",
    "DATABASE_STATEMENT_TIMEOUT_MS": "60000",
}


def api_environment() -> dict[str, str]:
    from tests.live import database_url

    return {**os.environ, "DATABASE_URL": database_url(), **SERVER_SETTINGS}


def measure(args: argparse.Namespace, build_seconds: float, generated_seconds: float) -> dict:
    from articles import search
    from tests.live import free_port

    searcher, queries, article_ids, popular_tags = workload(args)
    env = api_environment()
    port = args.ports or free_port()
    base = f"http://127.0.0.1:{port}"
    times: dict[str, list[float]] = {}

    def record(kind: str, value: float) -> None:
        times.setdefault(kind, []).append(value)

    with load.gunicorn("newsapi.wsgi", env, port) as server:
        for _ in range(20):  # warm both workers
            http_ms(base, "/api/v1/articles/", {"q": "the"})
        n = args.queries
        for i in range(n):
            for kind in ("head", "tail", "phrase"):
                pool = queries[kind]
                if not pool:
                    continue
                text, language = pool[i % len(pool)]
                params = search.ArticleSearch(q=text)
                record(f"search_{kind}", http_ms(base, "/api/v1/articles/", {"q": text}))
                record(f"engine_{kind}", engine_ms(searcher, params))
                if kind == "head" and not args.no_pg and i < min(n, 40):
                    record("pg_rank_head", pg_rank_ms(text, language))
            record("search_fr", http_ms(base, "/api/v1/articles/",
                                        {"q": queries["head"][i % len(queries["head"])][0],
                                         "language": "fr"}))  # fmt: skip
            record("list_newest", http_ms(base, "/api/v1/articles/", {}))
            record("list_filtered", http_ms(base, "/api/v1/articles/",
                   {"tag": popular_tags[i % len(popular_tags)], "language": "fr"}))  # fmt: skip
            record(
                "facets_q",
                http_ms(
                    base,
                    "/api/v1/articles/facets/",
                    {"q": queries["head"][i % len(queries["head"])][0]},
                ),
            )
            record("facets_all", http_ms(base, "/api/v1/articles/facets/", {}))  # kept results
            # The whole archive, computed afresh: a bound no article is older than, new each time.
            since = (datetime.datetime(1990, 1, 1) + datetime.timedelta(minutes=i)).isoformat()
            record("facets_all_uncached", http_ms(base, "/api/v1/articles/facets/",
                                                  {"published_after": f"{since}Z"}))  # fmt: skip
            word = queries["head"][i % len(queries["head"])][0]
            record("suggest", http_ms(base, "/api/v1/suggest/", {"q": word[: 2 + i % 4]}))
            record(
                "related",
                http_ms(base, f"/api/v1/articles/{article_ids[i % len(article_ids)]}/related/", {}),
            )
        memory = worker_memory_mb(server.pid)
        under_load = {}
        if args.load_seconds:
            under_load = load.compare(args, port, server.pid,
                                      load.sequences(args, queries, article_ids, popular_tags),
                                      env)  # fmt: skip

    stats = {kind: percentiles(values) for kind, values in times.items()}
    api_search = times["search_head"] + times["search_tail"] + times["search_phrase"]
    engine_search = times["engine_head"] + times["engine_tail"] + times["engine_phrase"]
    searches_p95 = percentiles(api_search)["p95"]

    def ratio(a: float, b: float) -> float:
        return round(a / b, 2) if b else float("nan")

    pg_head = stats.get("pg_rank_head")
    index_bytes = sum(f.stat().st_size for f in INDEX.rglob("*") if f.is_file())
    return {
        "articles": args.articles,
        "date": datetime.date.today().isoformat(),
        "search_api_vs_engine_p50": ratio(
            statistics.median(api_search), statistics.median(engine_search)
        ),
        "search_head_vs_tail_p95": ratio(stats["search_head"]["p95"], stats["search_tail"]["p95"]),
        "search_vs_pg_rank_head_p50": (
            ratio(pg_head["p50"], stats["search_head"]["p50"]) if pg_head else None
        ),
        "facets_vs_search_p95": ratio(stats["facets_all_uncached"]["p95"], searches_p95),
        "suggest_p95_ms": stats["suggest"]["p95"],
        "related_p95_ms": stats["related"]["p95"],
        "list_filtered_p95_ms": stats["list_filtered"]["p95"],
        "index_build_articles_per_s": (
            round(args.articles / build_seconds) if build_seconds else None
        ),
        "index_build_s": round(build_seconds, 1) if build_seconds else None,
        "generate_and_copy_s": round(generated_seconds, 1) if generated_seconds else None,
        "index_size_mb": round(index_bytes / 2**20, 1),
        "worker_rss_mb": memory["VmRSS"],
        "worker_rss_anon_mb": memory["RssAnon"],
        "worker_rss_file_mb": memory["RssFile"],
        "requests": stats,
        **under_load,
    }


def table(result: dict) -> str:
    lines = ["| request | p50 ms | p95 ms | p99 ms |", "| --- | ---: | ---: | ---: |"]
    for kind, values in result["requests"].items():
        lines.append(f"| {kind} | {values['p50']} | {values['p95']} | {values['p99']} |")
    keys = [k for k in result if not isinstance(result[k], dict) and not k.startswith("load_")]
    lines += ["", "| measure | value |", "| --- | ---: |"]
    lines += [f"| {key} | {result[key]} |" for key in keys]
    if "load_phases" in result:
        lines += ["", load.table({k: v for k, v in result.items() if k.startswith("load_")})]
    return "\n".join(lines)


def main() -> None:
    args = parser().parse_args()
    generated, build = prepare(args)
    result = measure(args, build, generated)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2))
    print(table(result))


if __name__ == "__main__":
    main()
