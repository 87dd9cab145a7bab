"""Viewsets: each names its queryset, serializer and filterset; writes go to services. What
the OpenAPI schema says of each (summaries, descriptions, parameters) is in ``docs.py``."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.http import Http404
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import permissions, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from articles import bulk, ingest, search, selectors, services, synonyms
from articles.api import docs, name_views
from articles.api import serializers as s
from articles.api.filters import ArticleOrdering, ordering_param
from articles.api.model_permissions import ModelPermissions, ModelPermissionsOrAnonReadOnly
from articles.api.pagination import PageNumberWithSize, SearchPagination
from articles.api.parsers import RawPageParser, SafeJSONParser
from articles.api.strictness import QueryParameters, detail_read
from articles.api.throttling import LoginAddressThrottle, LoginUsernameThrottle
from articles.api.workflow import ArticlePermission, actor
from articles.extract import extract as extract_article
from articles.filtersets import (
    ArticleFilterSet,
    NamedEntityFilterSet,
    QuotationFilterSet,
    QuotedSourceFilterSet,
    article_search_params,
    quote_search_params,
)
from articles.models import Article, Author, QuotedSource, SynonymSet, Tag


def etag(article: Article) -> str:
    return f'"{services.article_version(article)}"'


def if_match(request: Request) -> set[str] | None:
    """The versions an ``If-Match`` header names (``*`` for any), or None without one."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    tags = {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}
    return {tag for tag in tags if tag}


SLUG = r"[^/\x00]+"  # a NUL byte is no slug: 404, not a database error


class ReadAnyoneWriteWithPermission(ModelPermissionsOrAnonReadOnly):
    """Anyone reads; writes need the model permission (anonymous 401, others 403)."""


@docs.ARTICLES
class ArticleViewSet(QueryParameters, viewsets.ModelViewSet):
    answered_by_postgresql = ("retrieve",)  # the detail; lists, facets and related search
    # The filterset and ordering declare the list's parameters (``list``, ``facets``), which
    # ``article_search_params`` validates; the search index answers. Detail routes ignore them
    # (QueryParameters).
    filterset_class = ArticleFilterSet
    filter_backends = [DjangoFilterBackend, ArticleOrdering]
    pagination_class = SearchPagination
    permission_classes = [ArticlePermission]
    queryset = Article.objects.none()  # for the permission class; get_queryset does the work

    def get_queryset(self):
        articles = selectors.visible_articles(self.request.user)
        if self.action == "retrieve":  # the detail is written from this instance
            viewer = selectors.Viewer.of(self.request.user)
            return selectors.with_duplicates(selectors.with_relations(articles), viewer)
        # Lists come from the index; writes lock and re-read the row and answer from one
        # statement (ArticleWriteSerializer); related needs only the id.
        return articles

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return s.ArticleWriteSerializer
        if self.action == "list":
            return s.ArticleSummarySerializer
        return s.ArticleDetailSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = article_search_params(request, ordering=ordering_param(request))
        rows = self.paginate_queryset(selectors.article_results(params))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._store(serializer)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        article = self.get_object()
        return Response(self.get_serializer(article).data, headers={"ETag": etag(article)})

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().update(request, *args, **kwargs)
        response["ETag"] = etag(self.written)
        return response

    def perform_update(self, serializer) -> None:
        serializer.save(if_match=if_match(self.request), actor=actor(self.request))
        self.written = serializer.instance

    def perform_destroy(self, article: Article) -> None:
        services.article_delete(article, if_match=if_match(self.request), actor=actor(self.request))

    @docs.ARTICLE_BULK
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def bulk(self, request: Request) -> Response:
        data = request.data
        if isinstance(data, list):
            data = {"articles": data}
        elif isinstance(data, dict) and "articles" not in data and "items" in data:
            data = {**data, "articles": data["items"]}
        envelope = s.BulkArticlesSerializer(data=data)
        envelope.is_valid(raise_exception=True)
        outcomes = ingest.upsert_values(
            envelope.validated_data["articles"],
            skip_existing=envelope.validated_data.get("skip_existing", False),
            actor=actor(request, "bulk"),  # decides on updates; creating needed add (POST)
        )
        versions = services.article_versions(
            [outcome.id for outcome in outcomes if outcome.id is not None]
        )
        results = [
            _bulk_result(index, outcome.status, outcome.id, outcome.errors, versions)
            for index, outcome in enumerate(outcomes)
        ]
        counts = Counter(result["status"] for result in results)
        return Response(
            {
                "created": counts[bulk.CREATED],
                "updated": counts[bulk.UPDATED],
                "skipped": counts[bulk.SKIPPED],
                "failed": counts[bulk.ERROR],
                "results": results,
            }
        )

    @docs.ARTICLE_EXTRACT
    @action(
        detail=False,
        methods=["post"],
        pagination_class=None,
        filter_backends=[],
        parser_classes=[SafeJSONParser, RawPageParser],
        query_serializer_class=s.ExtractQuerySerializer,
    )
    def extract(self, request: Request) -> Response:
        options = s.ExtractQuerySerializer(data=request.query_params)
        options.is_valid(raise_exception=True)
        page = s.RawPageSerializer(data=request.data)
        page.is_valid(raise_exception=True)
        if not options.validated_data["save"]:
            article = extract_article(**page.validated_data)
            for name in ("published_at", "expires_at"):
                moment = article[name]
                article[name] = moment.isoformat() if moment else None
            return Response(article)
        article = ingest.page_to_store(**page.validated_data)
        serializer = s.ArticleWriteSerializer(data=article, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return self._store(serializer, source="extract")

    def _store(self, serializer: s.ArticleWriteSerializer, source: str = "api") -> Response:
        """Save a create-or-re-import: 201 when new, 200 when its url was stored (which
        needs the change permission, or for a contributor their own draft)."""
        serializer.save(actor=actor(self.request, source))
        headers = {"ETag": etag(serializer.instance)}
        if serializer.created:
            location = reverse("article-detail", kwargs={"pk": serializer.instance.pk})
            headers["Location"] = self.request.build_absolute_uri(location)
        code = status.HTTP_201_CREATED if serializer.created else status.HTTP_200_OK
        return Response(serializer.data, status=code, headers=headers)

    @docs.ARTICLE_FACETS
    @action(detail=False, methods=["get"], pagination_class=None)
    def facets(self, request: Request) -> Response:
        return Response(search.facets(article_search_params(request)))

    @docs.ARTICLE_RELATED
    @detail_read(s.LimitSerializer)
    def related(self, request: Request, pk: str | None = None) -> Response:
        params = s.LimitSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        # The article's visibility and its words in one statement (no get_object first).
        article_id = int(pk) if pk and pk.isascii() and pk.isdigit() else 0
        related = None
        if 0 < article_id < 2**63:
            limit = params.validated_data["limit"]
            related = selectors.related_articles(self.get_queryset(), article_id, limit=limit)
        if related is None:
            raise Http404("No Article matches the given query.")  # as get_object says it
        data = s.ArticleSummarySerializer(related, many=True, context={"request": request}).data
        return Response({"results": data})

    @docs.ARTICLE_DUPLICATES
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=PageNumberWithSize)
    def duplicates(self, request: Request, pk: str | None = None) -> Response:
        article = self.get_object()
        viewer = selectors.Viewer.of(request.user)
        ids = self.paginate_queryset(
            selectors.duplicates_of(article, viewer).values_list("pk", flat=True)
        )
        found = selectors.article_rows(ids, viewer=viewer)
        rows = [found[pk] for pk in ids if pk in found]
        data = s.NearDuplicateSerializer(rows, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


def _bulk_result(
    index: int, status: str, article_id: int | None, errors: Any, versions: dict[int, str]
) -> dict[str, Any]:
    if isinstance(errors, str | list):
        errors = {"non_field_errors": [errors] if isinstance(errors, str) else errors}
    version = versions.get(article_id) if article_id is not None and errors is None else None
    etag = f'"{version}"' if version else None
    return {"index": index, "status": status, "id": article_id, "etag": etag, "errors": errors}


@docs.SUGGEST
class SuggestView(QueryParameters, APIView):
    permission_classes = [permissions.AllowAny]
    query_serializer_class = s.SuggestQuerySerializer

    def get(self, request: Request) -> Response:
        params = s.SuggestQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        editor = selectors.can_see_unpublished(request.user)
        return Response(search.suggest(**params.validated_data, editor=editor))


class NamedEntityViewSet(QueryParameters, viewsets.ModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = SLUG
    permission_classes = [ReadAnyoneWriteWithPermission]
    filter_backends = [DjangoFilterBackend]
    filterset_class = NamedEntityFilterSet

    counted: Any = None  # the selector that annotates the counts

    def get_queryset(self):
        return selectors.visible_names(type(self).counted(), self.request.user)

    def perform_save(self, serializer) -> None:
        serializer.save()
        # Read it back with its count annotated, as the list shows it.
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    perform_create = perform_update = perform_save

    def perform_destroy(self, entity) -> None:
        services.named_delete(entity)


@docs.TAGS
class TagViewSet(NamedEntityViewSet):
    queryset = Tag.objects.none()  # for the permission class; get_queryset does the work
    counted = staticmethod(selectors.tags_with_counts)
    serializer_class = s.TagSerializer


@docs.AUTHORS
class AuthorViewSet(name_views.Merges, name_views.AliasRedirects, NamedEntityViewSet):
    queryset = Author.objects.none()
    counted = staticmethod(selectors.authors_with_counts)
    serializer_class = s.AuthorSerializer


@docs.QUOTED_SOURCES
class QuotedSourceViewSet(
    name_views.Merges, name_views.SourceTimeline, name_views.AliasRedirects, NamedEntityViewSet
):
    queryset = QuotedSource.objects.none()
    counted = staticmethod(selectors.sources_with_counts)
    serializer_class = s.QuotedSourceSerializer
    filterset_class = QuotedSourceFilterSet

    def get_queryset(self):
        if self.action in ("timeline", "retrieve"):  # no count needed: the index counts
            return selectors.visible_names(QuotedSource.objects.all(), self.request.user)
        sources = super().get_queryset()
        return selectors.listed_sources(sources) if self.action == "list" else sources

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        source = self.with_span(self.get_object())
        context = self.get_serializer_context()
        return Response(s.QuotedSourceDetailSerializer(source, context=context).data)


class EditorsOnly(ModelPermissions):
    """Reading needs the view permission too: sets may name what is still embargoed."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


@docs.SYNONYM_SETS
class SynonymSetViewSet(QueryParameters, viewsets.ModelViewSet):
    answered_by_postgresql = True
    queryset = SynonymSet.objects.all()
    serializer_class = s.SynonymSetSerializer
    permission_classes = [EditorsOnly]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_destroy(self, synonym_set: SynonymSet) -> None:
        synonyms.synonym_set_delete(synonym_set)


@docs.QUOTATIONS
class QuotationViewSet(QueryParameters, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.QuotationSerializer
    filter_backends = [DjangoFilterBackend]  # declares and validates; the index answers
    filterset_class = QuotationFilterSet

    def get_queryset(self):
        return selectors.visible_quotes(self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = self.paginate_queryset(selectors.quote_results(quote_search_params(request)))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


@docs.TOKEN
class TokenView(QueryParameters, ObtainAuthToken):
    """Wrong credentials are a 401 (with `WWW-Authenticate`); a missing field is a 400."""

    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # ObtainAuthToken names its own
    serializer_class = s.LoginSerializer
    throttle_classes = [
        *api_settings.DEFAULT_THROTTLE_CLASSES,
        LoginAddressThrottle,
        LoginUsernameThrottle,
    ]

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if set(serializer.errors) == {"non_field_errors"}:
                raise AuthenticationFailed(serializer.errors["non_field_errors"][0])
            raise ValidationError(serializer.errors)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
