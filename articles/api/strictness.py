"""Strict input: a query parameter a route does not take, or a body field a write does not
take, is a 400 that names it (a typo such as ``?tags=`` or ``{"tag": [...]}`` must never be
silently ignored).

Which query parameters a route takes is read from what declares them: its filterset and
ordering (lists, facets), its pagination (``page``, ``page_size``) and its
``query_serializer_class`` (suggest, related, extract). Routes that address one object
(``GET``, ``PUT``, ``PATCH``, ``DELETE`` of ``/articles/{id}/``, ``/tags/{slug}/``...) and
creates (``POST`` to a collection) take no query parameters and ignore any: they share their
URL with a list, whose parameters clients and the browsable API carry over (``/articles/7/?q=x``
is article 7), and any other parameter changes nothing there either.

The refusal itself (``refuse_unknown_parameters``) lives below the API, in
``articles.parameters``: the feeds refuse unknown parameters too.
"""

from __future__ import annotations

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import decorators, serializers
from rest_framework.request import Request

# The body's rule is the write contract's, below the API (the import applies it too).
from articles.contract import KnownFields as KnownFields
from articles.parameters import UNIVERSAL, refuse_unknown_parameters

# Routes whose answer no query parameter shapes (see the module's docstring).
IGNORING_ACTIONS = frozenset({"retrieve", "update", "partial_update", "destroy", "create"})


# A view mixin: a query parameter the route does not take is a 400 that names it and lists
# those it takes; an ``@action`` names its own with ``query_serializer_class``. The list's
# filters apply to the list only: DRF runs filter backends inside ``get_object()`` too, where
# the list's parameters must change nothing. (Comments, not docstrings: drf-spectacular would
# publish a docstring as the description of every operation.)
class QueryParameters:
    query_serializer_class: type[serializers.Serializer] | None = None

    def query_parameters(self) -> frozenset[str] | None:
        """The parameters this request's route takes, or None when it ignores them all."""
        action = getattr(self, "action", "")
        if action is None or action in IGNORING_ACTIONS or action == "metadata":
            return None  # None: a method the route does not have (405 follows)
        names = set(UNIVERSAL)
        if self.query_serializer_class is not None:
            names |= set(self.query_serializer_class().fields)
        for backend_class in getattr(self, "filter_backends", ()):
            if issubclass(backend_class, DjangoFilterBackend):
                filterset_class = getattr(self, "filterset_class", None)
                if filterset_class is not None:
                    names |= set(filterset_class.base_filters)
            else:
                described = backend_class().get_schema_operation_parameters(self)
                names |= {parameter["name"] for parameter in described}
        paginator = getattr(self, "paginator", None)
        if paginator is not None:
            names |= {paginator.page_query_param, paginator.page_size_query_param}
        return frozenset(names)

    def filter_queryset(self, queryset: Any) -> Any:
        if getattr(self, "detail", False):
            return queryset
        return super().filter_queryset(queryset)  # type: ignore[misc]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if not hasattr(self, request.method.lower()):
            return  # 405
        taken = self.query_parameters()
        if taken is None:
            return
        refuse_unknown_parameters(request.query_params, taken - UNIVERSAL)


def detail_read(query_serializer: type[serializers.Serializer]) -> Any:
    """``@action`` for a GET of one object's derived answer (related, timeline) that takes the
    parameters of ``query_serializer``: no list filters, not paged."""
    return decorators.action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=None,
        query_serializer_class=query_serializer,
    )
