"""What the article writes take and answer: one article (the write contract of
``articles.contract``, answered as its detail), a bulk of them, a raw page to extract."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles import services
from articles.api import times
from articles.api.serializers.articles import ArticleDetailSerializer
from articles.contract import ArticleContract, KnownFields
from articles.models import Article
from articles.selectors import READER, Viewer, article_rows
from articles.text import MarkupTooComplex, check_markup, looks_like_html


class ArticleWriteSerializer(ArticleContract):
    """Create or change an article. Authors, tags and quote sources are given by name and
    created when new; when given, each list replaces the article's list."""

    class Meta(ArticleContract.Meta):
        extra_kwargs = {"published_at": {"help_text": times.WRITTEN_TIMES}}

    def create(self, validated_data: dict[str, Any]) -> Article:
        """A known canonical ``url`` updates that article (re-import); ``self.created`` says
        which happened. The view's ``save(actor=...)`` says who writes."""
        if validated_data.get("url"):
            article, self.created = services.article_import(**validated_data)
            return article
        self.created = True
        return services.article_create(**validated_data)

    def update(self, article: Article, validated_data: dict[str, Any]) -> Article:
        return services.article_update(article, **validated_data)

    def to_representation(self, article: Article) -> dict[str, Any]:
        """The stored article as the detail shows it, read back in one statement."""
        request = self.context.get("request")
        viewer = Viewer.of(request.user) if request is not None else READER
        row = article_rows([article.pk], body=True, viewer=viewer)[article.pk]
        return ArticleDetailSerializer(row, context=self.context).data


BULK_LIMIT = 500


@extend_schema_field(ArticleWriteSerializer(many=True))
class BulkArticlesField(serializers.ListField):
    """Documented as write-format articles; each item is checked on its own, so that one bad
    item is reported without refusing the others."""


class BulkArticlesSerializer(KnownFields, serializers.Serializer):
    also_taken = ("items",)  # the view takes it for ``articles``

    articles = BulkArticlesField(
        child=serializers.DictField(),
        min_length=1,
        max_length=BULK_LIMIT,
        help_text=f"Up to {BULK_LIMIT} articles, each as `POST /articles/` takes it.",
    )
    # No ``default``: generators (openapi-typescript) would make a defaulted property required.
    skip_existing = serializers.BooleanField(
        required=False,
        help_text="Leave articles whose `url` is stored as they are (`skipped`); false when "
        "not given.",
    )


class RawPageSerializer(KnownFields, serializers.Serializer):
    content = serializers.CharField(
        trim_whitespace=False,
        max_length=2_000_000,
        help_text="The page: HTML, or plain text as a scraper saw it (breadcrumb, title, "
        "`by AUTHOR`, body, caption with its credit, an `A | B | C` tag line). Also taken "
        "as `html` or `text`.",
    )
    url = serializers.URLField(
        required=False, allow_null=True, max_length=1000, help_text="The page's canonical URL."
    )
    language = serializers.RegexField(
        r"^[a-z]{2}$",
        required=False,
        allow_null=True,
        help_text="ISO 639-1 code; detected from the text when not given.",
    )

    # Names clients reach for first, taken as ``content`` when it is not given.
    ALIASES = ("html", "text", "page")
    also_taken = ALIASES

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, Mapping) and "content" not in data:
            alias = next((name for name in self.ALIASES if name in data), None)
            if alias is not None:
                data = {**data, "content": data[alias]}
        return super().to_internal_value(data)

    def validate_content(self, content: str) -> str:
        if not content.strip():
            raise serializers.ValidationError("The page is empty.")
        if looks_like_html(content):
            try:
                check_markup(content)
            except MarkupTooComplex as error:
                raise serializers.ValidationError(str(error)) from None
        return content


class ExtractQuerySerializer(serializers.Serializer):
    save = serializers.BooleanField(
        default=False,
        help_text="Store the article as a draft through the write path (201, or 200 when "
        "its `url` is stored: then updated, its status kept).",
    )


class BulkItemSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The item's position in `articles`, from 0.")
    status = serializers.ChoiceField(choices=["created", "updated", "skipped", "error"])
    id = serializers.IntegerField(allow_null=True, help_text="The article's id, when stored.")
    etag = serializers.CharField(
        allow_null=True,
        help_text="The article's version (as the `ETag` header of its detail), when stored: "
        "for `If-Match`.",
    )
    errors = serializers.DictField(
        allow_null=True, help_text="Why the item was not stored, as a 400 would say it."
    )


class BulkResponseSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    skipped = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = BulkItemSerializer(many=True)
