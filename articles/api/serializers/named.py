"""Tags, authors and quoted sources (the slug follows the name), and quotations."""

from __future__ import annotations

import datetime
import functools
import json
from typing import Any
from urllib.parse import quote

from django.utils.http import RFC3986_SUBDELIMS
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles import kinds, names, services
from articles.api import times
from articles.api.serializers.articles import LinksSerializer, SourceRefSerializer, list_url
from articles.contract import KnownFields
from articles.models import WIKIDATA_ID, Author, QuotedSource, Tag
from articles.text import make_slug


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
        return {"self": self._self_url(entity.slug)}

    def _self_url(self, slug: str) -> str:
        """The slug quoted as ``reverse`` quotes it (slugs keep letters of every script)."""
        route = f"{kinds.of_model(self.Meta.model).name}-list"  # "tag-list"
        return f"{list_url(self, route)}{quote(slug, safe=RFC3986_SUBDELIMS + '/~:@')}/"

    @classmethod
    def columns(cls) -> list[str]:
        """The columns (and counts) a ``values()`` row needs to be written as its instance."""
        return ["id", *(source for name, source in cls._sources().items() if name != "links")]

    @classmethod
    @functools.cache
    def _sources(cls) -> dict[str, str]:
        """Each declared field's attribute (its ``source``), read once from DRF's fields."""
        return {name: field.source for name, field in cls().fields.items()}

    def to_representation(self, entity: Any) -> dict[str, Any]:
        """The declared fields, written directly: the lists of names and an import's thousands
        of name events are hot paths, where DRF's generic fields cost more than the rest. A
        ``values()`` row of ``columns()`` (a dict) is written as its instance is;
        tests/api/test_representation.py pins both to DRF's own output."""
        get = entity.__getitem__ if isinstance(entity, dict) else entity.__getattribute__
        data: dict[str, Any] = {}
        for name, source in self._sources().items():
            if name == "links":
                data[name] = {"self": self._self_url(get("slug"))}
                continue
            try:
                value = get(source)
            except (AttributeError, KeyError):  # a count not annotated: DRF leaves it out
                continue
            if isinstance(value, datetime.datetime):  # the fields' own writing (time zones)
                value = self.fields[name].to_representation(value)
            data[name] = value
        return data

    @classmethod
    @functools.cache  # a batch asks once a kind
    def json_sql(cls, row: str) -> tuple[str, list[Any]]:
        """``to_representation`` in SQL, with its parameters: the compact JSON text (as the
        outbox stores it, ``compact_json``) of a row ``row`` whose columns are ``columns()``'s,
        by those names. An import's thousands of new names are then told of without reading
        them into Python. tests/events/test_outbox.py pins it to ``to_representation``."""
        fields, parts, params = cls().fields, [], []
        for name, source in cls._sources().items():
            key = f"'{json.dumps(name)}:'"  # a field's name: letters and underscores
            if name == "links":
                self_url = f"%s::text || {_quoted(f'{row}.slug')} || '/'"
                parts.append(f"""{key} || '{{"self":' || to_json({self_url})::text || '}}'""")
                route = f"{kinds.of_model(cls.Meta.model).name}-list"
                params += [list_url(cls(), route), *_QUOTED_PARAMS]
                continue
            if isinstance(fields[name], serializers.DateTimeField):
                raise NotImplementedError(f"{cls.__name__}.{name}: a date-time (written in a zone)")
            parts.append(f"{key} || COALESCE(to_json({row}.\"{source}\")::text, 'null')")
        return "'{' || " + " || ',' || ".join(parts) + " || '}'", params

    def create(self, validated_data: dict[str, Any]):
        return services.named_create(self.Meta.model, **validated_data)

    def update(self, entity, validated_data: dict[str, Any]):
        return services.named_update(entity, **validated_data)

    def validate_name(self, name: str) -> str:
        if not make_slug(name):
            raise serializers.ValidationError("A name needs a letter or digit.")
        return name


# ``quote(slug, safe=...)`` of ``_self_url`` in SQL: a slug of these characters is its own
# quoting; in others, each other character is its UTF-8 bytes as %XX.
_URL_SAFE = "A-Za-z0-9_.~" + RFC3986_SUBDELIMS + "/:@-"
_QUOTED_PARAMS = [f"^[{_URL_SAFE}]*$", f"[{_URL_SAFE}]", "(..)", "%\\1"]


def _quoted(slug: str) -> str:
    """The SQL of ``slug`` quoted (four parameters: ``_QUOTED_PARAMS``)."""
    return (
        f"(CASE WHEN {slug} ~ %s THEN {slug} ELSE (SELECT string_agg(CASE WHEN c ~ %s THEN c "
        "ELSE upper(regexp_replace(encode(convert_to(c, 'UTF8'), 'hex'), %s, %s, 'g')) END, '' "
        f"ORDER BY n) FROM regexp_split_to_table({slug}, '') WITH ORDINALITY AS x(c, n)) END)"
    )


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
        fields = [
            "name", "slug", "aliases", "wikidata_id", *kinds.AUTHOR.own_fields, "article_count",
            "links",
        ]  # fmt: skip
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
            "name", "slug", *kinds.SOURCE.own_fields, "aliases", "wikidata_id", "article",
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

    def to_representation(self, quote: Any) -> dict[str, Any]:
        """The declared fields, written directly (a page of quotations is a hot path);
        tests/api/test_representation.py pins this to DRF's own output."""
        source, article = quote.source, quote.article
        published_at = article.published_at
        return {
            "id": quote.id,
            "text": quote.text,
            "position": quote.position,
            "source": {"name": source.name, "slug": source.slug, "kind": source.kind,
                       "description": source.description},
            "article": {"id": article.id, "title": article.title, "language": article.language,
                        "published_at": times.utc_text(published_at) if published_at else None},
            "rank": self.get_rank(quote),
        }  # fmt: skip
