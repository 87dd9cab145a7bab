"""Merges and timelines of authors and sources."""

from __future__ import annotations

from rest_framework import serializers

from articles import search
from articles.api.strictness import KnownFields


class MergeSerializer(KnownFields, serializers.Serializer):
    into = serializers.CharField(
        max_length=200,
        help_text="Slug (or a name or alias) of the one it becomes part of.",
    )


class TimelineQuerySerializer(serializers.Serializer):
    interval = serializers.ChoiceField(
        choices=search.INTERVALS,
        default="month",
        help_text="Bucket size, in UTC: `day`, `week` (ISO, from Monday) or `month` (default).",
    )


class TimelineBucketSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="`2026-11-02`, `2026-W45` or `2026-11`.")
    start = serializers.DateTimeField(help_text="The bucket's first instant (UTC).")
    quotes = serializers.IntegerField(help_text="Its quotations published in it.")
    articles = serializers.IntegerField(help_text="Articles quoting it published in it.")


class TimelineSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="The source's slug.")
    interval = serializers.CharField()
    results = TimelineBucketSerializer(
        many=True, help_text="Oldest first, from its first quote to its last, empty ones included."
    )
