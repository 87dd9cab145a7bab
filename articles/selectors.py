"""Reads that need care: who sees what, every prefetch done once, and the pages the search
index chose, read back from PostgreSQL by id."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F, Model, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat

from articles import search
from articles.models import Article, Author, Byline, Folded, Quotation, QuotedSource, Tag

Row = TypeVar("Row", bound=Model)

PUBLISHED = Article.Status.PUBLISHED
# Names sort as readers expect, whatever the database collation: "Élodie" before "Priya".
ALPHABETICAL = Folded(F("name")).asc()


def can_see_unpublished(user: User | AnonymousUser) -> bool:
    """Editors (users who may change articles) see drafts and archived articles."""
    return bool(user and user.is_authenticated and user.has_perm("articles.change_article"))


def visible_articles(user: User | AnonymousUser) -> QuerySet[Article]:
    articles = Article.objects.all()
    if not can_see_unpublished(user):
        articles = articles.filter(status=PUBLISHED)
    return articles


def with_relations(articles: QuerySet[Article], *, body: bool = True) -> QuerySet[Article]:
    """Prefetch authors (in byline order), tags and quotes with their sources: 3 queries for
    any page size."""
    if not body:
        articles = articles.defer("body")
    return articles.prefetch_related(
        Prefetch(
            "bylines",
            queryset=Byline.objects.select_related("author").only(
                "article_id", "position", "author__name", "author__slug"
            ),
        ),
        Prefetch("tags", queryset=Tag.objects.only("id", "name", "slug")),
        Prefetch(
            "quotes",
            queryset=Quotation.objects.select_related("source").only(
                "article_id", "text", "position", "source__name", "source__slug", "source__kind"
            ),
        ),
    )


def published_article_filter(prefix: str) -> Q:
    return Q(**{f"{prefix}status": PUBLISHED})


def tags_with_counts() -> QuerySet[Tag]:
    return Tag.objects.annotate(
        article_count=Count(
            "articles", filter=published_article_filter("articles__"), distinct=True
        )
    ).order_by(ALPHABETICAL, "id")


def authors_with_counts() -> QuerySet[Author]:
    return Author.objects.annotate(
        article_count=Count(
            "bylines", filter=published_article_filter("bylines__article__"), distinct=True
        )
    ).order_by(ALPHABETICAL, "id")


def sources_with_counts() -> QuerySet[QuotedSource]:
    return QuotedSource.objects.annotate(
        quote_count=Count(
            "quotes", filter=published_article_filter("quotes__article__"), distinct=True
        )
    ).order_by(ALPHABETICAL, "id")


def visible_quotes(
    user: User | AnonymousUser | None, *, everyone: bool = False
) -> QuerySet[Quotation]:
    """Quotations with their source and article; ``everyone`` when the index has already
    chosen which the user may see."""
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
    if not everyone and not can_see_unpublished(user):
        quotes = quotes.filter(article__status=PUBLISHED)
    return quotes.order_by("-article__published_at", "article_id", "position", "id")


def in_order(rows: QuerySet[Row], ids: Sequence[int], ranks: dict[int, float]) -> list[Row]:
    """The rows with these ids, in that order, each with its ``rank`` (or None). An id the
    index still had but PostgreSQL no longer has (deleted meanwhile) is left out."""
    found = {row.pk: row for row in rows.filter(pk__in=ids)}
    ordered = [found[pk] for pk in ids if pk in found]
    for row in ordered:
        row.rank = ranks.get(row.pk)
    return ordered


def article_page(page: search.Page, *, highlight: bool) -> list[Article]:
    """The articles of a search page with their relations (4 queries for any page size),
    highlighted when the page was a search (the body is then read for its fragments)."""
    articles = in_order(with_relations(Article.objects.all(), body=highlight), page.ids, page.ranks)
    if highlight and page.query is not None and page.searcher is not None:
        search.highlight(articles, page.searcher, page.query)
    return articles


def quote_page(page: search.Page) -> list[Quotation]:
    return in_order(visible_quotes(None, everyone=True), page.ids, page.ranks)


def related_articles(article: Article, *, limit: int) -> list[Article]:
    """The published articles most like ``article``, best first, each with its score as
    ``rank``, with their relations prefetched."""
    page = search.related(article.pk, limit=limit)
    return in_order(with_relations(Article.objects.all(), body=False), page.ids, page.ranks)


def filter_names(entities: QuerySet, text: str) -> QuerySet:
    """Tags, authors or sources whose name, or a word of it, starts with ``text``: any case,
    any accents (trigram-indexed ``newsapi_fold(name)``)."""
    prefix = Folded(Value(text.strip()))
    return entities.alias(folded_name=Folded(F("name"))).filter(
        Q(folded_name__startswith=prefix)
        | Q(folded_name__contains=Concat(Value(" "), prefix))
        | Q(folded_name__contains=Concat(Value("-"), prefix))
    )
