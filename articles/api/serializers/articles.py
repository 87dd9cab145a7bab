"""Articles as the API answers them: a list's summary (everything but the body), the detail,
near-duplicates, related articles."""

from __future__ import annotations

import datetime
import json
import math
from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.api import times
from articles.fields import FIELD_NAMES
from articles.models import Article
from articles.rows import RELATIONS, ArticleRow


class NamedRefSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)


class SourceRefSerializer(NamedRefSerializer):
    kind = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True, help_text="Role or affiliation.")


class LinksSerializer(serializers.Serializer):
    self = serializers.URLField(read_only=True, help_text="This resource in the API.")


def reading_minutes(words: int) -> int:
    """Minutes to read ``words`` at ``READING_WORDS_PER_MINUTE``, rounded up (0 for none)."""
    return math.ceil(words / settings.READING_WORDS_PER_MINUTE)


def api_url(serializer: serializers.Serializer, path: str) -> str:
    """``path`` as an absolute URL of the request being answered (the path without one)."""
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def list_url(serializer: serializers.Serializer, route: str) -> str:
    """The list ``route``'s URL (``api_url``), reversed once per serializer: a page of
    articles, or an import's thousands of new names, each reversed cost more than the rest
    of their representation. An object's URL is this and its key."""
    urls = serializer.__dict__.setdefault("_list_urls", {})
    if route not in urls:
        urls[route] = api_url(serializer, reverse(route))
    return urls[route]


class QuoteSerializer(serializers.Serializer):
    source = SourceRefSerializer(read_only=True)
    text = serializers.CharField(read_only=True)


class HighlightsSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="The title, HTML-escaped, matches in <mark>.")
    body = serializers.ListField(
        child=serializers.CharField(), help_text="Up to two body fragments, marked the same way."
    )


class ArticleSummarySerializer(times.ModelSerializer):
    """An article in a list: everything but the body."""

    authors = serializers.SerializerMethodField()
    tags = NamedRefSerializer(many=True, read_only=True)
    quotes = QuoteSerializer(many=True, read_only=True)
    reading_time_minutes = serializers.SerializerMethodField(
        help_text="Minutes to read the body at `READING_WORDS_PER_MINUTE` words a minute "
        "(default 230), rounded up."
    )
    duplicate_of = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The id of the earliest article (by `published_at`, then id) of its group of "
        "near-duplicates that you may see (syndicated copies of one story); null when it is "
        "that article or has none.",
    )
    duplicates_count = serializers.IntegerField(
        read_only=True,
        help_text="How many other articles of its group of near-duplicates you may see "
        "(`/articles/{id}/duplicates/` lists them).",
    )
    links = serializers.SerializerMethodField()
    rank = serializers.SerializerMethodField(help_text="Relevance to `q`; null without `q`.")
    highlights = serializers.SerializerMethodField(help_text="Matches of `q`; null without `q`.")

    class Meta:
        model = Article
        # The article's fields (the body apart: the detail's), then what is derived or read.
        fields = [
            "id", "title", "slug",
            *(name for name in FIELD_NAMES if name not in ("title", "body")),
            "created_at", "updated_at", "word_count",
            "reading_time_minutes", "authors", "tags", "quotes", "duplicate_of",
            "duplicates_count", "links", "rank", "highlights",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {"word_count": {"help_text": "Words of the body."}}

    @extend_schema_field(NamedRefSerializer(many=True))
    def get_authors(self, article: Article) -> list[dict[str, str]]:
        return [{"name": b.author.name, "slug": b.author.slug} for b in article.bylines.all()]

    def get_reading_time_minutes(self, article: Article) -> int:
        return reading_minutes(article.word_count)

    @extend_schema_field(LinksSerializer)
    def get_links(self, article: Article) -> dict[str, str]:
        return {"self": self._self_url(article.id)}

    def _self_url(self, article_id: int) -> str:
        return f"{list_url(self, 'article-list')}{article_id}/"

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_rank(self, article: Article) -> float | None:
        rank = getattr(article, "rank", None)
        return None if rank is None else round(float(rank), 6)

    @extend_schema_field(HighlightsSerializer(allow_null=True))
    def get_highlights(self, article: Article) -> dict[str, Any] | None:
        return getattr(article, "highlights", None)

    def to_representation(self, article: Article | ArticleRow) -> dict[str, Any]:
        """The declared fields, written directly: lists of articles are the hot path, and
        DRF's generic fields cost more than the search. tests/api/test_representation.py
        pins this to DRF's own output."""
        row = article if isinstance(article, ArticleRow) else ArticleRow.from_article(article)
        data = {}
        for name in self.Meta.fields:
            if name == "reading_time_minutes":
                data[name] = reading_minutes(row.word_count)
                continue
            if name == "links":
                data[name] = {"self": self._self_url(row.id)}
                continue
            value = getattr(row, name)
            if isinstance(value, datetime.datetime):
                value = times.utc_text(value)
            elif name == "rank" and value is not None:
                value = round(float(value), 6)
            data[name] = value
        return data

    @classmethod
    def json_sql(cls, row: str) -> tuple[str, list[Any]]:
        """``to_representation`` in SQL, with its parameters: the compact JSON text (as the
        outbox stores it, ``compact_json``) of a row ``row`` of ``selectors.article_rows_sql``
        (columns by ``ArticleRow``'s names). An import's article events are then written
        without reading the articles into Python. tests/events/test_outbox.py pins it to
        ``to_representation``."""
        fields, parts, params = cls().fields, [], []
        for name in cls.Meta.fields:
            column = f'{row}."{name}"'
            if name == "reading_time_minutes":
                value = f"ceil({row}.word_count / %s::numeric)::bigint::text"
                params.append(settings.READING_WORDS_PER_MINUTE)
            elif name == "links":
                value = f"""'{{"self":' || to_json(%s::text || {row}.id || '/')::text || '}}'"""
                params.append(list_url(cls(), "article-list"))
            elif name in RELATIONS:
                # Read as JSON built in SQL; written again compactly, in order (their columns
                # are NOT NULL: there is no null to strip).
                value = f"json_strip_nulls({column})::text"
            elif isinstance(fields[name], serializers.DateTimeField):
                value = _UTC_TEXT.format(column=column)
            elif name in ("rank", "highlights"):
                raise NotImplementedError(f"{cls.__name__}.{name}: a search's")
            else:
                value = f"to_json({column})::text"
            parts.append(f"""'{json.dumps(name)}:' || COALESCE({value}, 'null')""")
        return "'{' || " + " || ',' || ".join(parts) + " || '}'", params


# ``times.utc_text`` in SQL: ISO 8601 in UTC, the microseconds only when there are some, ``Z``.
_UTC_TEXT = (
    """'"' || to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') """
    """|| CASE to_char({column}, 'US') WHEN '000000' THEN '' """
    """ELSE to_char({column}, '.US') END || 'Z"'"""
)


class NearDuplicateSerializer(ArticleSummarySerializer):
    """An article of a group of near-duplicates (its summary, as a list gives it). A class of
    its own so that the group's page has a schema of its own: it has no ``corrected``."""


class ArticleDetailSerializer(ArticleSummarySerializer):
    """An article with its body, authors, tags and quotations."""

    class Meta(ArticleSummarySerializer.Meta):
        fields = [*ArticleSummarySerializer.Meta.fields[:4], "body"] + [
            f for f in ArticleSummarySerializer.Meta.fields[4:] if f not in ("rank", "highlights")
        ]
        read_only_fields = fields


class RelatedSerializer(serializers.Serializer):
    results = ArticleSummarySerializer(
        many=True,
        help_text="Best first; `rank` is the score: shared tags + shared quoted sources + text "
        "similarity (0 to 1).",
    )
