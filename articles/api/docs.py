"""The OpenAPI descriptions of the views of ``views.py`` (summaries, descriptions, parameters,
responses and the headers the views send), as the drf-spectacular decorators they wear:
``@docs.ARTICLES`` on the article viewset, ``@docs.ARTICLE_BULK`` on its bulk action..."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)

from articles.api import name_views
from articles.api import serializers as s
from articles.text import an

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


ARTICLES = extend_schema_view(
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

ARTICLE_BULK = extend_schema(
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

ARTICLE_EXTRACT = extend_schema(
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

ARTICLE_FACETS = extend_schema(
    summary="Facet counts for a search",
    description="For the same filters and `q` as the list: the total and the top 20 tags, "
    "authors, quoted sources, languages, sections and publication months.",
    filters=True,
    responses=s.FacetsSerializer,
)

ARTICLE_RELATED = extend_schema(
    summary="Related articles (you may also like)",
    description="Published articles ranked by shared tags, shared quoted sources and "
    "similar words; never the article itself.",
    parameters=[s.LimitSerializer],
    responses=s.RelatedSerializer,
)

ARTICLE_DUPLICATES = extend_schema(
    summary="Its near-duplicates",
    description="The other articles of its group of near-duplicates (syndicated copies of "
    "the same story: Jaccard similarity of their bodies' word shingles of at least "
    "`DUPLICATE_THRESHOLD`), those you may see, earliest first (by `published_at`, then "
    "id). Empty when it has none; 404 for an article you may not see.",
    responses=s.NearDuplicateSerializer(many=True),
)

SUGGEST = extend_schema(
    summary="As-you-type suggestions",
    description="Tags, authors, quoted sources and published article titles whose name or any "
    "word in it starts with `q` (any case, any accents), or is one typo away from it "
    "(for `q` of 4 characters or more). Titles need 3 characters.",
    parameters=[s.SuggestQuerySerializer],
    responses=s.SuggestionsSerializer,
    tags=["search"],
)


def _named_docs(noun: str, count: str) -> dict[str, Any]:
    a_noun = an(noun)
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


TAGS = extend_schema_view(**_named_docs("tag", "article_count"))

AUTHORS = extend_schema_view(
    **_named_docs("author", "article_count"),
    merge=name_views.merge_docs("author", "bylines", s.AuthorSerializer),
)

QUOTED_SOURCES = extend_schema_view(
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

SYNONYM_SETS = extend_schema_view(
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

QUOTATIONS = extend_schema_view(
    list=extend_schema(
        summary="List and search quotations",
        description="Quotations in published articles, newest article first; with `q`, best "
        "first, each with `rank`.",
    ),
    retrieve=extend_schema(summary="One quotation"),
)

TOKEN = extend_schema(
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
