"""Reads that need care: who sees what, every prefetch done once, and the pages the search
index chose, read back from PostgreSQL by id."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Now

from articles import kinds, search
from articles.models import (
    Article,
    Author,
    Byline,
    Fingerprint,
    Folded,
    NamedEntity,
    Quotation,
    QuotedSource,
    Tag,
)
from articles.rows import DUPLICATE_OF_SQL, DUPLICATES_COUNT_SQL, ROW_COLUMNS, ROWS_SQL, ArticleRow
from newsapi import replicas

Row = TypeVar("Row", bound=Model)

PUBLISHED = Article.Status.PUBLISHED
# Names sort as readers expect, whatever the database collation: "Élodie" before "Priya".
ALPHABETICAL = Folded(F("name")).asc()


def can_see_unpublished(user: User | AnonymousUser) -> bool:
    """Editors (users who may change articles) see drafts and archived articles."""
    return bool(user and user.is_authenticated and user.has_perm("articles.change_article"))


def contributor_id(user: User | AnonymousUser) -> int | None:
    """A contributor's id (who may add articles, not change others'): they also see their
    own articles, whatever the status."""
    if can_see_unpublished(user) or not (user and user.is_authenticated):
        return None
    return user.pk if user.has_perm("articles.add_article") else None


def live(prefix: str = "") -> Q:
    """Articles readers see now: published, their date come, not expired. ``Now()`` is the
    statement's time, so no worker is needed for the door to open at the instant."""
    return Q(**{f"{prefix}status": PUBLISHED, f"{prefix}published_at__lte": Now()}) & (
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": Now()})
    )


@dataclass(frozen=True)
class Viewer:
    """Who reads, as far as visibility goes: an editor sees every article, a contributor
    (``owner``) the live ones and their own, everybody else the live ones."""

    editor: bool = False
    owner: int | None = None

    @classmethod
    def of(cls, user: User | AnonymousUser) -> Viewer:
        return cls(editor=can_see_unpublished(user), owner=contributor_id(user))

    def params(self) -> list[Any]:
        """The parameters of ``_VISIBLE_MEMBER``."""
        return [self.editor, self.owner]


READER = Viewer()


def visible_articles(user: User | AnonymousUser) -> QuerySet[Article]:
    """Editors see every article; contributors the published ones and their own; everybody
    else the published ones."""
    articles = Article.objects.all()
    if can_see_unpublished(user):
        return articles
    owner = contributor_id(user)
    if owner is not None:
        return articles.filter(live() | Q(created_by_id=owner))
    return articles.filter(live())


def scheduled(articles: QuerySet[Article]) -> QuerySet[Article]:
    """Published with a date still to come."""
    return articles.filter(status=PUBLISHED, published_at__gt=Now())


def reader_visibility(ids: Sequence[int]) -> dict[int, tuple[bool, datetime.datetime | None]]:
    """Whether readers see each article now, and the next instant that changes by itself
    (its date comes, or it expires), both as of one statement's time."""
    rows = Article.objects.filter(pk__in=list(ids)).annotate(
        public=Case(When(live(), then=Value(True)), default=Value(False)),
        # A scheduled article expires after its date (a constraint says so).
        changes_at=Case(
            When(Q(status=PUBLISHED, published_at__gt=Now()), then=F("published_at")),
            When(live() & Q(expires_at__isnull=False), then=F("expires_at")),
            default=None,
        ),
    )
    return {pk: (public, at) for pk, public, at in rows.values_list("pk", "public", "changes_at")}


def with_relations(articles: QuerySet[Article]) -> QuerySet[Article]:
    """Prefetch authors (in byline order), tags and quotes with their sources: 3 queries for
    any number of articles."""
    return articles.prefetch_related(
        Prefetch(
            "bylines",
            queryset=Byline.objects.select_related("author").only(
                "article_id", "position", "author__name", "author__slug"
            ),
        ),
        Prefetch("tags", queryset=tags_in_order().only("id", "name", "slug")),
        Prefetch(
            "quotes",
            queryset=Quotation.objects.select_related("source").only(
                "article_id", "text", "position", "source__name", "source__slug", "source__kind",
                "source__description",
            ),
        ),
    )  # fmt: skip


# An article's tags are in the order they were given: their link rows are written in that
# order (``services``, ``bulk``), so the rows' ids keep it.
TAG_ORDER = RawSQL(f'"{Article.tags.through._meta.db_table}"."id"', ())


def tags_in_order() -> QuerySet[Tag]:
    """Tags for ``Prefetch("tags", ...)`` or ``article.tags``: in the article's order."""
    return Tag.objects.order_by(TAG_ORDER)


def article_links(model: type) -> tuple[type[Model], str]:
    """Where articles name a tag, author or quoted source: the link model and its column."""
    kind = kinds.of_model(model)
    return kind.link_model, kind.link_column


def article_ids_using(entity: NamedEntity) -> list[int]:
    """The articles (any status) that name this tag, author or source."""
    link, column = article_links(type(entity))
    uses = link.objects.filter(**{column: entity.pk}).order_by()
    return list(uses.values_list("article_id", flat=True).distinct())


def article_tag_slugs(article: Article) -> list[str]:
    """The article's tags, in its order."""
    return list(tags_in_order().filter(articles=article).values_list("slug", flat=True))


def _published_uses(model: type) -> QuerySet:
    """The links from live articles to a row of ``model`` (tags, authors or sources)."""
    link, column = article_links(model)
    return link.objects.filter(live("article__"), **{column: OuterRef("pk")})


def visible_names(entities: QuerySet, user: User | AnonymousUser) -> QuerySet:
    """Tags, authors or sources a user may see: editors all; others only those a live
    article uses (an embargoed or expired article's names must not leak)."""
    if can_see_unpublished(user):
        return entities
    return entities.filter(Exists(_published_uses(entities.model)))


def tags_with_counts() -> QuerySet[Tag]:
    return Tag.objects.annotate(
        article_count=Count("articles", filter=live("articles__"), distinct=True)
    ).order_by(ALPHABETICAL, "id")


def authors_with_counts() -> QuerySet[Author]:
    return Author.objects.annotate(
        article_count=Count("bylines", filter=live("bylines__article__"), distinct=True)
    ).order_by(ALPHABETICAL, "id")


def listed_sources(sources: QuerySet[QuotedSource]) -> QuerySet[QuotedSource]:
    """Sources as lists show them: not the anonymous ones, each of which is one article's
    "senior official" (their detail and the article show them)."""
    return sources.exclude(kind=QuotedSource.Kind.ANONYMOUS)


def sources_with_counts() -> QuerySet[QuotedSource]:
    return QuotedSource.objects.annotate(
        quote_count=Count("quotes", filter=live("quotes__article__"), distinct=True)
    ).order_by(ALPHABETICAL, "id")


def names_with_counts(model: type[NamedEntity]) -> QuerySet:
    """Tags, authors or sources as their lists show them, with their counts."""
    if model is Tag:
        return tags_with_counts()
    return authors_with_counts() if model is Author else sources_with_counts()


def quotes_with_relations() -> QuerySet[Quotation]:
    """Quotations with their source and article, newest article first."""
    quotes = (
        Quotation.objects.select_related("source")
        .select_related("article")
        .only(
            "text",
            "position",
            "source__name",
            "source__slug",
            "source__kind",
            "source__description",
            "article__id",
            "article__title",
            "article__slug",
            "article__language",
            "article__published_at",
            "article__status",
        )
    )
    return quotes.order_by("-article__published_at", "article_id", "position", "id")


def visible_quotes(user: User | AnonymousUser) -> QuerySet[Quotation]:
    quotes = quotes_with_relations()
    if not can_see_unpublished(user):
        quotes = quotes.filter(live("article__"))
    return quotes


def in_order(rows: QuerySet[Row], ids: Sequence[int], ranks: dict[int, float]) -> list[Row]:
    """The rows with these ids, in that order, each with its ``rank`` (or None). An id the
    index still had but PostgreSQL no longer has (deleted meanwhile) is left out."""
    found = {row.pk: row for row in rows.filter(pk__in=ids)}
    ordered = [found[pk] for pk in ids if pk in found]
    for row in ordered:
        row.rank = ranks.get(row.pk)
    return ordered


def with_duplicates(articles: QuerySet[Article], viewer: Viewer) -> QuerySet[Article]:
    """Annotate ``duplicate_of`` and ``duplicates_count`` as ``viewer`` sees them."""
    outer = Article._meta.db_table
    return articles.annotate(
        duplicate_of=RawSQL(DUPLICATE_OF_SQL.format(outer=outer), viewer.params()),
        duplicates_count=RawSQL(DUPLICATES_COUNT_SQL.format(outer=outer), viewer.params()),
    )


def duplicates_of(article: Article, viewer: Viewer) -> QuerySet[Article]:
    """The other articles of ``article``'s group that ``viewer`` may see, earliest first."""
    group = Fingerprint.objects.filter(article_id=article.pk, group_id__isnull=False)
    members = Article.objects.filter(fingerprint__group_id__in=group.values("group_id")).exclude(
        pk=article.pk
    )
    if not viewer.editor:
        either = live() if viewer.owner is None else live() | Q(created_by_id=viewer.owner)
        members = members.filter(either)
    return members.order_by(F("published_at").asc(nulls_last=True), "id")


def article_rows_sql(
    ids: Sequence[int], *, body: bool = False, viewer: Viewer = READER
) -> tuple[str, list[Any]]:
    """The statement of ``article_rows`` and its parameters (the ids last): a row an article,
    its columns ``ROW_FIELDS``' (``ArticleRow``'s fields, in that order)."""
    sql = ROWS_SQL.format(
        columns=", ".join(f"a.{name}" for name in ROW_COLUMNS),
        body="a.body" if body else "''",
        duplicate_of=DUPLICATE_OF_SQL.format(outer="a"),
        duplicates_count=DUPLICATES_COUNT_SQL.format(outer="a"),
    )
    return sql, [*viewer.params(), *viewer.params(), list(ids)]


def article_rows(
    ids: Sequence[int], *, body: bool = False, viewer: Viewer = READER
) -> dict[int, ArticleRow]:
    """The articles with these ids, with their authors, tags and quotes, and their
    near-duplicates as ``viewer`` sees them: one statement."""
    if not ids:
        return {}
    sql, params = article_rows_sql(ids, body=body, viewer=viewer)
    alias = replicas.read_alias()
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if alias != replicas.PRIMARY and len(rows) < len(set(ids)):
        # The index (built from the primary) knows articles a lagging replica has not yet
        # received: those are read from the primary.
        missing = set(ids) - {row[0] for row in rows}
        with connections[replicas.PRIMARY].cursor() as cursor:
            cursor.execute(sql, [*params[:-1], sorted(missing)])
            rows += cursor.fetchall()
    width = len(ROW_COLUMNS)
    found = {}
    for row in rows:
        article = ArticleRow(
            **dict(zip(ROW_COLUMNS, row[:width], strict=True)), body=row[width],
            duplicate_of=row[width + 1], duplicates_count=row[width + 2],
            authors=row[width + 3], tags=row[width + 4], quotes=row[width + 5],
        )  # fmt: skip
        found[article.id] = article
    return found


def article_page(
    page: search.Page, *, highlight: bool, viewer: Viewer = READER
) -> list[ArticleRow]:
    """The articles of a search page, in its order, with their ranks: one statement. Pages
    of a search are highlighted (their bodies read for it). An id the index still had but
    PostgreSQL no longer has (deleted meanwhile) is left out."""
    found = article_rows(page.ids, body=highlight, viewer=viewer)
    rows = [found[pk] for pk in page.ids if pk in found]
    for row in rows:
        row.rank = page.ranks.get(row.id)
    if highlight:
        page.highlight(rows)
    return rows


def article_results(params: search.ArticleSearch) -> search.Results:
    """The articles ``params`` find, lazily: pages are sliced from it (see ``search.Results``),
    highlighted when searching."""
    viewer = Viewer(editor=params.editor, owner=params.owner)
    return search.Results(
        lambda offset, limit: search.search_articles(params, offset=offset, limit=limit),
        lambda page: article_page(page, highlight=params.searching, viewer=viewer),
    )


def quote_results(params: search.QuoteSearch) -> search.Results:
    """The quotations ``params`` find, lazily."""
    return search.Results(
        lambda offset, limit: search.search_quotes(params, offset=offset, limit=limit),
        quote_page,
    )


def quote_page(page: search.Page) -> list[Quotation]:
    """The quotations of a search page (the index chose those the user may see)."""
    return in_order(quotes_with_relations(), page.ids, page.ranks)


def related_articles(
    visible: QuerySet[Article], article_id: int, *, limit: int
) -> list[ArticleRow] | None:
    """The published articles most like the article ``article_id``, best first, each with
    its score as ``rank``; None when it is not among ``visible`` (the viewer's)."""
    ids = visible.order_by().values("pk").query.sql_with_params()
    page = search.related(article_id, limit=limit, visible=ids)
    return None if page is None else article_page(page, highlight=False)


def filter_names(entities: QuerySet, text: str) -> QuerySet:
    """Tags, authors or sources whose name, or a word of it, starts with ``text``: any case,
    any accents (trigram-indexed ``newsapi_fold(name)``); authors and sources by their
    aliases too."""
    prefix = Folded(Value(text.strip()))

    def starting(field: str) -> Q:
        return (
            Q(**{f"{field}__startswith": prefix})
            | Q(**{f"{field}__contains": Concat(Value(" "), prefix)})
            | Q(**{f"{field}__contains": Concat(Value("-"), prefix)})
        )

    entities = entities.alias(folded_name=Folded(F("name")))
    if not hasattr(entities.model, "alias_slugs"):
        return entities.filter(starting("folded_name"))
    # Aliases joined by a line break: each starts after one, as names start after a space.
    joined = Func(F("aliases"), Value("\n"), function="array_to_string", output_field=TextField())
    return entities.alias(folded_aliases=Folded(Concat(Value("\n"), joined))).filter(
        starting("folded_name")
        | Q(folded_aliases__contains=Concat(Value("\n"), prefix))
        | Q(folded_aliases__contains=Concat(Value(" "), prefix))
    )
