"""Representations of the API. Reads nest authors, tags and quotes; writes name them and hand
off to ``articles.services`` (their field rules are ``articles.contract``'s).

By job: ``articles`` (an article as lists and its detail show it), ``writes`` (what article
writes take and answer: one, a bulk, a raw page), ``named`` (tags, authors, sources,
quotations), ``search`` (facets, suggestions, synonym sets) and ``auth``. Views use the names
below: ``serializers.ArticleDetailSerializer``.
"""

from articles.api.serializers.articles import (
    ArticleDetailSerializer,
    ArticleSummarySerializer,
    NearDuplicateSerializer,
    RelatedSerializer,
)
from articles.api.serializers.auth import LoginSerializer, TokenSerializer
from articles.api.serializers.named import (
    AuthorSerializer,
    QuotationSerializer,
    QuotedSourceDetailSerializer,
    QuotedSourceSerializer,
    TagSerializer,
    named_serializer,
)
from articles.api.serializers.search import (
    FacetsSerializer,
    LimitSerializer,
    SuggestionsSerializer,
    SuggestQuerySerializer,
    SynonymSetSerializer,
)
from articles.api.serializers.writes import (
    ArticleWriteSerializer,
    BulkArticlesSerializer,
    BulkResponseSerializer,
    ExtractQuerySerializer,
    RawPageSerializer,
)

__all__ = [
    "ArticleDetailSerializer",
    "ArticleSummarySerializer",
    "ArticleWriteSerializer",
    "AuthorSerializer",
    "BulkArticlesSerializer",
    "BulkResponseSerializer",
    "ExtractQuerySerializer",
    "FacetsSerializer",
    "LimitSerializer",
    "LoginSerializer",
    "NearDuplicateSerializer",
    "QuotationSerializer",
    "QuotedSourceDetailSerializer",
    "QuotedSourceSerializer",
    "RawPageSerializer",
    "RelatedSerializer",
    "SuggestQuerySerializer",
    "SuggestionsSerializer",
    "SynonymSetSerializer",
    "TagSerializer",
    "TokenSerializer",
    "named_serializer",
]
