"""Ordering of the article list: a whitelist, ``rank`` (best first) by default with ``q``."""

from __future__ import annotations

from django.db.models import F, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request

from articles.models import Folded
from articles.search import BEST_FIRST, NEWEST_FIRST

ORDERINGS = {
    "published_at": (F("published_at").asc(nulls_last=True), "id"),
    "-published_at": NEWEST_FIRST,
    "title": (Folded(F("title")).asc(), "id"),
    "-title": (Folded(F("title")).desc(), "-id"),
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
    "rank": BEST_FIRST,
}
ORDERING_DESCRIPTION = (
    "One of: " + ", ".join(f"`{name}`" for name in ORDERINGS) + ". Default: `rank` (best first) "
    "with `q`, `-published_at` without (and for `rank` without `q`)."
)


class ArticleOrdering(BaseFilterBackend):
    def filter_queryset(self, request: Request, queryset: QuerySet, view) -> QuerySet:
        searching = bool(request.query_params.get("q", "").strip())
        name = request.query_params.get("ordering", "").strip() or (
            "rank" if searching else "-published_at"
        )
        if name not in ORDERINGS:
            raise ValidationError({"ordering": [ORDERING_DESCRIPTION]})
        if name == "rank" and not searching:
            name = "-published_at"  # without a query every rank is equal: newest first
        return queryset.order_by(*ORDERINGS[name])

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
