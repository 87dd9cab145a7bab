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
foresaw) is that record's answer, never the whole request's. The statements themselves are
``bulk_rows``'.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from articles import bulk_rows, duplicates, events, lifecycle, names, search, services
from articles.bulk_rows import Record
from articles.kinds import AUTHOR, SOURCE, TAG
from articles.models import Article, QuotedSource
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
class Batch:
    """Items checked, not yet written: ``prepare`` is pure Python, ``write`` talks to the
    database, so a reader can check the next batch while the last one is written."""

    items: Sequence[Mapping[str, Any]]
    rules: dict[str, Any]
    outcomes: list[Outcome | None]
    records: dict[int, Record]
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
    rules = {
        "actor": actor,
        "skip_existing": skip_existing,
        "may_create": may_create,
        "may_update": may_update,
    }
    return write(prepare(items, rules))


def prepare(items: Sequence[Mapping[str, Any]], rules: dict[str, Any]) -> Batch:
    """Check each item; ``rules`` are ``upsert_many``'s keywords, handed on to the writes."""
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


def _checked(item: Mapping[str, Any]) -> Record:
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
    record = Record(fields=fields, article=article)
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
    records: dict[int, Record],
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
    new: dict[int, Record] = {}
    updates: dict[int, tuple[int, Record]] = {}
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
    name_ids = bulk_rows.name_ids(written)
    before = lifecycle.snapshot([pk for pk, _ in updates.values()])
    bulk_rows.insert(list(new.values()), created_by=actor.user_id)
    for number, record in new.items():
        outcomes[number] = Outcome(CREATED, record.article.pk)
    bulk_rows.update(dict(updates.values()))
    for number, (pk, _) in updates.items():
        outcomes[number] = Outcome(UPDATED, pk)
    anonymous_ids = bulk_rows.anonymous_ids(written)
    bulk_rows.replace_relations(
        written, name_ids, anonymous_ids, updated={pk for pk, _ in updates.values()}
    )
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
    bulk_rows.untouch([article for article in existing.values() if article.pk in unchanged])
    search.record_changes(search.ARTICLE, sorted(changed))
    events.articles_changed(changed)
    return outcomes


def _forbidden(actor: lifecycle.Actor, stored: Article | None, record: Record) -> Outcome | None:
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
