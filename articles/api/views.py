"""Viewsets: each names its queryset, serializer and filterset; writes go to services."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
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
from articles.api import name_views
from articles.api import serializers as s
from articles.api.filters import ArticleOrdering, ordering_param
from articles.api.pagination import PageNumberWithSize, SearchPagination
from articles.api.parsers import RawPageParser, SafeJSONParser
from articles.api.strictness import QueryParameters
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

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description="Write only if the article still has this version (its `ETag`): 412 if not.",
)


# Response headers, documented where they are sent.
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200, 201, 412],
    description="The article's version, for `If-Match` (on a 412: the version it has now).",
)
LOCATION = OpenApiParameter(
    "Location",
    str,
    OpenApiParameter.HEADER,
    response=[201],
    description="The new article's URL.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    description="An `ETag` read before: 304, with no body, while the article still has it.",
)


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


class ReadAnyoneWriteWithPermission(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writes need the model permission (anonymous 401, others 403)."""


@extend_schema_view(
    list=extend_schema(
        summary="List and search articles",
        description=(
            "Published articles, newest first; editors also see drafts and archived ones. "
            "With `q`, the articles matching it, best first, each with `rank` and `highlights`; "
            "`corrected` lists the words matched despite a typo, with the words they matched "
            "(`ordering=rank_recent` favours recent articles). Answered by the search index."
        ),
    ),
    create=extend_schema(
        summary="Create (or re-import) an article",
        description="Tags, authors and quoted sources are given by name and created when new. "
        "A canonical `url` that is already stored updates that article (200; it needs the "
        "change permission) instead of making a duplicate (201).",
        responses={201: s.ArticleDetailSerializer, 200: s.ArticleDetailSerializer},
        parameters=[ETAG, LOCATION],
    ),
    retrieve=extend_schema(
        summary="One article, with its body",
        description="The `ETag` header is the article's version, for `If-Match` on writes.",
        parameters=[IF_NONE_MATCH, ETAG],
    ),
    update=extend_schema(
        summary="Replace an article",
        parameters=[IF_MATCH, ETAG],
        responses={200: s.ArticleDetailSerializer},
    ),
    partial_update=extend_schema(
        summary="Change some fields of an article",
        responses={200: s.ArticleDetailSerializer},
        description="Only the fields given change; concurrent changes of other fields are "
        "kept. With `If-Match`, only if nobody changed the article since that version.",
        parameters=[IF_MATCH, ETAG],
    ),
    destroy=extend_schema(summary="Delete an article", parameters=[IF_MATCH, ETAG]),
)
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

    @extend_schema(
        summary="Create or update up to 500 articles",
        description="Each item as `POST /articles/` takes it, with the same upsert rule (a "
        "stored canonical `url` updates its article; that needs the change permission). Each "
        "item is all or nothing, and the answer says for each, in order, whether it was "
        "`created`, `updated`, `skipped` (`skip_existing`) or refused (`error`, with the "
        "reasons a 400 would give), with the article's `etag` when it is stored. A bare JSON "
        "array of articles (or `items`) is accepted too.",
        request=s.BulkArticlesSerializer,
        responses={200: s.BulkResponseSerializer},
    )
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

    @extend_schema(
        summary="Turn a raw article page into a structured article",
        description='HTML or plain text in (JSON `{"content": ...}`, or the page itself as '
        "`text/html` or `text/plain`); the article out in the write format of "
        "`POST /articles/`: title, authors, section, edition, language (detected when not "
        "given), tags from the tag line, the body without breadcrumb and boilerplate, the "
        "image caption and credit, the publication date when the page has one, and the "
        "quotations with their speakers (name, kind, role). With `save=true` it is stored as "
        "a draft and the stored article is answered as the detail gives it, with its `ETag`: "
        "201 when new, 200 when its `url` was stored.",
        parameters=[s.ExtractQuerySerializer, ETAG, LOCATION],
        # The page may also be sent as is (text/html, text/plain); the schema shows JSON only,
        # which client generators understand.
        request=s.RawPageSerializer,
        responses={
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="ExtractResult",
                    serializers=[s.ArticleDetailSerializer, s.ArticleWriteSerializer],
                    resource_type_field_name=None,
                ),
                description="Without `save`: the extracted article in the write format. With "
                "`save=true`, when its `url` was stored: that article, updated, as the detail "
                "gives it (it has an `id`).",
            ),
            201: OpenApiResponse(
                s.ArticleDetailSerializer, description="Saved (`save=true`) as a new draft."
            ),
        },
    )
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

    @extend_schema(
        summary="Facet counts for a search",
        description="For the same filters and `q` as the list: the total and the top 20 tags, "
        "authors, quoted sources, languages, sections and publication months.",
        filters=True,
        responses=s.FacetsSerializer,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def facets(self, request: Request) -> Response:
        return Response(search.facets(article_search_params(request)))

    @extend_schema(
        summary="Related articles (you may also like)",
        description="Published articles ranked by shared tags, shared quoted sources and "
        "similar words; never the article itself.",
        parameters=[s.LimitSerializer],
        responses=s.RelatedSerializer,
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=None,
        query_serializer_class=s.LimitSerializer,
    )
    def related(self, request: Request, pk: str | None = None) -> Response:
        article = self.get_object()
        params = s.LimitSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        related = selectors.related_articles(article, limit=params.validated_data["limit"])
        data = s.ArticleSummarySerializer(related, many=True, context={"request": request}).data
        return Response({"results": data})

    @extend_schema(
        summary="Its near-duplicates",
        description="The other articles of its group of near-duplicates (syndicated copies of "
        "the same story: Jaccard similarity of their bodies' word shingles of at least "
        "`DUPLICATE_THRESHOLD`), those you may see, earliest first (by `published_at`, then "
        "id). Empty when it has none; 404 for an article you may not see.",
        responses=s.NearDuplicateSerializer(many=True),
    )
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


@extend_schema(
    summary="As-you-type suggestions",
    description="Tags, authors, quoted sources and published article titles whose name or any "
    "word in it starts with `q` (any case, any accents), or is one typo away from it "
    "(for `q` of 4 characters or more). Titles need 3 characters.",
    parameters=[s.SuggestQuerySerializer],
    responses=s.SuggestionsSerializer,
    tags=["search"],
)
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


def _named_docs(noun: str, count: str) -> dict[str, Any]:
    a_noun = services.an(noun)
    slug = OpenApiParameter(
        "slug",
        str,
        OpenApiParameter.PATH,
        description=f"The {noun}'s slug: its name in lower case, accents dropped.",
    )
    return dict(
        list=extend_schema(
            summary=f"List {noun}s",
            description=f"Alphabetical, with `{count}`; `q` matches the start of the name or "
            "of any word in it, ignoring case and accents.",
        ),
        create=extend_schema(summary=f"Create {a_noun}"),
        retrieve=extend_schema(summary=f"One {noun}", parameters=[slug]),
        update=extend_schema(summary=f"Replace {a_noun}", parameters=[slug]),
        partial_update=extend_schema(
            summary=f"Change {a_noun}",
            description="A new name gives a new slug and refreshes the articles that use it.",
            parameters=[slug],
        ),
        destroy=extend_schema(summary=f"Delete {a_noun}", parameters=[slug]),
    )


@extend_schema_view(**_named_docs("tag", "article_count"))
class TagViewSet(NamedEntityViewSet):
    queryset = Tag.objects.none()  # for the permission class; get_queryset does the work
    counted = staticmethod(selectors.tags_with_counts)
    serializer_class = s.TagSerializer


@extend_schema_view(
    **_named_docs("author", "article_count"),
    merge=name_views.merge_docs("author", "bylines", s.AuthorSerializer),
)
class AuthorViewSet(name_views.Merges, name_views.AliasRedirects, NamedEntityViewSet):
    queryset = Author.objects.none()
    counted = staticmethod(selectors.authors_with_counts)
    serializer_class = s.AuthorSerializer


@extend_schema_view(
    **{
        **_named_docs("quoted source", "quote_count"),
        "retrieve": extend_schema(
            summary="One quoted source",
            description="With `first_quoted_at` and `last_quoted_at` (from the search index).",
            parameters=[name_views.SLUG],
            responses=s.QuotedSourceDetailSerializer,
        ),
    },
    merge=name_views.merge_docs("quoted source", "quotes", s.QuotedSourceSerializer),
)
class QuotedSourceViewSet(
    name_views.Merges, name_views.SourceTimeline, name_views.AliasRedirects, NamedEntityViewSet
):
    queryset = QuotedSource.objects.none()
    counted = staticmethod(selectors.sources_with_counts)
    serializer_class = s.QuotedSourceSerializer
    filterset_class = QuotedSourceFilterSet

    def get_queryset(self):
        if self.action == "timeline":  # no count needed: the index counts
            return selectors.visible_names(QuotedSource.objects.all(), self.request.user)
        sources = super().get_queryset()
        return selectors.listed_sources(sources) if self.action == "list" else sources

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        source = self.with_span(self.get_object())
        context = self.get_serializer_context()
        return Response(s.QuotedSourceDetailSerializer(source, context=context).data)


class EditorsOnly(permissions.DjangoModelPermissions):
    """Reading needs the view permission too: sets may name what is still embargoed."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


@extend_schema_view(
    list=extend_schema(
        summary="List synonym sets",
        description="Sets of words or phrases that every search (`q` on articles, facets, "
        "quotes, the admin) treats as one, from the next search on, without re-indexing. "
        "Editors only (the model's permissions).",
    ),
    create=extend_schema(summary="Create a synonym set"),
    retrieve=extend_schema(summary="One synonym set"),
    partial_update=extend_schema(summary="Change a synonym set"),
    destroy=extend_schema(summary="Delete a synonym set"),
)
class SynonymSetViewSet(QueryParameters, viewsets.ModelViewSet):
    answered_by_postgresql = True
    queryset = SynonymSet.objects.all()
    serializer_class = s.SynonymSetSerializer
    permission_classes = [EditorsOnly]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_destroy(self, synonym_set: SynonymSet) -> None:
        synonyms.synonym_set_delete(synonym_set)


@extend_schema_view(
    list=extend_schema(
        summary="List and search quotations",
        description="Quotations in published articles, newest article first; with `q`, best "
        "first, each with `rank`.",
    ),
    retrieve=extend_schema(summary="One quotation"),
)
class QuotationViewSet(QueryParameters, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.QuotationSerializer
    filter_backends = [DjangoFilterBackend]  # declares and validates; the index answers
    filterset_class = QuotationFilterSet

    def get_queryset(self):
        return selectors.visible_quotes(self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = self.paginate_queryset(selectors.quote_results(quote_search_params(request)))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


@extend_schema(
    summary="Exchange a username and password for a token",
    description="Send the token as `Authorization: Token <token>` on writes.",
    request=s.LoginSerializer,
    responses={200: s.TokenSerializer},
    auth=[{}],  # anonymous: this is how a client gets its token
    examples=[
        OpenApiExample(
            "Credentials", value={"username": "editor", "password": "..."}, request_only=True
        )
    ],
    tags=["auth"],
)
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
