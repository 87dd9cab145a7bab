"""Writes of the named entities (tags, authors, quoted sources), and getting or creating the
names an article write gives, in one fixed order (``NamedKind.order``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError

from articles import events, kinds
from articles import names as naming
from articles.models import NamedEntity
from articles.selectors import article_ids_using
from articles.services.changes import articles_changed, record_named
from articles.services.checks import checked_name
from articles.services.cleaning import strip_unsafe
from articles.services.errors import Conflict, constraint_name
from articles.text import an, normalise_name
from articles.transactions import retrying

Named = TypeVar("Named", bound=NamedEntity)


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
    record_named(entity)
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
    record_named(entity)
    if changed:  # what articles show (names, slugs, kinds) or are found by changed
        articles_changed(article_ids_using(entity), touch=True)
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
    record_named(entity, entity_id)
    articles_changed(article_ids, touch=True)
    events.names_changed(type(entity), [entity_id])


def _save_named(entity: NamedEntity) -> None:
    kind = kinds.of_model(type(entity))
    strip_unsafe(entity, kind.line_fields, kind.multiline_fields)
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


@dataclass(frozen=True)
class NameWanted:
    model: type[NamedEntity]
    name: str
    field: str
    defaults: Mapping[str, Any]


def names_in_fixed_order(wanted: Iterable[NameWanted]) -> dict[tuple[type, str], NamedEntity]:
    """Get or create every wanted name, in one order whatever the article lists; the first
    wish for a slug gives its spelling and defaults."""
    by_key: dict[tuple[type, str], NameWanted] = {}
    for wish in wanted:
        _, slug = checked_name(wish.name, field=wish.field)
        by_key.setdefault((wish.model, slug), wish)
    # Every writer creates missing names in one order (``NamedKind.order``, then by slug):
    # no waiting in a cycle.
    ordered = sorted(
        by_key.items(), key=lambda item: (kinds.of_model(item[0][0]).order, item[0][1])
    )
    found = {key: _get_or_create(wish) for key, wish in ordered}
    return naming.held_resolved(
        found,
        lambda _, entity: (type(entity), entity.pk),
        lambda gone: {key: _get_or_create(by_key[key]) for key in gone},
    )


def _get_or_create(wish: NameWanted) -> NamedEntity:
    return get_or_create_named(wish.model, wish.name, field=wish.field, defaults=wish.defaults)
