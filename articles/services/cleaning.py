"""What every writer does to an article's fields (and a name's text) before storing them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.fields import LINE_FIELDS, MULTILINE_FIELDS
from articles.models import Article
from articles.text import MarkupTooComplex, clean_body, strip_controls, word_count


def strip_unsafe(entity: Any, lines: Iterable[str], texts: Iterable[str]) -> None:
    """Control characters and bidi overrides are never stored in what readers see."""
    for field in lines:
        setattr(entity, field, strip_controls(getattr(entity, field) or ""))
    for field in texts:
        setattr(entity, field, strip_controls(getattr(entity, field) or "", multiline=True))


def normalise_article(article: Article) -> None:
    """What every writer does to an article's fields before storing them: control characters
    out, HTML sanitised, empty URLs NULL, a published article dated, dates in UTC, the
    words counted."""
    strip_unsafe(article, LINE_FIELDS, MULTILINE_FIELDS)
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
