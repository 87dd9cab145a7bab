"""Representations of the change feed and of webhook endpoints and deliveries."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from articles import events
from articles.api import times
from articles.api.cursors import cursor_feed, item_cursor
from articles.api.strictness import KnownFields
from articles.events import EVENT_TYPES
from articles.events.models import ARTICLE, WebhookDelivery, WebhookEndpoint
from articles.kinds import NAMED_KINDS


def _as_drf(check: Any, value: Any) -> Any:
    try:
        return check(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages) from None


class EventSerializer(serializers.Serializer):
    cursor = item_cursor("event")
    type = serializers.ChoiceField(choices=sorted(EVENT_TYPES))
    object = serializers.ChoiceField(choices=[ARTICLE, *(kind.name for kind in NAMED_KINDS)])
    id = serializers.IntegerField(help_text="The object's id.")
    slug = serializers.CharField()
    occurred_at = times.DateTimeField()
    data = serializers.DictField(
        help_text="The object as its detail endpoint gave it then; a tombstone "
        "(`*.deleted`, `article.unpublished`) has only `id` and `slug`."
    )


ChangesQuerySerializer, ChangesPageSerializer = cursor_feed("Changes", EventSerializer)


class ResyncSerializer(serializers.Serializer):
    detail = serializers.CharField()
    resync = serializers.BooleanField()


class WebhookEndpointSerializer(KnownFields, times.ModelSerializer):
    events = serializers.ListField(
        child=serializers.CharField(max_length=40),
        min_length=1,
        max_length=len(EVENT_TYPES) + 1,
        help_text='Event types to send, or `["*"]` for all.',
    )
    filter = serializers.DictField(
        required=False,
        help_text="Article list filters (`tag`, `any_tag`, `exclude_tag`, `author`, `source`, "
        "`language`, `section`): article events of other articles are not sent.",
    )
    disabled_reason = serializers.CharField(read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id", "url", "events", "filter", "active", "description", "disabled_reason",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at", "disabled_reason"]

    def validate_url(self, url: str) -> str:
        return _as_drf(events.checked_url, url)

    def validate_events(self, types: list[str]) -> list[str]:
        unknown = sorted(set(types) - EVENT_TYPES - {"*"})
        if unknown:
            raise serializers.ValidationError(
                f"Unknown event types {unknown}: use {sorted(EVENT_TYPES)} or '*'."
            )
        return sorted(set(types))

    def validate_filter(self, value: dict[str, Any]) -> dict[str, Any]:
        return _as_drf(events.checked_filter, value)


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="`whsec_...`: shown only here and in a rotation's answer."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = [*WebhookEndpointSerializer.Meta.read_only_fields, "secret"]


class WebhookDeliverySerializer(times.ModelSerializer):
    response_body = serializers.SerializerMethodField(help_text="Its first KB.")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "event_id", "event_type", "attempt", "state", "status_code", "duration_ms",
            "response_body", "error", "created_at", "next_attempt_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_response_body(self, delivery: WebhookDelivery) -> str:
        return delivery.response_body[:1024]


class WebhookTestSerializer(serializers.Serializer):
    delivery = WebhookDeliverySerializer()
