"""Article writes: create, update, import by URL, delete, status changes and the admin's
form, each with its authors, tags and quotes, its revision and its versions (ETags)."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from articles import duplicates, lifecycle
from articles import names as naming
from articles.models import Article, Author, Byline, NamedEntity, Quotation, QuotedSource, Tag
from articles.selectors import article_tag_slugs
from articles.services.changes import articles_changed
from articles.services.checks import (
    QuoteInput,
    check_counts,
    check_field_names,
    check_quotes,
    source_defaults,
    unique_in_order,
)
from articles.services.errors import PreconditionFailed
from articles.services.named import NameWanted, names_in_fixed_order
from articles.services.slugs import save_article
from articles.text import make_slug, normalise_name, strip_controls
from articles.transactions import retrying


class _Unchanged(Exception):
    """The write stored what was there: undone, so that nothing (``updated_at``, the ETag, an
    event, a revision) says it changed."""


# Writes without an actor (internal callers, tests) have every right.
SYSTEM = lifecycle.Actor("api")


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
            save_article(article, new_slug=new_slug)
            _replace_relations(article, new=created, **relations)
            if body_written:
                duplicates.bodies_written(
                    {article.pk: article.body}, new=[article.pk] if created else []
                )
            if not lifecycle.record([article.pk], actor=actor, before=before):
                raise _Unchanged
            articles_changed([article.pk])
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
    articles_changed([article_id])


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
    articles_changed(sorted(changed))
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


def _replace_relations(
    article: Article,
    *,
    new: bool,
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
    names = names_in_fixed_order(
        [
            *(NameWanted(Author, n, "authors", {}) for n in author_names),
            *(NameWanted(Tag, n, "tags", {}) for n in tag_names),
            *(NameWanted(QuotedSource, q.source, "quotes", source_defaults(q))
              for q in quote_inputs or [] if q.kind != QuotedSource.Kind.ANONYMOUS),
        ]
    )  # fmt: skip

    def named(model: type, name: str) -> NamedEntity:
        return names[(model, make_slug(normalise_name(name)))]

    # ``new``: the article was inserted just now, so it has no rows to delete yet (three
    # deletes and a look for unquoted sources fewer on every create).
    if authors is not None and not new:
        article.bylines.all().delete()
    if authors is not None:
        Byline.objects.bulk_create(
            Byline(article=article, author=named(Author, name), position=position)
            for position, name in enumerate(author_names)
        )
    if tags is not None:
        # Written afresh in the order given: the link rows' ids keep it (selectors.TAG_ORDER).
        tagging = Article.tags.through
        if not new:
            tagging.objects.filter(article=article).delete()
        tagging.objects.bulk_create(
            tagging(article=article, tag=named(Tag, name)) for name in tag_names
        )
    if quote_inputs is not None:
        if not new:
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
        if not new:
            naming.drop_unquoted_anonymous([article.pk])
