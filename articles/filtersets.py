"""Query parameters of the list endpoints, one FilterSet per resource."""

from __future__ import annotations

import datetime

import django_filters as filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles import search
from articles.models import Article, Byline, Quotation, QuotedSource

Tagging = Article.tags.through

LANGUAGE_CODE = RegexValidator(r"^[a-z]{2}$", "Use a two-letter ISO 639-1 code, e.g. 'fr'.")


class DateOrDateTimeField(forms.Field):
    """``2026-11-02`` (midnight UTC) or an ISO 8601 date-time such as ``2026-11-02T08:15:00Z``."""

    default_error_messages = {
        "invalid": "Enter a date (YYYY-MM-DD) or an ISO 8601 date-time (YYYY-MM-DDThh:mm:ssZ)."
    }

    def to_python(self, value: str | None) -> datetime.datetime | None:
        if value in (None, ""):
            return None
        value = value.strip()
        try:
            moment = parse_datetime(value)
            day = None if moment else parse_date(value)
        except ValueError:
            moment = day = None
        if day is not None:
            moment = datetime.datetime.combine(day, datetime.time.min)
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, datetime.UTC)
        return moment


def _schema(schema: dict) -> type:
    """A filter class whose OpenAPI schema is ``schema`` plus each instance's help text."""

    class DescribedFilter(filters.Filter):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            described = {**schema, "description": kwargs.get("help_text", "")}
            extend_schema_field(described)(self)

    return DescribedFilter


class DateOrDateTimeFilter(
    _schema(
        {"oneOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}
    )
):
    field_class = DateOrDateTimeField


class LanguageFilter(_schema({"type": "string", "pattern": "^[a-z]{2}$", "example": "fr"})):
    field_class = forms.CharField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, validators=[LANGUAGE_CODE], **kwargs)


class SearchFilter(filters.CharFilter):
    """``q``: handed to the filterset's ``filter_q``; longer than ``max_length`` is a 400."""

    def __init__(self, *, max_length: int, help_text: str) -> None:
        super().__init__(method="filter_q", max_length=max_length, help_text=help_text)
        schema = {"type": "string", "maxLength": max_length, "description": help_text}
        extend_schema_field(schema)(self)


class SlugListFilter(_schema({"type": "array", "items": {"type": "string"}})):
    """A repeatable slug parameter: ``?tag=ukraine&tag=russie``."""

    field_class = forms.CharField

    def __init__(self, *args, match: str = "all", **kwargs) -> None:
        self.match = match
        super().__init__(*args, **kwargs)

    def get_slugs(self) -> list[str]:
        """Every value given, each cleaned like the first (the form only sees one)."""
        values = self.parent.data.getlist(self.field_name) if self.parent else []
        field = self.field
        slugs = []
        for value in values:
            try:
                cleaned = field.clean(value)
            except forms.ValidationError as error:
                raise serializers.ValidationError({self.field_name: error.messages}) from None
            if cleaned and cleaned.strip():
                slugs.append(cleaned.strip())
        return slugs

    def filter(self, queryset: QuerySet[Article], value: str) -> QuerySet[Article]:
        slugs = self.get_slugs()
        if not slugs:
            return queryset
        if self.match == "all":
            for slug in slugs:
                queryset = queryset.filter(Exists(_tagged(slug)))
            return queryset
        tagged = Exists(Tagging.objects.filter(article_id=OuterRef("pk"), tag__slug__in=slugs))
        return queryset.filter(tagged) if self.match == "any" else queryset.exclude(tagged)


def _tagged(slug: str) -> QuerySet:
    return Tagging.objects.filter(article_id=OuterRef("pk"), tag__slug=slug)


class ArticleFilterSet(filters.FilterSet):
    tag = SlugListFilter(
        field_name="tag", match="all", help_text="Tag slug; repeat it: every tag must match."
    )
    any_tag = SlugListFilter(
        field_name="any_tag", match="any", help_text="Tag slug; repeat it: at least one matches."
    )
    exclude_tag = SlugListFilter(
        field_name="exclude_tag", match="none", help_text="Tag slug; repeat it: none may match."
    )
    author = filters.CharFilter(method="filter_author", help_text="Author slug.")
    source = filters.CharFilter(method="filter_source", help_text="Quoted source slug.")
    language = LanguageFilter(field_name="language", help_text="ISO 639-1 code, e.g. fr.")
    section = filters.CharFilter(
        field_name="section", lookup_expr="iexact", help_text="Section name (any case)."
    )
    status = filters.ChoiceFilter(
        choices=Article.Status.choices,
        help_text="Editors only: readers see published articles whatever they ask.",
    )
    published_after = DateOrDateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="Published on or after this."
    )
    published_before = DateOrDateTimeFilter(
        field_name="published_at", lookup_expr="lt", help_text="Published strictly before this."
    )
    updated_after = DateOrDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Changed on or after this (for clients that sync incrementally).",
    )

    # Declared last, so that it runs last: search ranks what every other filter left.
    q = SearchFilter(
        max_length=500,
        help_text=(
            'Full-text query in web-search syntax: words, "exact phrase", OR, -excluded. '
            "Stemmed in each article's language, accent-insensitive; results come best-first."
        ),
    )

    class Meta:
        model = Article
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Article], name: str, value: str) -> QuerySet[Article]:
        return search.filter_articles(queryset, self.parsed_query(value))

    def parsed_query(self, value: str) -> search.ParsedQuery:
        """Parse once per request: the view highlights the page with the same parsed query."""
        parsed = search.parse_query(value, language=self.form.cleaned_data.get("language") or None)
        if self.request is not None:
            self.request.search_query = parsed
        return parsed

    def filter_author(self, queryset: QuerySet[Article], name: str, value: str):
        bylines = Byline.objects.filter(article_id=OuterRef("pk"), author__slug=value)
        return queryset.filter(Exists(bylines))

    def filter_source(self, queryset: QuerySet[Article], name: str, value: str):
        quotes = Quotation.objects.filter(article_id=OuterRef("pk"), source__slug=value)
        return queryset.filter(Exists(quotes))


class NamedEntityFilterSet(filters.FilterSet):
    q = SearchFilter(
        max_length=200,
        help_text="Names whose first letters (or a word's) are these; any case, any accents.",
    )

    def filter_q(self, queryset, name: str, value: str):
        return search.filter_names(queryset, value)


class QuotedSourceFilterSet(NamedEntityFilterSet):
    kind = filters.ChoiceFilter(choices=QuotedSource.Kind.choices, help_text="Kind of source.")


class QuotationFilterSet(filters.FilterSet):
    q = SearchFilter(
        max_length=500, help_text="Full-text query over the quoted text (web-search syntax)."
    )
    source = filters.CharFilter(field_name="source__slug", help_text="Quoted source slug.")
    article = filters.NumberFilter(field_name="article_id", help_text="Article id.")
    language = LanguageFilter(
        field_name="article__language", help_text="Language of the quoting article (ISO 639-1)."
    )

    def filter_q(self, queryset, name: str, value: str):
        language = self.form.cleaned_data.get("language") or None
        return search.filter_quotes(queryset, search.parse_query(value, language=language))
