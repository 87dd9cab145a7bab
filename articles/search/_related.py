"""Related articles ("you may also like"): shared tags, shared quoted sources, similar words.

Each shared tag and each shared source scores ``SHARED``; the words of the title, standfirst
and tags add a more-like-this score below it. The rank given is the number of shared tags and
sources plus the word similarity mapped into [0, 1): one more shared tag or source always
counts for more than wording.
"""

from __future__ import annotations

import tantivy

from articles.search._documents import read_articles
from articles.search._engine import engine
from articles.search._schema import SCHEMA, Kind, analyser_key, text_field
from articles.search._search import PUBLISHED, TIE_WINDOW, Page

Occur = tantivy.Occur
SHARED = 1000.0


def related(article_id: int, *, limit: int) -> Page:
    rows = read_articles([article_id])
    if not rows:
        return Page(0, [])
    row = rows[0]
    searcher = engine().searcher()
    shared = [
        (Occur.Should, tantivy.Query.const_score_query(
            tantivy.Query.term_query(SCHEMA, kind, slug), SHARED))
        for kind, values in (("tag", row.tags), ("source", row.sources()))
        for _, slug, _ in values
    ]  # fmt: skip
    key = analyser_key(row.language)
    words = {
        text_field("title", key): [row.title],
        text_field("head", key): [" ".join([row.standfirst, *(t[2] for t in row.tags)])],
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
            (Occur.Must, tantivy.Query.const_score_query(
                tantivy.Query.term_query(SCHEMA, "kind", Kind.ARTICLE), 0.0)),
            (Occur.Must, tantivy.Query.const_score_query(
                tantivy.Query.term_query(SCHEMA, "status", PUBLISHED), 0.0)),
            (Occur.MustNot, tantivy.Query.term_query(SCHEMA, "article_id", article_id)),
        ]
    )  # fmt: skip
    hits = searcher.search(query, limit + TIE_WINDOW, count=False).hits
    if not hits:
        return Page(0, [])
    addresses = [address for _, address in hits]
    ids = searcher.fast_field_values("id", addresses)
    newest = searcher.fast_field_values("published_desc", addresses)
    ranked = sorted(
        zip((score for score, _ in hits), newest, ids, strict=True),
        key=lambda hit: (-hit[0], -hit[1]),
    )[:limit]
    return Page(
        count=len(ranked),
        ids=[int(hit[2]) for hit in ranked],
        ranks={int(hit[2]): _rank(hit[0]) for hit in ranked},
    )


def _rank(score: float) -> float:
    shared = int(score // SHARED)
    words = score - shared * SHARED
    return shared + words / (1.0 + words)
