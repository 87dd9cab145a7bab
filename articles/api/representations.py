"""The API's representations, provided to the layers below it (``articles.representation``):
an event's data and a saved search's match are what these serializers show."""

from __future__ import annotations

from typing import Any

from articles import representation
from articles.api import serializers


def article_detail(rows: dict[int, Any]) -> representation.Shown:
    serializer = serializers.ArticleDetailSerializer()
    return {pk: serializer.to_representation(row) for pk, row in rows.items()}


def article_summary(rows: dict[int, Any]) -> representation.Shown:
    serializer = serializers.ArticleSummarySerializer()
    return {pk: serializer.to_representation(row) for pk, row in rows.items()}


def named(model: type, rows: list[Any]) -> representation.Shown:
    # One serializer for all: DRF builds a serializer's fields anew for each instance.
    data = serializers.named_serializer(model)(rows, many=True).data
    return {row.pk: dict(item) for row, item in zip(rows, data, strict=True)}


def provide() -> None:
    representation.provide(article_detail=article_detail, article_summary=article_summary,
                           named=named)  # fmt: skip
