"""An article's revisions: the list, one revision as the article was, and restoring it."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from articles import lifecycle, selectors
from articles.api.docs import ETAG, IF_MATCH
from articles.api.schema import ERRORS
from articles.api.serializers import ArticleDetailSerializer
from articles.api.strictness import refuse_unknown_parameters
from articles.api.views import etag, if_match
from articles.api.workflow import actor
from articles.lifecycle.models import Revision
from articles.models import Article

FOR_EDITORS = (
    "Revisions are for editors, and for contributors on their own articles: writing articles "
    "(add_article) or changing them (change_article) is needed."
)


class RevisionSerializer(serializers.ModelSerializer):
    user = serializers.CharField(
        source="username", help_text="Who saved it (username; empty: a command without user)."
    )
    changes = serializers.DictField(
        source="field_changes",
        child=serializers.ListField(min_length=2, max_length=2),
        help_text="What this save changed: `{field: [old, new]}` (tags, authors and quotes "
        "as lists; a new article's first revision: every field it was given).",
    )

    class Meta:
        model = Revision
        fields = ["number", "created_at", "user", "source", "changes"]


class MayWriteArticles(permissions.BasePermission):
    """Authenticated (401 otherwise) and allowed to write articles (403 otherwise)."""

    message = FOR_EDITORS

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False  # DRF answers 401 to an unauthenticated request
        return user.has_perm("articles.add_article") or user.has_perm("articles.change_article")


def _denied(**responses: Any) -> dict[str, Any]:
    """Reads of revisions need the permission too: 401 and 403 on every method."""
    return {**responses, **{code: OpenApiResponse(*ERRORS[code]) for code in ("401", "403")}}


ARTICLE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The article's id.")
NUMBER = OpenApiParameter(
    "number", int, OpenApiParameter.PATH, description="The revision's number (1 is the first)."
)


@extend_schema(tags=["articles"], parameters=[ARTICLE_ID])
@extend_schema_view(
    list=extend_schema(
        summary="An article's revisions, newest first",
        description="Every save through any door (API, admin, import, bulk, extract, "
        f"restore) keeps one; the newest `REVISION_KEEP` are kept. {FOR_EDITORS}",
        responses=_denied(**{"200": RevisionSerializer(many=True)}),
    ),
    retrieve=extend_schema(
        summary="The article as a revision kept it",
        description="The whole article as the detail gives it, as it was after that save "
        "(`updated_at`: when it was saved).",
        parameters=[NUMBER],
        responses=_denied(**{"200": ArticleDetailSerializer}),
    ),
)
class ArticleRevisionViewSet(viewsets.GenericViewSet):
    answered_by_postgresql = True
    serializer_class = RevisionSerializer
    permission_classes = [MayWriteArticles]
    filter_backends: list = []
    queryset = Revision.objects.none()

    def article(self) -> Article:
        """The article, if the user sees it (404 otherwise, as for its detail) and may see
        its history (403 otherwise: a contributor, another's published article)."""
        article = get_object_or_404(
            selectors.visible_articles(self.request.user), pk=self.kwargs["id"]
        )
        reason = lifecycle.history_refusal(actor(self.request, "api"), article.created_by_id)
        if reason is not None:
            raise PermissionDenied(reason)
        return article

    def list(self, request: Request, id: int) -> Response:
        refuse_unknown_parameters(request.query_params, {"page", "page_size"})
        article = self.article()
        revisions = Revision.objects.filter(article=article).order_by("-number").defer("content")
        page = self.paginate_queryset(revisions)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, id: int, number: int) -> Response:
        refuse_unknown_parameters(request.query_params, set())
        article = self.article()
        revision = get_object_or_404(Revision, article=article, number=number)
        row = lifecycle.as_row(revision.content, article=article, saved_at=revision.created_at)
        return Response(ArticleDetailSerializer(row, context={"request": request}).data)

    @extend_schema(
        summary="Restore a revision",
        description="The article becomes what the revision kept (fields, authors, tags and "
        "quotes): a new revision, source `restore`. With `If-Match`, only if the article "
        "still has that version (412 with its current `ETag` if not). The rules of any "
        "update apply (a contributor cannot restore a published revision).",
        parameters=[NUMBER, IF_MATCH, ETAG],
        request=None,
        responses={200: ArticleDetailSerializer, 412: OpenApiResponse(*ERRORS["412"])},
    )
    def restore(self, request: Request, id: int, number: int) -> Response:
        refuse_unknown_parameters(request.query_params, set())
        restored = lifecycle.restore(
            self.article(), number, actor=actor(request, "restore"), if_match=if_match(request)
        )
        row = selectors.article_rows(
            [restored.pk], body=True, viewer=selectors.Viewer.of(request.user)
        )[restored.pk]
        data = ArticleDetailSerializer(row, context={"request": request}).data
        return Response(data, headers={"ETag": etag(restored)})
