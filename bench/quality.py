"""Search quality: known-item MRR@10 (exact and with typos) and typo recall@10, in process.

    .venv/bin/python bench/quality.py --articles 20000          # generates the bench archive
    .venv/bin/python bench/quality.py --articles 20000 --reuse  # the archive run.py left

The archive is bench/run.py's (seeded wordfreq French and English). For each of ``--queries``
random published articles, the query is three distinctive words of its title (the three
rarest in the archive as written, 4 letters or more, not stop words) and the expected answer
is that article:

- MRR@10 exact: 1/rank of the article in the top 10 of the app's search (0 if not there);
- MRR@10 with typos: the same after one random edit (insertion, deletion, substitution or
  swap, never the first letter) in every word of 6 letters or more;
- typo recall@10: share of the right query's top 10 found in the misspelt query's top 10;
- the same for in-process tantivy (its own query parser, AND of the words over the article's
  language fields with the app's boosts) and for the previous query compiler (git HEAD~N,
  ``--old-ref``), whose time per query (compile, top 20 and exact count) is measured
  interleaved with the new one's on the same queries, before the quality measures run them
  (so that each misspelt word is looked up for the first time); p50/p95/p99 are printed for
  all queries and for the exact and the misspelt ones apart, with the new compiler's slowest
  queries, and the times go to ``bench/results/quality-<articles>.json``.

``NEWSAPI_BENCH_DATABASE`` names the bench database (default ``newsapi_bench``).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import string
import subprocess
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common
import archive


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--old-ref", default="a0a6099", help="commit of the old compiler")
    return parser.parse_args()


def old_compiler(ref: str):
    """The query module as it was at ``ref``, loaded beside the new one."""
    source = subprocess.run(
        ["git", "show", f"{ref}:articles/search/_query.py"],
        cwd=_common.ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    module = types.ModuleType("articles.search._old_query")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, "old_query.py", "exec"), module.__dict__)
    return module


def misspell(word: str, rng: random.Random) -> str:
    if len(word) < 6:
        return word
    position = rng.randrange(1, len(word) - 1)
    letter = rng.choice(string.ascii_lowercase)
    edit = rng.choice(("insert", "delete", "substitute", "swap"))
    if edit == "insert":
        typo = word[:position] + letter + word[position:]
    elif edit == "delete":
        typo = word[:position] + word[position + 1 :]
    elif edit == "substitute":
        other = rng.choice([c for c in string.ascii_lowercase if c != word[position]])
        typo = word[:position] + other + word[position + 1 :]
    else:
        typo = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    return typo if typo != word else misspell(word, rng)


def main() -> None:
    args = parse_args()
    present = _common.use_bench_database(args.reuse)
    from django.conf import settings

    settings.SEARCH_INDEX_PATH = _common.INDEX
    from articles import search
    from articles.search import ArticleSearch
    from articles.search.introspect import (
        ANALYSERS,
        ARTICLE_FIELDS,
        FieldSet,
        analyser_key,
        article_filters,
        article_query,
        as_written,
        languages_present,
        narrow,
        term,
        text_field,
        words_field,
    )

    if not present:
        archive.generate(args)
    if not present or not (_common.INDEX / "current").exists():
        started = time.perf_counter()
        search.engine().rebuild()
        print(f"index built in {time.perf_counter() - started:.0f} s", flush=True)
    searcher = search.engine().searcher()
    index = search.engine()._index
    old = old_compiler(args.old_ref)
    keys = languages_present(searcher)
    rng = random.Random(args.seed)

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, title, language FROM articles_article WHERE status = 'published' "
            "ORDER BY id"
        )
        rows = cursor.fetchall()
    sample = rng.sample(rows, args.queries)

    def distinctive(title: str, language: str) -> list[str]:
        key = analyser_key(language)
        words = {w for w in as_written(title) if len(w) >= 4 and ANALYSERS.language(key).analyze(w)}
        ranked = sorted(words, key=lambda w: (searcher.doc_freq(words_field(key), w), w))
        return ranked[:3]

    def new_top(q: str) -> list[int]:
        return search.search_articles(ArticleSearch(q=q), offset=0, limit=10).ids

    filters = article_filters(ArticleSearch())
    fields = FieldSet(ARTICLE_FIELDS)

    def old_query(q: str):
        compiled = old.compile_query(old.parse(q), keys=keys, fields=fields, searcher=searcher)
        if compiled.query is None:
            return None
        import tantivy

        return tantivy.Query.boolean_query([*filters, (tantivy.Occur.Must, compiled.query)])

    def ids_of(query) -> list[int]:
        if query is None:
            return []
        hits = searcher.search(query, 10).hits
        return [int(i) for i in searcher.fast_field_values("id", [a for _, a in hits])]

    def tantivy_query(q: str, language: str):
        import tantivy

        key = analyser_key(language)
        names = [text_field(name, key) for name in ARTICLE_FIELDS]
        boosts = {text_field(name, key): boost for name, boost in ARTICLE_FIELDS.items()}
        parsed = index.parse_query_lenient(q, names, field_boosts=boosts,
                                           conjunction_by_default=True)[0]  # fmt: skip
        return tantivy.Query.boolean_query(
            [narrow(term("kind", "article")), narrow(term("status", "published")),
             (tantivy.Occur.Must, parsed)]
        )  # fmt: skip

    def reciprocal(ids: list[int], wanted: int) -> float:
        return 1 / (ids.index(wanted) + 1) if wanted in ids else 0.0

    def recall(found: list[int], right: list[int]) -> float:
        return len(set(found) & set(right)) / len(right) if right else 1.0

    scores: dict[str, list[float]] = {}
    # milliseconds per query, by compiler and by kind of query (exact, misspelt)
    times: dict[tuple[str, str], list[float]] = {
        (who, kind): [] for who in ("new", "old") for kind in ("exact", "typo")
    }
    slowest: list[tuple[float, str]] = []  # the new compiler's, to see where its tail comes from

    def add(name: str, value: float) -> None:
        scores.setdefault(name, []).append(value)

    for article_id, title, language in sample:
        words = distinctive(title, language)
        if len(words) < 3:
            continue
        exact = " ".join(words)
        typo = " ".join(misspell(w, rng) for w in words)
        # Timed first, before the quality measures run the same queries: a misspelt word's
        # look-ups are then done for the first time, as for a query a reader just typed (the
        # typo module keeps some of them). Old and new alternate, each going first in turn.
        for kind, q in (("exact", exact), ("typo", typo)):
            for who in ("new", "old") if len(slowest) % 2 else ("old", "new"):
                started = time.perf_counter()
                query = (
                    old_query(q)
                    if who == "old"
                    else article_query(ArticleSearch(q=q), searcher).query
                )
                if query is not None:
                    searcher.search(query, 20, count=True)  # compile + top 20 + exact count
                elapsed = (time.perf_counter() - started) * 1000
                times[who, kind].append(elapsed)
            slowest.append((times["new", kind][-1], q))
        right_new, right_old = new_top(exact), ids_of(old_query(exact))
        right_tantivy = ids_of(tantivy_query(exact, language))
        typo_new, typo_old = new_top(typo), ids_of(old_query(typo))
        typo_tantivy = ids_of(tantivy_query(typo, language))
        add("MRR@10 exact: new", reciprocal(right_new, article_id))
        add("MRR@10 exact: old", reciprocal(right_old, article_id))
        add("MRR@10 exact: tantivy", reciprocal(right_tantivy, article_id))
        add("MRR@10 typos: new", reciprocal(typo_new, article_id))
        add("MRR@10 typos: old", reciprocal(typo_old, article_id))
        add("MRR@10 typos: tantivy", reciprocal(typo_tantivy, article_id))
        add("typo recall@10: new", recall(typo_new, right_new))
        add("typo recall@10: old", recall(typo_old, right_old))
        add("typo recall@10: tantivy", recall(typo_tantivy, right_tantivy))
    print(f"{len(scores['MRR@10 exact: new'])} queries, {args.articles} articles")
    print("| measure | new | old | in-process tantivy |\n| --- | ---: | ---: | ---: |")
    for measure in ("MRR@10 exact", "MRR@10 typos", "typo recall@10"):
        cells = [statistics.mean(scores[f"{measure}: {who}"]) for who in ("new", "old", "tantivy")]
        print(f"| {measure} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    print("\n| ms per query | queries | new p50 / p95 / p99 | old p50 / p95 / p99 | p95 new/old |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for kind in ("all", "exact", "typo"):
        kinds = ("exact", "typo") if kind == "all" else (kind,)
        cells = {
            who: _common.percentiles([t for k in kinds for t in times[who, k]])
            for who in ("new", "old")
        }
        mine, before = cells["new"], cells["old"]
        print(
            f"| {kind} | {mine['n']} | {mine['p50']} / {mine['p95']} / {mine['p99']} "
            f"| {before['p50']} / {before['p95']} / {before['p99']} "
            f"| {mine['p95'] / before['p95']:.2f} |"
        )
    print("\nslowest queries, new compiler (ms):")
    for elapsed, q in sorted(slowest, reverse=True)[:15]:
        print(f"  {elapsed:7.1f}  {q}")
    _common.RESULTS.mkdir(exist_ok=True)
    (_common.RESULTS / f"quality-{args.articles}.json").write_text(
        json.dumps({f"{who} {kind}": ms for (who, kind), ms in times.items()})
    )


if __name__ == "__main__":
    main()
