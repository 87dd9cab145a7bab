"""Page-number pagination: ``page`` and ``page_size`` (default 20, at most 100).

Searches count their matches exactly up to ``SEARCH_EXACT_COUNT_LIMIT``; past it, ``count``
is that limit and ``count_exact`` is false ("at least"), as large search engines do: counting
every match of a common word costs more than the page itself.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response


class CappedCountPaginator(Paginator):
    def __init__(self, *args, cap: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        if self.cap is None:
            return super().count
        return min(self.object_list.order_by().values("pk")[: self.cap + 1].count(), self.cap)

    @cached_property
    def exact(self) -> bool:
        return self.cap is None or self.count < self.cap


class PageNumberWithSize(PageNumberPagination):
    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"
    page_size_query_description = "Results per page: 1 to 100 (default 20)."
    page_query_description = "Page number, from 1. A page past the last answers 404."

    def paginate_queryset(self, queryset, request: Request, view=None):
        searching = bool(request.query_params.get("q", "").strip())
        cap = settings.SEARCH_EXACT_COUNT_LIMIT if searching else None
        self.django_paginator_class = lambda *args, **kwargs: CappedCountPaginator(
            *args, cap=cap, **kwargs
        )
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.page.paginator.exact
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "False when a search matched more than `count` (a lower bound).",
        }
        paginated["required"] = [*paginated["required"], "count_exact"]
        return paginated

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {"page_size": [f"Must be a whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def get_schema_operation_parameters(self, view) -> list[dict]:
        page, size = super().get_schema_operation_parameters(view)
        page["schema"] = {"type": "integer", "minimum": 1}
        size["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return [page, size]
