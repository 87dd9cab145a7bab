"""Page-number pagination: ``page`` and ``page_size`` (default 20, at most 100).

``page`` must be a whole number from 1 (anything else is a 400); a page past the last is a 404.

Article and quotation lists page the index's lazy results (``search.Results``) as other lists
page querysets; told the page first, the results answer the count and the page with one search.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from articles import search


class PageNumberWithSize(PageNumberPagination):
    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"
    page_size_query_description = "Results per page: 1 to 100 (default 20)."
    page_query_description = "Page number, from 1. A page past the last answers 404."
    last_page_strings = ()  # ``page=last`` is no number: a 400 like any other
    # No archive has this many pages; larger numbers are past the last page (404).
    highest_page = 10**9

    def paginate_queryset(self, queryset, request: Request, view=None) -> list[Any] | None:
        number = self.get_page_number(request, None)
        if number > self.highest_page:
            raise NotFound("Invalid page.")
        if isinstance(queryset, search.Results):
            size = self.get_page_size(request)
            queryset.expect((number - 1) * size, size)
        return super().paginate_queryset(queryset, request, view)

    def get_page_number(self, request: Request, paginator: Paginator | None) -> int:
        """``page`` as a whole number from 1 (1 when absent); anything else is a 400."""
        raw = request.query_params.get(self.page_query_param, "").strip() or "1"
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise ValidationError({self.page_query_param: ["Must be a whole number from 1."]})
        return int(raw)

    def get_paginated_response(self, data) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_exact"] = True
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        # DRF's examples say http://api.example.org/accounts/?page=4: say what ours look like.
        for link, page in (("next", 3), ("previous", 1)):
            paginated["properties"][link]["example"] = (
                f"https://news.example.org/api/v1/articles/?page={page}&q=glaciers"
            )
        paginated["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "Always true: every count is exact (kept for older clients).",
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


class SearchPagination(PageNumberWithSize):
    """Article lists also say which query words were corrected for typos."""

    def get_paginated_response(self, data) -> Response:
        response = super().get_paginated_response(data)
        response.data["corrected"] = list(self.page.paginator.object_list.corrected)
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["corrected"] = {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "word": {"type": "string", "description": "The word as typed."},
                    "matched": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "The archive's words it was matched as (lower case, "
                        "accents folded), closest and most frequent first.",
                    },
                },
                "required": ["word", "matched"],
            },
            "description": "Words of `q` the archive does not know as written, matched "
            "within 1 edit (5 to 8 letters) or 2 (9 or more), with the words they matched; "
            "only words whose corrections matched something. "
            '`[{"word": "glacers", "matched": ["glaciers"]}]`.',
            "example": [{"word": "glacers", "matched": ["glaciers"]}],
        }
        paginated["required"] = [*paginated["required"], "corrected"]
        return paginated
