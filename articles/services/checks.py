"""The rules a write's input is checked by before anything is stored: field names, usable
names, the counts of an article's lists, quotes. The one-by-one writes and ``bulk`` both apply
them, so a record is refused for the same reason whichever door it came through."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from articles.fields import FIELD_NAMES
from articles.models import QuotedSource
from articles.text import make_slug, normalise_name, strip_controls


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


def check_field_names(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(FIELD_NAMES)
    if unknown:
        raise TypeError(f"unknown article fields: {sorted(unknown)}")


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


def source_defaults(quote: QuoteInput) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    if quote.kind is not None:
        defaults["kind"] = quote.kind
    if quote.description is not None:
        defaults["description"] = strip_controls(quote.description)
    return defaults
