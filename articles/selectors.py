"""Reads that need care: who sees what, and every prefetch done once."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F, Prefetch, Q, QuerySet

from articles.models import Article, Author, Byline, Folded, Quotation, QuotedSource, Tag
from articles.search import related_article_scores

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
    any page size. The stored search document is never sent to Python."""
    deferred = ["search_vector", "headline_vector"] + ([] if body else ["body"])
    return articles.defer(*deferred).prefetch_related(
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


def visible_quotes(user: User | AnonymousUser) -> QuerySet[Quotation]:
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
    if not can_see_unpublished(user):
        quotes = quotes.filter(article__status=PUBLISHED)
    return quotes.order_by("-article__published_at", "article_id", "position", "id")


def related_articles(article: Article, *, limit: int) -> list[Article]:
    """The published articles most like ``article``, best first, each with its score as
    ``rank``, with their relations prefetched."""
    scores = dict(related_article_scores(article, limit=limit))
    found = {a.pk: a for a in with_relations(Article.objects.filter(pk__in=scores), body=False)}
    ordered = [found[pk] for pk in scores if pk in found]
    for related in ordered:
        related.rank = scores[related.pk]
    return ordered
