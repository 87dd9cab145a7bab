"""Related articles ("you may also like"): shared tags, shared quoted sources, similar words.

Each shared tag and each shared source scores ``SHARED``; the words of the title, standfirst
and tags add a more-like-this score below it. The rank given is the number of shared tags and
sources plus the word similarity mapped into [0, 1): one more shared tag or source always
counts for more than wording.
"""

from __future__ import annotations

from collections.abc import Sequence

import tantivy
from django.db import connection

from articles.search._engine import engine
from articles.search._filters import visibility
from articles.search._paging import Page, ranked_hits
from articles.search._schema import SCHEMA, Kind, analyser_key, term, text_field

Occur = tantivy.Occur
SHARED = 1000.0


_ARTICLE_SQL = """
SELECT a.title, a.standfirst, a.language,
       ARRAY(SELECT t.slug FROM articles_article_tags at JOIN articles_tag t ON t.id = at.tag_id
              WHERE at.article_id = a.id),
       ARRAY(SELECT t.name FROM articles_article_tags at JOIN articles_tag t ON t.id = at.tag_id
              WHERE at.article_id = a.id),
       ARRAY(SELECT DISTINCT s.slug FROM articles_quotation q
               JOIN articles_quotedsource s ON s.id = q.source_id WHERE q.article_id = a.id)
  FROM articles_article a WHERE a.id = %s AND a.id IN ({visible})
"""


def related(article_id: int, *, limit: int, visible: tuple[str, Sequence[object]]) -> Page | None:
    """The published articles most like ``article_id``'s; None when that one is not among
    ``visible`` (the viewer's articles: a query selecting their ids, and its parameters),
    read in the same statement as its words."""
    sql, params = visible
    with connection.cursor() as cursor:
        cursor.execute(_ARTICLE_SQL.format(visible=sql), [article_id, *params])
        found = cursor.fetchone()
    if found is None:
        return None
    title, standfirst, language, tag_slugs, tag_names, source_slugs = found
    searcher = engine().searcher()
    shared = [
        (Occur.Should, tantivy.Query.const_score_query(term(kind, slug), SHARED))
        for kind, slugs in (("tag", tag_slugs), ("source", source_slugs))
        for slug in slugs
    ]  # fmt: skip
    key = analyser_key(language)
    words = {
        text_field("title", key): [title],
        text_field("head", key): [" ".join([standfirst, *tag_names])],
    }
    shared.append(
        (
            Occur.Should,
            tantivy.Query.more_like_this_document_fields_query(
                SCHEMA, words, min_doc_frequency=1, min_term_frequency=1, max_query_terms=25
            ),
        )
    )
    query = tantivy.Query.boolean_query(
        [
            (Occur.Must, tantivy.Query.boolean_query(shared)),
            *visibility(Kind.ARTICLE, editor=False),
            (Occur.MustNot, term("article_id", article_id)),
        ]
    )  # fmt: skip
    _, ranked = ranked_hits(searcher, query, offset=0, limit=limit, count=False)
    return Page(
        count=len(ranked),
        ids=[article_id for _, article_id in ranked],
        ranks={article_id: _rank(score) for score, article_id in ranked},
    )


def _rank(score: float) -> float:
    shared = int(score // SHARED)
    words = score - shared * SHARED
    return shared + words / (1.0 + words)
