"""Who a name is: aliases, merges, Wikidata ids, and anonymous sources kept in their article.

A slug names at most one author (one source): as its name or as one of its aliases
(``alias_slugs``), so a write that names "Zelenskyy" gets the source "Volodymyr Zelensky" once
that is one of its aliases, and ``/sources/zelenskyy/`` answers a redirect to it. A merge moves
the quotes (or bylines) of one entity to another and makes its name and aliases the other's
aliases, so that its old slug keeps working. Anonymous sources belong to one article each: their
slug is the article's id after the name (``anonymous_slug``), with two hyphens, which no name's
slug has (``make_slug`` never doubles one).

The checks here read what is committed; two transactions that give one slug at once (an alias
added while a quote creates that name) are kept apart by ``TakenSlug``, a table of every slug
taken with its primary key, filled by triggers: the second waits for the first, then fails,
and is answered as if it had come after (a 409 naming the clash, or the existing entity).

The write functions run in one transaction with the search change log and the events outbox,
as every write of ``services``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from articles import events, kinds, search, services
from articles.models import Aliased, Article, Byline, NamedEntity, Quotation, QuotedSource
from articles.selectors import article_ids_using
from articles.text import make_slug, normalise_name
from articles.transactions import retrying

ANONYMOUS = QuotedSource.Kind.ANONYMOUS
TAKEN_SLUG_KEY = "articles_takenslug_pkey"  # the constraint a slug taken meanwhile breaks
ANONYMOUS_SLUG_BASE = 180  # characters of the name's slug kept before "--<article id>"
MAX_ALIASES = 50


def anonymous_slug(name: str, article_id: int) -> str:
    """The slug of the anonymous source ``name`` of one article: ``un-haut-responsable--42``."""
    return f"{make_slug(normalise_name(name))[:ANONYMOUS_SLUG_BASE].strip('-')}--{article_id}"


def is_aliased(model: type[NamedEntity]) -> bool:
    return issubclass(model, Aliased)


# --- identity: names and aliases --------------------------------------------------------------


def checked_aliases(names: Iterable[str], *, own_slug: str) -> tuple[list[str], list[str]]:
    """The aliases to store and their slugs: normalised, one per slug, the entity's own name
    left out; a ValidationError when one has no letter or digit."""
    aliases, slugs = [], []
    for given in names:
        clean = normalise_name(given or "")
        slug = make_slug(clean)
        if not slug:
            raise ValidationError({"aliases": [f"{given!r} is not a usable name."]})
        if len(clean) > 200:
            raise ValidationError({"aliases": ["An alias has at most 200 characters."]})
        if slug != own_slug and slug not in slugs:
            aliases.append(clean)
            slugs.append(slug)
    if len(aliases) > MAX_ALIASES:
        raise ValidationError({"aliases": [f"At most {MAX_ALIASES} aliases."]})
    return aliases, slugs


def holders(model: type[NamedEntity], slugs: Sequence[str]) -> dict[str, NamedEntity]:
    """Which entity each of these slugs names, as its name or one of its aliases (one query)."""
    if not slugs:
        return {}
    found = Q(slug__in=list(slugs))
    if is_aliased(model):
        found |= Q(alias_slugs__overlap=list(slugs))
    owners: dict[str, NamedEntity] = {}
    for entity in model.objects.filter(found):
        for slug in [entity.slug, *getattr(entity, "alias_slugs", ())]:
            if slug in slugs:
                owners.setdefault(slug, entity)
    return owners


def check_identity(
    model: type[NamedEntity],
    *,
    slug: str,
    alias_slugs: Sequence[str] = (),
    exclude_pk: int | None = None,
    names: dict[str, str] | None = None,
) -> None:
    """A Conflict (409) naming the entity when the name or an alias is another entity's name
    or alias. ``names``: the spelling of each slug, for the message."""
    names = names or {}
    owners = holders(model, [slug, *alias_slugs])
    clashes = {s: e for s, e in owners.items() if e.pk != exclude_pk}
    if not clashes:
        return
    noun = str(model._meta.verbose_name)
    messages = [
        f"{names.get(s, s)!r} is {'the name' if e.slug == s else 'an alias'} of the {noun} "
        f"{e.name!r} ({e.slug})."
        for s, e in clashes.items()
    ]
    field = "name" if slug in clashes else "aliases"
    raise services.Conflict({field: messages})


def check_wikidata(
    model: type[NamedEntity], wikidata_id: str | None, *, exclude_pk: int | None
) -> str | None:
    """The id to store (None for none), a ValidationError when malformed, a Conflict when
    another entity has it."""
    if wikidata_id in (None, ""):
        return None
    value = str(wikidata_id).strip()
    try:
        model._meta.get_field("wikidata_id").run_validators(value)
    except ValidationError as error:
        raise ValidationError({"wikidata_id": error.messages}) from None
    other = model.objects.filter(wikidata_id=value).exclude(pk=exclude_pk).first()
    if other is not None:
        noun = str(model._meta.verbose_name)
        raise services.Conflict(
            {"wikidata_id": [f"{value} is the Wikidata id of the {noun} {other.name!r}."]}
        )
    return value


def check_kind(entity: NamedEntity, kind: str | None) -> None:
    """Anonymous sources are made by the quotes of an article, never named on their own."""
    if not isinstance(entity, QuotedSource) or kind is None:
        return
    if (kind == ANONYMOUS) != (entity.kind == ANONYMOUS and entity.pk is not None):
        raise ValidationError(
            {"kind": ["An anonymous source belongs to the article that quotes it: give the "
                      'quote `"kind": "anonymous"` instead.' if kind == ANONYMOUS else
                      "An anonymous source stays anonymous: quote the person by name instead."]}
        )  # fmt: skip


def prepare(entity: NamedEntity, changes: dict[str, Any]) -> None:
    """Check and apply what a create or update of ``entity`` gives for its name, aliases,
    kind and Wikidata id (``changes`` without ``name``: the name is set already). Locks the
    model's identities for the rest of the transaction, so that two writers cannot both give
    one slug to two entities."""
    model = type(entity)
    lock_identities(model)
    check_kind(entity, changes.get("kind"))
    if "wikidata_id" in changes:
        changes["wikidata_id"] = check_wikidata(model, changes["wikidata_id"], exclude_pk=entity.pk)
    if is_aliased(model):
        given = changes.pop("aliases", None)
        aliases = entity.aliases if given is None else given
        entity.aliases, entity.alias_slugs = checked_aliases(aliases, own_slug=entity.slug)
    check_identity_of(entity)


def check_identity_of(entity: NamedEntity) -> None:
    """``check_identity`` for the entity's name and aliases as they are set on it now."""
    alias_slugs = list(getattr(entity, "alias_slugs", ()))
    spelled = dict(zip(alias_slugs, getattr(entity, "aliases", ()), strict=True))
    check_identity(
        type(entity),
        slug=entity.slug,
        alias_slugs=alias_slugs,
        exclude_pk=entity.pk,
        names={entity.slug: entity.name, **spelled},
    )


def check_form(instance: NamedEntity, cleaned: dict[str, Any]) -> None:
    """What a create or update with a form's ``cleaned`` data would refuse, as the same
    ValidationError (the admin shows it on the form); nothing is written."""
    model = type(instance)
    probe = copy.copy(instance)
    probe.slug = services.named_check(model, cleaned["name"], exclude_pk=instance.pk)
    probe.name = normalise_name(cleaned["name"])
    prepare(probe, {f: cleaned[f] for f in ("aliases", "wikidata_id", "kind") if f in cleaned})


def lock_identities(model: type[NamedEntity]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"names:{model.__name__}"])


def resolve(model: type[NamedEntity], slug: str) -> NamedEntity | None:
    """The entity this slug names, as its name or an alias (one query)."""
    return holders(model, [slug]).get(slug)


def held_for_links(
    entities: Iterable[tuple[type[NamedEntity], int]],
) -> set[tuple[type[NamedEntity], int]]:
    """Lock these entities ``FOR KEY SHARE`` (as a link's foreign key check does) until the
    transaction ends, in one statement: a kind at a time in ``NamedKind.order``, by id within
    a kind, the order a merge locks in. A merge or delete of one then waits for the write
    that links it. Returns those that are still there: under READ COMMITTED a row merged or
    deleted since it was read is not returned, and its name must be resolved again.
    ``entities``: (model, primary key) pairs."""
    ids: dict[type[NamedEntity], set[int]] = {}
    for model, pk in entities:
        ids.setdefault(model, set()).add(pk)
    selects, params = [], []
    for kind in kinds.NAMED_KINDS:
        wanted = sorted(ids.get(kind.model, ()))
        if wanted:
            table = connection.ops.quote_name(kind.model._meta.db_table)
            selects.append(
                (kind.model, f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR KEY SHARE")
            )
            params.append(wanted)
    if not selects:
        return set()
    ctes = ", ".join(f"k{n} AS ({sql})" for n, (_, sql) in enumerate(selects))
    rows = " UNION ALL ".join(f"SELECT {n}, id FROM k{n}" for n in range(len(selects)))
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {ctes} {rows}", params)
        return {(selects[n][0], pk) for n, pk in cursor.fetchall()}


Key = TypeVar("Key")
Found = TypeVar("Found")


def held_resolved(
    found: dict[Key, Found],
    entity: Callable[[Key, Found], tuple[type[NamedEntity], int]],
    resolve: Callable[[list[Key]], dict[Key, Found]],
) -> dict[Key, Found]:
    """``found`` (names a write resolved), each locked until the transaction ends as its links
    will lock it (``held_for_links``): a merge or delete that commits between reading a name
    and inserting the links would break their foreign keys. Those gone meanwhile are
    ``resolve``d again (a merged one's name is its target's alias now) until none is.
    ``entity``: the model and id of a found name."""
    pending = dict(found)
    while pending:
        held = held_for_links(entity(key, value) for key, value in pending.items())
        pending = resolve([key for key, value in pending.items() if entity(key, value) not in held])
        found.update(pending)
    return found


def moved_to(model: type[NamedEntity], slug: str) -> str | None:
    """The slug of the entity that has ``slug`` as an alias (a merged or other spelling)."""
    if not is_aliased(model) or not slug:
        return None
    return model.objects.filter(alias_slugs__contains=[slug]).values_list("slug", flat=True).first()


# --- anonymous sources ------------------------------------------------------------------------


def anonymous_source(article: Article, name: str, description: str | None) -> QuotedSource:
    """The article's anonymous source of this name, created when new."""
    clean, _ = services.checked_name(name, field="quotes")
    source, _ = QuotedSource.objects.get_or_create(
        slug=anonymous_slug(clean, article.pk),
        defaults={
            "name": clean,
            "kind": ANONYMOUS,
            "article": article,
            "description": description if description is not None else clean,
        },
    )
    return source


def drop_unquoted_anonymous(article_ids: Sequence[int]) -> None:
    """Anonymous sources of these articles that they no longer quote (they were only theirs)."""
    if not article_ids:
        return
    QuotedSource.objects.filter(article_id__in=list(article_ids), kind=ANONYMOUS).exclude(
        pk__in=Quotation.objects.filter(article_id__in=list(article_ids)).values("source_id")
    ).delete()


# --- merges -----------------------------------------------------------------------------------


class MergeRefused(ValidationError):
    """A merge into itself (or into what it already is), or of anonymous sources: a 400."""


class MergedMeanwhile(LookupError):
    """The entity to merge was merged (or deleted) by a write that committed first: a 404."""


@retrying
@transaction.atomic
def merge(entity: NamedEntity, *, into: str) -> NamedEntity:
    """Move ``entity``'s quotes (or bylines) to the author or source that ``into`` (a slug,
    or an alias) names; its name and aliases become that one's aliases, its Wikidata id too
    when that one has none, and it is deleted. ``LookupError`` when ``into`` names nothing."""
    model = type(entity)
    if not is_aliased(model):
        raise TypeError(f"{model.__name__} has no aliases to merge into")
    lock_identities(model)
    target = resolve(model, make_slug(normalise_name(into or "")))
    if target is None:
        raise LookupError(into)
    if target.pk == entity.pk:
        raise MergeRefused(
            {"into": [f"{into!r} is {entity.name!r} itself: a merge needs two entities."]}
        )
    locked = {
        e.pk: e
        for e in model.objects.select_for_update()
        .filter(pk__in=[entity.pk, target.pk])
        .order_by("pk")
    }
    if entity.pk not in locked:  # a concurrent merge (or delete) committed first
        raise MergedMeanwhile(entity.name)
    entity, target = locked[entity.pk], locked[target.pk]
    if ANONYMOUS in (getattr(entity, "kind", None), getattr(target, "kind", None)):
        raise MergeRefused(
            {"into": ["Anonymous sources belong to their article: change the article's quotes."]}
        )
    moved = article_ids_using(entity)
    target_articles = article_ids_using(target)
    _move_uses(entity, target)
    target.aliases, target.alias_slugs = checked_aliases(
        [*target.aliases, entity.name, *entity.aliases], own_slug=target.slug
    )
    old_id = entity.pk
    entity.delete()  # before the target takes its Wikidata id (unique)
    if target.wikidata_id is None:
        target.wikidata_id = entity.wikidata_id
    target.save()
    search.record_changes(kinds.of_model(model).change_code, [old_id, target.pk])
    # The moved articles show the target now (their ETags change); the target's own articles
    # are found by its new aliases.
    if moved:
        Article.objects.filter(pk__in=moved).update(updated_at=timezone.now())
    search.record_changes(search.ARTICLE, [*moved, *target_articles])
    events.articles_changed(moved)
    events.names_changed(model, [old_id, target.pk])
    return target


def _move_uses(entity: NamedEntity, target: NamedEntity) -> None:
    if isinstance(entity, QuotedSource):
        Quotation.objects.filter(source=entity).update(source=target)
        return
    # An article that names both keeps one byline, at the better of the two places.
    both = Byline.objects.filter(author=target, article__bylines__author=entity).values(
        "article_id"
    )
    for byline in Byline.objects.filter(author=entity, article_id__in=both):
        Byline.objects.filter(
            article_id=byline.article_id, author=target, position__gt=byline.position
        ).update(position=byline.position)
    Byline.objects.filter(author=entity, article_id__in=both).delete()
    Byline.objects.filter(author=entity).update(author=target)
