"""The one home of full-text search.

This module builds each article's weighted search document (title A; standfirst and tags B;
body C; authors, quoted sources and quotes D), stemmed in the article's own language with
accents folded. Documents are stored in ``Article.search_vector`` (GIN-indexed) and rebuilt with
set-based SQL, one UPDATE per batch, never computed at query time.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils import timezone

from articles.models import Article, Folded, Quotation
from articles.search_config import FALLBACK_CONFIG, SNOWBALL_LANGUAGES, config_for_language


def language_config_sql(column: str) -> str:
    """A SQL CASE that maps an ISO 639-1 ``column`` to its text search configuration."""
    branches = " ".join(
        f"WHEN '{code}' THEN '{config_for_language(code)}'::regconfig"
        for code in sorted(SNOWBALL_LANGUAGES)
    )
    return f"(CASE {column} {branches} ELSE '{FALLBACK_CONFIG}'::regconfig END)"


def plain_text_sql(column: str) -> str:
    """``column`` without markup or character references: the body may be sanitised HTML."""
    return rf"regexp_replace({column}, '<[^>]*>|&[#a-zA-Z0-9]+;', ' ', 'g')"


_REFRESH_SQL = f"""
WITH docs AS (
    SELECT a.id,
           {language_config_sql("a.language")} AS cfg,
           a.title, a.standfirst, a.body,
           (SELECT string_agg(t.name, ' ')
              FROM articles_article_tags at JOIN articles_tag t ON t.id = at.tag_id
             WHERE at.article_id = a.id) AS tags,
           (SELECT string_agg(au.name, ' ')
              FROM articles_byline b JOIN articles_author au ON au.id = b.author_id
             WHERE b.article_id = a.id) AS authors,
           (SELECT string_agg(concat_ws(' ', s.name, s.description, q.text), ' ')
              FROM articles_quotation q JOIN articles_quotedsource s ON s.id = q.source_id
             WHERE q.article_id = a.id) AS quotes
      FROM articles_article a
     WHERE a.id = ANY(%(ids)s)
)
UPDATE articles_article AS a
   SET search_vector =
           setweight(to_tsvector(d.cfg, d.title), 'A')
        || setweight(to_tsvector(d.cfg, concat_ws(' ', d.standfirst, d.tags)), 'B')
        || setweight(to_tsvector(d.cfg, {plain_text_sql("d.body")}), 'C')
        || setweight(to_tsvector(d.cfg, concat_ws(' ', d.authors, d.quotes)), 'D'),
       updated_at = COALESCE(%(touched_at)s, a.updated_at)
  FROM docs d
 WHERE a.id = d.id
"""


_REFRESH_QUOTES_SQL = f"""
UPDATE articles_quotation AS q
   SET search_vector = setweight(to_tsvector({language_config_sql("a.language")}, q.text), 'A')
                    || setweight(to_tsvector({language_config_sql("a.language")}, s.name), 'B')
  FROM articles_article a, articles_quotedsource s
 WHERE a.id = q.article_id AND s.id = q.source_id AND q.article_id = ANY(%(ids)s)
"""


def refresh_search_documents(article_ids: Iterable[int], *, touch: bool = False) -> int:
    """Rebuild the search documents of ``article_ids`` in one statement; return rows updated.

    ``touch`` also sets ``updated_at``, for writes that change what an article shows without
    writing the article row itself (renaming one of its tags, say), so that clients syncing
    with ``updated_after`` see it.
    """
    ids = list(article_ids)
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_REFRESH_SQL, {"ids": ids, "touched_at": timezone.now() if touch else None})
        updated = cursor.rowcount
        cursor.execute(_REFRESH_QUOTES_SQL, {"ids": ids})
        return updated


def iter_article_id_batches(batch_size: int) -> Iterator[list[int]]:
    """Every article id, in ascending batches (keyset pagination, no OFFSET)."""
    last_id = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM articles_article WHERE id > %s ORDER BY id LIMIT %s",
                [last_id, batch_size],
            )
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return
        yield ids
        last_id = ids[-1]


# --- queries ----------------------------------------------------------------------------------

# A user's query is parsed by PostgreSQL's websearch_to_tsquery (words, "phrase", OR, -word),
# once per language present, and never spliced into SQL: the resulting tsquery travels as a
# parameter in PostgreSQL's own text form.
_PARSE_SQL = f"""
SELECT code, websearch_to_tsquery({language_config_sql("code")}, %(q)s)::text
  FROM unnest(%(codes)s::text[]) AS code
"""

# The same, for every language the archive holds: a loose index scan of the language index
# (one probe per distinct language, however many articles there are).
_PARSE_FOR_PRESENT_LANGUAGES_SQL = f"""
WITH RECURSIVE present(code) AS (
    (SELECT language FROM articles_article ORDER BY language LIMIT 1)
  UNION ALL
    SELECT (SELECT a.language FROM articles_article a
             WHERE a.language > p.code ORDER BY a.language LIMIT 1)
      FROM present p WHERE p.code IS NOT NULL
)
SELECT code, websearch_to_tsquery({language_config_sql("code")}, %(q)s)::text
  FROM present WHERE code IS NOT NULL
"""

# Sentinels that ts_headline wraps matches in; the text around them is HTML-escaped in Python.
MARK_START, MARK_STOP, FRAGMENT_BREAK = "\x02", "\x03", "\x1f"


@dataclass(frozen=True)
class Branch:
    """Articles in ``languages`` are matched against ``tsquery`` (stemmed for them)."""

    languages: tuple[str, ...]
    tsquery: str


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    branches: tuple[Branch, ...]

    @property
    def matches_nothing(self) -> bool:
        return not self.branches

    def _cases(self, language_sql: str, then: str) -> tuple[str, list]:
        """``WHEN <row's language is in the branch> THEN <then>`` for each branch."""
        sql, params = [], []
        for branch in self.branches:
            sql.append(f"WHEN {language_sql} = ANY(%s) THEN {then}")
            params += [list(branch.languages), branch.tsquery]
        return " ".join(sql), params

    def match_sql(self, table: str, language_sql: str | None = None) -> tuple[str, list]:
        """A condition: the row's document matches the query stemmed for the row's language.

        One OR branch per distinct tsquery, each a constant the GIN index can look up.
        """
        language_sql = language_sql or f"{table}.language"
        sql, params = [], []
        for branch in self.branches:
            sql.append(f"({language_sql} = ANY(%s) AND {table}.search_vector @@ %s::tsquery)")
            params += [list(branch.languages), branch.tsquery]
        return "(" + " OR ".join(sql) + ")", params

    def rank_sql(self, table: str, language_sql: str | None = None) -> tuple[str, list]:
        language_sql = language_sql or f"{table}.language"
        cases, params = self._cases(
            language_sql, f"ts_rank({table}.search_vector, %s::tsquery, {RANK_NORMALISATION})"
        )
        return f"(CASE {cases} ELSE 0 END)", params


# ts_rank's normalisation 1 divides by 1 + log(document length): a long body repeating a word
# does not outrank a title that says it.
RANK_NORMALISATION = 1


def parse_query(text: str, *, language: str | None = None) -> ParsedQuery:
    """Stem ``text`` for ``language``, or for every language the archive holds (one query)."""
    with connection.cursor() as cursor:
        if language:
            cursor.execute(_PARSE_SQL, {"q": text, "codes": [language]})
        else:
            cursor.execute(_PARSE_FOR_PRESENT_LANGUAGES_SQL, {"q": text})
        by_tsquery: dict[str, list[str]] = {}
        for code, tsquery in cursor.fetchall():
            if tsquery:  # empty when every word is a stop word in that language
                by_tsquery.setdefault(tsquery, []).append(code)
    branches = tuple(Branch(tuple(sorted(codes)), tsq) for tsq, codes in by_tsquery.items())
    return ParsedQuery(text=text, branches=tuple(sorted(branches, key=lambda b: b.languages)))


def filter_articles(articles: QuerySet[Article], parsed: ParsedQuery) -> QuerySet[Article]:
    """The articles matching ``text``, annotated with ``rank``.

    Ranking reads every candidate's stored document, so its cost grows with the number of
    matches. Only the ``SEARCH_RANK_CANDIDATES`` newest matches (of ``articles``, with every
    other filter already applied) are ranked; the rest get rank 0 and follow, newest first.
    Below that many matches the order is exactly the full ranking.
    """
    if parsed.matches_nothing:
        return articles.none().annotate(rank=Value(0.0, output_field=FloatField()))
    table = Article._meta.db_table
    match_sql, match_params = parsed.match_sql(table)
    rank_sql, rank_params = parsed.rank_sql(table)
    matching = articles.filter(RawSQL(match_sql, match_params, output_field=BooleanField()))
    candidates = matching.order_by(*NEWEST_FIRST).values("pk")[: settings.SEARCH_RANK_CANDIDATES]
    rank = Case(
        When(pk__in=Subquery(candidates), then=RawSQL(rank_sql, rank_params)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return matching.annotate(rank=rank)


NEWEST_FIRST = (F("published_at").desc(nulls_last=True), "-id")
BEST_FIRST = ("-rank", *NEWEST_FIRST)


def highlight_articles(articles: Sequence[Article], parsed: ParsedQuery) -> None:
    """Set ``article.highlights`` on the given (one page of) articles: the title and up to two
    body fragments, HTML-escaped, with every match wrapped in ``<mark>``."""
    if not articles:
        return
    found: dict[int, tuple[str, str]] = {}
    if not parsed.matches_nothing:
        cases, params = parsed._cases("a.language", "%s::tsquery")
        options = (
            f"StartSel={MARK_START}, StopSel={MARK_STOP}, MaxFragments=2, MaxWords=30, "
            f"MinWords=12, FragmentDelimiter={FRAGMENT_BREAK}"
        )
        title_options = f"StartSel={MARK_START}, StopSel={MARK_STOP}, HighlightAll=true"
        sql = f"""
            SELECT a.id,
                   ts_headline(a.cfg, a.title, a.query, %s),
                   ts_headline(a.cfg, a.plain_body, a.query, %s)
              FROM (SELECT a.id, {language_config_sql("a.language")} AS cfg,
                           translate(a.title, %s, '') AS title,
                           translate({plain_text_sql("a.body")}, %s, '') AS plain_body,
                           (CASE {cases} END) AS query
                      FROM articles_article a WHERE a.id = ANY(%s)) a
        """
        sentinels = MARK_START + MARK_STOP + FRAGMENT_BREAK
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [title_options, options, sentinels, sentinels, *params, [a.pk for a in articles]],
            )
            found = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
    for article in articles:
        title, body = found.get(article.pk, (article.title, ""))
        article.highlights = {
            "title": marked_html(title),
            "body": [marked_html(part) for part in body.split(FRAGMENT_BREAK) if part.strip()],
        }


def marked_html(fragment: str) -> str:
    """HTML-escape ``fragment`` (decoding the body's own character references first) and turn
    the headline sentinels into ``<mark>`` elements."""
    escaped = html.escape(html.unescape(fragment), quote=False)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>").strip()


def filter_quotes(quotes: QuerySet[Quotation], parsed: ParsedQuery) -> QuerySet[Quotation]:
    """Quotations whose text or source name matches the query, in the quoting article's
    language, best first (the rank is annotated as ``rank``)."""
    if parsed.matches_nothing:
        return quotes.none().annotate(rank=Value(0.0, output_field=FloatField()))
    table = Quotation._meta.db_table
    language_sql = f"(SELECT language FROM articles_article WHERE id = {table}.article_id)"
    match_sql, match_params = parsed.match_sql(table, language_sql)
    rank_sql, rank_params = parsed.rank_sql(table, language_sql)
    return (
        quotes.filter(RawSQL(match_sql, match_params, output_field=BooleanField()))
        .annotate(rank=RawSQL(rank_sql, rank_params, output_field=FloatField()))
        .order_by("-rank", *quotes.query.order_by)
    )


def filter_names(entities: QuerySet, text: str) -> QuerySet:
    """Tags, authors or sources whose name, or a word of it, starts with ``text``: any case,
    any accents (trigram-indexed ``newsapi_fold(name)``)."""
    prefix = Folded(Value(text.strip()))
    folded = Folded(F("name"))
    return entities.alias(folded_name=folded).filter(
        Q(folded_name__startswith=prefix)
        | Q(folded_name__contains=Concat(Value(" "), prefix))
        | Q(folded_name__contains=Concat(Value("-"), prefix))
    )
