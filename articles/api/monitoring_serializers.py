"""Representations of saved searches and their matches."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles import monitoring
from articles.api.cursors import cursor_feed, item_cursor
from articles.api.serializers import ArticleSummarySerializer
from articles.api.strictness import KnownFields, refuse_unknown_parameters
from articles.events.models import WebhookEndpoint
from articles.filtersets import Q_MAX_LENGTH
from articles.monitoring.models import SavedSearch


@extend_schema_field(OpenApiTypes.INT)
class OwnWebhookField(serializers.PrimaryKeyRelatedField):
    """One of the user's webhook endpoints (a superuser's: any): another's is unknown."""

    def get_queryset(self):
        user = self.context["request"].user
        endpoints = WebhookEndpoint.objects.all()
        return endpoints if user.is_superuser else endpoints.filter(owner=user)


@extend_schema_field({"type": "string", "maxLength": Q_MAX_LENGTH})
class ListQueryField(serializers.CharField):
    """A ``q`` as the article list takes it: a longer one is refused by the list's own check,
    with the list's message (``monitoring`` runs it), not by a validator of DRF's (another
    message); the schema says the limit."""


class NotifySerializer(KnownFields, serializers.Serializer):
    webhook = OwnWebhookField(
        allow_null=True,
        required=False,
        help_text="Id of one of your webhook endpoints (`/webhooks/`) that gets a "
        "`saved_search.matched` event for each match, or null.",
    )


class SavedSearchSerializer(KnownFields, serializers.ModelSerializer):
    """A query and filters its owner keeps: the new and changed articles they match are its
    matches (`/saved-searches/{id}/matches/`), also sent to `webhook` when it names one."""

    q = ListQueryField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Full-text query, as the article list's `q` takes it (web-search syntax, "
        "stemming, typo tolerance, synonyms).",
    )
    filters = serializers.DictField(
        required=False,
        default=dict,
        help_text="Article list filters, as the list takes them: "
        + ", ".join(f"`{name}`" for name in sorted(monitoring.FILTERS))
        + ' (`tag`, `any_tag` and `exclude_tag` take a list), e.g. `{"tag": ["ukraine"], '
        '"language": "fr"}`.',
    )
    notify = NotifySerializer(source="*", required=False)
    owner = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Its owner's username."
    )

    class Meta:
        model = SavedSearch
        fields = [
            "id", "name", "q", "filters", "notify", "active", "owner", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "owner", "created_at", "updated_at"]

    def validate_filters(self, value: dict[str, Any]) -> dict[str, Any]:
        refuse_unknown_parameters(value, monitoring.FILTERS)
        return value

    def create(self, validated_data: dict[str, Any]) -> SavedSearch:
        return monitoring.saved_search_create(**validated_data)

    def update(self, instance: SavedSearch, validated_data: dict[str, Any]) -> SavedSearch:
        return monitoring.saved_search_update(instance, **validated_data)


class MatchSerializer(serializers.Serializer):
    cursor = item_cursor("match")
    matched_at = serializers.DateTimeField()
    version = serializers.CharField(help_text="The article's version (`ETag`) that matched.")
    article = ArticleSummarySerializer()


MatchesQuerySerializer, MatchesPageSerializer = cursor_feed("Matches", MatchSerializer)
