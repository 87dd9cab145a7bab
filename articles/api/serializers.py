"""Representations of the API. Reads nest authors, tags and quotes; writes name them and hand
off to ``articles.services``."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from articles import kinds, names, services, synonyms
from articles.api import times
from articles.api.strictness import KnownFields
from articles.fields import DERIVED_FIELDS, FIELD_NAMES
from articles.models import WIKIDATA_ID, Article, Author, QuotedSource, SynonymSet, Tag
from articles.selectors import READER, ArticleRow, Viewer, article_rows
from articles.text import MarkupTooComplex, check_markup, looks_like_html, make_slug


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
            *(each.name for each in DERIVED_FIELDS if each.name != "slug"),
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
        """The article's API URL; the prefix is made once for a whole list."""
        prefix = self.__dict__.get("_article_urls")
        if prefix is None:
            prefix = self._article_urls = api_url(self, reverse("article-list"))
        return f"{prefix}{article_id}/"

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


def _names(help_text: str, *, most: int) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=most,
        help_text=f"{help_text} At most {most}.",
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A French article",
            value={
                "title": "Les glaciers des Alpes fondent à un rythme inédit",
                "standfirst": "La canicule a accéléré la fonte.",
                "body": "<p>Les glaciers suisses ont perdu près de 4 % de leur volume.</p>",
                "language": "fr",
                "section": "Sciences",
                "status": "published",
                "published_at": "2026-10-02T09:30:00Z",
                "url": "https://example.org/fr/glaciers-alpes",
                "authors": ["Élodie Martin"],
                "tags": ["Climat", "Glaciers", "Suisse"],
                "quotes": [
                    {
                        "source": "Matthias Huss",
                        "kind": "person",
                        "description": "glaciologue",
                        "text": "Nous perdons les petits glaciers les uns après les autres.",
                    }
                ],
            },
            request_only=True,
        )
    ]
)
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


class ArticleWriteSerializer(KnownFields, FastTextChecks, times.ModelSerializer):
    """Create or change an article. Authors, tags and quote sources are given by name and
    created when new; when given, each list replaces the article's list."""

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
        extra_kwargs = {"published_at": {"help_text": times.WRITTEN_TIMES}}

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


class NamedEntitySerializer(KnownFields, times.ModelSerializer):
    """Shared by tags, authors and sources: the slug follows the name."""

    slug = serializers.CharField(read_only=True)
    wikidata_id = serializers.RegexField(
        WIKIDATA_ID.regex,
        max_length=20,
        required=False,
        allow_null=True,
        error_messages={"invalid": WIKIDATA_ID.message},
        help_text="Its Wikidata item (`Q` and digits, e.g. `Q3874799`), unique; null for none. "
        "Not looked up.",
    )
    links = serializers.SerializerMethodField()

    @extend_schema_field(LinksSerializer)
    def get_links(self, entity) -> dict[str, str]:
        route = f"{kinds.of_model(self.Meta.model).name}-detail"  # "tag-detail"
        return {"self": api_url(self, reverse(route, kwargs={"slug": entity.slug}))}

    def create(self, validated_data: dict[str, Any]):
        return services.named_create(self.Meta.model, **validated_data)

    def update(self, entity, validated_data: dict[str, Any]):
        return services.named_update(entity, **validated_data)

    def validate_name(self, name: str) -> str:
        if not make_slug(name):
            raise serializers.ValidationError("A name needs a letter or digit.")
        return name


class TagSerializer(NamedEntitySerializer):
    article_count = serializers.IntegerField(read_only=True, help_text="Published articles.")

    class Meta:
        model = Tag
        fields = ["name", "slug", "wikidata_id", "article_count", "links"]
        extra_kwargs = {"name": {"validators": []}}


def _aliases() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=names.MAX_ALIASES,
        help_text="Other spellings of the name: a write that names one (a quote's `source`, a "
        "byline) gets this one, and so do `q` and suggestions. Unique across names and "
        "aliases (409 naming the other one).",
    )


class AuthorSerializer(NamedEntitySerializer):
    aliases = _aliases()
    article_count = serializers.IntegerField(read_only=True, help_text="Published articles.")

    class Meta:
        model = Author
        fields = ["name", "slug", "aliases", "wikidata_id", "bio", "url", "article_count", "links"]
        extra_kwargs = {"name": {"validators": []}}


class QuotedSourceSerializer(NamedEntitySerializer):
    aliases = _aliases()
    quote_count = serializers.IntegerField(
        read_only=True, help_text="Quotations in published articles."
    )
    article = serializers.IntegerField(
        source="article_id",
        read_only=True,
        allow_null=True,
        help_text="An anonymous source's article (it belongs to that one); null for others.",
    )

    class Meta:
        model = QuotedSource
        fields = [
            "name", "slug", "kind", "description", "aliases", "wikidata_id", "article",
            "quote_count", "links",
        ]  # fmt: skip
        extra_kwargs = {
            "name": {"validators": []},
            "kind": {"help_text": "person, organization or other; anonymous sources are made "
                                  'by quotes (`"kind": "anonymous"`), each in its article.'},
        }  # fmt: skip


class QuotedSourceDetailSerializer(QuotedSourceSerializer):
    first_quoted_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Publication of the first article quoting it."
    )
    last_quoted_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Publication of the latest article quoting it."
    )

    class Meta(QuotedSourceSerializer.Meta):
        fields = [*QuotedSourceSerializer.Meta.fields[:-1], "first_quoted_at",
                  "last_quoted_at", "links"]  # fmt: skip


def named_serializer(model: type) -> type[NamedEntitySerializer]:
    """The serializer of a tag, author or quoted source (as its list shows it)."""
    return next(s for s in NamedEntitySerializer.__subclasses__() if s.Meta.model is model)


class QuotationArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    language = serializers.CharField(read_only=True)
    published_at = times.DateTimeField(read_only=True, allow_null=True)


class QuotationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    source = SourceRefSerializer(read_only=True)
    article = QuotationArticleSerializer(read_only=True)
    rank = serializers.SerializerMethodField(help_text="Relevance to `q`; null without `q`.")

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_rank(self, quote: Any) -> float | None:
        rank = getattr(quote, "rank", None)
        return None if rank is None else round(float(rank), 6)


class LoginSerializer(KnownFields, AuthTokenSerializer):
    """A user's username and password."""


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField()


class FacetNamedSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField(help_text="Matching articles with it.")


class FacetsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Articles matching the filters and `q`.")
    tags = FacetNamedSerializer(many=True)
    authors = FacetNamedSerializer(many=True)
    sources = FacetNamedSerializer(many=True)
    languages = FacetValueSerializer(many=True)
    sections = FacetValueSerializer(many=True)
    months = FacetValueSerializer(many=True, help_text="`YYYY-MM` of `published_at` (UTC).")


class RelatedSerializer(serializers.Serializer):
    results = ArticleSummarySerializer(
        many=True,
        help_text="Best first; `rank` is the score: shared tags + shared quoted sources + text "
        "similarity (0 to 1).",
    )


class LimitSerializer(serializers.Serializer):
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=50, default=10, help_text="How many (1 to 50)."
    )


class SuggestQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=100, help_text="What the user has typed so far (any case, any accents)."
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=20, default=5, help_text="Per kind (1 to 20)."
    )


class SuggestedArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    language = serializers.CharField()


class SuggestionsSerializer(serializers.Serializer):
    tags = NamedRefSerializer(many=True)
    authors = NamedRefSerializer(many=True)
    sources = NamedRefSerializer(many=True)
    articles = SuggestedArticleSerializer(many=True, help_text="Published articles by title.")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Spellings of a name",
            value={"terms": ["Kyiv", "Kiev", "Kiew"], "language": None},
            request_only=True,
        )
    ]
)
class SynonymSetSerializer(KnownFields, times.ModelSerializer):
    terms = serializers.ListField(
        child=serializers.CharField(max_length=100),
        min_length=2,
        max_length=20,
        help_text="Two or more words or phrases (`United States`) that a search treats as "
        "one: a query term of the set matches every term of it. Compared as written, any "
        "case, any accents.",
    )
    language = serializers.RegexField(
        r"^[a-z]{2}$",
        required=False,
        allow_null=True,
        help_text="ISO 639-1 code: the set applies to articles in that language; null (the "
        "default): to every language.",
    )

    class Meta:
        model = SynonymSet
        fields = ["id", "terms", "language", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]

    def create(self, validated_data: dict[str, Any]) -> SynonymSet:
        return synonyms.synonym_set_create(**validated_data)

    def update(self, instance: SynonymSet, validated_data: dict[str, Any]) -> SynonymSet:
        return synonyms.synonym_set_update(instance, **validated_data)
