"""Revisions, written set-based by every writer (SPEC: Lifecycle, Revisions).

A small model of our own rather than django-reversion, django-simple-history or
django-pghistory: the first two hook model saves (signals, ``save()`` overrides) and serialise
each object in Python, so the set-based writes of ``bulk`` (one ``INSERT ... FROM unnest`` a
batch, relations too) would either skip them or pay a Python round trip of every body; and
pghistory's triggers see rows, not saves: one article save is rows of four tables (the
article, bylines, tag links, quotations), which no trigger can group into one revision with
its user and door. Here a writer snapshots the articles it is about to change (one query),
writes, and then ``record`` builds every new revision in PostgreSQL, snapshot, field-level
diff against the snapshot before and pruning to ``REVISION_KEEP`` included, in one statement
for any number of articles. A save that changes nothing makes no revision, and its writer
learns so (``record`` returns the articles that changed) to undo the save and tell nobody.

``content`` is the article's writable fields, ``slug`` and ``word_count``, and its authors,
tags and quotes as the detail shows them (with ids, so that a restore finds renamed names).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections.abc import Collection, Mapping
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from articles.fields import FIELD_NAMES
from articles.lifecycle._workflow import Actor

# Stored in ``content`` but not shown as changes of their own: they follow other fields.
DERIVED = ("word_count",)

_RELATIONS_SQL = """
'authors', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', au.id, 'name', au.name,
                                                         'slug', au.slug)
                                      ORDER BY b.position, b.id)
                       FROM articles_byline b JOIN articles_author au ON au.id = b.author_id
                      WHERE b.article_id = a.id), '[]'),
'tags', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', t.id, 'name', t.name,
                                                      'slug', t.slug) ORDER BY at.id)
                    FROM articles_article_tags at JOIN articles_tag t ON t.id = at.tag_id
                   WHERE at.article_id = a.id), '[]'),
'quotes', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                            'source', jsonb_build_object('id', s.id, 'name', s.name,
                                                         'slug', s.slug, 'kind', s.kind,
                                                         'description', s.description),
                            'text', q.text) ORDER BY q.position, q.id)
                      FROM articles_quotation q
                      JOIN articles_quotedsource s ON s.id = q.source_id
                     WHERE q.article_id = a.id), '[]')
"""


@functools.cache
def content_columns() -> tuple[str, ...]:
    """The article's columns a revision keeps: every field a write takes (one declaration,
    ``articles.fields``), its slug and its word count."""
    return (*sorted(FIELD_NAMES), "slug", *DERIVED)


@functools.cache
def _snapshot_sql() -> str:
    """``(id, content)`` of the articles whose ids are ``%(ids)s``."""
    pairs = ", ".join(f"'{column}', a.{column}" for column in content_columns())
    return (
        f"SELECT a.id, jsonb_build_object({pairs}, {_RELATIONS_SQL}) AS content "
        "FROM articles_article a WHERE a.id = ANY(%(ids)s)"
    )


def snapshot(ids: Collection[int]) -> str:
    """The articles as they are now, before a write changes them: one JSON document (kept
    as text: it goes back to PostgreSQL as it came), for ``record``'s ``before``."""
    if not ids:
        return "{}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(jsonb_object_agg(s.id, s.content), '{{}}')::text "
            f"FROM ({_snapshot_sql()}) s",
            {"ids": sorted(ids)},
        )
        return cursor.fetchone()[0]


@functools.cache
def _record_sql() -> str:
    return f"""
WITH after AS ({_snapshot_sql()}),
before AS (SELECT key::bigint AS id, value AS content FROM jsonb_each(%(before)s::jsonb)),
latest AS (SELECT article_id, max(number) AS number FROM articles_revision
            WHERE article_id = ANY(%(ids)s) GROUP BY article_id),
written AS (
    INSERT INTO articles_revision
           (article_id, number, created_at, user_id, username, source, content, changes)
    SELECT n.id, COALESCE(l.number, 0) + 1, %(now)s, %(user_id)s, %(username)s, %(source)s,
           n.content,
           CASE WHEN b.id IS NOT NULL THEN  -- a new article's: NULL (``creation_changes``)
           COALESCE((SELECT jsonb_object_agg(f.key, jsonb_build_array(b.content -> f.key,
                                                                      f.value))
                       FROM jsonb_each(n.content) f
                      WHERE f.key <> ALL(%(derived)s)
                        AND (b.content -> f.key) IS DISTINCT FROM f.value),
                    '{{}}') END
      FROM after n LEFT JOIN before b ON b.id = n.id LEFT JOIN latest l ON l.article_id = n.id
     WHERE b.content IS DISTINCT FROM n.content
     ORDER BY n.id
    RETURNING article_id, number
),
pruned AS (
    DELETE FROM articles_revision r USING written w
     WHERE r.article_id = w.article_id AND r.number <= w.number - %(keep)s
)
SELECT article_id FROM written
"""


def record(ids: Collection[int], *, actor: Actor, before: str = "{}") -> set[int]:
    """A revision for each of these articles that the write changed (``before``: their
    ``snapshot`` from before it; articles not in it are new), the oldest beyond
    ``REVISION_KEEP`` dropped. Returns the ids of the articles that changed."""
    if not ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            _record_sql(),
            {
                "ids": sorted(ids),
                "before": before,
                "now": timezone.now(),
                "user_id": actor.user_id,
                "username": actor.username,
                "source": actor.source,
                "derived": list(DERIVED),
                "keep": settings.REVISION_KEEP,
            },
        )
        return {article_id for (article_id,) in cursor.fetchall()}


_NOTHING = ("", [], None)  # a field not given


def creation_changes(content: Mapping[str, Any]) -> dict[str, list]:
    """A new article's first changes: every field it was given, from nothing (``record``
    stores none for it: they are its content)."""
    return {
        key: [None, value]
        for key, value in content.items()
        if key not in DERIVED and value not in _NOTHING
    }


def as_write(content: Mapping[str, Any], *, current_names: Mapping[str, dict[int, str]]) -> dict:
    """A revision's content as ``services.article_update`` takes it: fields, and the names of
    its authors, tags and quote sources (a name renamed since goes by its name now)."""
    fields: dict[str, Any] = {key: content[key] for key in FIELD_NAMES if key in content}
    if fields.get("published_at"):
        fields["published_at"] = datetime.datetime.fromisoformat(fields["published_at"])

    def name(kind: str, ref: Mapping[str, Any]) -> str:
        return current_names[kind].get(ref["id"], ref["name"])

    fields["authors"] = [name("authors", author) for author in content.get("authors", [])]
    fields["tags"] = [name("tags", tag) for tag in content.get("tags", [])]
    fields["quotes"] = [
        {
            "source": name("sources", quote["source"]),
            "text": quote["text"],
            "kind": quote["source"].get("kind"),
            "description": quote["source"].get("description"),
        }
        for quote in content.get("quotes", [])
    ]
    return fields


def as_row(content: Mapping[str, Any], *, article: Any, saved_at: datetime.datetime) -> Any:
    """A revision's content as the detail shows an article (``rows.ArticleRow``): the
    article's id and creation, ``updated_at`` the revision's time."""
    from articles.rows import ArticleRow

    def ref(item: Mapping[str, Any]) -> dict[str, Any]:
        return {"name": item["name"], "slug": item["slug"]}

    fields = {f.name for f in dataclasses.fields(ArticleRow)} - {"authors", "tags", "quotes"}
    values = {key: value for key, value in content.items() if key in fields}
    if values.get("published_at"):
        values["published_at"] = datetime.datetime.fromisoformat(values["published_at"])
    return ArticleRow(
        **values,
        id=article.pk,
        created_at=article.created_at,
        updated_at=saved_at,
        authors=[ref(author) for author in content.get("authors", [])],
        tags=[ref(tag) for tag in content.get("tags", [])],
        quotes=[
            {"source": {**ref(q["source"]), "kind": q["source"]["kind"],
                        "description": q["source"]["description"]},
             "text": q["text"]}
            for q in content.get("quotes", [])
        ],
    )  # fmt: skip
