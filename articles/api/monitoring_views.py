"""Saved searches and their matches: parameters checked here, the work in
``articles.monitoring``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from articles import monitoring, selectors
from articles.api import monitoring_serializers as s
from articles.api.strictness import refuse_unknown_parameters
from articles.monitoring.models import SavedSearch


@extend_schema(tags=["monitoring"])
@extend_schema_view(
    list=extend_schema(
        summary="Your saved searches",
        description="Each user sees their own; editors see everyone's.",
    ),
    retrieve=extend_schema(summary="A saved search"),
    create=extend_schema(
        summary="Save a search",
        description="`q` and `filters` are checked as the article list checks them (the same "
        "400s). From now on, every article that becomes visible to its owner or changes while "
        "visible and matches it is recorded (`matches/`) and, with `notify.webhook`, sent "
        "there as a `saved_search.matched` event. At most `SAVED_SEARCH_MAX_PER_USER` "
        "(default 100) a user.",
    ),
    partial_update=extend_schema(summary="Change a saved search"),
    destroy=extend_schema(summary="Delete a saved search and its matches"),
)
class SavedSearchViewSet(viewsets.ModelViewSet):
    answered_by_postgresql = True
    serializer_class = s.SavedSearchSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends: list = []
    queryset = SavedSearch.objects.all()

    def get_queryset(self):
        saved = SavedSearch.objects.select_related("owner").order_by("id")
        if not selectors.can_see_unpublished(self.request.user):
            saved = saved.filter(owner=self.request.user)
        return saved

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        refuse_unknown_parameters(request.query_params, {"page", "page_size"})
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: s.SavedSearchSerializer) -> None:
        serializer.save(owner=self.request.user)

    def perform_destroy(self, saved: SavedSearch) -> None:
        monitoring.saved_search_delete(saved)

    @extend_schema(
        summary="The articles that matched it, in the order they matched",
        description="Follow `next_cursor` with `after` to get each match once. An article "
        "matches once per version (`ETag`): changed and still matching, it is here again. "
        "Articles its owner can no longer see are left out.",
        parameters=[s.MatchesQuerySerializer],
        responses={200: s.MatchesPageSerializer},
    )
    @action(detail=True, methods=["get"])
    def matches(self, request: Request, pk: str | None = None) -> Response:
        refuse_unknown_parameters(request.query_params, {"after", "limit"})
        params = s.MatchesQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        saved = self.get_object()
        try:
            page = monitoring.matches_page(
                saved,
                after=params.validated_data.get("after"),
                limit=params.validated_data["limit"],
            )
        except monitoring.BadCursor as error:
            raise ValidationError({"after": [str(error)]}) from None
        return Response(s.MatchesPageSerializer(page, context={"request": request}).data)
