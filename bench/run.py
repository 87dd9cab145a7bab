"""Search benchmark: generate an archive in a database of its own, then time the API.

    .venv/bin/python bench/run.py --articles 50000

It creates (or reuses, with --reuse) the database ``newsapi_bench`` on the configured server
(the embedded PostgreSQL, or DATABASE_URL's), migrates it, generates French and English
articles with skewed word, tag and source frequencies in set-based SQL, builds their search
documents through ``articles.search.refresh_search_documents`` (the code the app uses), then
times each endpoint through Django's test client (warm cache, median of --repeat runs) and
compares the bounded ranking's top 10 with an unbounded ranking. It prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsapi.settings")
os.environ.setdefault("DEBUG", "true")
os.environ["NEWSAPI_QUIET_DATABASE"] = "1"

BENCH_DATABASE = "newsapi_bench"

# One word of the article's language, frequent words far likelier than rare ones.
WORD = (
    "(CASE WHEN mod(n, 2) = 0 THEN %(en)s::text[] ELSE %(fr)s::text[] END)"
    "[1 + floor(power(random(), 2.5) * %(vocab)s)::int + 0 * i]"
)

# Frequent words first: the generator picks word i with a probability falling like a power law.
ENGLISH = [
    "government",
    "people",
    "year",
    "report",
    "week",
    "officials",
    "country",
    "city",
    "market",
    "water",
    "climate",
    "storm",
    "glacier",
    "soldier",
    "election",
    "school",
    "health",
    "energy",
    "price",
    "river",
    "border",
    "minister",
    "police",
    "court",
    "company",
    "worker",
    "farmer",
    "island",
    "harbour",
    "museum",
    "festival",
    "vaccine",
    "hospital",
    "satellite",
    "ocean",
    "volcano",
    "railway",
    "bridge",
    "forest",
    "drought",
    "harvest",
    "currency",
    "treaty",
    "parliament",
    "protest",
]
FRENCH = [
    "gouvernement",
    "personnes",
    "année",
    "rapport",
    "semaine",
    "responsables",
    "pays",
    "ville",
    "marché",
    "eau",
    "climat",
    "tempête",
    "glacier",
    "soldats",
    "élection",
    "école",
    "santé",
    "énergie",
    "prix",
    "rivière",
    "frontière",
    "ministre",
    "police",
    "tribunal",
    "entreprise",
    "ouvrier",
    "agriculteur",
    "île",
    "port",
    "musée",
    "festival",
    "vaccin",
    "hôpital",
    "satellite",
    "océan",
    "volcan",
    "chemin",
    "pont",
    "forêt",
    "sécheresse",
    "récolte",
    "monnaie",
    "traité",
    "parlement",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--words", type=int, default=300, help="body words per article")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    return parser.parse_args()


def use_bench_database(reuse: bool) -> None:
    import django
    from django.conf import settings

    # Read the server from the settings, then point Django at a database of its own.
    django.setup()
    import psycopg
    from psycopg import sql

    from newsapi.database import connection_params, ensure_database

    params = connection_params(settings.DATABASES["default"])
    if not reuse:
        with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
            name = sql.Identifier(BENCH_DATABASE)
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
    ensure_database(params, BENCH_DATABASE)
    from django.db import connections

    connections["default"].close()
    connections["default"].settings_dict["NAME"] = BENCH_DATABASE
    # The benchmark builds and ranks far more than a request may: no statement timeout here.
    connections["default"].settings_dict["OPTIONS"]["options"] = "-c statement_timeout=0"


def generate(articles: int, words: int) -> float:
    """Insert the archive with set-based SQL and build its documents; return the seconds the
    search documents took."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from articles.search import iter_article_id_batches, refresh_search_documents

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_article")
        if cursor.fetchone()[0] >= articles:
            return float("nan")
        print(f"generating {articles} articles of {words} words...", file=sys.stderr)
        cursor.execute(
            """
            INSERT INTO articles_tag (name, slug, created_at, updated_at)
            SELECT 'Tag ' || n, 'tag-' || n, now(), now() FROM generate_series(1, 300) n;
            INSERT INTO articles_author (name, slug, bio, url, created_at, updated_at)
            SELECT 'Author ' || n, 'author-' || n, '', '', now(), now()
              FROM generate_series(1, 120) n;
            INSERT INTO articles_quotedsource
                (name, slug, kind, description, created_at, updated_at)
            SELECT 'Source ' || n, 'source-' || n, 'person', '', now(), now()
              FROM generate_series(1, 400) n;
            """
        )
        cursor.execute(
            f"""
            INSERT INTO articles_article (title, slug, standfirst, body, language, section,
                edition, image_url, image_caption, image_credit, status, published_at,
                created_at, updated_at)
            SELECT initcap(w.title), 'bench-' || n, w.standfirst, w.body, w.language,
                   'Section ' || mod(n, 12), '', '', '', '', 'published',
                   now() - (n * interval '7 minutes'), now(), now()
              FROM generate_series(1, %(articles)s) AS n,
              LATERAL (
                SELECT CASE WHEN mod(n, 2) = 0 THEN 'en' ELSE 'fr' END AS language,
                       (SELECT string_agg({WORD}, ' ') FROM generate_series(1, 8 + 0 * n) AS g(i))
                           AS title,
                       (SELECT string_agg({WORD}, ' ') FROM generate_series(1, 25 + 0 * n) AS g(i))
                           AS standfirst,
                       (SELECT string_agg(CASE WHEN random() < 0.35
                                               THEN 'w' || floor(power(random(), 3) * 40000)::int
                                               ELSE {WORD} END, ' ')
                          FROM generate_series(1, %(words)s + 0 * n) AS g(i)) AS body
              ) AS w
            """,
            {
                "articles": articles,
                "words": words,
                "en": ENGLISH,
                "fr": FRENCH,
                "vocab": len(ENGLISH),
            },
        )
        cursor.execute(
            """
            INSERT INTO articles_article_tags (article_id, tag_id)
            SELECT DISTINCT a.id, 1 + floor(power(random(), 2) * 300)::int
              FROM articles_article a, generate_series(1, 3) g;
            INSERT INTO articles_byline (article_id, author_id, position)
            SELECT a.id, 1 + (a.id % 120), 0 FROM articles_article a;
            INSERT INTO articles_quotation (article_id, source_id, text, position)
            SELECT a.id, 1 + floor(power(random(), 2) * 400)::int, 'A quoted sentence ' || a.id, 0
              FROM articles_article a;
            """
        )
    started = time.perf_counter()
    for ids in iter_article_id_batches(5000):
        with transaction.atomic():
            refresh_search_documents(ids)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return seconds


def timed(client, path: str, params: dict, repeat: int) -> tuple[float, dict]:
    response = client.get(path, params)  # warm up
    assert response.status_code == 200, (path, params, response.content[:300])
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path, params)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), response.json()


def full_ranking_top10(text: str) -> tuple[list[int], float]:
    """The top 10 of a ranking of every match (what the bounded ranking approximates), with
    the same rank expression and order, and how long it took (one run: it is slow)."""
    from articles import search
    from articles.models import Article

    with search.index_scans_for(text):
        parsed = search.parse_query(text)
        top = (
            Article.objects.filter(status="published")
            .filter(parsed.match())
            .annotate(full_rank=parsed.rank())
            .order_by("-full_rank", *search.NEWEST_FIRST)
            .values_list("id", flat=True)
        )
        started = time.perf_counter()
        ids = list(top[:10])
        return ids, (time.perf_counter() - started) * 1000


def main() -> None:
    args = parse_args()
    use_bench_database(args.reuse)
    build_seconds = generate(args.articles, args.words)

    from django.db import connection
    from django.test import Client

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_article")
        total = cursor.fetchone()[0]
    client = Client(HTTP_HOST="localhost")
    rows = []

    def measure(label: str, path: str, params: dict | None = None) -> dict:
        ms, data = timed(client, path, params or {}, args.repeat)
        count = data.get("count", data.get("total", ""))
        rows.append((label, f"{ms:.1f}", count))
        return data

    head, tail = "government OR gouvernement", "w5000"
    measure("list, newest 20", "/api/v1/articles/")
    measure("list, tag + language filter", "/api/v1/articles/", {"tag": "tag-1", "language": "fr"})
    bounded = measure(f"search head term `{head}` (bounded rank)", "/api/v1/articles/", {"q": head})
    top_full, full_ms = full_ranking_top10(head)
    rows.append((f"full ranking of every match, top 10 only (SQL, run once) `{head}`",
                 f"{full_ms:.1f}", ""))  # fmt: skip
    measure(f"search tail term `{tail}`", "/api/v1/articles/", {"q": tail})
    measure('search phrase `"glacier storm"`', "/api/v1/articles/", {"q": '"glacier storm"'})
    measure(
        "search head term, language=fr",
        "/api/v1/articles/",
        {"q": "gouvernement", "language": "fr"},
    )
    measure(f"facets for `{head}`", "/api/v1/articles/facets/", {"q": head})
    measure("facets, no query", "/api/v1/articles/facets/")
    measure("suggest `gla`", "/api/v1/suggest/", {"q": "gla"})
    measure("suggest typo `glaceir`", "/api/v1/suggest/", {"q": "glaceir"})
    measure("related articles", f"/api/v1/articles/{total // 2}/related/")

    top_bounded = [a["id"] for a in bounded["results"][:10]]
    overlap = len(set(top_bounded) & set(top_full))

    print(
        f"\n{total} articles ({args.words} body words each), PostgreSQL "
        f"{connection.pg_version // 10000}, median of {args.repeat} warm runs.\n"
    )
    print(
        f"Search documents built in {build_seconds:.1f} s ({total / build_seconds:.0f} articles/s)."
        if build_seconds == build_seconds
        else "Search documents: reused."
    )
    print(f"Bounded ranking's top 10 shares {overlap} of 10 with the full ranking.\n")
    print("| request | ms | count |")
    print("| --- | ---: | ---: |")
    for label, ms, count in rows:
        print(f"| {label} | {ms} | {count} |")


if __name__ == "__main__":
    main()
