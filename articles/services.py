"""Every write: articles with their authors, tags and quotes, and the named entities.

Each public function runs in one transaction and records what it changed in the search index's
change log within it (``articles.search``), so that a reader sees the whole write here and the
index never misses one. Errors are Django
``ValidationError``s (the API answers them with a 400); nothing of a failed write is stored.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, QuerySet
from django.utils import timezone

from articles import search
from articles.models import Article, Author, Byline, NamedEntity, Quotation, QuotedSource, Tag
from articles.text import clean_body, make_slug, normalise_name

Named = TypeVar("Named", bound=NamedEntity)

ARTICLE_FIELDS = frozenset(
    {
        "title", "standfirst", "body", "language", "section", "edition", "url", "image_url",
        "image_caption", "image_credit", "status", "published_at",
    }
)  # fmt: skip
SLUG_ATTEMPTS = 5


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


def _checked_name(name: str, *, field: str) -> tuple[str, str]:
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
    transaction committed the same slug first, its row is read back instead.
    """
    clean, slug = _checked_name(name, field=field)
    try:
        entity, _ = model.objects.get_or_create(
            slug=slug, defaults={"name": clean, **(defaults or {})}
        )
    except IntegrityError:
        raise ValidationError(
            {field: [f"{clean!r} clashes with an existing {model._meta.verbose_name} name."]}
        ) from None
    return entity


def _articles_using(entity: NamedEntity) -> QuerySet[Article]:
    if isinstance(entity, Tag):
        return Article.objects.filter(tags=entity)
    if isinstance(entity, Author):
        return Article.objects.filter(bylines__author=entity)
    return Article.objects.filter(quotes__source=entity)


def _article_ids_using(entity: NamedEntity) -> list[int]:
    return list(_articles_using(entity).order_by().values_list("id", flat=True).distinct())


_CHANGE_KINDS = {Tag: search.TAG, Author: search.AUTHOR, QuotedSource: search.SOURCE}


def _record_named(entity: NamedEntity) -> None:
    search.record_changes(_CHANGE_KINDS[type(entity)], [entity.pk])


def _articles_changed(article_ids: list[int], *, touch: bool = False) -> None:
    """Log the articles for the search index; ``touch`` also sets their ``updated_at``, for
    writes that change what an article shows without writing its row (renaming one of its
    tags, say), so that clients syncing with ``updated_after`` see it."""
    if touch and article_ids:
        Article.objects.filter(pk__in=article_ids).update(updated_at=timezone.now())
    search.record_changes(search.ARTICLE, article_ids)


@transaction.atomic
def named_create(model: type[Named], *, name: str, **fields: Any) -> Named:
    """A new tag, author or source; 400 when one with the same identity exists."""
    clean, slug = _checked_name(name, field="name")
    if model.objects.filter(slug=slug).exists():
        raise ValidationError({"name": [f"A {model._meta.verbose_name} named {clean!r} exists."]})
    entity = model(name=clean, slug=slug, **fields)
    _save_named(entity)
    _record_named(entity)
    return entity


@transaction.atomic
def named_update(entity: Named, **changes: Any) -> Named:
    """Update a tag, author or source. A new name gives a new slug, and every article that uses
    the entity is re-indexed (and its ``updated_at`` touched)."""
    renamed = "name" in changes and normalise_name(changes["name"] or "") != entity.name
    if renamed:
        clean, slug = _checked_name(changes.pop("name"), field="name")
        taken = type(entity).objects.filter(slug=slug).exclude(pk=entity.pk).exists()
        if taken:
            raise ValidationError(
                {"name": [f"A {entity._meta.verbose_name} named {clean!r} exists."]}
            )
        entity.name, entity.slug = clean, slug
    changes.pop("name", None)
    searchable_change = renamed or (
        isinstance(entity, QuotedSource)
        and changes.get("description", entity.description) != entity.description
    )
    for field, value in changes.items():
        setattr(entity, field, value)
    _save_named(entity)
    _record_named(entity)
    if searchable_change:
        _articles_changed(_article_ids_using(entity), touch=True)
    return entity


@transaction.atomic
def named_delete(entity: NamedEntity) -> None:
    """Delete a tag or author (articles lose it) or an unquoted source."""
    article_ids = _article_ids_using(entity)
    entity_id = entity.pk
    try:
        with transaction.atomic():
            entity.delete()
    except ProtectedError:
        raise ValidationError(
            f"{entity.name!r} is quoted in {len(article_ids)} article(s): delete the quotes first."
        ) from None
    search.record_changes(_CHANGE_KINDS[type(entity)], [entity_id])
    _articles_changed(article_ids, touch=True)


def _save_named(entity: NamedEntity) -> None:
    entity.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            entity.save()
    except IntegrityError:
        raise ValidationError(
            {"name": [f"A {entity._meta.verbose_name} named {entity.name!r} exists."]}
        ) from None


# --- articles ---------------------------------------------------------------------------------


@transaction.atomic
def article_create(
    *,
    authors: Sequence[str] = (),
    tags: Sequence[str] = (),
    quotes: Sequence[QuoteInput | Mapping[str, Any]] = (),
    **fields: Any,
) -> Article:
    """Create an article with its authors, tags and quotes (created by name when new)."""
    _check_field_names(fields)
    article = Article(**fields)
    return _store(article, new_slug=True, authors=authors, tags=tags, quotes=quotes)


@transaction.atomic
def article_update(
    article: Article,
    *,
    authors: Sequence[str] | None = None,
    tags: Sequence[str] | None = None,
    quotes: Sequence[QuoteInput | Mapping[str, Any]] | None = None,
    **fields: Any,
) -> Article:
    """Change the given fields; ``authors``, ``tags`` and ``quotes`` replace lists when given."""
    _check_field_names(fields)
    for field, value in fields.items():
        setattr(article, field, value)
    return _store(article, new_slug=False, authors=authors, tags=tags, quotes=quotes)


def _store(article: Article, *, new_slug: bool, **relations: Any) -> Article:
    """Save the article, replace the relations given, and log it for the search index."""
    _save_article(article, new_slug=new_slug)
    _replace_relations(article, **relations)
    _articles_changed([article.pk])
    article.refresh_from_db()
    return article


@transaction.atomic
def article_import(*, url: str, **fields: Any) -> tuple[Article, bool]:
    """Create or update the article whose canonical ``url`` this is: re-importing the same URL
    updates it and never makes a duplicate. Returns the article and whether it is new."""
    existing = Article.objects.select_for_update().filter(url=url).first()
    if existing is not None:
        return article_update(existing, **fields), False
    try:
        with transaction.atomic():
            return article_create(url=url, **fields), True
    except ValidationError as error:
        # A concurrent import of the same URL committed first: update that one instead.
        racing = Article.objects.select_for_update().filter(url=url).first()
        if racing is None or "url" not in getattr(error, "error_dict", {}):
            raise
        return article_update(racing, **fields), False


@transaction.atomic
def article_delete(article: Article) -> None:
    article_id = article.pk
    article.delete()
    _articles_changed([article_id])


@transaction.atomic
def articles_set_status(articles: QuerySet[Article], status: str) -> int:
    """Publish, unpublish (back to draft) or archive; publishing dates undated articles now."""
    if status not in Article.Status.values:
        raise ValidationError({"status": [f"{status!r} is not one of {Article.Status.values}."]})
    now = timezone.now()
    changed = []
    for article in articles.select_for_update():
        article.status = status
        if status == Article.Status.PUBLISHED and article.published_at is None:
            article.published_at = now
        article.save(update_fields=["status", "published_at", "updated_at"])
        changed.append(article.pk)
    _articles_changed(changed)
    return len(changed)


def article_admin_save(article: Article) -> None:
    """Store an article whose fields a form has set, as every other writer does."""
    _save_article(article, new_slug=False)


def article_refresh_search(article: Article) -> None:
    """For writers that saved an article and its relations themselves (the admin)."""
    _articles_changed([article.pk])


def _check_field_names(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - ARTICLE_FIELDS
    if unknown:
        raise TypeError(f"unknown article fields: {sorted(unknown)}")


def _save_article(article: Article, *, new_slug: bool) -> None:
    if article.body:
        article.body = clean_body(article.body)
    if article.url == "":
        article.url = None
    if article.image_url == "":
        article.image_url = None
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    if isinstance(article.published_at, datetime.datetime) and timezone.is_naive(
        article.published_at
    ):
        article.published_at = timezone.make_aware(article.published_at, datetime.UTC)
    if new_slug or not article.slug:
        article.slug = _free_article_slug(article.title, exclude_pk=article.pk)
    article.full_clean(exclude={"slug"}, validate_constraints=True)
    for attempt in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                article.save()
            return
        except IntegrityError as error:
            if "url" in str(error):
                raise ValidationError({"url": ["An article with this URL exists."]}) from None
            if "slug" not in str(error) or attempt == SLUG_ATTEMPTS - 1:
                raise ValidationError("The article could not be saved: " + str(error)) from None
            article.slug = _free_article_slug(
                article.title, exclude_pk=article.pk, salt=attempt + 1
            )


def _free_article_slug(title: str, *, exclude_pk: int | None, salt: int = 0) -> str:
    base = make_slug(title)[:240] or "article"
    taken = set(
        Article.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken and not salt:
        return base
    number = 2 + salt
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _unique_in_order(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for name in names:
        slug = make_slug(normalise_name(name or ""))
        if slug not in seen:
            seen.add(slug)
            result.append(name)
    return result


def _check_quotes(quotes: Sequence[QuoteInput]) -> None:
    errors = []
    kinds = QuotedSource.Kind.values
    for number, quote in enumerate(quotes, start=1):
        if not make_slug(normalise_name(quote.source)):
            errors.append(f"Quote {number}: name the person or body quoted.")
        if not quote.text.strip():
            errors.append(f"Quote {number}: a quotation needs its text.")
        if quote.kind is not None and quote.kind not in kinds:
            errors.append(f"Quote {number}: kind {quote.kind!r} is not one of {kinds}.")
    if errors:
        raise ValidationError({"quotes": errors})


def _replace_relations(
    article: Article,
    *,
    authors: Sequence[str] | None,
    tags: Sequence[str] | None,
    quotes: Sequence[QuoteInput | Mapping[str, Any]] | None,
) -> None:
    quote_inputs = None if quotes is None else [QuoteInput.coerce(q) for q in quotes]
    if quote_inputs is not None:
        _check_quotes(quote_inputs)
    if authors is not None:
        people = [
            get_or_create_named(Author, n, field="authors") for n in _unique_in_order(authors)
        ]
        article.bylines.all().delete()
        Byline.objects.bulk_create(
            Byline(article=article, author=author, position=position)
            for position, author in enumerate(people)
        )
    if tags is not None:
        article.tags.set(
            [get_or_create_named(Tag, n, field="tags") for n in _unique_in_order(tags)]
        )
    if quote_inputs is not None:
        article.quotes.all().delete()
        Quotation.objects.bulk_create(
            Quotation(article=article, source=_quote_source(quote), text=quote.text, position=i)
            for i, quote in enumerate(quote_inputs)
        )


def _quote_source(quote: QuoteInput) -> QuotedSource:
    defaults = {
        key: value
        for key, value in (("kind", quote.kind), ("description", quote.description))
        if value is not None
    }
    return get_or_create_named(QuotedSource, quote.source, field="quotes", defaults=defaults)
