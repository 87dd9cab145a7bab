"""The API's representations, provided to the layers below it (``articles.representation``):
an event's data and a saved search's match are what these serializers show."""

from __future__ import annotations

from typing import Any

from articles import representation
from articles.api import serializers


def article_detail(rows: dict[int, Any]) -> representation.Shown:
    serializer = serializers.ArticleDetailSerializer()
    return {pk: serializer.to_representation(row) for pk, row in rows.items()}


def article_detail_sql(row: str) -> tuple[str, list[Any]]:
    return serializers.ArticleDetailSerializer.json_sql(row)


def article_summary(rows: dict[int, Any]) -> representation.Shown:
    serializer = serializers.ArticleSummarySerializer()
    return {pk: serializer.to_representation(row) for pk, row in rows.items()}


def named(model: type, rows: list[dict[str, Any]]) -> representation.Shown:
    serializer = serializers.named_serializer(model)()
    return {row["id"]: serializer.to_representation(row) for row in rows}


def named_columns(model: type) -> list[str]:
    return serializers.named_serializer(model).columns()


def named_json_sql(model: type, row: str) -> tuple[str, list[Any]]:
    return serializers.named_serializer(model).json_sql(row)


def provide() -> None:
    representation.provide(article_detail=article_detail, article_summary=article_summary,
                           named=named, named_columns=named_columns,
                           article_detail_sql=article_detail_sql,
                           named_json_sql=named_json_sql)  # fmt: skip
