"""Many articles at once, for the import command and ``POST /articles/bulk/``.

A batch is written set-based, in one transaction: one statement finds the articles its URLs
name, names are read and created a kind at a time (in the fixed order of ``articles.kinds``, so
no two writers wait on each other in a cycle), new articles are inserted together, their
relations too, their revisions in one statement (``lifecycle.record``), and the change log
and the outbox get the articles that changed (an update that stored what was there keeps its
``updated_at`` and tells nobody). An item its actor may not write (``lifecycle.refusal``: a
contributor publishing) is that item's error. Each record is checked first
with the rules of the one-by-one write path, so a bad record is reported and the others are
stored. Should the batch still fail as a whole (another writer took a slug or a URL in the
meantime), its records are written one by one through ``services``, each all or nothing: a
clash with another writer is resolved there (the url's article updated, another slug taken),
and whatever error one record still raises (the database refusing a value, a record no check
foresaw) is that record's answer, never the whole request's.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from articles import duplicates, events, lifecycle, names, search, services
from articles.fields import ARTICLE_FIELDS, DERIVED_FIELDS
from articles.kinds import AUTHOR, NAMED_KINDS, SOURCE, TAG, NamedKind
from articles.models import Article, NamedEntity, QuotedSource
from articles.services import QuoteInput
from articles.text import strip_controls

CREATED, UPDATED, SKIPPED, ERROR = "created", "updated", "skipped", "error"
RELATIONS = ("authors", "tags", "quotes")
logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    status: str
    id: int | None = None
    errors: Any = None


@dataclass
class _Record:
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


@dataclass
class Batch:
    """Items checked, not yet written: ``prepare`` is pure Python, ``write`` talks to the
    database, so a reader can check the next batch while the last one is written."""

    items: Sequence[Mapping[str, Any]]
    rules: dict[str, Any]
    outcomes: list[Outcome | None]
    records: dict[int, _Record]
    later: list[int]  # a URL seen earlier in the batch: written after it, one by one


def upsert_many(
    items: Sequence[Mapping[str, Any]],
    *,
    actor: lifecycle.Actor = services.SYSTEM,
    skip_existing: bool = False,
    may_create: bool = True,
    may_update: bool = True,
) -> list[Outcome]:
    """Create or update (by canonical ``url``) each validated write (``contract.ArticleContract``)
    as ``POST /articles/`` would; one outcome per item, in order. ``may_create`` and
    ``may_update`` carry the caller's permissions: an item that needs the other is an error,
    and so is one the ``actor`` may not make (``lifecycle``: a contributor publishing)."""
    return write(
        prepare(
            items,
            actor=actor,
            skip_existing=skip_existing,
            may_create=may_create,
            may_update=may_update,
        )
    )


def prepare(
    items: Sequence[Mapping[str, Any]],
    *,
    actor: lifecycle.Actor = services.SYSTEM,
    skip_existing: bool = False,
    may_create: bool = True,
    may_update: bool = True,
) -> Batch:
    rules = {
        "actor": actor,
        "skip_existing": skip_existing,
        "may_create": may_create,
        "may_update": may_update,
    }
    batch = Batch(items, rules, outcomes=[None] * len(items), records={}, later=[])
    urls: set[str] = set()
    for number, item in enumerate(items):
        url = item.get("url") or None
        if url in urls:
            batch.later.append(number)
            continue
        try:
            batch.records[number] = _checked(item)
        except ValidationError as error:
            batch.outcomes[number] = Outcome(ERROR, errors=messages(error))
            continue
        except Exception as error:  # whatever one record raises is its answer
            batch.outcomes[number] = unexpected(error)
            continue
        if url:
            urls.add(url)
    return batch


def write(batch: Batch) -> list[Outcome]:
    """Store a prepared batch: set-based in one transaction, or, should that fail as a whole,
    item by item; then the items whose URL came twice."""
    try:
        with transaction.atomic():
            written = _write(batch.records, **batch.rules)
    except Exception as error:  # the records one by one tell which one it was
        if not isinstance(error, DatabaseError | ValidationError):  # a clash is foreseen
            logger.exception("A batch failed; its articles are written one by one")
        written = {n: upsert_one(batch.items[n], **batch.rules) for n in batch.records}
    outcomes = list(batch.outcomes)
    for number, outcome in written.items():
        outcomes[number] = outcome
    for number in batch.later:
        outcomes[number] = upsert_one(batch.items[number], **batch.rules)
    return [outcome or Outcome(ERROR, errors="not written") for outcome in outcomes]


def upsert_one(
    item: Mapping[str, Any],
    *,
    actor: lifecycle.Actor,
    skip_existing: bool,
    may_create: bool,
    may_update: bool,
) -> Outcome:
    """One write through ``services``, in its own transaction (``services`` retries what a
    concurrent writer made fail); any error left is the item's outcome."""
    try:
        url = item.get("url") or None
        existing = (
            Article.objects.filter(url=url).values_list("pk", flat=True).first() if url else None
        )
        refusal = _refusal(existing, skip_existing, may_create, may_update)
        if refusal is not None:
            return refusal
        if url:
            article, created = services.article_import(actor=actor, **item)
            return Outcome(CREATED if created else UPDATED, article.pk)
        return Outcome(CREATED, services.article_create(actor=actor, **item).pk)
    except lifecycle.Forbidden as error:
        return Outcome(ERROR, existing, str(error))
    except ValidationError as error:
        return Outcome(ERROR, errors=messages(error))
    except DatabaseError as error:
        return Outcome(ERROR, errors=f"The database refused the article: {refused(error)}")
    except Exception as error:  # whatever one record raises is its answer
        return unexpected(error)


def _refusal(
    existing: int | None, skip_existing: bool, may_create: bool, may_update: bool
) -> Outcome | None:
    if existing is not None and skip_existing:
        return Outcome(SKIPPED, existing)
    if existing is not None and not may_update:
        return Outcome(ERROR, existing, "An article with this url exists: updating it needs "
                                        "the permission to change articles.")  # fmt: skip
    if existing is None and not may_create:
        return Outcome(ERROR, errors="Creating an article needs the permission to add articles.")
    return None


def messages(error: ValidationError) -> Any:
    return error.message_dict if hasattr(error, "error_dict") else error.messages


def refused(error: DatabaseError) -> str:
    """What PostgreSQL said, in its words ("value out of range for type smallint")."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "message_primary", None) or str(error).splitlines()[0]


def unexpected(error: Exception) -> Outcome:
    """A record that made something fail that no check foresaw (nested too deep for a
    recursive step, too large to hold): reported as its own error, logged for us."""
    logger.warning("An article could not be stored", exc_info=error)
    return Outcome(ERROR, errors=f"The article could not be stored ({type(error).__name__}).")


def _checked(item: Mapping[str, Any]) -> _Record:
    """The record as the one-by-one path would store it, or the ValidationError it would
    raise: field rules, control characters, sanitised HTML, usable names and quotes."""
    fields = {key: value for key, value in item.items() if key not in RELATIONS}
    services.check_field_names(fields)
    article = Article(**fields)
    services.normalise_article(article)
    article.clean()  # the one-row rules of the fields given (the database checks the rest)
    # The write contract checked each field; what normalising can empty is checked again.
    blank = [name for name in ("title", "body") if not getattr(article, name).strip()]
    if blank:
        raise ValidationError({name: ["This field cannot be blank."] for name in blank})
    for key in fields:
        fields[key] = getattr(article, key)
    if "body" in fields:  # derived from it
        fields["word_count"] = article.word_count
    record = _Record(fields=fields, article=article)
    for kind in (AUTHOR, TAG):  # named by lists of their own (sources: by quotes)
        key = kind.plural
        if item.get(key) is None:
            continue
        slugs = []
        for name in services.unique_in_order(item[key]):
            clean, slug = services.checked_name(name, field=key)
            record.names.setdefault((kind.model, slug), (clean, {}))
            slugs.append(slug)
        setattr(record, key, slugs)
    if item.get("quotes") is not None:
        quotes = [QuoteInput.coerce(quote) for quote in item["quotes"]]
        services.check_quotes(quotes)
        record.quotes = []
        for quote in quotes:
            clean, slug = services.checked_name(quote.source, field="quotes")
            text = strip_controls(quote.text, multiline=True)
            if quote.kind == QuotedSource.Kind.ANONYMOUS:
                description = strip_controls(quote.description or clean)
                record.anonymous.setdefault(slug, (clean, description))
                record.quotes.append((slug, text, True))
                continue
            record.names.setdefault((SOURCE.model, slug), (clean, services.source_defaults(quote)))
            record.quotes.append((slug, text, False))
    return record


def _write(
    records: dict[int, _Record],
    *,
    actor: lifecycle.Actor,
    skip_existing: bool,
    may_create: bool,
    may_update: bool,
) -> dict[int, Outcome]:
    urls = [record.article.url for record in records.values() if record.article.url]
    existing = {
        article.url: article
        for article in Article.objects.select_for_update()
        .filter(url__in=urls)
        .only("url", "status", "published_at", "created_by_id", "updated_at")
    }
    outcomes: dict[int, Outcome] = {}
    new: dict[int, _Record] = {}
    updates: dict[int, tuple[int, _Record]] = {}
    for number, record in records.items():
        stored = existing.get(record.article.url) if record.article.url else None
        pk = stored.pk if stored is not None else None
        refusal = _refusal(pk, skip_existing, may_create, may_update) or _forbidden(
            actor, stored, record
        )
        if refusal is not None:
            outcomes[number] = refusal
        elif pk is None:
            new[number] = record
        else:
            updates[number] = (pk, record)
    written = [*new.values(), *(record for _, record in updates.values())]
    name_ids = _name_ids(written)
    before = lifecycle.snapshot([pk for pk, _ in updates.values()])
    _insert(list(new.values()), created_by=actor.user_id)
    for number, record in new.items():
        outcomes[number] = Outcome(CREATED, record.article.pk)
    _update(dict(updates.values()))
    for number, (pk, _) in updates.items():
        outcomes[number] = Outcome(UPDATED, pk)
    anonymous_ids = _anonymous_ids(written)
    _replace_relations(written, name_ids, anonymous_ids, updated={pk for pk, _ in updates.values()})
    names.drop_unquoted_anonymous(
        [record.article.pk for record in written if record.quotes is not None]
    )
    changed = lifecycle.record([r.article.pk for r in written], actor=actor, before=before)
    created = {record.article.pk for record in new.values()}
    bodies = {
        r.article.pk: r.article.body
        for r in written
        if r.article.pk in changed and (r.article.pk in created or "body" in r.fields)
    }
    duplicates.bodies_written(bodies, new=created)
    # Updates that stored what was there keep their version and tell nobody.
    unchanged = {pk for pk, _ in updates.values()} - changed
    _untouch([article for article in existing.values() if article.pk in unchanged])
    search.record_changes(search.ARTICLE, sorted(changed))
    events.articles_changed(changed)
    return outcomes


def _forbidden(actor: lifecycle.Actor, stored: Article | None, record: _Record) -> Outcome | None:
    """The item as ``lifecycle`` rules it (an update keeps the stored status and date it
    does not give)."""
    before = lifecycle.State.of(stored) if stored is not None else None
    fields = record.fields
    after = lifecycle.State(
        fields.get("status", before.status if before else record.article.status),
        fields.get("published_at", before.published_at if before else None),
        before.created_by_id if before else actor.user_id,
    )
    refusal = lifecycle.refusal(actor, before, after)
    if refusal is None:
        return None
    return Outcome(ERROR, stored.pk if stored is not None else None, refusal)


def _untouch(articles: list[Article]) -> None:
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


def _name_ids(records: list[_Record]) -> dict[tuple[type[NamedEntity], str], int]:
    """Ids of every name the records use, new ones created: a kind at a time, by slug."""
    wanted: dict[tuple[type[NamedEntity], str], tuple[str, dict[str, Any]]] = {}
    for record in records:
        for key, value in record.names.items():
            wanted.setdefault(key, value)
    ids: dict[tuple[type[NamedEntity], str], int] = {}
    for kind in NAMED_KINDS:  # in their order (``NamedKind.order``)
        model = kind.model
        slugs = sorted(slug for of, slug in wanted if of is model)
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
            _insert_rows(model._meta.db_table, columns, rows, on_conflict="ON CONFLICT DO NOTHING")
            found.update(model.objects.filter(slug__in=missing).values_list("slug", "pk"))
        ids.update(((model, slug), pk) for slug, pk in found.items())
    return ids


# Columns of a new article, and their PostgreSQL types for unnest().
_ARTICLE_COLUMNS = {
    **{each.name: each.sql_type for each in (*ARTICLE_FIELDS, *DERIVED_FIELDS)},
    "created_by_id": "bigint",
}


def _insert(records: list[_Record], *, created_by: int | None) -> None:
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
    for slug, pk in _insert_rows(Article._meta.db_table, _ARTICLE_COLUMNS, rows, ("slug", "id")):
        by_slug[slug].article.pk = pk


def _insert_rows(
    table: str,
    columns: Mapping[str, str],
    rows: list[list[Any]],
    returning: Sequence[str] = (),
    *,
    on_conflict: str = "",
) -> list[tuple[Any, ...]]:
    """``INSERT INTO table SELECT FROM unnest(arrays)``: one statement, one array a column,
    sent apart from the SQL (server-side binding: nothing is quoted into the text)."""
    if not rows:
        return []
    arrays = [list(column) for column in zip(*rows, strict=True)]
    values = ", ".join(f"%s::{kind}[]" for kind in columns.values())
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({values}) {on_conflict}"
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    connection.ensure_connection()
    # psycopg's errors raised as Django's (IntegrityError, DataError...): what callers handle.
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, arrays)
        return cursor.fetchall() if returning else []


def _update(records: dict[int, _Record]) -> None:
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


def _anonymous_ids(records: list[_Record]) -> dict[tuple[int, str], int]:
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
    _insert_rows(QuotedSource._meta.db_table, columns, rows, on_conflict="ON CONFLICT DO NOTHING")
    stored_ids = QuotedSource.objects.filter(slug__in=list(wanted)).values_list("slug", "pk")
    return {wanted[stored][:2]: pk for stored, pk in stored_ids}


def _replace_relations(
    records: list[_Record],
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

    _insert_rows(
        *link(AUTHOR, position="smallint"),
        [[r.article.pk, ids[AUTHOR.model, slug], position]
         for r in with_authors for position, slug in enumerate(r.authors or ())],
    )  # fmt: skip
    _insert_rows(
        *link(TAG),
        [[r.article.pk, ids[TAG.model, slug]] for r in with_tags for slug in r.tags or ()],
    )
    _insert_rows(
        *link(SOURCE, text="text", position="smallint"),
        [[r.article.pk,
          anonymous_ids[r.article.pk, slug] if anonymous else ids[SOURCE.model, slug],
          text, position]
         for r in with_quotes for position, (slug, text, anonymous) in enumerate(r.quotes or ())],
    )  # fmt: skip
