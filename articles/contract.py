"""The write contract: what an article in the write format must be before the write path takes
it, declared once below the API, for every door that takes one: ``POST /articles/`` and
``PUT``/``PATCH`` (the API's ``ArticleWriteSerializer`` is this contract, plus the answer),
``POST /articles/bulk/``'s items and an import's records (``ingest``), and an extracted page.

- ``check_json``: any JSON value taken (a request body, a record of a file): nested at most
  ``MAX_DEPTH`` levels, no lone surrogate (nothing downstream could encode it).
- ``KnownFields``: a field the write does not take (a typo such as ``"tag"``, a read-only
  field) is an error that names it, never silently ignored.
- ``ArticleContract``: each field's type, length and choices (from the model and
  ``articles.fields``), the lists' lengths, names that have a letter or digit, quotes with their
  source and words. What the write path checks beyond (a name another's, a URL taken) is
  ``articles.services``'.

These are DRF serializers and fields (DRF is the library; nothing here imports the API), so the
API documents and answers exactly what the import applies.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from articles.fields import FIELD_NAMES
from articles.models import Article, QuotedSource
from articles.parameters import unknown_error
from articles.text import make_slug

# --- any JSON value ------------------------------------------------------------------------------

MAX_DEPTH = 32
TOO_DEEP = f"JSON nested deeper than {MAX_DEPTH} levels."


def check_json(value: Any, depth: int = 0) -> None:
    """Refuse (``ParseError``) a parsed value nested too deep or holding a lone surrogate;
    the API's parser checks request bodies with it, the import its records."""
    if depth > MAX_DEPTH:
        raise ParseError(TOO_DEEP)
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ParseError("JSON string with an unpaired surrogate (invalid Unicode).") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            check_json(key, depth + 1)
            check_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_json(item, depth + 1)


# --- known fields only ---------------------------------------------------------------------------

# A form posted from the browsable API carries its CSRF token beside the fields.
FORM_EXTRAS = frozenset({"csrfmiddlewaretoken"})


# A serializer mixin: a body field the serializer does not take (an unknown name or a read-only
# field) is a 400 that names it and lists the fields it takes. ``also_taken`` names other keys
# that ``to_internal_value`` reads (aliases). (Comments, not docstrings: drf-spectacular would
# publish a docstring as the description of every serializer that has none of its own.)
class KnownFields:
    also_taken: tuple[str, ...] = ()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            fields = self.fields.items()  # type: ignore[attr-defined]
            read_only = {name for name, field in fields if field.read_only}
            taken = {name for name, _ in fields} - read_only | set(self.also_taken)
            unknown = set(data) - taken - FORM_EXTRAS
            if unknown:
                raise unknown_error(unknown, taken, "field", read_only)
        return super().to_internal_value(data)  # type: ignore[misc]


# --- fields --------------------------------------------------------------------------------------


class DateTimeField(serializers.DateTimeField):
    # A date-time given without an offset is read in the newsroom's zone (``TIME_ZONE``), not
    # the active zone: the admin's requests (and their events' data) activate none.
    def default_timezone(self) -> datetime.tzinfo:
        return timezone.get_default_timezone()


# DRF's, with the model's date-times read as above.
class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }


class _SurrogateCheck(ProhibitSurrogateCharactersValidator):
    """DRF's check that a string has no lone surrogate, with a C-speed test first: DRF's own
    walks a long body character by character in Python."""

    def __call__(self, value: Any) -> None:
        try:
            str(value).encode("utf-8")
        except UnicodeEncodeError:
            super().__call__(value)


class FastTextChecks:
    """For write serializers that take long text (bodies, imports of many articles)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()  # type: ignore[misc]
        for field in fields.values():
            for each in (field, getattr(field, "child", None)):
                if each is not None:
                    each.validators = [
                        _SurrogateCheck() if type(v) is ProhibitSurrogateCharactersValidator else v
                        for v in each.validators
                    ]
        return fields


class OptionalURLField(serializers.URLField):
    """A URL or none: null and "" both store NULL. Documented as one nullable URI string
    (with ``allow_blank`` DRF's schema is a oneOf of a URI and an empty string, which ReDoc
    shows twice and a validator cannot tell apart)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=1000, required=False, allow_null=True, **kwargs)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data == "":
            return True, None
        return super().validate_empty_values(data)


def _names(help_text: str, *, most: int) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=most,
        help_text=f"{help_text} At most {most}.",
    )


# --- the article ---------------------------------------------------------------------------------


class QuoteInputSerializer(KnownFields, FastTextChecks, serializers.Serializer):
    """A quotation: the words and who said them."""

    source = serializers.CharField(
        max_length=200,
        help_text="Name, alias or slug of the person or body quoted (created when new).",
    )
    text = serializers.CharField(help_text="The quoted words.")
    kind = serializers.ChoiceField(
        choices=QuotedSource.Kind.choices,
        required=False,
        help_text='For a new source: person, organization or other. `anonymous` ("a senior '
        "official\"): the source is this article's own, one per name in the article, never "
        "another article's.",
    )
    description = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="For a new source: role."
    )


class ArticleContract(KnownFields, FastTextChecks, ModelSerializer):
    """An article in the write format, checked: ``run_validation(value)`` gives what
    ``services.article_create`` (and ``bulk``) take, or raises DRF's ValidationError."""

    authors = _names("Author names, in byline order.", most=settings.ARTICLE_MAX_AUTHORS)
    tags = _names("Tag names.", most=settings.ARTICLE_MAX_TAGS)
    quotes = QuoteInputSerializer(
        many=True,
        required=False,
        max_length=settings.ARTICLE_MAX_QUOTES,
        help_text=f"The quotations, in order. At most {settings.ARTICLE_MAX_QUOTES}.",
    )
    url = OptionalURLField(
        help_text="Canonical URL: posting it again updates this article (re-import)."
    )
    image_url = OptionalURLField(help_text="The lead image.")

    class Meta:
        model = Article
        fields = [*FIELD_NAMES, "authors", "tags", "quotes"]

    def validate_authors(self, names: list[str]) -> list[str]:
        return self._usable_names(names)

    def validate_tags(self, names: list[str]) -> list[str]:
        return self._usable_names(names)

    def _usable_names(self, names: list[str]) -> list[str]:
        unusable = [name for name in names if not make_slug(name)]
        if unusable:
            raise serializers.ValidationError(
                f"These names have no letter or digit: {', '.join(map(repr, unusable))}."
            )
        return names
