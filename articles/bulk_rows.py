"""The statements of a set-based batch (``bulk``): one ``INSERT ... SELECT FROM unnest()`` a
table, with an array a column (names, articles, anonymous sources, bylines, tag links,
quotations), the updates grouped by the fields they give, and the ``updated_at`` given back to
updates that stored what was there. The tables' columns come from ``articles.fields`` (the
article) and ``articles.kinds`` (each named kind and its link)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.db import connection
from django.utils import timezone

from articles import names, services
from articles.fields import ARTICLE_FIELDS, DERIVED_FIELDS
from articles.kinds import AUTHOR, NAMED_KINDS, SOURCE, TAG, NamedKind
from articles.models import Article, NamedEntity, QuotedSource


@dataclass
class Record:
    """A checked record: the article's given fields, normalised, and its relations."""

    fields: dict[str, Any]
    article: Article
    # Relations by slug (quotes: source slug, text, and whether the source is anonymous: then
    # the article's own); None: the record leaves them as they are.
    authors: list[str] | None = None
    tags: list[str] | None = None
    quotes: list[tuple[str, str, bool]] | None = None
    # The article's anonymous sources, by slug of their name: (name, description).
    anonymous: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Every name used, by kind and slug: its spelling and, for sources, kind and description.
    names: dict[tuple[type[NamedEntity], str], tuple[str, dict[str, Any]]] = field(
        default_factory=dict
    )


def untouch(articles: list[Article]) -> None:
    """Give these articles back the ``updated_at`` they had before the batch (one query)."""
    if articles:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE articles_article a SET updated_at = u.updated_at "
                "FROM unnest(%s::bigint[], %s::timestamptz[]) AS u(id, updated_at) "
                "WHERE a.id = u.id",
                [[a.pk for a in articles], [a.updated_at for a in articles]],
            )


def _name_columns(kind: NamedKind) -> dict[str, str]:
    """The columns of a new name, and their PostgreSQL types for unnest()."""
    return {"name": "text", "slug": "text", "created_at": "timestamptz",
            "updated_at": "timestamptz", **dict.fromkeys(kind.own_fields, "text")}  # fmt: skip


def name_ids(records: list[Record]) -> dict[tuple[type[NamedEntity], str], int]:
    """Ids of every name the records use, new ones created: a kind at a time, by slug; held
    as the links will hold them, one merged meanwhile read again (``names.held_resolved``)
    rather than breaking the batch."""
    wanted: dict[tuple[type[NamedEntity], str], tuple[str, dict[str, Any]]] = {}
    for record in records:
        for key, value in record.names.items():
            wanted.setdefault(key, value)
    return names.held_resolved(
        _found_or_created(wanted, list(wanted)),
        lambda key, pk: (key[0], pk),
        lambda gone: _found_or_created(wanted, gone),
    )


def _found_or_created(
    wanted: Mapping[tuple[type[NamedEntity], str], tuple[str, dict[str, Any]]],
    keys: list[tuple[type[NamedEntity], str]],
) -> dict[tuple[type[NamedEntity], str], int]:
    ids: dict[tuple[type[NamedEntity], str], int] = {}
    for kind in NAMED_KINDS:  # in their order (``NamedKind.order``)
        model = kind.model
        slugs = sorted(slug for of, slug in keys if of is model)
        if not slugs:
            continue
        found = {slug: entity.pk for slug, entity in names.holders(model, slugs).items()}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            columns, now = _name_columns(kind), timezone.now()
            defaults = {field: model._meta.get_field(field).get_default() for field in columns}
            rows = []
            for slug in missing:
                name, given = wanted[model, slug]
                row = defaults | given | {"name": name, "slug": slug}
                rows.append([now if c.endswith("_at") else row[c] for c in columns])
            # A name a concurrent writer created meanwhile is read back below.
            insert_rows(model._meta.db_table, columns, rows, on_conflict="ON CONFLICT DO NOTHING")
            found.update(model.objects.filter(slug__in=missing).values_list("slug", "pk"))
        ids.update(((model, slug), pk) for slug, pk in found.items())
    return ids


# Columns of a new article, and their PostgreSQL types for unnest().
_ARTICLE_COLUMNS = {
    **{each.name: each.sql_type for each in (*ARTICLE_FIELDS, *DERIVED_FIELDS)},
    "created_by_id": "bigint",
}


def insert(records: list[Record], *, created_by: int | None) -> None:
    """New articles, with slugs free now (one query); a clash inside the batch or with a
    concurrent writer gets a random suffix, or fails the batch (then written one by one).
    One INSERT from arrays: Django's bulk_create spends more on building SQL than PostgreSQL
    spends on storing the rows."""
    if not records:
        return
    bases = [services.article_slug_base(record.article.title) for record in records]
    taken = set(Article.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    now = timezone.now()
    for record, base in zip(records, bases, strict=True):
        slug = base if base not in taken else f"{base}-{secrets.token_hex(3)}"
        taken.add(slug)
        record.article.slug = slug
        record.article.created_at = record.article.updated_at = now
        record.article.created_by_id = created_by
    by_slug = {record.article.slug: record for record in records}
    rows = [[getattr(r.article, column) for column in _ARTICLE_COLUMNS] for r in records]
    for slug, pk in insert_rows(Article._meta.db_table, _ARTICLE_COLUMNS, rows, ("slug", "id")):
        by_slug[slug].article.pk = pk


def insert_rows(
    table: str,
    columns: Mapping[str, str],
    rows: list[list[Any]],
    returning: Sequence[str] = (),
    *,
    on_conflict: str = "",
) -> list[tuple[Any, ...]]:
    """``INSERT INTO table SELECT FROM unnest(arrays)``: one statement, one array a column,
    sent apart from the SQL (server-side binding: nothing is quoted into the text), in
    PostgreSQL's binary format (``%b``: no element escaped, 7 times faster for a batch's
    bodies than the text format's quoting)."""
    if not rows:
        return []
    arrays = [list(column) for column in zip(*rows, strict=True)]
    values = ", ".join(f"%b::{kind}[]" for kind in columns.values())
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({values}) {on_conflict}"
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    connection.ensure_connection()
    # psycopg's errors raised as Django's (IntegrityError, DataError...): what callers handle.
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, arrays)
        return cursor.fetchall() if returning else []


def update(records: dict[int, Record]) -> None:
    """Existing articles: only the fields each record gives, as ``PATCH`` would."""
    by_fields: dict[tuple[str, ...], list[Article]] = {}
    now = timezone.now()
    for pk, record in records.items():
        record.article.pk = pk
        record.article.updated_at = now
        given = tuple(sorted(set(record.fields) - {"url"}))
        by_fields.setdefault(given, []).append(record.article)
    for given, articles in by_fields.items():
        Article.objects.bulk_update(articles, [*given, "updated_at"], batch_size=500)
    # Published now without a date given: dated now, unless it had a date already.
    Article.objects.filter(
        pk__in=list(records), status=Article.Status.PUBLISHED, published_at__isnull=True
    ).update(published_at=now)


def anonymous_ids(records: list[Record]) -> dict[tuple[int, str], int]:
    """Ids of the records' anonymous sources by (article id, slug of the name), new ones
    created: each article has its own (``names.anonymous_slug``)."""
    wanted = {
        names.anonymous_slug(name, r.article.pk): (r.article.pk, slug, name, description)
        for r in records
        for slug, (name, description) in r.anonymous.items()
    }
    if not wanted:
        return {}
    columns = {**_name_columns(SOURCE), "article_id": "bigint"}
    now = timezone.now()
    rows = []
    for stored, (article_id, _, name, description) in wanted.items():
        values = {"name": name, "slug": stored, "kind": QuotedSource.Kind.ANONYMOUS,
                  "description": description, "article_id": article_id}  # fmt: skip
        rows.append([now if c.endswith("_at") else values[c] for c in columns])
    insert_rows(QuotedSource._meta.db_table, columns, rows, on_conflict="ON CONFLICT DO NOTHING")
    stored_ids = QuotedSource.objects.filter(slug__in=list(wanted)).values_list("slug", "pk")
    return {wanted[stored][:2]: pk for stored, pk in stored_ids}


def replace_relations(
    records: list[Record],
    ids: Mapping[Any, int],
    anonymous_ids: Mapping[tuple[int, str], int],
    *,
    updated: set[int],
) -> None:
    """The lists of updated articles are deleted first; all are inserted from arrays."""
    with_authors = [r for r in records if r.authors is not None]
    with_tags = [r for r in records if r.tags is not None]
    with_quotes = [r for r in records if r.quotes is not None]
    for kind, given in ((AUTHOR, with_authors), (TAG, with_tags), (SOURCE, with_quotes)):
        stale = [r.article.pk for r in given if r.article.pk in updated]
        if stale:
            kind.link_model.objects.filter(article_id__in=stale).delete()

    def link(kind: NamedKind, **more: str) -> tuple[str, dict[str, str]]:
        return kind.link_model._meta.db_table, {"article_id": "bigint",
                                                kind.link_column: "bigint", **more}  # fmt: skip

    insert_rows(
        *link(AUTHOR, position="smallint"),
        [[r.article.pk, ids[AUTHOR.model, slug], position]
         for r in with_authors for position, slug in enumerate(r.authors or ())],
    )  # fmt: skip
    insert_rows(
        *link(TAG),
        [[r.article.pk, ids[TAG.model, slug]] for r in with_tags for slug in r.tags or ()],
    )
    insert_rows(
        *link(SOURCE, text="text", position="smallint"),
        [[r.article.pk,
          anonymous_ids[r.article.pk, slug] if anonymous else ids[SOURCE.model, slug],
          text, position]
         for r in with_quotes for position, (slug, text, anonymous) in enumerate(r.quotes or ())],
    )  # fmt: skip
