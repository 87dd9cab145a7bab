"""Query parameters of the list endpoints, one FilterSet per resource.

Article and quotation lists are answered by the search index: their filtersets declare and
validate the parameters (and document them in the schema), and ``article_search_params`` /
``quote_search_params`` turn a request into the selector's input. Tags, authors and sources
are small tables filtered in PostgreSQL.
"""

from __future__ import annotations

import datetime
import functools

import django_filters as filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from articles import search, selectors
from articles.models import WIKIDATA_ID, Article, QuotedSource

LANGUAGE_CODE = RegexValidator(r"^[a-z]{2}$", "Use a two-letter ISO 639-1 code, e.g. 'fr'.")


class DateOrDateTimeField(forms.Field):
    """``2026-11-02`` (midnight UTC) or an ISO 8601 date-time such as ``2026-11-02T08:15:00Z``
    (without an offset, in the newsroom's zone, ``TIME_ZONE``)."""

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
            moment = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if timezone.is_naive(moment):  # a date-time without an offset: the newsroom's zone
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        try:
            moment.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
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
        {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}
    )
):
    field_class = DateOrDateTimeField


# No ``example``: Swagger UI would pre-fill it, and a user typing only ``q`` would get French.
class LanguageFilter(_schema({"type": "string", "pattern": "^[a-z]{2}$"})):
    field_class = forms.CharField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, validators=[LANGUAGE_CODE], **kwargs)


class WikidataFilter(_schema({"type": "string", "pattern": WIKIDATA_ID.regex.pattern})):
    field_class = forms.CharField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, validators=[WIKIDATA_ID], **kwargs)


class IdFilter(_schema({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)


class SearchFilter(filters.CharFilter):
    """``q``: longer than ``max_length`` is a 400."""

    def __init__(self, *, max_length: int, help_text: str, **kwargs) -> None:
        super().__init__(max_length=max_length, help_text=help_text, **kwargs)
        schema = {"type": "string", "maxLength": max_length, "description": help_text}
        extend_schema_field(schema)(self)


class SlugListFilter(_schema({"type": "array", "items": {"type": "string"}})):
    """A repeatable slug parameter: ``?tag=ukraine&tag=russie``."""

    field_class = forms.CharField

    def slugs(self, data) -> tuple[str, ...]:
        """Every value given, each cleaned like the first (the form only sees one)."""
        slugs = []
        for value in data.getlist(self.field_name):
            try:
                cleaned = self.field.clean(value)
            except forms.ValidationError as error:
                raise serializers.ValidationError({self.field_name: error.messages}) from None
            if cleaned and cleaned.strip():
                slugs.append(cleaned.strip())
        return tuple(slugs)


Q_MAX_LENGTH = 500  # characters of a ``q``


class ArticleFilterSet(filters.FilterSet):
    q = SearchFilter(
        max_length=Q_MAX_LENGTH,
        help_text=(
            'Full-text query in web-search syntax: words, "exact phrase", OR, -excluded. '
            "Stemmed in each article's language, accent-insensitive, tolerant of typos in "
            "words the archive does not know (listed in `corrected`), synonym sets applied "
            "(`/synonyms/`); results come best-first."
        ),
    )
    tag = SlugListFilter(field_name="tag", help_text="Tag slug; repeat it: every tag must match.")
    any_tag = SlugListFilter(
        field_name="any_tag", help_text="Tag slug; repeat it: at least one matches."
    )
    exclude_tag = SlugListFilter(
        field_name="exclude_tag", help_text="Tag slug; repeat it: none may match."
    )
    author = filters.CharFilter(help_text="Author slug (or an alias's: a merged one).")
    source = filters.CharFilter(help_text="Quoted source slug (or an alias's: a merged one).")
    tag_wikidata = WikidataFilter(help_text="Wikidata id of a tag it has, e.g. Q212.")
    author_wikidata = WikidataFilter(help_text="Wikidata id of one of its authors.")
    source_wikidata = WikidataFilter(help_text="Wikidata id of a source it quotes, e.g. Q3874799.")
    language = LanguageFilter(field_name="language", help_text="ISO 639-1 code, e.g. fr.")
    section = filters.CharFilter(help_text="Section name (any case, any accents).")
    status = filters.ChoiceFilter(
        choices=Article.Status.choices,
        help_text="Editors only (contributors: among the published articles and their own): "
        "readers see published articles whatever they ask.",
    )
    published_after = DateOrDateTimeFilter(help_text="Published on or after this.")
    published_before = DateOrDateTimeFilter(help_text="Published strictly before this.")
    updated_after = DateOrDateTimeFilter(
        help_text="Changed on or after this (for clients that sync incrementally)."
    )
    collapse = filters.ChoiceFilter(
        choices=[("duplicates", "duplicates")],
        help_text="`duplicates`: one article per group of near-duplicates (syndicated copies "
        "of one story), the earliest of the group's that match, and counts of groups.",
    )

    class Meta:
        model = Article
        fields: list[str] = []


class _SharedFields(dict):
    """A form's declared fields, which every instance uses as they are: Django's forms
    deep-copy them per instance (about 80 copies a request here) so that a form may change
    its own; these only validate, and change none."""

    def __deepcopy__(self, memo: dict) -> _SharedFields:
        return self


@functools.cache
def _form_class(filterset_class: type[filters.FilterSet]) -> type[forms.Form]:
    """The form django-filter builds for each request of ``filterset_class`` (one field per
    filter), built once: these filtersets only validate (the index answers), so a request
    needs neither django-filter's deep copy of every filter nor a new form class, nor the
    form's copy of its fields."""
    built = filterset_class(queryset=Article.objects.none()).get_form_class()
    form_class = type("SharedFieldsForm", (built,), {})
    form_class.base_fields = _SharedFields(form_class.base_fields)  # after the metaclass's
    return form_class


def _cleaned(filterset_class: type[filters.FilterSet], params: QueryDict) -> dict:
    form = _form_class(filterset_class)(params)
    if not form.is_valid():
        raise serializers.ValidationError(form.errors)
    return form.cleaned_data


def _nonempty(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def article_search_params(request: Request, *, ordering: str | None = None) -> search.ArticleSearch:
    return article_search_from(
        request.query_params,
        editor=selectors.can_see_unpublished(request.user),
        owner=selectors.contributor_id(request.user),
        ordering=ordering,
    )


def article_search_from(
    params: QueryDict, *, editor: bool, owner: int | None = None, ordering: str | None = None
) -> search.ArticleSearch:
    """The list's parameters (as a query string gives them) checked and turned into the
    selector's input, for a reader or an editor; a ValidationError names what is wrong."""
    data = _cleaned(ArticleFilterSet, params)
    declared = ArticleFilterSet.base_filters
    repeated = {name: declared[name].slugs(params) for name in ("tag", "any_tag", "exclude_tag")}
    return search.ArticleSearch(
        q=data.get("q") or "",
        editor=editor,
        owner=owner,
        status=_nonempty(data.get("status")),
        language=_nonempty(data.get("language")),
        tags=repeated["tag"],
        any_tags=repeated["any_tag"],
        exclude_tags=repeated["exclude_tag"],
        author=_nonempty(data.get("author")),
        source=_nonempty(data.get("source")),
        section=_nonempty(data.get("section")),
        tag_wikidata=_nonempty(data.get("tag_wikidata")),
        author_wikidata=_nonempty(data.get("author_wikidata")),
        source_wikidata=_nonempty(data.get("source_wikidata")),
        published_after=data.get("published_after"),
        published_before=data.get("published_before"),
        updated_after=data.get("updated_after"),
        collapse=data.get("collapse") == "duplicates",
        ordering=ordering,
    )


class NamedEntityFilterSet(filters.FilterSet):
    q = SearchFilter(
        max_length=200,
        method="filter_q",
        help_text="Names (and aliases) whose first letters, or a word's, are these; any case, "
        "any accents.",
    )
    wikidata = WikidataFilter(field_name="wikidata_id", help_text="Its Wikidata id.")

    def filter_q(self, queryset, name: str, value: str) -> QuerySet:
        return selectors.filter_names(queryset, value)


class QuotedSourceFilterSet(NamedEntityFilterSet):
    kind = filters.ChoiceFilter(choices=QuotedSource.Kind.choices, help_text="Kind of source.")


class QuotationFilterSet(filters.FilterSet):
    q = SearchFilter(
        max_length=Q_MAX_LENGTH,
        help_text="Full-text query over the quoted text (web-search syntax).",
    )
    source = filters.CharFilter(help_text="Quoted source slug.")
    article = IdFilter(help_text="Article id.")
    language = LanguageFilter(help_text="Language of the quoting article (ISO 639-1).")


def quote_search_params(request: Request) -> search.QuoteSearch:
    return quote_search_from(
        request.query_params, editor=selectors.can_see_unpublished(request.user)
    )


def quote_search_from(params: QueryDict, *, editor: bool) -> search.QuoteSearch:
    """The quotation list's parameters checked and turned into the selector's input."""
    data = _cleaned(QuotationFilterSet, params)
    return search.QuoteSearch(
        q=data.get("q") or "",
        editor=editor,
        source=_nonempty(data.get("source")),
        article=data.get("article"),
        language=_nonempty(data.get("language")),
    )
