"""The outbox: every writer ends its write with one call here, inside its transaction.

Nothing is told twice and nothing is missed because the decision is made from state, not from
what each door says it did: for every object a write touched, what readers and editors see now
(``selectors``' rules of visibility) is compared with what the feed last told them
(``KnownObject``). So one rule gives ``article.published`` (readers did not know it and now
see it), ``article.unpublished`` (they knew it and no longer see it), ``article.updated``,
``article.deleted``, and the editors-only events of drafts, whichever door wrote.

A name (tag, author, source) is visible to readers while a visible article uses it: the names
an article uses before and after a write are looked at again, and a name that appears to or
disappears from readers gets its ``created`` or ``deleted`` event for them.

Locks: the article rows are locked by their writers already; the names' ``KnownObject`` rows
are locked here, in one order (kind, id), before their visibility is read, so two writers
publishing and unpublishing articles of one tag decide one after the other.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.utils import timezone

from articles import representation, selectors
from articles.events.models import ARTICLE
from articles.kinds import NAMED_KINDS, by_name, of_model
from articles.memory import collection_put_off
from articles.models import NamedEntity
from articles.rows import ROW_FIELDS

# An event's object is a named kind's ``name`` (``tag``); ``KnownObject`` keeps the ids of the
# names an article uses in a column a kind (``tag_ids``).
_USE_COLUMNS = {kind.name: f"{kind.name}_ids" for kind in NAMED_KINDS}
_USES = tuple(_USE_COLUMNS.values())
READER = AnonymousUser()
EVENT_TYPES = frozenset(
    [f"article.{verb}" for verb in ("created", "published", "updated", "unpublished", "deleted")]
    + [f"{kind.name}.{verb}" for kind in NAMED_KINDS for verb in ("created", "updated", "deleted")]
)


@dataclass(slots=True)
class _New:
    """An event to write (a model instance each costs an import's batch of thousands)."""

    type: str
    object_id: int
    slug: str
    public: bool
    tombstone: bool
    """Its data is only ``{"id", "slug"}``; else the object as it is now."""


@dataclass(frozen=True, slots=True)
class _Known:
    """A ``KnownObject`` row, as read under its lock."""

    slug: str
    public: bool
    tag_ids: list[int]
    author_ids: list[int]
    source_ids: list[int]


@dataclass(frozen=True)
class _Seen:
    """One object as the feed knew it (``known``) and as it is now (``public``, ``data``)."""

    object_id: int
    slug: str
    exists: bool
    public: bool
    known: _Known | None

    @classmethod
    def of(cls, pk: int, slug: str | None, public: set[int], known: dict[int, _Known]) -> _Seen:
        """``slug``: the object's now (None once deleted: then the one last told)."""
        exists = slug is not None
        if slug is None:
            slug = known[pk].slug if pk in known else ""
        return cls(pk, slug, exists=exists, public=pk in public, known=known.get(pk))


def articles_changed(article_ids: Iterable[int], *, written: bool = True) -> None:
    """Events for articles this transaction wrote or deleted (any number: set-based).

    ``written=False``: the articles were not changed, only time passed (a scheduled article's
    date came, or one expired): only what readers see now differently is told."""
    ids = sorted(set(article_ids))
    if not ids:
        return
    # An import's batch: thousands of events and their data.
    with collection_put_off():
        _articles_changed(ids, written)


def _articles_changed(ids: list[int], written: bool) -> None:
    known = _locked_known(ARTICLE, ids)
    slugs, uses = _uses(ids)
    visibility = selectors.reader_visibility(ids)
    public = {pk for pk, (live, _) in visibility.items() if live}
    events: list[_New] = []
    for pk in ids:
        events += _transition(ARTICLE, _Seen.of(pk, slugs.get(pk), public, known), written)
    _remember(
        ARTICLE,
        [(pk, slug, pk in public, uses[pk], visibility[pk][1]) for pk, slug in slugs.items()],
    )
    _forget(ARTICLE, [pk for pk in ids if pk not in slugs])
    # Each article told of as its detail endpoint gives it (``article_rows``' statement).
    told = sorted({event.object_id for event in events if not event.tombstone})
    rows = selectors.article_rows_sql(told, body=True)
    _insert(ARTICLE, events, rows, ROW_FIELDS, representation.article_detail_sql("r"))
    touched: dict[str, set[int]] = {kind: set() for kind in _USE_COLUMNS}
    for pk in ids:
        for kind, column in _USE_COLUMNS.items():
            if pk in known:
                touched[kind].update(getattr(known[pk], column))
            touched[kind].update(uses.get(pk, {}).get(column, ()))
    for kind, name_ids in touched.items():
        _names(kind, name_ids, explicit=False)


def names_changed(model: type[NamedEntity], ids: Iterable[int]) -> None:
    """Events for tags, authors or sources this transaction created, changed or deleted."""
    _names(of_model(model).name, set(ids), explicit=True)


def _names(kind: str, name_ids: set[int], *, explicit: bool) -> None:
    ids = sorted(name_ids)
    if not ids:
        return
    known = _locked_known(kind, ids)
    model = by_name(kind).model
    # Whether readers see each name is asked without counting (a popular tag's count is a
    # count of thousands of articles); the counts are read in SQL for the names told of.
    seen_by_readers = Exists(
        selectors.visible_names(model.objects.filter(pk=OuterRef("pk")), READER)
    )
    rows = model.objects.filter(pk__in=_among(ids)).values_list("pk", "slug", seen_by_readers)
    slugs: dict[int, str] = {}
    public: set[int] = set()
    for pk, slug, visible in rows:
        slugs[pk] = slug
        if visible:
            public.add(pk)
    events: list[_New] = []
    for pk in ids:
        events += _transition(kind, _Seen.of(pk, slugs.get(pk), public, known), explicit)
    # Only rows that change: most names a batch looks at again are as the feed knew them.
    _remember(
        kind,
        [
            (pk, slug, pk in public, None, None)
            for pk, slug in slugs.items()
            if pk not in known or (known[pk].slug, known[pk].public) != (slug, pk in public)
        ],
    )
    _forget(kind, [pk for pk in ids if pk not in slugs])
    # Each name told of as its list shows it, with its count (one count a name told of).
    columns = representation.named_columns(model)
    told = sorted({event.object_id for event in events if not event.tombstone})
    names = selectors.names_with_counts(model).filter(pk__in=_among(told)).order_by()
    rows = names.values(*columns).query.sql_with_params()
    _insert(kind, events, rows, columns, representation.named_json_sql(model, "r"))


def _transition(kind: str, seen: _Seen, explicit: bool) -> list[_New]:
    """The events that tell readers and editors what changed for one object.

    ``explicit``: the object itself was written (else only a change of who sees it, for a
    name whose articles changed, is told)."""
    known = seen.known
    appeared = "published" if kind == ARTICLE else "created"
    vanished = "unpublished" if kind == ARTICLE else "deleted"

    def event(verb: str, public: bool, tombstone: bool = False) -> _New:
        return _New(f"{kind}.{verb}", seen.object_id, seen.slug, public, tombstone)

    if not seen.exists:
        if known is None:
            return []
        return [event("deleted", public=known.public, tombstone=True)]
    if known is None:
        return [event(appeared, public=True)] if seen.public else [event("created", public=False)]
    if seen.public and not known.public:
        return [event(appeared, public=True)]
    if known.public and not seen.public:
        # Readers lose it; editors, who still see it, get it back as it is now.
        return [event(vanished, public=True, tombstone=True), event("updated", public=False)]
    if not explicit:
        return []
    return [event("updated", public=seen.public)]


def _among(ids: Iterable[int]) -> RawSQL:
    """``ids`` as one array parameter, for ``pk__in``: a batch's thousands of names as a list
    cost Django a resolution and psycopg a placeholder each."""
    return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])


def _locked_known(kind: str, ids: list[int]) -> dict[int, _Known]:
    """What the feed told of these objects, their rows locked (in id order)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT object_id, slug, public, {", ".join(_USES)}
              FROM articles_knownobject
             WHERE object = %s AND object_id = ANY(%s::bigint[])
             ORDER BY object_id
               FOR UPDATE
            """,
            [kind, ids],
        )
        return {row[0]: _Known(*row[1:]) for row in cursor.fetchall()}


def _uses(article_ids: list[int]) -> tuple[dict[int, str], dict[int, dict[str, list[int]]]]:
    """The slug of each article that exists, and the tags, authors and sources it names now."""
    slugs, uses = {}, {}
    with connection.cursor() as cursor:
        cursor.execute(_uses_sql(), [article_ids])
        for pk, slug, *ids in cursor.fetchall():
            slugs[pk], uses[pk] = slug, dict(zip(_USES, ids, strict=True))
    return slugs, uses


@functools.cache
def _uses_sql() -> str:
    """The ids of every kind's names each article links to (a source is quoted more than
    once: each id once)."""
    arrays = ", ".join(
        f"ARRAY(SELECT DISTINCT {kind.link_column} FROM {kind.link_model._meta.db_table} "
        "WHERE article_id = a.id)"
        for kind in NAMED_KINDS
    )
    return f"SELECT a.id, a.slug, {arrays} FROM articles_article a WHERE a.id = ANY(%s)"


def _remember(
    kind: str,
    rows: list[tuple[int, str, bool, dict[str, list[int]] | None, datetime.datetime | None]],
) -> None:
    """What the feed has now told of these objects, and when that changes by itself (one
    statement). Names use nothing (``uses`` None)."""
    if not rows:
        return
    empty: dict[str, list[int]] = {}
    document = json.dumps(
        [
            [pk, slug, public, *((uses or empty).get(column, []) for column in _USES), changes_at]
            for pk, slug, public, uses, changes_at in rows
        ],
        cls=DjangoJSONEncoder,
    )
    with connection.cursor() as cursor:
        cursor.execute(_remember_sql(kind == ARTICLE), [kind, document])


@functools.cache
def _remember_sql(uses_names: bool) -> str:
    """The upsert of ``_remember``'s rows: ``[id, slug, public, *uses, changes_at]``; the uses
    are read only for articles (for a name's thousands of rows, each an empty array cost
    three subqueries)."""
    uses = ", ".join(
        f"ARRAY(SELECT jsonb_array_elements_text(r->{3 + n})::bigint)"
        if uses_names else "'{}'::bigint[]"
        for n in range(len(_USES))
    )  # fmt: skip
    updated = ", ".join(f"{column} = EXCLUDED.{column}" for column in _USES)
    return f"""
        INSERT INTO articles_knownobject
               (object, object_id, slug, public, {", ".join(_USES)}, changes_at)
        SELECT %s, (r->>0)::bigint, r->>1, (r->>2)::boolean, {uses},
               (r->>{3 + len(_USES)})::timestamptz
          FROM jsonb_array_elements(%s::jsonb) AS e(r)
        ON CONFLICT (object, object_id) DO UPDATE
           SET slug = EXCLUDED.slug, public = EXCLUDED.public, {updated},
               changes_at = EXCLUDED.changes_at
        """


def _forget(kind: str, ids: list[int]) -> None:
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM articles_knownobject WHERE object = %s AND object_id = ANY(%s)",
                [kind, ids],
            )


def _insert(
    kind: str,
    events: list[_New],
    rows: tuple[str, list[Any]],
    columns: Sequence[str],
    data: tuple[str, list[Any]],
) -> None:
    """The events, in order (the ids follow it), in one statement, their data written in SQL:
    a tombstone's here, an object told of as it is now by ``data`` (over a row ``r`` of the
    statement ``rows``, whose columns are ``columns``), so that an import's thousands of
    articles and new names are never read into Python to be written back. Each event's data
    is stored as that text (a ``json`` column: compact, UTF-8), which the change feed sends
    without parsing it (``_feed``: a ``links.self`` path reads ``"self":"/``)."""
    if not events:
        return
    (rows_sql, rows_params), (data_sql, data_params) = rows, data
    tombstone = """'{"id":' || e.id || ',"slug":' || to_json(e.slug)::text || '}'"""
    with connection.cursor() as cursor:
        cursor.execute(
            # The rows are read first (MATERIALIZED): joined to the events as a subquery,
            # they were read and written out in a nested loop, twice as slow.
            f"""
            WITH r ({", ".join(f'"{column}"' for column in columns)}) AS MATERIALIZED ({rows_sql})
            INSERT INTO articles_event (type, object, object_id, slug, occurred_at, public, data)
            SELECT e.type, %s, e.id, COALESCE(e.slug, r.slug), %s, e.public,
                   (CASE WHEN e.slug IS NULL THEN {data_sql} ELSE {tombstone} END)::json
              FROM unnest(%s::text[], %s::bigint[], %s::boolean[], %s::text[])
                   WITH ORDINALITY AS e(type, id, public, slug, n)
              LEFT JOIN r ON e.slug IS NULL AND r.id = e.id
             ORDER BY e.n
            """,
            [
                *rows_params,
                kind,
                timezone.now(),
                *data_params,
                [e.type for e in events],
                [e.object_id for e in events],
                [e.public for e in events],
                # A tombstone's slug (the one last told); the others' are their rows'.
                [e.slug if e.tombstone else None for e in events],
            ],
        )


def copy_text(value: str) -> str:
    """A value in COPY's text format."""
    for char, escaped in _COPY_ESCAPES:
        value = value.replace(char, escaped)
    return value


_COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def compact_json(value: Any) -> str:
    """JSON as events and their deliveries hold it: compact, UTF-8 (not ASCII-escaped)."""
    return _COMPACT(value)


# One encoder for all (``json.dumps`` with ``cls`` makes one a call: an import's thousands).
_COMPACT = DjangoJSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
