"""What authors and sources do beyond a name's CRUD: merges, old slugs that redirect, and a
source's timeline. Mixed into their viewsets (``views``)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from articles import names, search, selectors
from articles.api import name_serializers as ns
from articles.api.strictness import detail_read

SLUG = OpenApiParameter(
    "slug",
    str,
    OpenApiParameter.PATH,
    description="Its slug; an alias's slug (a merged one, another spelling) answers a 301 to it.",
)


class Moved(APIException):
    """A slug that is now an alias: GET and HEAD answer a 301 to the entity's own URL."""

    status_code = status.HTTP_301_MOVED_PERMANENTLY
    default_code = "moved"

    def __init__(self, location: str, slug: str) -> None:
        super().__init__({"detail": f"It is {slug!r} now.", "slug": slug})
        self.location = location


class AliasRedirects:
    """Detail routes of a slug that is an alias answer a 301 to its entity's (GET, HEAD)."""

    def get_object(self) -> Any:
        try:
            return super().get_object()  # type: ignore[misc]
        except Http404:
            moved = self._moved()
            if moved is None:
                raise
            raise moved from None

    def _moved(self) -> Moved | None:
        request: Request = self.request  # type: ignore[attr-defined]
        if request.method not in ("GET", "HEAD"):
            return None
        queryset = self.get_queryset()  # type: ignore[attr-defined]
        slug = names.moved_to(queryset.model, self.kwargs.get("slug", ""))  # type: ignore[attr-defined]
        if slug is None or not queryset.filter(slug=slug).exists():
            return None
        path = reverse(request.resolver_match.view_name, kwargs={"slug": slug})
        query = request.META.get("QUERY_STRING")
        return Moved(request.build_absolute_uri(path + (f"?{query}" if query else "")), slug)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Moved):
            return Response(exc.detail, status=exc.status_code, headers={"Location": exc.location})
        return super().handle_exception(exc)  # type: ignore[misc]


def merge_docs(noun: str, uses: str, serializer: type) -> Any:
    return extend_schema(
        summary=f"Merge this {noun} into another",
        description=f"Its {uses} move to the {noun} `into` names; its name and aliases become "
        f"that one's aliases (so its slug answers a 301 there, and works as a filter value), "
        f"and it is deleted; the answer is the {noun} merged into. One transaction, with the "
        f"events (`updated` for that one, `deleted` for this one) and the search index. 400 for "
        f"a merge into itself; 404 when either slug names nothing. Needs the permissions to "
        f"change and delete {noun}s.",
        request=ns.MergeSerializer,
        parameters=[SLUG],
        responses={200: OpenApiResponse(serializer, description=f"The {noun} merged into.")},
    )


class Merges:
    """``POST /{authors,sources}/{slug}/merge/`` ``{"into": slug}``."""

    def get_permissions(self) -> list:
        if getattr(self, "action", None) == "merge":  # checked in the action: change + delete
            return [permissions.IsAuthenticated()]
        return super().get_permissions()  # type: ignore[misc]

    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def merge(self, request: Request, slug: str | None = None) -> Response:
        entity = self.get_object()  # type: ignore[attr-defined]
        opts = type(entity)._meta
        needed = [f"{opts.app_label}.{verb}_{opts.model_name}" for verb in ("change", "delete")]
        if not request.user.has_perms(needed):
            raise PermissionDenied(f"Merging needs the permissions {', '.join(needed)}.")
        body = ns.MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        into = body.validated_data["into"]
        try:
            target = names.merge(entity, into=into)
        except names.MergedMeanwhile:
            raise NotFound(f"{entity.name!r} was merged or deleted meanwhile.") from None
        except LookupError:
            raise NotFound(f"No {opts.verbose_name} is named {into!r} (into).") from None
        target = self.get_queryset().get(pk=target.pk)  # type: ignore[attr-defined]
        return Response(self.get_serializer(target).data)  # type: ignore[attr-defined]


class SourceTimeline:
    """``GET /sources/{slug}/timeline/?interval=``, and the detail's first and last quotes."""

    @extend_schema(
        summary="How often a source was quoted",
        description="Its quotations and the articles quoting it, per day, ISO week or month "
        "(UTC), from its first quote to its last; readers count published articles only. "
        "Answered by the search index.",
        parameters=[SLUG, ns.TimelineQuerySerializer],
        responses=ns.TimelineSerializer,
    )
    @detail_read(ns.TimelineQuerySerializer)
    def timeline(self, request: Request, slug: str | None = None) -> Response:
        source = self.get_object()  # type: ignore[attr-defined]
        params = ns.TimelineQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        interval = params.validated_data["interval"]
        editor = selectors.can_see_unpublished(request.user)
        buckets = search.timeline(source.slug, interval=interval, editor=editor)
        # Written directly: ten years by day are 3,650 buckets, which DRF's fields would take
        # longer to write than the index to count (TimelineSerializer documents the shape).
        results = [
            {"period": b.period, "start": b.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
             "quotes": b.quotes, "articles": b.articles}
            for b in buckets
        ]  # fmt: skip
        return Response({"source": source.slug, "interval": interval, "results": results})

    def with_span(self, source: Any) -> Any:
        """The source with ``quote_count``, ``first_quoted_at`` and ``last_quoted_at``, from
        the index (a count of a much-quoted source's rows takes PostgreSQL hundreds of
        milliseconds at a million articles)."""
        editor = selectors.can_see_unpublished(self.request.user)  # type: ignore[attr-defined]
        span = search.quoted_span(source.slug, editor=editor)
        source.first_quoted_at, source.last_quoted_at = span.first, span.last
        source.quote_count = search.quote_count(source.slug)
        return source
