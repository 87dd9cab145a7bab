"""Ordering of the article list: a whitelist, ``rank`` (best first) by default with ``q``.

The index sorts; this backend only validates ``ordering`` and documents it."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request

from articles.search import ORDERINGS

ORDERING_DESCRIPTION = (
    "One of: " + ", ".join(f"`{name}`" for name in ORDERINGS) + ". Default: `rank` (best first, "
    "BM25, ties newest first) with `q`, `-published_at` without (and for `rank` or "
    "`rank_recent` without `q`). `rank_recent`: BM25 times 0.5 ** (age in days / "
    "`SEARCH_RECENCY_HALF_LIFE_DAYS`, 30 by default), newest first on ties."
)


def ordering_param(request: Request) -> str | None:
    name = request.query_params.get("ordering", "").strip()
    if not name:
        return None
    if name not in ORDERINGS:
        raise ValidationError({"ordering": [ORDERING_DESCRIPTION]})
    return name


class ArticleOrdering(BaseFilterBackend):
    def filter_queryset(self, request: Request, queryset, view):
        ordering_param(request)
        return queryset

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": "ordering",
                "required": False,
                "in": "query",
                "description": ORDERING_DESCRIPTION,
                "schema": {"type": "string", "enum": list(ORDERINGS)},
            }
        ]
