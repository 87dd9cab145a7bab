"""The article's writable fields, declared once.

Every door that writes or exports an article (the API's serializers, bulk writes, import and
export, the admin's form, extraction's result, revisions) derives its field list from
``ARTICLE_FIELDS`` here, instead of writing it out: a new article field is one line below
(plus its model field and migration). The relations (authors, tags, quotes) are not fields of
this table: each door writes them its own way, through the named kinds (``articles.kinds``).

Like ``articles.kinds``, this module imports nothing of the project, so every layer may use it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ARTICLE_FIELDS",
    "DERIVED_FIELDS",
    "FIELD_NAMES",
    "LINE_FIELDS",
    "MULTILINE_FIELDS",
    "ArticleField",
]


@dataclass(frozen=True)
class ArticleField:
    name: str
    sql_type: str = "text"
    """Its PostgreSQL type (bulk writes cast unnest()'s arrays to it)."""
    text: str = ""
    """``line``: one line of text (control characters become spaces or go); ``multiline``:
    text of several lines; empty: not free text (a choice, a URL, a time)."""


_LINE, _MULTILINE = "line", "multiline"
ARTICLE_FIELDS: tuple[ArticleField, ...] = (
    ArticleField("title", text=_LINE), ArticleField("standfirst", text=_MULTILINE),
    ArticleField("body", text=_MULTILINE), ArticleField("language"),
    ArticleField("section", text=_LINE), ArticleField("edition", text=_LINE),
    ArticleField("url"), ArticleField("image_url"), ArticleField("image_caption", text=_LINE),
    ArticleField("image_credit", text=_LINE), ArticleField("image_alt", text=_LINE),
    ArticleField("status"), ArticleField("published_at", sql_type="timestamptz"),
    ArticleField("expires_at", sql_type="timestamptz"),
)  # fmt: skip

# In declaration order: the order serializers, forms and exports list them.
FIELD_NAMES: tuple[str, ...] = tuple(each.name for each in ARTICLE_FIELDS)
LINE_FIELDS: tuple[str, ...] = tuple(each.name for each in ARTICLE_FIELDS if each.text == _LINE)
MULTILINE_FIELDS: tuple[str, ...] = tuple(
    each.name for each in ARTICLE_FIELDS if each.text == _MULTILINE
)

# Stored beside them, computed by the write path (never written by a client).
DERIVED_FIELDS: tuple[ArticleField, ...] = (
    ArticleField("slug"), ArticleField("word_count", sql_type="integer"),
    ArticleField("created_at", sql_type="timestamptz"),
    ArticleField("updated_at", sql_type="timestamptz"),
)  # fmt: skip
