"""Percolation benchmark: 10,000 active saved searches, new articles matched against them by
the worker's own step, and the matches compared with the article list's answers.

    .venv/bin/python bench/percolate.py                      # about 3 minutes
    .venv/bin/python bench/percolate.py --archive 20000 --new 5000 --searches 10000
    .venv/bin/python bench/percolate.py --reuse --new 1000   # from the last run's setup

1. Generates the import benchmark's archive (``bench/ingest.py``: French and English, HTML
   bodies of 150 to 800 words, Zipf-distributed tags) and stores ``--archive`` articles with
   the import's write path into a database of its own (``newsapi_bench_percolate``), then
   builds the search index.
2. Saves ``--searches`` searches for 1,000 users (5% of them editors), drawn from the corpus's
   own vocabulary: words the list finds in 0.05% to 2% of the archive's articles of their
   language (what people watch: topics and names, neither the commonest nor absent), 40% one
   word, 22% two, 8% three or four, 10% a phrase of two such words adjacent in an archived
   article, 10% ``a OR b``, 5% ``a -b``, 3% a word misspelt (typo
   tolerance), 2% filters only (a tag); 30% of them also filter by language, a tag or a
   section; 5% notify a webhook (deliveries are queued, not sent).
3. Stores 200 new articles and runs the worker's percolation step (``monitoring.percolate``)
   until it has nothing left: the cold start, when every saved search is planned. Then
   stores ``--new`` more and times the step again over them (the search index is brought up
   to them first: that is the index's cost, timed apart).
4. Checks a sample of saved searches (``--check``): the matches recorded for the timed
   articles are exactly the article list's answer (``search.search_articles`` with the saved
   search's parameters, for its owner) restricted to those articles.
5. Prints the results and writes ``bench/results/percolate.json``.

Each run keeps its setup (the database after step 2, as a template database, and its search
index): ``--reuse`` starts from it (same ``--archive``, ``--searches`` and ``--seed``), so that
variants of the code are timed on the same data, side by side.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # the bench database and results
import archive as search_archive  # the search benchmark's vocabulary
import ingest as ingest_bench  # the archive generator

DATABASE = "newsapi_bench_percolate"
SETUP = "newsapi_bench_percolate_setup"  # the database after the saved searches (a template)
USERS, EDITOR_SHARE = 1_000, 0.05
SHAPES = [  # (share, shape)
    (0.40, "one"), (0.22, "two"), (0.08, "three_four"), (0.10, "phrase"), (0.10, "or"),
    (0.05, "not"), (0.03, "typo"), (0.02, "filters"),
]  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", type=int, default=10_000)
    parser.add_argument("--new", type=int, default=3_000)
    parser.add_argument("--searches", type=int, default=10_000)
    parser.add_argument("--check", type=int, default=500, help="saved searches compared")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--reuse", action="store_true", help="start from the last setup")
    parser.add_argument("--profile", type=Path, help="cProfile the timed step into this file")
    return parser.parse_args()


def store(lines: list[str]) -> None:
    import io

    _common.store_ndjson(io.BytesIO("".join(lines).encode()))


def misspell(word: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(word) - 1)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def watched_words(rng: random.Random, language: str, articles: int) -> list[str]:
    """Words people watch: of the vocabulary's words, those that the list finds (stemmed, as
    a one-word saved search matches) in 0.05% to 2% of the archive's articles of that
    language (topics and names, neither the commonest nor absent)."""
    from articles import search

    words = search_archive.Vocabulary(language).words[300:]
    rng.shuffle(words)
    low, high = max(1, articles // 2 // 2000), articles // 2 // 50
    pool = []
    for word in words:
        params = search.ArticleSearch(q=word, language=language)
        if low <= search.search_articles(params, offset=0, limit=1).count <= high:
            pool.append(word)
            if len(pool) == 3000:
                break
    return pool


def saved_searches(rng: random.Random, count: int, archive: list[dict]) -> list[dict]:
    pools = {language: watched_words(rng, language, len(archive)) for language in ("fr", "en")}
    watched = {word for pool in pools.values() for word in pool}
    pairs = []  # adjacent watched words in archived articles: phrases that occur
    for record in archive[:3000]:
        text = [w.strip(".,;:!?").lower() for w in re.sub(r"<[^>]+>", " ", record["body"]).split()]
        pairs += [f"{a} {b}" for a, b in itertools.pairwise(text) if a in watched and b in watched]
    tags = sorted({tag for record in archive for tag in record["tags"]})
    sections = ["World", "Politics", "Science", "Business", "Sport"]
    cumulative, running = [], 0.0
    for share, _ in SHAPES:
        running += share
        cumulative.append(running)
    made = []
    for _ in range(count):
        shape = rng.choices([s for _, s in SHAPES], cum_weights=cumulative)[0]
        language = rng.choice(("fr", "en"))
        pool = pools[language]
        filters: dict = {}
        if shape == "one":
            q = rng.choice(pool)
        elif shape == "two":
            q = " ".join(rng.sample(pool, 2))
        elif shape == "three_four":
            q = " ".join(rng.sample(pool, rng.randint(3, 4)))
        elif shape == "phrase":
            q = f'"{rng.choice(pairs)}"' if pairs else '"' + " ".join(rng.sample(pool, 2)) + '"'
        elif shape == "or":
            q = " OR ".join(rng.sample(pool, 2))
        elif shape == "not":
            first, second = rng.sample(pool, 2)
            q = f"{first} -{second}"
        elif shape == "typo":
            q = misspell(rng.choice([w for w in pool if len(w) >= 6]), rng)
        else:
            q, filters = "", {"tag": [rng.choice(tags)]}
        if shape != "filters" and rng.random() < 0.30:
            kind = rng.choice(("language", "tag", "section"))
            filters = {
                "language": {"language": language},
                "tag": {"tag": [rng.choice(tags[:200])]},
                "section": {"section": rng.choice(sections)},
            }[kind]
        made.append({"q": q, "filters": filters})
    return made


def save_all(specs: list[dict], rng: random.Random) -> None:
    from django.contrib.auth.models import Permission, User

    from articles import events, monitoring
    from articles.events.models import WebhookEndpoint
    from articles.monitoring.models import SavedSearch

    users = User.objects.bulk_create([User(username=f"monitor{n}") for n in range(USERS)])
    change = Permission.objects.get(codename="change_article")
    for user in users[: int(USERS * EDITOR_SHARE)]:
        user.user_permissions.add(change)
    hooks = WebhookEndpoint.objects.bulk_create(
        [WebhookEndpoint(owner=user, url="https://hooks.example.org/in", events=["*"],
                         secret=events.new_secret()) for user in users]
    )  # fmt: skip
    rows = []
    for number, spec in enumerate(specs):
        owner = number % USERS
        if number < 300:  # as the API checks them (12 ms each: a sample)
            monitoring.search_params(spec["q"], spec["filters"], editor=False)
        rows.append(
            SavedSearch(
                owner=users[owner], name=f"search {number}", q=spec["q"], filters=spec["filters"],
                webhook=hooks[owner] if rng.random() < 0.05 else None,
            )
        )  # fmt: skip
    SavedSearch.objects.bulk_create(rows, batch_size=2000)


def percolate_all(profile: Path | None = None) -> float:
    """The worker's percolation step until it has nothing left (events numbered first, as
    the worker's round does, and not timed)."""
    from articles import events, monitoring

    while events.sequence():
        pass
    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    while monitoring.percolate():
        pass
    seconds = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    return seconds


def setup_key(args: argparse.Namespace) -> dict:
    return {"archive": args.archive, "searches": args.searches, "seed": args.seed}


def keep_setup(args: argparse.Namespace, index: Path, kept: Path) -> None:
    """The bench database as it is now, as a template, and a copy of its search index."""
    import shutil

    from django.db import connections

    search_bench_admin(f'DROP DATABASE IF EXISTS "{SETUP}" WITH (FORCE)')
    connections["default"].close()
    search_bench_admin(f'CREATE DATABASE "{SETUP}" TEMPLATE "{DATABASE}"')
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(index, kept, symlinks=True)
    (kept / "bench-setup.json").write_text(json.dumps(setup_key(args)))


def restore_setup(args: argparse.Namespace, index: Path, kept: Path) -> None:
    import shutil

    marker = kept / "bench-setup.json"
    if not marker.exists() or json.loads(marker.read_text()) != setup_key(args):
        sys.exit(f"--reuse: no setup kept for {setup_key(args)}: run once without --reuse")
    search_bench_admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    search_bench_admin(f'CREATE DATABASE "{DATABASE}" TEMPLATE "{SETUP}"')
    shutil.rmtree(index, ignore_errors=True)
    shutil.copytree(kept, index, symlinks=True)
    (index / "bench-setup.json").unlink()


def search_bench_admin(statement: str) -> None:
    import psycopg
    from django.conf import settings

    from newsapi.database import connection_params

    params = connection_params(settings.DATABASES["default"])
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
        conn.execute(statement)


def check(sample: int, new_ids: set[int], rng: random.Random) -> dict:
    from django.contrib.auth.models import User

    from articles import monitoring, search
    from articles.monitoring.models import SavedSearch

    editors = set(User.objects.with_perm("articles.change_article").values_list("pk", flat=True))
    ids = list(SavedSearch.objects.values_list("pk", flat=True))
    checked = mismatched = with_matches = 0
    for saved in SavedSearch.objects.filter(pk__in=rng.sample(ids, min(sample, len(ids)))):
        params = monitoring.search_params(saved.q, saved.filters, editor=saved.owner_id in editors)
        listed = search.search_articles(params, offset=0, limit=1)
        found = search.search_articles(params, offset=0, limit=max(1, listed.count)).ids
        expected = sorted(pk for pk in found if pk in new_ids)
        recorded = sorted(
            saved.matches.filter(article_id__in=new_ids).values_list("article_id", flat=True)
        )
        checked += 1
        with_matches += bool(expected)
        if recorded != expected:
            mismatched += 1
            print("MISMATCH", saved.q, saved.filters, recorded[:5], expected[:5])
    return {"checked": checked, "with_matches": with_matches, "mismatched": mismatched}


def main() -> None:
    args = parse_args()
    _common.BENCH_DATABASE = DATABASE
    index = _common.ROOT / ".data" / "bench-percolate-search"
    kept = _common.ROOT / ".data" / "bench-percolate-setup-search"
    if args.reuse:
        import django

        django.setup()
        restore_setup(args, index, kept)
    _common.use_bench_database(reuse=args.reuse)
    from django.conf import settings

    from articles import search
    from articles.models import Article, SavedSearchMatch

    settings.SEARCH_INDEX_PATH = index
    data = _common.ROOT / ".data" / "bench-percolate.ndjson"
    data.parent.mkdir(exist_ok=True)
    warm = 200
    ingest_bench.generate(data, args.archive + warm + args.new, args.seed)
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    data.unlink()
    archive, cold, timed = (
        lines[: args.archive], lines[args.archive : args.archive + warm],
        lines[args.archive + warm :],
    )  # fmt: skip
    rng = random.Random(args.seed)
    loaded = None
    if not args.reuse:
        started = time.perf_counter()
        store(archive)
        search.engine().rebuild()
        loaded = round(time.perf_counter() - started, 1)
        percolate_all()  # the archive's events, before any search was saved: nothing to match
        specs = saved_searches(rng, args.searches, [json.loads(line) for line in archive])
        save_all(specs, rng)
        keep_setup(args, index, kept)

    store(cold)
    search.engine().searcher()
    cold_seconds = percolate_all()

    before = set(Article.objects.values_list("pk", flat=True))
    store(timed)
    new_ids = set(Article.objects.values_list("pk", flat=True)) - before
    started = time.perf_counter()
    search.engine().searcher()  # the index applies the new articles' changes
    index_seconds = time.perf_counter() - started
    matches_before = SavedSearchMatch.objects.count()
    seconds = percolate_all(args.profile)
    matches = SavedSearchMatch.objects.count() - matches_before
    result = {
        "archive_articles": args.archive,
        "saved_searches": args.searches,
        "archive_load_and_index_s": loaded,
        "reused_setup": args.reuse,
        "cold_start_s": round(cold_seconds, 2),
        "cold_start_articles": warm,
        "new_articles": len(new_ids),
        "index_apply_s": round(index_seconds, 2),
        "percolate_s": round(seconds, 2),
        "articles_per_s": round(len(new_ids) / seconds),
        "matches": matches,
        "matches_per_article": round(matches / len(new_ids), 1),
        "exactness": check(args.check, new_ids, random.Random(args.seed + 1)),
    }
    _common.save("percolate", result)


if __name__ == "__main__":
    main()
