"""The one home of full-text search.

This module builds each article's weighted search document (title A; standfirst and tags B;
body C; authors, quoted sources and quotes D), stemmed in the article's own language with
accents folded. Documents are stored in ``Article.search_vector`` (GIN-indexed) and rebuilt with
set-based SQL, one UPDATE per batch, never computed at query time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import connection
from django.utils import timezone

from articles.search_config import FALLBACK_CONFIG, SNOWBALL_LANGUAGES, config_for_language


def language_config_sql(column: str) -> str:
    """A SQL CASE that maps an ISO 639-1 ``column`` to its text search configuration."""
    branches = " ".join(
        f"WHEN '{code}' THEN '{config_for_language(code)}'::regconfig"
        for code in sorted(SNOWBALL_LANGUAGES)
    )
    return f"(CASE {column} {branches} ELSE '{FALLBACK_CONFIG}'::regconfig END)"


# Markup and character references are not words; the body may be sanitised HTML.
_PLAIN_BODY = r"regexp_replace(d.body, '<[^>]*>|&[#a-zA-Z0-9]+;', ' ', 'g')"

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
        || setweight(to_tsvector(d.cfg, {_PLAIN_BODY}), 'C')
        || setweight(to_tsvector(d.cfg, concat_ws(' ', d.authors, d.quotes)), 'D'),
       updated_at = COALESCE(%(touched_at)s, a.updated_at)
  FROM docs d
 WHERE a.id = d.id
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
        return cursor.rowcount


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
