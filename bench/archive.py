"""The benchmarks' archive: French and English articles (seeded), in the bench database.

Words are drawn with their natural frequencies from the ``wordfreq`` package; titles of about
12 words, HTML bodies of 150 to 800 words, Zipf-distributed tags (4.3 per article), authors and
quoted sources (1.6 quotes per article), ten years of dates, 3% drafts; loaded with COPY. Then
the search index (the app's own rebuild) and, for ``ts_rank``, a stored, GIN-indexed tsvector.
"""

from __future__ import annotations

import argparse
import datetime
import html
import random
import time

from _common import INDEX, use_bench_database

LANGUAGES = ("fr", "en")
TAGS, AUTHORS, SOURCES = 5_000, 2_000, 20_000


class Vocabulary:
    """A language's words with their natural frequencies (wordfreq), for weighted draws."""

    def __init__(self, language: str, size: int = 30_000) -> None:
        import wordfreq

        words = [w for w in wordfreq.top_n_list(language, size) if w.isalpha()]
        self.words = words
        weights = [wordfreq.word_frequency(w, language) for w in words]
        total, running = sum(weights), 0.0
        self.cumulative = []
        for weight in weights:
            running += weight / total
            self.cumulative.append(running)

    def draw(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=count)


def zipf_cumulative(size: int, exponent: float = 1.0) -> list[float]:
    weights = [1 / (rank**exponent) for rank in range(1, size + 1)]
    total, running, result = sum(weights), 0.0, []
    for weight in weights:
        running += weight / total
        result.append(running)
    return result


def names(rng: random.Random, vocabulary: Vocabulary, count: int, words: int) -> list[str]:
    """``count`` names of one identity each (unique slugs, as the database requires)."""
    from articles.text import make_slug

    made: dict[str, str] = {}
    pool = vocabulary.words[200:8000]
    while len(made) < count:
        name = " ".join(rng.choice(pool).capitalize() for _ in range(rng.randint(1, words)))
        if make_slug(name):
            made.setdefault(make_slug(name), name)
    return list(made.values())


def generate(args: argparse.Namespace) -> float:
    """Generate and COPY the archive; returns the seconds it took."""
    from django.db import connection

    from articles.text import make_slug

    started = time.perf_counter()
    rng = random.Random(args.seed)
    vocab = {language: Vocabulary(language) for language in LANGUAGES}
    tags = names(rng, vocab["en"], TAGS, 2)
    authors = names(rng, vocab["fr"], AUTHORS, 2)
    sources = names(rng, vocab["en"], SOURCES, 2)
    tag_weights = zipf_cumulative(TAGS)
    source_weights = zipf_cumulative(SOURCES)
    now = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    ten_years = 10 * 365 * 86_400
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table, rows in (
            ("articles_tag", [(i + 1, n, make_slug(n)) for i, n in enumerate(tags)]),
            ("articles_author", [(i + 1, n, make_slug(n)) for i, n in enumerate(authors)]),
            ("articles_quotedsource", [(i + 1, n, make_slug(n)) for i, n in enumerate(sources)]),
        ):
            extra = {
                "articles_author": ", bio, url",
                "articles_quotedsource": ", kind, description",
            }.get(table, "")
            with raw.copy(
                f"COPY {table} (id, name, slug, created_at, updated_at{extra}) FROM STDIN"
            ) as copy:
                for row in rows:
                    tail = {
                        "articles_author": ("", ""),
                        "articles_quotedsource": ("person", "spokesperson"),
                    }.get(table, ())
                    copy.write_row((*row, now, now, *tail))
        quote_id = 0
        with (
            raw.copy(
                "COPY articles_article (id, title, slug, standfirst, body, language, section, "
                "edition, image_caption, image_credit, status, published_at, created_at, "
                "updated_at) FROM STDIN"
            ) as articles_copy,
        ):
            relations: list[tuple[str, tuple]] = []
            for article_id in range(1, args.articles + 1):
                language = LANGUAGES[article_id % 2]
                words = vocab[language]
                title = " ".join(words.draw(rng, rng.randint(8, 16))).capitalize()
                paragraphs = [
                    " ".join(words.draw(rng, rng.randint(40, 120)))
                    for _ in range(rng.randint(3, 7))
                ]
                body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
                standfirst = " ".join(words.draw(rng, 25))
                draft = rng.random() < 0.03
                published = now - datetime.timedelta(seconds=rng.randint(0, ten_years))
                articles_copy.write_row(
                    (article_id, title, f"{make_slug(title)[:200]}-{article_id}", standfirst,
                     body, language, rng.choice(["World", "Politics", "Science", "Business",
                     "Culture", "Sport"]), "", "", "", "draft" if draft else "published",
                     None if draft else published, published, published)
                )  # fmt: skip
                for tag in set(rng.choices(range(1, TAGS + 1), cum_weights=tag_weights, k=4)):
                    relations.append(("tag", (article_id, tag)))
                for position, author in enumerate({rng.randint(1, AUTHORS) for _ in range(
                        rng.choice((1, 1, 1, 2)))}):  # fmt: skip
                    relations.append(("byline", (article_id, author, position)))
                for position in range(rng.choice((0, 1, 2, 2, 3))):
                    quote_id += 1
                    source = rng.choices(range(1, SOURCES + 1), cum_weights=source_weights)[0]
                    text = " ".join(words.draw(rng, rng.randint(8, 30)))
                    relations.append(("quote", (quote_id, article_id, source, text, position)))
        for kind, sql in (
            ("tag", "COPY articles_article_tags (article_id, tag_id) FROM STDIN"),
            ("byline", "COPY articles_byline (article_id, author_id, position) FROM STDIN"),
            ("quote", "COPY articles_quotation (id, article_id, source_id, text, position) "
                      "FROM STDIN"),
        ):  # fmt: skip
            with raw.copy(sql) as copy:
                for row_kind, row in relations:
                    if row_kind == kind:
                        copy.write_row(row)
        for table in ("article", "tag", "author", "quotedsource", "quotation", "byline"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('articles_{table}', 'id'), "
                f"(SELECT COALESCE(max(id), 1) FROM articles_{table}))"
            )
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def build_pg_ranking() -> float:
    """A stored tsvector with a GIN index, as Django's docs recommend, for ts_rank."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE articles_article ADD COLUMN IF NOT EXISTS bench_tsv tsvector")
        cursor.execute(
            "UPDATE articles_article SET bench_tsv = to_tsvector("
            "(CASE language WHEN 'fr' THEN 'french' ELSE 'english' END)::regconfig, "
            "title || ' ' || standfirst || ' ' || regexp_replace(body, '<[^>]*>', ' ', 'g'))"
        )
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS bench_tsv_gin ON articles_article USING gin (bench_tsv)"
        )
        cursor.execute("ANALYZE articles_article")
    return time.perf_counter() - started


def prepare(args: argparse.Namespace) -> tuple[float, float]:
    """The bench database with its archive, index and (unless --no-pg) tsvectors; returns the
    seconds generating and building took (0 for what was kept)."""
    present = use_bench_database(args.reuse)
    from django.conf import settings

    from articles import search

    generated = build = 0.0
    settings.SEARCH_INDEX_PATH = INDEX
    if not present:
        print(f"generating {args.articles} articles...", flush=True)
        generated = generate(args)
        print(f"generated and copied in {generated:.1f} s", flush=True)
    if not present or not (INDEX / "current").exists():
        started = time.perf_counter()
        search.engine().rebuild()
        build = time.perf_counter() - started
        print(f"index built in {build:.1f} s ({args.articles / build:.0f} articles/s)", flush=True)
    if not args.no_pg:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'bench_tsv_gin'")
            if cursor.fetchone() is None:
                print(f"tsvectors for ts_rank built in {build_pg_ranking():.1f} s", flush=True)
    return generated, build
