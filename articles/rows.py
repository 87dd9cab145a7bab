"""An article as lists show it (``ArticleRow``), and the SQL that reads it in one statement
with its authors, tags, quotes and near-duplicates (``selectors.article_rows`` runs it)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from articles.fields import DERIVED_FIELDS, FIELD_NAMES
from articles.models import Article


@dataclass
class ArticleRow:
    """An article as lists show it, read in one statement with its relations."""

    id: int
    title: str
    slug: str
    standfirst: str
    language: str
    section: str
    edition: str
    url: str | None
    image_url: str | None
    image_caption: str
    image_credit: str
    image_alt: str
    status: str
    published_at: datetime.datetime | None
    expires_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    word_count: int
    authors: list[dict[str, str]]
    tags: list[dict[str, str]]
    quotes: list[dict[str, Any]]
    duplicate_of: int | None = None
    duplicates_count: int = 0
    body: str = ""
    rank: float | None = None
    highlights: dict[str, Any] | None = field(default=None)

    @classmethod
    def from_article(cls, article: Article) -> ArticleRow:
        """The same from a model instance with ``with_relations`` prefetched."""
        scalars = {name: getattr(article, name) for name in ROW_COLUMNS}
        return cls(
            **scalars,
            authors=[{"name": b.author.name, "slug": b.author.slug} for b in article.bylines.all()],
            tags=[{"name": t.name, "slug": t.slug} for t in article.tags.all()],
            quotes=[
                {"source": {"name": q.source.name, "slug": q.source.slug, "kind": q.source.kind,
                            "description": q.source.description},
                 "text": q.text}
                for q in article.quotes.all()
            ],
            body=article.__dict__.get("body", ""),
            duplicate_of=getattr(article, "duplicate_of", None),
            duplicates_count=getattr(article, "duplicates_count", 0),
            rank=getattr(article, "rank", None),
            highlights=getattr(article, "highlights", None),
        )  # fmt: skip


# The article's columns lists show (``ArticleRow``'s first fields): every field a write takes
# but the body, and the derived ones.
ROW_COLUMNS = (
    "id",
    *(name for name in FIELD_NAMES if name != "body"),
    *(each.name for each in DERIVED_FIELDS),
)
# An article's relations, each a list of objects (read as JSON).
RELATIONS = ("authors", "tags", "quotes")
# The columns of ``ROWS_SQL``, by the names of ``ArticleRow``'s fields.
ROW_FIELDS = (*ROW_COLUMNS, "body", "duplicate_of", "duplicates_count", *RELATIONS)
# The relations in the order the prefetches of ``with_relations`` give them. Each name is
# looked up by its key (``OFFSET 0`` keeps the planner from joining the whole table): on
# tables that grew since they were last analysed (a first import) it chose a hash join over
# a sequential scan of every tag for each article, 3 times slower for a batch of 500.
ROWS_SQL = """
SELECT {columns}, {body}, {duplicate_of}, {duplicates_count},
       COALESCE((SELECT json_agg(json_build_object('name', au.name, 'slug', au.slug)
                                 ORDER BY b.position, b.id)
                   FROM articles_byline b, LATERAL (SELECT name, slug FROM articles_author
                                            WHERE id = b.author_id OFFSET 0) au
                  WHERE b.article_id = a.id), '[]'),
       COALESCE((SELECT json_agg(json_build_object('name', t.name, 'slug', t.slug)
                                 ORDER BY at.id)
                   FROM articles_article_tags at, LATERAL (SELECT name, slug FROM articles_tag
                                                    WHERE id = at.tag_id OFFSET 0) t
                  WHERE at.article_id = a.id), '[]'),
       COALESCE((SELECT json_agg(json_build_object(
                        'source', json_build_object('name', s.name, 'slug', s.slug,
                                                    'kind', s.kind,
                                                    'description', s.description),
                        'text', q.text) ORDER BY q.position, q.id)
                   FROM articles_quotation q, LATERAL (
                            SELECT name, slug, kind, description FROM articles_quotedsource
                             WHERE id = q.source_id OFFSET 0) s
                  WHERE q.article_id = a.id), '[]')
  FROM articles_article a
 WHERE a.id = ANY(%s)
"""

# Near-duplicates as a viewer sees them (``Viewer.params``): of the article ``{outer}``'s
# group, the members the viewer may see (drafts, scheduled and expired ones only to whom
# may see them; ``live()`` in SQL, at the statement's time).
_VISIBLE_MEMBERS = """
  FROM articles_fingerprint mine
  JOIN articles_fingerprint other ON other.group_id = mine.group_id
  JOIN articles_article m ON m.id = other.article_id
 WHERE mine.article_id = {outer}.id AND mine.group_id IS NOT NULL
   AND (%s OR m.created_by_id = %s
        OR (m.status = 'published' AND m.published_at <= statement_timestamp()
            AND (m.expires_at IS NULL OR m.expires_at > statement_timestamp())))
"""
# duplicate_of: the group's earliest such member (by published_at, undated last, then id),
# null when that is the article itself; duplicates_count: the other such members.
DUPLICATE_OF_SQL = (
    "NULLIF((SELECT m.id" + _VISIBLE_MEMBERS
    + " ORDER BY m.published_at ASC NULLS LAST, m.id LIMIT 1), {outer}.id)"
)  # fmt: skip
DUPLICATES_COUNT_SQL = "(SELECT count(*)" + _VISIBLE_MEMBERS + " AND m.id <> {outer}.id)"
