"""Many articles at once, for the import command and ``POST /articles/bulk/``.

A batch is written set-based, in one transaction: one statement finds the articles its URLs
name, names are read and created a kind at a time (in the fixed order of ``services``, so no
two writers wait on each other in a cycle), new articles are inserted together, their
relations too, and the change log gets one row per article. Each record is checked first
with the rules of the one-by-one write path, so a bad record is reported and the others are
stored. Should the batch still fail as a whole (another writer took a slug or a URL in the
meantime), its records are written one by one through ``services``, each all or nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from articles import search, services
from articles.models import Article, Author, Byline, NamedEntity, Quotation, QuotedSource, Tag
from articles.services import QuoteInput
from articles.text import strip_controls

CREATED, UPDATED, SKIPPED, ERROR = "created", "updated", "skipped", "error"
RELATIONS = ("authors", "tags", "quotes")


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
    # Relations by slug (quotes: source slug and text); None: the record leaves them as they are.
    authors: list[str] | None = None
    tags: list[str] | None = None
    quotes: list[tuple[str, str]] | None = None
    # Every name used, by kind and slug: its spelling and, for sources, kind and description.
    names: dict[tuple[type[NamedEntity], str], tuple[str, dict[str, Any]]] = field(
        default_factory=dict
    )


def upsert_many(
    items: Sequence[Mapping[str, Any]],
    *,
    skip_existing: bool = False,
    may_create: bool = True,
    may_update: bool = True,
) -> list[Outcome]:
    """Create or update (by canonical ``url``) each validated write, as ``POST /articles/``
    would; one outcome per item, in order. ``may_create``/``may_update`` carry the caller's
    permissions: an item that needs the other one is an error."""
    outcomes: list[Outcome | None] = [None] * len(items)
    records: dict[int, _Record] = {}
    later: list[int] = []  # a URL seen earlier in the batch: written after it, one by one
    urls: set[str] = set()
    for number, item in enumerate(items):
        url = item.get("url") or None
        if url in urls:
            later.append(number)
            continue
        try:
            records[number] = _checked(item)
        except ValidationError as error:
            outcomes[number] = Outcome(ERROR, errors=messages(error))
            continue
        if url:
            urls.add(url)
    rules = {"skip_existing": skip_existing, "may_create": may_create, "may_update": may_update}
    try:
        with transaction.atomic():
            outcomes_in_batch = _write(records, **rules)
    except (DatabaseError, ValidationError):
        outcomes_in_batch = {number: upsert_one(items[number], **rules) for number in records}
    for number, outcome in outcomes_in_batch.items():
        outcomes[number] = outcome
    for number in later:
        outcomes[number] = upsert_one(items[number], **rules)
    return [outcome or Outcome(ERROR, errors="not written") for outcome in outcomes]


def upsert_one(
    item: Mapping[str, Any], *, skip_existing: bool, may_create: bool, may_update: bool
) -> Outcome:
    """One write through ``services``, in its own transaction."""
    url = item.get("url") or None
    existing = Article.objects.filter(url=url).values_list("pk", flat=True).first() if url else None
    refusal = _refusal(existing, skip_existing, may_create, may_update)
    if refusal is not None:
        return refusal
    try:
        if url:
            article, created = services.article_import(**item)
            return Outcome(CREATED if created else UPDATED, article.pk)
        return Outcome(CREATED, services.article_create(**item).pk)
    except ValidationError as error:
        return Outcome(ERROR, errors=messages(error))


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


def _checked(item: Mapping[str, Any]) -> _Record:
    """The record as the one-by-one path would store it, or the ValidationError it would
    raise: field rules, control characters, sanitised HTML, usable names and quotes."""
    fields = {key: value for key, value in item.items() if key not in RELATIONS}
    services.check_field_names(fields)
    article = Article(**fields)
    services.normalise_article(article)
    article.full_clean(exclude={"slug"}, validate_unique=False, validate_constraints=False)
    for key in fields:
        fields[key] = getattr(article, key)
    record = _Record(fields=fields, article=article)
    for model, key in ((Author, "authors"), (Tag, "tags")):
        if item.get(key) is None:
            continue
        slugs = []
        for name in services.unique_in_order(item[key]):
            clean, slug = services.checked_name(name, field=key)
            record.names.setdefault((model, slug), (clean, {}))
            slugs.append(slug)
        setattr(record, key, slugs)
    if item.get("quotes") is not None:
        quotes = [QuoteInput.coerce(quote) for quote in item["quotes"]]
        services.check_quotes(quotes)
        record.quotes = []
        for quote in quotes:
            clean, slug = services.checked_name(quote.source, field="quotes")
            record.names.setdefault((QuotedSource, slug), (clean, services.source_defaults(quote)))
            record.quotes.append((slug, strip_controls(quote.text, multiline=True)))
    return record


def _write(
    records: dict[int, _Record], *, skip_existing: bool, may_create: bool, may_update: bool
) -> dict[int, Outcome]:
    urls = [record.article.url for record in records.values() if record.article.url]
    existing = dict(
        Article.objects.select_for_update().filter(url__in=urls).values_list("url", "pk")
    )
    outcomes: dict[int, Outcome] = {}
    new: dict[int, _Record] = {}
    updates: dict[int, tuple[int, _Record]] = {}
    for number, record in records.items():
        pk = existing.get(record.article.url) if record.article.url else None
        refusal = _refusal(pk, skip_existing, may_create, may_update)
        if refusal is not None:
            outcomes[number] = refusal
        elif pk is None:
            new[number] = record
        else:
            updates[number] = (pk, record)
    written = [*new.values(), *(record for _, record in updates.values())]
    name_ids = _name_ids(written)
    _insert(list(new.values()))
    for number, record in new.items():
        outcomes[number] = Outcome(CREATED, record.article.pk)
    _update(dict(updates.values()))
    for number, (pk, _) in updates.items():
        outcomes[number] = Outcome(UPDATED, pk)
    _replace_relations(written, name_ids)
    search.record_changes(search.ARTICLE, [record.article.pk for record in written])
    return outcomes


def _name_ids(records: list[_Record]) -> dict[tuple[type[NamedEntity], str], int]:
    """Ids of every name the records use, new ones created: a kind at a time, by slug."""
    wanted: dict[tuple[type[NamedEntity], str], tuple[str, dict[str, Any]]] = {}
    for record in records:
        for key, value in record.names.items():
            wanted.setdefault(key, value)
    ids: dict[tuple[type[NamedEntity], str], int] = {}
    for model in sorted(services.CREATION_ORDER, key=services.CREATION_ORDER.__getitem__):
        slugs = sorted(slug for kind, slug in wanted if kind is model)
        if not slugs:
            continue
        found = dict(model.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            model.objects.bulk_create(
                [model(slug=slug, name=wanted[model, slug][0], **wanted[model, slug][1])
                 for slug in missing],
                ignore_conflicts=True,  # a concurrent writer's row is read back below
            )  # fmt: skip
            found.update(model.objects.filter(slug__in=missing).values_list("slug", "pk"))
        ids.update(((model, slug), pk) for slug, pk in found.items())
    return ids


def _insert(records: list[_Record]) -> None:
    """New articles, with slugs free now (one query); a clash inside the batch or with a
    concurrent writer gets a random suffix, or fails the batch (then written one by one)."""
    bases = [services.article_slug_base(record.article.title) for record in records]
    taken = set(Article.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    for record, base in zip(records, bases, strict=True):
        slug = base if base not in taken else f"{base}-{secrets.token_hex(3)}"
        taken.add(slug)
        record.article.slug = slug
    Article.objects.bulk_create([record.article for record in records], batch_size=1000)


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


def _replace_relations(records: list[_Record], ids: Mapping[Any, int]) -> None:
    with_authors = [r for r in records if r.authors is not None]
    with_tags = [r for r in records if r.tags is not None]
    with_quotes = [r for r in records if r.quotes is not None]
    Byline.objects.filter(article_id__in=[r.article.pk for r in with_authors]).delete()
    Byline.objects.bulk_create(
        [Byline(article_id=r.article.pk, author_id=ids[Author, slug], position=position)
         for r in with_authors for position, slug in enumerate(r.authors or ())],
        batch_size=2000,
    )  # fmt: skip
    tagging = Article.tags.through
    tagging.objects.filter(article_id__in=[r.article.pk for r in with_tags]).delete()
    tagging.objects.bulk_create(
        [tagging(article_id=r.article.pk, tag_id=ids[Tag, slug])
         for r in with_tags for slug in r.tags or ()],
        batch_size=2000,
    )  # fmt: skip
    Quotation.objects.filter(article_id__in=[r.article.pk for r in with_quotes]).delete()
    Quotation.objects.bulk_create(
        [Quotation(article_id=r.article.pk, source_id=ids[QuotedSource, slug], text=text,
                   position=position)
         for r in with_quotes for position, (slug, text) in enumerate(r.quotes or ())],
        batch_size=2000,
    )  # fmt: skip
