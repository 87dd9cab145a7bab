"""An article's slug (from its title, free when saved) and the save that keeps it free
against concurrent writers."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.models import Article
from articles.services.cleaning import normalise_article
from articles.services.errors import Conflict, constraint_name
from articles.text import make_slug

SLUG_ATTEMPTS = 5
ARTICLE_URL_UNIQUE = "articles_article_url_key"
ARTICLE_SLUG_UNIQUE = "articles_article_slug_key"


def save_article(article: Article, *, new_slug: bool) -> None:
    normalise_article(article)
    if new_slug or not article.slug:
        article.slug = free_article_slug(article.title, exclude_pk=article.pk)
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


def free_article_slug(title: str, *, exclude_pk: int | None) -> str:
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
