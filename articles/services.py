"""Every write: articles with their authors, tags and quotes, and the named entities.

Each public function runs in one transaction and records what it changed in the search index's
change log within it (``articles.search``), so that a reader sees the whole write here and the
index never misses one. Article writes take an ``actor`` (who, through which door): the
workflow's rules are asked with the row locked, and each save keeps a revision
(``articles.lifecycle``); a save that would store what is there is undone. Errors are Django
``ValidationError``s (the API answers them with a 400); nothing of a failed write is stored.

Concurrency: an update locks the row it changes and applies only the fields given to the row
as it is now, so concurrent updates of different fields all survive (the same field: the last
writer wins, or ``if_match`` makes the write conditional). New names are created in one fixed
order (tags, authors, sources; by slug), so two writers never wait on each other in a cycle;
a deadlock or serialization failure that still happens is retried a few times.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, QuerySet, RestrictedError
from django.utils import timezone

from articles import duplicates, events, kinds, lifecycle, search
from articles import names as naming
from articles.fields import FIELD_NAMES, LINE_FIELDS, MULTILINE_FIELDS
from articles.models import Article, Author, Byline, NamedEntity, Quotation, QuotedSource, Tag
from articles.selectors import article_ids_using, article_tag_slugs
from articles.text import (
    MarkupTooComplex,
    clean_body,
    make_slug,
    normalise_name,
    strip_controls,
    word_count,
)
from articles.transactions import retrying

Named = TypeVar("Named", bound=NamedEntity)

SLUG_ATTEMPTS = 5
ARTICLE_URL_UNIQUE = "articles_article_url_key"
ARTICLE_SLUG_UNIQUE = "articles_article_slug_key"


class Conflict(ValidationError):
    """The write clashes with what is stored (a name taken, a source still quoted): the API
    answers 409, forms show it as an error."""


def an(noun: str) -> str:
    """ "a tag", "an author"."""
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


class PreconditionFailed(Exception):
    """``if_match`` named a version the article no longer has."""


class _Unchanged(Exception):
    """The write stored what was there: undone, so that nothing (``updated_at``, the ETag, an
    event, a revision) says it changed."""


# Writes without an actor (internal callers, tests) have every right.
SYSTEM = lifecycle.Actor("api")


def constraint_name(error: IntegrityError) -> str | None:
    """The constraint PostgreSQL names in ``error``."""
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)


def article_version(article: Article) -> str:
    """Changes with every write of the article (its ETag)."""
    return version_of(article.pk, article.updated_at)


def version_of(article_id: int, updated_at: datetime.datetime) -> str:
    """The version of the article with this id as it was at ``updated_at``."""
    return f"{article_id}-{int(updated_at.timestamp() * 1_000_000)}"


def article_versions(ids: Collection[int]) -> dict[int, str]:
    """The versions of the articles with these ids (those that exist): one query."""
    articles = Article.objects.filter(pk__in=list(ids)).only("id", "updated_at")
    return {article.pk: article_version(article) for article in articles}


@dataclass(frozen=True)
class QuoteInput:
    """A quotation to write: ``source`` is the name (or slug) of the person or body quoted."""

    source: str
    text: str
    kind: str | None = None
    description: str | None = None

    @classmethod
    def coerce(cls, value: QuoteInput | Mapping[str, Any]) -> QuoteInput:
        if isinstance(value, QuoteInput):
            return value
        return cls(
            source=str(value.get("source") or ""),
            text=str(value.get("text") or ""),
            kind=value.get("kind"),
            description=value.get("description"),
        )


# --- named entities: tags, authors, quoted sources ------------------------------------------


def checked_name(name: str, *, field: str) -> tuple[str, str]:
    """The stored form of a name and its slug, or a ValidationError naming ``field``."""
    clean = normalise_name(name or "")
    slug = make_slug(clean)
    if not clean or not slug:
        raise ValidationError(
            {field: [f"{name!r} is not a usable name: it needs a letter or digit."]}
        )
    if len(clean) > 200:
        raise ValidationError({field: ["A name has at most 200 characters."]})
    return clean, slug


def get_or_create_named(
    model: type[Named], name: str, *, field: str = "name", defaults: Mapping[str, Any] | None = None
) -> Named:
    """The entity whose slug is ``name``'s, created when new.

    Safe against concurrent writers: the insert runs in a savepoint, and when another
    transaction committed the same slug first, as a name or as an alias (``TakenSlug``
    refused the insert), the entity it names is read back instead.
    """
    clean, slug = checked_name(name, field=field)
    aliased = naming.moved_to(model, slug)
    if aliased is not None:
        return model.objects.get(slug=aliased)
    try:
        entity, _ = model.objects.get_or_create(
            slug=slug, defaults={"name": clean, **(defaults or {})}
        )
    except IntegrityError:
        holder = naming.resolve(model, slug)
        if holder is not None:
            return holder
        raise Conflict(
            {field: [f"{clean!r} clashes with an existing {model._meta.verbose_name} name."]}
        ) from None
    return entity


def _record_named(entity: NamedEntity, entity_id: int | None = None) -> None:
    """Log the name for the search index (``entity_id``: its id before it was deleted)."""
    code = kinds.of_model(type(entity)).change_code
    search.record_changes(code, [entity.pk if entity_id is None else entity_id])


def _articles_changed(article_ids: list[int], *, touch: bool = False) -> None:
    """Log the articles for the search index; ``touch`` also sets their ``updated_at``, for
    writes that change what an article shows without writing its row (renaming one of its
    tags, say), so that clients syncing with ``updated_after`` see it."""
    if touch and article_ids:
        Article.objects.filter(pk__in=article_ids).update(updated_at=timezone.now())
    search.record_changes(search.ARTICLE, article_ids)
    events.articles_changed(article_ids)


def named_check(model: type[NamedEntity], name: str, *, exclude_pk: int | None = None) -> str:
    """The slug ``name`` would have, or a ValidationError when it is not a usable name or
    another tag (author, source) has that identity. Forms call it to show the error."""
    clean, slug = checked_name(name, field="name")
    if model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        raise Conflict(
            {"name": [f"{an(model._meta.verbose_name).capitalize()} named {clean!r} exists."]}
        )
    return slug


@retrying
@transaction.atomic
def named_create(model: type[Named], *, name: str, **fields: Any) -> Named:
    """A new tag, author or source; 409 when its name or an alias is another's."""
    slug = named_check(model, name)
    entity = model(name=normalise_name(name), slug=slug)
    naming.prepare(entity, fields)
    for field, value in fields.items():
        setattr(entity, field, value)
    _save_named(entity)
    _record_named(entity)
    events.names_changed(model, [entity.pk])
    return entity


@retrying
@transaction.atomic
def named_update(entity: Named, **changes: Any) -> Named:
    """Update a tag, author or source. A new name gives a new slug; when anything changed,
    every article that uses the entity is re-indexed and its ``updated_at`` touched (its
    representation, and so its ETag, changed)."""
    renamed = "name" in changes and normalise_name(changes["name"] or "") != entity.name
    if renamed:
        name = changes.pop("name")
        entity.slug = named_check(type(entity), name, exclude_pk=entity.pk)
        entity.name = normalise_name(name)
    changes.pop("name", None)
    aliases = list(getattr(entity, "aliases", ()))
    naming.prepare(entity, changes)
    changed = (
        renamed
        or aliases != list(getattr(entity, "aliases", ()))
        or any(getattr(entity, f) != v for f, v in changes.items())
    )
    for field, value in changes.items():
        setattr(entity, field, value)
    _save_named(entity)
    _record_named(entity)
    if changed:  # what articles show (names, slugs, kinds) or are found by changed
        _articles_changed(article_ids_using(entity), touch=True)
    events.names_changed(type(entity), [entity.pk])
    return entity


@retrying
@transaction.atomic
def named_delete(entity: NamedEntity) -> None:
    """Delete a tag or author (articles lose it) or an unquoted source."""
    article_ids = article_ids_using(entity)
    entity_id = entity.pk
    try:
        with transaction.atomic():
            entity.delete()
    except (ProtectedError, RestrictedError):
        raise Conflict(
            f"{entity.name!r} is quoted in {len(article_ids)} article(s): delete the quotes first."
        ) from None
    _record_named(entity, entity_id)
    _articles_changed(article_ids, touch=True)
    events.names_changed(type(entity), [entity_id])


def _save_named(entity: NamedEntity) -> None:
    kind = kinds.of_model(type(entity))
    _strip_unsafe(entity, kind.line_fields, kind.multiline_fields)
    entity.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            entity.save()
    except IntegrityError as error:
        constraint = constraint_name(error) or ""
        if constraint.endswith("wikidata_id_key"):
            raise Conflict({"wikidata_id": [f"{entity.wikidata_id} is another's."]}) from None
        if constraint == naming.TAKEN_SLUG_KEY:
            # Another transaction committed one of these slugs after the check: say whose.
            naming.check_identity_of(entity)
        raise Conflict(
            {
                "name": [
                    f"{an(entity._meta.verbose_name).capitalize()} named {entity.name!r} exists."
                ]
            }
        ) from None


# --- articles ---------------------------------------------------------------------------------


@retrying
@transaction.atomic
def article_create(
    *,
    actor: lifecycle.Actor = SYSTEM,
    authors: Sequence[str] = (),
    tags: Sequence[str] = (),
    quotes: Sequence[QuoteInput | Mapping[str, Any]] = (),
    **fields: Any,
) -> Article:
    """Create an article with its authors, tags and quotes (created by name when new)."""
    check_field_names(fields)
    article = Article(**fields, created_by_id=actor.user_id)
    lifecycle.check(actor, None, lifecycle.State.of(article))
    return _store(article, new_slug=True, actor=actor, body_written=True, authors=authors,
                  tags=tags, quotes=quotes)  # fmt: skip


@retrying
@transaction.atomic
def article_update(
    article: Article,
    *,
    actor: lifecycle.Actor = SYSTEM,
    if_match: Collection[str] | None = None,
    authors: Sequence[str] | None = None,
    tags: Sequence[str] | None = None,
    quotes: Sequence[QuoteInput | Mapping[str, Any]] | None = None,
    **fields: Any,
) -> Article:
    """Change the given fields; ``authors``, ``tags`` and ``quotes`` replace lists when given.

    The row is locked and read afresh, and only the given fields are written onto it. With
    ``if_match`` (versions, or ``*``), the article must still have one of these versions."""
    check_field_names(fields)
    current = _locked(article, if_match)
    before = lifecycle.State.of(current)
    for field, value in fields.items():
        setattr(current, field, value)
    lifecycle.check(actor, before, lifecycle.State.of(current))
    return _store(current, new_slug=False, actor=actor, body_written="body" in fields,
                  authors=authors, tags=tags, quotes=quotes)  # fmt: skip


def _locked(article: Article, if_match: Collection[str] | None) -> Article:
    current = Article.objects.select_for_update().get(pk=article.pk)
    if if_match is not None and "*" not in if_match and article_version(current) not in if_match:
        raise PreconditionFailed(article_version(current))
    return current


def _store(
    article: Article,
    *,
    new_slug: bool,
    actor: lifecycle.Actor,
    body_written: bool,
    **relations: Any,
) -> Article:
    """Save the article, replace the relations given, keep the revision and log it for the
    search index and the outbox; a save that changes nothing is undone. A body written is
    fingerprinted and its near-duplicates regrouped (``duplicates``)."""
    before = lifecycle.snapshot([article.pk] if article.pk else [])
    created = article.pk is None
    try:
        with transaction.atomic():
            _save_article(article, new_slug=new_slug)
            _replace_relations(article, **relations)
            if body_written:
                duplicates.bodies_written(
                    {article.pk: article.body}, new=[article.pk] if created else []
                )
            if not lifecycle.record([article.pk], actor=actor, before=before):
                raise _Unchanged
            _articles_changed([article.pk])
    except _Unchanged:
        pass
    article.refresh_from_db()
    return article


@retrying
@transaction.atomic
def article_import(
    *, url: str, actor: lifecycle.Actor = SYSTEM, **fields: Any
) -> tuple[Article, bool]:
    """Create or update the article whose canonical ``url`` this is: re-importing the same URL
    updates it and never makes a duplicate. Returns the article and whether it is new."""
    existing = Article.objects.select_for_update().filter(url=url).first()
    if existing is not None:
        return article_update(existing, actor=actor, **fields), False
    try:
        with transaction.atomic():
            return article_create(url=url, actor=actor, **fields), True
    except ValidationError as error:
        # A concurrent import of the same URL committed first: update that one instead.
        racing = Article.objects.select_for_update().filter(url=url).first()
        if racing is None or "url" not in getattr(error, "error_dict", {}):
            raise
        return article_update(racing, actor=actor, **fields), False


@retrying
@transaction.atomic
def article_delete(
    article: Article, *, actor: lifecycle.Actor = SYSTEM, if_match: Collection[str] | None = None
) -> None:
    refusal = lifecycle.deletion_refusal(actor)
    if refusal is not None:
        raise lifecycle.Forbidden(refusal)
    current = _locked(article, if_match)
    article_id = current.pk
    duplicates.articles_deleted([article_id])
    current.delete()
    _articles_changed([article_id])


@retrying
@transaction.atomic
def articles_set_status(
    articles: QuerySet[Article], status: str, *, actor: lifecycle.Actor = SYSTEM
) -> int:
    """Publish, unpublish (back to draft), submit for review or archive; publishing dates
    undated articles now. All or nothing: one article the actor may not change refuses all."""
    if status not in Article.Status.values:
        raise ValidationError({"status": [f"{status!r} is not one of {Article.Status.values}."]})
    now = timezone.now()
    locked = list(articles.select_for_update())
    before = lifecycle.snapshot([article.pk for article in locked])
    for article in locked:
        state = lifecycle.State.of(article)
        article.status = status
        if status == Article.Status.PUBLISHED and article.published_at is None:
            article.published_at = now
        if lifecycle.State.of(article) == state:
            continue
        refusal = lifecycle.refusal(actor, state, lifecycle.State.of(article))
        if refusal is not None:
            raise lifecycle.Forbidden(f"“{article.title}”: {refusal}")
        article.save(update_fields=["status", "published_at", "updated_at"])
    changed = lifecycle.record([article.pk for article in locked], actor=actor, before=before)
    _articles_changed(sorted(changed))
    return len(changed)


@retrying
@transaction.atomic
def article_admin_write(
    article: Article,
    *,
    actor: lifecycle.Actor,
    authors: Sequence[Author] | None,
    tags: Sequence[Tag] | None,
    quotes: Sequence[tuple[QuotedSource, str]] | None,
) -> Article:
    """Store an article whose fields a form has set, with the relations the admin's forms
    chose (``None``: a list the editor could not see stays), as every other writer does.
    Names typed in the form come unsaved, and are created as the API creates them."""
    if article.pk is None:
        article.created_by_id = actor.user_id
        before = None
    else:
        before = lifecycle.State.of(Article.objects.select_for_update().get(pk=article.pk))
    lifecycle.check(actor, before, lifecycle.State.of(article))
    if tags is not None and article.pk:  # a form's choices come alphabetically: keep the order
        order = {slug: n for n, slug in enumerate(article_tag_slugs(article))}
        tags = sorted(tags, key=lambda tag: order.get(tag.slug, len(order)))
    return _store(
        article,
        new_slug=False,
        actor=actor,
        body_written=True,
        authors=None if authors is None else [_chosen(author) for author in authors],
        tags=None if tags is None else [_chosen(tag) for tag in tags],
        quotes=None if quotes is None else [_admin_quote(source, text) for source, text in quotes],
    )


def _admin_quote(source: QuotedSource, text: str) -> QuoteInput:
    """An anonymous source chosen in the admin is this article's own of that name (another
    article's is not the same person)."""
    if source.kind == QuotedSource.Kind.ANONYMOUS:
        return QuoteInput(source=source.name, text=text, kind=source.kind,
                          description=source.description)  # fmt: skip
    return QuoteInput(source=_chosen(source), text=text)


def _chosen(entity: NamedEntity) -> str:
    """A stored name by its slug; one the editor typed (unsaved) by its name, created here."""
    return entity.slug if entity.pk else entity.name


def check_field_names(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(FIELD_NAMES)
    if unknown:
        raise TypeError(f"unknown article fields: {sorted(unknown)}")


def _strip_unsafe(entity: Any, lines: Iterable[str], texts: Iterable[str]) -> None:
    """Control characters and bidi overrides are never stored in what readers see."""
    for field in lines:
        setattr(entity, field, strip_controls(getattr(entity, field) or ""))
    for field in texts:
        setattr(entity, field, strip_controls(getattr(entity, field) or "", multiline=True))


def normalise_article(article: Article) -> None:
    """What every writer does to an article's fields before storing them: control characters
    out, HTML sanitised, empty URLs NULL, a published article dated, dates in UTC, the
    words counted."""
    _strip_unsafe(article, LINE_FIELDS, MULTILINE_FIELDS)
    if article.body:
        try:
            article.body = clean_body(article.body)
        except MarkupTooComplex as error:
            raise ValidationError({"body": [str(error)]}) from None
    article.word_count = word_count(article.body or "")
    if article.url == "":
        article.url = None
    if article.image_url == "":
        article.image_url = None
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    for name in ("published_at", "expires_at"):
        moment = getattr(article, name)
        if isinstance(moment, datetime.datetime):
            if timezone.is_naive(moment):  # the newsroom's zone, as the API reads it
                moment = timezone.make_aware(moment, timezone.get_default_timezone())
            # PostgreSQL takes offsets up to 15:59; Python allows any below 24 hours.
            setattr(article, name, moment.astimezone(datetime.UTC))


def _save_article(article: Article, *, new_slug: bool) -> None:
    normalise_article(article)
    if new_slug or not article.slug:
        article.slug = _free_article_slug(article.title, exclude_pk=article.pk)
    article.full_clean(exclude={"slug"}, validate_constraints=True)
    for attempt in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                article.save()
            return
        except IntegrityError as error:
            constraint = constraint_name(error)
            if constraint == ARTICLE_URL_UNIQUE:
                raise Conflict({"url": ["An article with this URL exists."]}) from None
            if constraint != ARTICLE_SLUG_UNIQUE or attempt == SLUG_ATTEMPTS - 1:
                raise ValidationError(
                    f"The article could not be saved (it breaks {constraint or 'a rule'})."
                ) from None
            # Another writer took the slug meanwhile: a random suffix cannot clash again.
            article.slug = f"{article_slug_base(article.title)}-{secrets.token_hex(3)}"


def article_slug_base(title: str) -> str:
    return make_slug(title)[:240] or "article"


def _free_article_slug(title: str, *, exclude_pk: int | None) -> str:
    base = article_slug_base(title)
    taken = set(
        Article.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def unique_in_order(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for name in names:
        slug = make_slug(normalise_name(name or ""))
        if slug not in seen:
            seen.add(slug)
            result.append(name)
    return result


def check_counts(
    *,
    authors: Sequence[Any] | None = None,
    tags: Sequence[Any] | None = None,
    quotes: Sequence[Any] | None = None,
) -> None:
    """At most ``ARTICLE_MAX_AUTHORS`` authors, ``ARTICLE_MAX_TAGS`` tags and
    ``ARTICLE_MAX_QUOTES`` quotes an article (a ValidationError naming the list)."""
    errors = {}
    for field, given, most in (
        ("authors", authors, settings.ARTICLE_MAX_AUTHORS),
        ("tags", tags, settings.ARTICLE_MAX_TAGS),
        ("quotes", quotes, settings.ARTICLE_MAX_QUOTES),
    ):
        if given is not None and len(given) > most:
            errors[field] = [f"An article has at most {most} {field}, not {len(given)}."]
    if errors:
        raise ValidationError(errors)


def check_quotes(quotes: Sequence[QuoteInput]) -> None:
    check_counts(quotes=quotes)
    errors = []
    kinds = QuotedSource.Kind.values
    for number, quote in enumerate(quotes, start=1):
        if not make_slug(normalise_name(quote.source)):
            errors.append(f"Quote {number}: name the person or body quoted.")
        if not strip_controls(quote.text).strip():
            errors.append(f"Quote {number}: a quotation needs its text.")
        if quote.kind is not None and quote.kind not in kinds:
            errors.append(f"Quote {number}: kind {quote.kind!r} is not one of {kinds}.")
    if errors:
        raise ValidationError({"quotes": errors})


@dataclass(frozen=True)
class _NameWanted:
    model: type[NamedEntity]
    name: str
    field: str
    defaults: Mapping[str, Any]


def _names_in_fixed_order(wanted: Iterable[_NameWanted]) -> dict[tuple[type, str], NamedEntity]:
    """Get or create every wanted name, in one order whatever the article lists; the first
    wish for a slug gives its spelling and defaults."""
    by_key: dict[tuple[type, str], _NameWanted] = {}
    for wish in wanted:
        _, slug = checked_name(wish.name, field=wish.field)
        by_key.setdefault((wish.model, slug), wish)
    # Every writer creates missing names in one order (``NamedKind.order``, then by slug):
    # no waiting in a cycle.
    ordered = sorted(
        by_key.items(), key=lambda item: (kinds.of_model(item[0][0]).order, item[0][1])
    )
    return {
        key: get_or_create_named(wish.model, wish.name, field=wish.field, defaults=wish.defaults)
        for key, wish in ordered
    }


def _replace_relations(
    article: Article,
    *,
    authors: Sequence[str] | None,
    tags: Sequence[str] | None,
    quotes: Sequence[QuoteInput | Mapping[str, Any]] | None,
) -> None:
    quote_inputs = None if quotes is None else [QuoteInput.coerce(q) for q in quotes]
    if quote_inputs is not None:
        check_quotes(quote_inputs)
    author_names = unique_in_order(authors or [])
    tag_names = unique_in_order(tags or [])
    check_counts(
        authors=None if authors is None else author_names,
        tags=None if tags is None else tag_names,
    )
    names = _names_in_fixed_order(
        [
            *(_NameWanted(Author, n, "authors", {}) for n in author_names),
            *(_NameWanted(Tag, n, "tags", {}) for n in tag_names),
            *(_NameWanted(QuotedSource, q.source, "quotes", source_defaults(q))
              for q in quote_inputs or [] if q.kind != QuotedSource.Kind.ANONYMOUS),
        ]
    )  # fmt: skip

    def named(model: type, name: str) -> NamedEntity:
        return names[(model, make_slug(normalise_name(name)))]

    if authors is not None:
        article.bylines.all().delete()
        Byline.objects.bulk_create(
            Byline(article=article, author=named(Author, name), position=position)
            for position, name in enumerate(author_names)
        )
    if tags is not None:
        # Written afresh in the order given: the link rows' ids keep it (selectors.TAG_ORDER).
        tagging = Article.tags.through
        tagging.objects.filter(article=article).delete()
        tagging.objects.bulk_create(
            tagging(article=article, tag=named(Tag, name)) for name in tag_names
        )
    if quote_inputs is not None:
        article.quotes.all().delete()
        anonymous: dict[str, QuotedSource] = {}  # the article's own, by name

        def quoted(quote: QuoteInput) -> NamedEntity:
            if quote.kind != QuotedSource.Kind.ANONYMOUS:
                return named(QuotedSource, quote.source)
            key = make_slug(normalise_name(quote.source))
            if key not in anonymous:
                anonymous[key] = naming.anonymous_source(article, quote.source, quote.description)
            return anonymous[key]

        Quotation.objects.bulk_create(
            Quotation(
                article=article,
                source=quoted(q),
                text=strip_controls(q.text, multiline=True),
                position=i,
            )
            for i, q in enumerate(quote_inputs)
        )
        naming.drop_unquoted_anonymous([article.pk])


def source_defaults(quote: QuoteInput) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    if quote.kind is not None:
        defaults["kind"] = quote.kind
    if quote.description is not None:
        defaults["description"] = strip_controls(quote.description)
    return defaults
