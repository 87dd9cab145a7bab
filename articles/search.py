"""The one home of full-text search.

This module builds each article's weighted search document (title A; standfirst and tags B;
body C; authors, quoted sources and quotes D), stemmed in the article's own language with
accents folded. Documents are stored in ``Article.search_vector`` (GIN-indexed) and rebuilt with
set-based SQL, one UPDATE per batch, never computed at query time. ``headline_vector`` holds
the A and B part alone: small enough to stay in the row, cheap to rank over many matches.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.utils import timezone

from articles.models import Article, Author, Folded, Quotation, QuotedSource, Tag
from articles.search_config import FALLBACK_CONFIG, SNOWBALL_LANGUAGES, config_for_language


def language_config_sql(column: str) -> str:
    """A SQL CASE that maps an ISO 639-1 ``column`` to its text search configuration."""
    branches = " ".join(
        f"WHEN '{code}' THEN '{config_for_language(code)}'::regconfig"
        for code in sorted(SNOWBALL_LANGUAGES)
    )
    return f"(CASE {column} {branches} ELSE '{FALLBACK_CONFIG}'::regconfig END)"


# Every document also holds one lexeme naming its language, which no text can produce (the
# parser never makes a lexeme with "~"). A query then says "these words, stemmed for French,
# in a French document" within one tsquery, which the GIN index answers alone: no document is
# read to test a language.
LANGUAGE_MARKER = "~lang~{}"


def language_marker_sql(column: str) -> str:
    return f"array_to_tsvector(ARRAY['~lang~' || {column}])"


def plain_text_sql(column: str, *, keep_references: bool = False) -> str:
    """``column`` without markup (and character references, unless kept for display): the
    body may be sanitised HTML."""
    pattern = "<[^>]*>" if keep_references else "<[^>]*>|&[#a-zA-Z0-9]+;"
    return rf"regexp_replace({column}, '{pattern}', ' ', 'g')"


_REFRESH_SQL = f"""
WITH docs AS (
    SELECT a.id,
           {language_config_sql("a.language")} AS cfg,
           a.title, a.standfirst, a.body, a.language,
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
   SET headline_vector = d.headline,
       search_vector = d.headline
        || setweight(to_tsvector(d.cfg, {plain_text_sql("d.body")}), 'C')
        || setweight(to_tsvector(d.cfg, concat_ws(' ', d.authors, d.quotes)), 'D'),
       updated_at = COALESCE(%(touched_at)s, a.updated_at)
  FROM (SELECT docs.*,
               setweight(to_tsvector(cfg, title), 'A')
            || setweight(to_tsvector(cfg, concat_ws(' ', standfirst, tags)), 'B')
            || {language_marker_sql("language")} AS headline
          FROM docs) d
 WHERE a.id = d.id
"""


_REFRESH_QUOTES_SQL = f"""
UPDATE articles_quotation AS q
   SET search_vector = setweight(to_tsvector({language_config_sql("a.language")}, q.text), 'A')
                    || setweight(to_tsvector({language_config_sql("a.language")}, s.name), 'B')
                    || {language_marker_sql("a.language")}
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
    branches: tuple[Branch, ...]

    @property
    def matches_nothing(self) -> bool:
        return not self.branches

    def cases_sql(self, language_sql: str, then: str) -> tuple[str, list]:
        """``WHEN <row's language is in the branch> THEN <then>`` for each branch, for SQL
        written by hand (``then`` takes the branch's tsquery as its one parameter)."""
        sql, params = [], []
        for branch in self.branches:
            sql.append(f"WHEN {language_sql} = ANY(%s) THEN {then}")
            params += [list(branch.languages), branch.tsquery]
        return " ".join(sql), params

    @property
    def tsquery(self) -> str:
        """One tsquery for every branch: ``(words stemmed for French) & <French document>``,
        OR the same for each other branch (see LANGUAGE_MARKER)."""
        parts = []
        for branch in self.branches:
            markers = " | ".join(
                _tsquery_literal(LANGUAGE_MARKER.format(code)) for code in branch.languages
            )
            parts.append(f"( {branch.tsquery} ) & ( {markers} )")
        return " | ".join(f"( {part} )" for part in parts)

    def match(self, vector: str = "search_vector") -> Q:
        """The row's stored document matches the query stemmed for the document's language:
        one constant tsquery, answered by the GIN index alone."""
        return Q(**{vector: StoredTsQuery(self.tsquery)})

    def rank(self, language: str = "language", vector: str = "search_vector") -> Case:
        """ts_rank of the row's document against the query stemmed for the row's language."""
        return Case(
            *(
                When(
                    **{f"{language}__in": branch.languages},
                    then=SearchRank(
                        F(vector),
                        StoredTsQuery(branch.tsquery),
                        normalization=Value(RANK_NORMALISATION),
                    ),
                )
                for branch in self.branches
            ),
            default=Value(0.0),
            output_field=FloatField(),
        )


def _tsquery_literal(lexeme: str) -> str:
    """``lexeme`` quoted for tsquery text, whatever it holds."""
    escaped = lexeme.replace("\\", "\\\\").replace("'", "''")
    return f"'{escaped}'"


class StoredTsQuery(SearchQuery):
    """A tsquery in the text form PostgreSQL gave it, cast back: never re-parsed by a text
    search configuration (user text reaches it only through websearch_to_tsquery)."""

    def __init__(self, tsquery: str) -> None:
        super().__init__(tsquery)
        self.tsquery = tsquery

    def as_sql(self, compiler, connection, **extra):
        return "%s::tsquery", [self.tsquery]


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
    return ParsedQuery(branches=tuple(sorted(branches, key=lambda b: b.languages)))


def filter_articles(articles: QuerySet[Article], parsed: ParsedQuery) -> QuerySet[Article]:
    """The articles matching the parsed query, annotated with ``rank``.

    Ranking reads each candidate's whole stored document (TOASTed, so costly), so its cost
    grows with the number of matches. Two bounded candidate sets, each chosen through an
    index, are ranked in full: the ``SEARCH_RANK_CANDIDATES`` newest matches, and as many
    matches whose title, standfirst or tags rank best (``headline_vector``, small and kept
    in the row). Other matches get rank 0 and follow, newest first. Below that many matches
    the order is exactly the full ranking; bench/ measures how close it stays above.
    """
    if parsed.matches_nothing:
        return articles.none().annotate(rank=Value(0.0, output_field=FloatField()))
    bound = settings.SEARCH_RANK_CANDIDATES
    matching = articles.filter(parsed.match())
    newest = matching.order_by(*NEWEST_FIRST).values("pk")[:bound]
    best_headlines = (
        articles.filter(parsed.match(vector="headline_vector"))
        .annotate(headline_rank=parsed.rank(vector="headline_vector"))
        .order_by("-headline_rank", *NEWEST_FIRST)
        .values("pk")[:bound]
    )
    rank = Case(
        When(Q(pk__in=Subquery(newest)) | Q(pk__in=Subquery(best_headlines)), then=parsed.rank()),
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
        cases, params = parsed.cases_sql("a.language", "%s::tsquery")
        options = (
            f"StartSel={MARK_START}, StopSel={MARK_STOP}, MaxFragments=2, MaxWords=30, "
            f"MinWords=12, FragmentDelimiter={FRAGMENT_BREAK}"
        )
        title_options = f"StartSel={MARK_START}, StopSel={MARK_STOP}, HighlightAll=true"
        plain_body = plain_text_sql("a.body", keep_references=True)
        sql = f"""
            SELECT a.id,
                   ts_headline(a.cfg, a.title, a.query, %s),
                   ts_headline(a.cfg, a.plain_body, a.query, %s)
              FROM (SELECT a.id, {language_config_sql("a.language")} AS cfg,
                           translate(a.title, %s, '') AS title,
                           translate({plain_body}, %s, '') AS plain_body,
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
    return (
        quotes.filter(parsed.match())
        .annotate(rank=parsed.rank(language="article__language"))
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


# --- facets -----------------------------------------------------------------------------------

FACET_SIZE = 20

# Each facet reads the matched set once it is materialised: one statement, one pass of the
# (possibly costly) search, whatever the number of facets.
_FACETS_SQL = """
WITH matched AS MATERIALIZED ({matched})
SELECT 'total', NULL, NULL, count(*) FROM matched
UNION ALL (SELECT 'languages', language, language, count(*) FROM matched
            GROUP BY language ORDER BY 4 DESC, 2 LIMIT %(size)s)
UNION ALL (SELECT 'sections', section, section, count(*) FROM matched WHERE section <> ''
            GROUP BY section ORDER BY 4 DESC, 2 LIMIT %(size)s)
UNION ALL (SELECT 'months', to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM'), NULL, count(*)
             FROM matched WHERE published_at IS NOT NULL
            GROUP BY 2 ORDER BY 4 DESC, 2 DESC LIMIT %(size)s)
UNION ALL (SELECT 'tags', t.slug, t.name, count(*)
             FROM matched m JOIN articles_article_tags at ON at.article_id = m.id
             JOIN articles_tag t ON t.id = at.tag_id
            GROUP BY t.slug, t.name ORDER BY 4 DESC, newsapi_fold(t.name) LIMIT %(size)s)
UNION ALL (SELECT 'authors', au.slug, au.name, count(DISTINCT m.id)
             FROM matched m JOIN articles_byline b ON b.article_id = m.id
             JOIN articles_author au ON au.id = b.author_id
            GROUP BY au.slug, au.name ORDER BY 4 DESC, newsapi_fold(au.name) LIMIT %(size)s)
UNION ALL (SELECT 'sources', s.slug, s.name, count(DISTINCT m.id)
             FROM matched m JOIN articles_quotation q ON q.article_id = m.id
             JOIN articles_quotedsource s ON s.id = q.source_id
            GROUP BY s.slug, s.name ORDER BY 4 DESC, newsapi_fold(s.name) LIMIT %(size)s)
"""

NAMED_FACETS = ("tags", "authors", "sources")
VALUE_FACETS = ("languages", "sections", "months")


def facets(articles: QuerySet[Article], *, size: int = FACET_SIZE) -> dict[str, object]:
    """The number of ``articles`` and their top values by tag, author, quoted source, language,
    section and publication month (``YYYY-MM``, UTC). Tags, authors and sources count articles."""
    result: dict[str, object] = {
        "total": 0,
        **{name: [] for name in (*NAMED_FACETS, *VALUE_FACETS)},
    }
    matched = articles.order_by().values("id", "language", "section", "published_at")
    try:
        matched_sql, matched_params = matched.query.sql_with_params()
    except EmptyResultSet:  # a query Django knows matches nothing (e.g. only stop words)
        return result
    # The queryset's own SQL uses %s placeholders: name ours and number theirs to mix them.
    named = {f"m{i}": value for i, value in enumerate(matched_params)}
    matched_sql = matched_sql % tuple(f"%({key})s" for key in named)
    with connection.cursor() as cursor:
        cursor.execute(_FACETS_SQL.format(matched=matched_sql), {**named, "size": size})
        for facet, value, name, count in cursor.fetchall():
            if facet == "total":
                result["total"] = count
            elif facet in NAMED_FACETS:
                result[facet].append({"slug": value, "name": name, "count": count})
            else:
                result[facet].append({"value": value, "count": count})
    return result


# --- suggestions --------------------------------------------------------------------------------

SUGGEST_LIMIT = 5
# pg_trgm word similarity at or above which a word counts as the same but for a typo.
TYPO_SIMILARITY = 0.5
# Below this many characters, trigrams cannot use the index: titles are then left out (tags,
# authors and sources, small tables, are still matched by prefix).
MIN_TITLE_PREFIX = 3
# Below this many characters, "one typo away" matches nearly everything.
MIN_TYPO_LENGTH = 4


def suggest(q: str, *, limit: int = SUGGEST_LIMIT) -> dict[str, list[dict[str, object]]]:
    """As-you-type completions over tags, authors, sources and published article titles.

    A candidate matches when its name (or title) or any word in it starts with ``q``, any
    case, any accents; or, for ``q`` of at least 4 characters, when a word of it is within a
    typo of ``q`` (pg_trgm word similarity). Prefix matches come first, then the closest.
    """
    text = " ".join(q.split())
    typos = len(text) >= MIN_TYPO_LENGTH
    with _local_setting("pg_trgm.word_similarity_threshold", str(TYPO_SIMILARITY)):
        return {
            "tags": _suggest_names(Tag.objects.all(), text, limit, typos),
            "authors": _suggest_names(Author.objects.all(), text, limit, typos),
            "sources": _suggest_names(QuotedSource.objects.all(), text, limit, typos),
            "articles": _suggest_titles(text, limit, typos)
            if len(text) >= MIN_TITLE_PREFIX
            else [],
        }


def _closeness(field: str, text: str, typos: bool) -> tuple[Q, Case, Func | Value]:
    """How a row's folded ``field`` matches ``text``: the filter, prefix first, similarity."""
    prefix = Folded(Value(text))
    word_prefix = (
        Q(**{f"{field}_folded__startswith": prefix})
        | Q(**{f"{field}_folded__contains": Concat(Value(" "), prefix)})
        | Q(**{f"{field}_folded__contains": Concat(Value("-"), prefix)})
    )
    starts = Case(
        When(**{f"{field}_folded__startswith": prefix}, then=Value(2)),
        When(word_prefix, then=Value(1)),
        default=Value(0),
    )
    if not typos:
        return word_prefix, starts, Value(0.0)
    folded = Folded(F(field))
    similarity = Func(prefix, folded, function="word_similarity", output_field=FloatField())
    # pg_trgm: "a word of the right side is similar to the left side", trigram-indexed.
    near = Func(
        prefix,
        folded,
        template="%(expressions)s",
        arg_joiner=" <%% ",
        output_field=BooleanField(),
    )
    return word_prefix | Q(near), starts, similarity


def _suggest_names(entities: QuerySet, text: str, limit: int, typos: bool) -> list[dict]:
    condition, starts, similarity = _closeness("name", text, typos)
    rows = (
        entities.alias(name_folded=Folded(F("name")))
        .filter(condition)
        .annotate(starts=starts, similarity=similarity)
        .order_by("-starts", "-similarity", Folded(F("name")))
        .values("name", "slug")[:limit]
    )
    return list(rows)


def _suggest_titles(text: str, limit: int, typos: bool) -> list[dict]:
    condition, starts, similarity = _closeness("title", text, typos)
    rows = (
        Article.objects.filter(status=Article.Status.PUBLISHED)
        .alias(title_folded=Folded(F("title")))
        .filter(condition)
        .annotate(starts=starts, similarity=similarity)
        .order_by("-starts", "-similarity", *NEWEST_FIRST)
        .values("id", "title", "language")[:limit]
    )
    return list(rows)


@contextmanager
def index_scans_for(text: str | None) -> Iterator[None]:
    """While a search for ``text`` runs, keep the planner off sequential scans.

    The planner prices a sequential scan without the cost of reading (de-TOASTing) each row's
    document to test it, so for a common word it prefers one to the GIN index, at 2-3 times
    the cost (bench/README.md). ``SET LOCAL`` ends with the transaction opened here.
    """
    if not (text or "").strip():
        yield
        return
    with _local_setting("enable_seqscan", "off"):
        yield


@contextmanager
def _local_setting(name: str, value: str) -> Iterator[None]:
    """``SET LOCAL name = value`` for the queries run inside, in a transaction of their own."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        yield


# --- related articles ---------------------------------------------------------------------------

RELATED_CANDIDATES = 500

# Candidates: the articles sharing the most tags, the most quoted sources, and the newest
# sharing a title/standfirst word (each set bounded to RELATED_CANDIDATES). Score: shared
# tags + shared sources + the text similarity ts_rank(..., 32), which lies in [0, 1):
# sharing one more tag or source always counts for more than similar wording.
_RELATED_SQL = """
WITH me AS (
    SELECT a.id,
           ARRAY(SELECT tag_id FROM articles_article_tags WHERE article_id = a.id) AS tags,
           ARRAY(SELECT DISTINCT source_id FROM articles_quotation WHERE article_id = a.id)
               AS sources,
           (SELECT string_agg(quote_literal(lexeme), ' | ')
              FROM unnest(ts_filter(a.search_vector, '{a,b}')))::tsquery AS words
      FROM articles_article a WHERE a.id = %(id)s
), candidates AS (
    (SELECT at.article_id AS id FROM articles_article_tags at, me
      WHERE at.tag_id = ANY(me.tags)
      GROUP BY at.article_id ORDER BY count(*) DESC, at.article_id DESC LIMIT %(bound)s)
    UNION
    (SELECT q.article_id FROM articles_quotation q, me
      WHERE q.source_id = ANY(me.sources)
      GROUP BY q.article_id ORDER BY count(DISTINCT q.source_id) DESC, q.article_id DESC
      LIMIT %(bound)s)
    UNION
    (SELECT a.id FROM articles_article a, me
      WHERE a.search_vector @@ me.words AND a.status = 'published'
      ORDER BY a.published_at DESC NULLS LAST LIMIT %(bound)s)
)
SELECT a.id,
       (SELECT count(*) FROM articles_article_tags at
         WHERE at.article_id = a.id AND at.tag_id = ANY(me.tags))
     + (SELECT count(DISTINCT q.source_id) FROM articles_quotation q
         WHERE q.article_id = a.id AND q.source_id = ANY(me.sources))
     + COALESCE(ts_rank(a.search_vector, me.words, 32), 0) AS score
  FROM candidates c JOIN articles_article a ON a.id = c.id, me
 WHERE a.id <> me.id AND a.status = 'published'
 ORDER BY score DESC, a.published_at DESC NULLS LAST, a.id DESC
 LIMIT %(limit)s
"""


def related_article_scores(article: Article, *, limit: int) -> list[tuple[int, float]]:
    """(id, score) of the published articles most like ``article``, best first."""
    with connection.cursor() as cursor:
        cursor.execute(
            _RELATED_SQL, {"id": article.pk, "bound": RELATED_CANDIDATES, "limit": limit}
        )
        return [(row[0], float(row[1])) for row in cursor.fetchall()]
