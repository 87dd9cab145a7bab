"""The search endpoints' parameters and answers (facets, suggestions) and synonym sets."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from articles import synonyms
from articles.api import times
from articles.api.serializers.articles import NamedRefSerializer
from articles.contract import KnownFields
from articles.models import SynonymSet


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
