"""The browsable API's root (``/api/v1/``): every endpoint, the documentation and the checks."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch
from rest_framework import routers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

# Beside the router's collections: name -> URL name.
ENDPOINTS = {
    "facets": "article-facets",
    "bulk": "article-bulk",
    "extract": "article-extract",
    "suggest": "suggest",
    "changes": "changes",
    "feeds/rss": "feed-rss",
    "feeds/atom": "feed-atom",
    "feeds/json": "feed-json",
    "auth/token": "auth-token",
    "schema": "schema",
    "docs": "swagger-ui",
    "redoc": "redoc",
    "healthz": "healthz",
}


class NewsApiRoot(routers.APIRootView):
    """newsapi, version 1: tagged news articles, their authors and the people they quote, with
    full-text search. Anyone reads published content; writes need a token
    (`POST auth/token/`, then `Authorization: Token <token>`) or a session (log in through the
    admin). Collections: `articles` (filters, `q` search, ordering, pages), `authors`, `tags`,
    `sources`, `quotes`; `facets` counts a search by tag, author, source, language, section and
    month; `suggest` completes as you type; `bulk` writes up to 500 articles; `extract` turns a
    raw page into an article; `synonyms` are the editors' synonym sets; `changes` is the change
    feed (cursors, tombstones), `webhooks` the signed webhook endpoints, `saved-searches` the
    queries that alert (their `matches/`), `feeds` RSS, Atom and JSON Feed of the article list.
    The OpenAPI schema, Swagger UI and ReDoc describe every parameter."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        for key, url_name in ENDPOINTS.items():
            try:
                response.data[key] = reverse(url_name, request=request)
            except NoReverseMatch:
                continue
        return response


class NewsRouter(routers.DefaultRouter):
    APIRootView = NewsApiRoot
