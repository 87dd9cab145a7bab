"""RSS 2.0, Atom 1.0 (Django's syndication framework) and JSON Feed 1.1 of the article list.

Each takes the article list's filters and ``q`` (checked by the list's own filterset), newest
first, 50 items (``limit`` up to 100), for readers (published articles only, whoever asks).
Conditional GETs are answered by ``ConditionalGetMiddleware`` from the ETag it computes and
the Last-Modified set here: the newest ``updated_at`` or ``published_at`` of the items (a
scheduled article that goes live was last changed before the feed last answered), or the last
expiry of any article, if later (an expired item leaves the feed without a change of its own).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.http import http_date
from rest_framework.exceptions import ValidationError

from articles import search, selectors
from articles.filtersets import ArticleFilterSet, article_search_params
from articles.parameters import refuse_unknown_parameters

DEFAULT_LIMIT, MAX_LIMIT = 50, 100
TITLE = "newsapi: articles"


@dataclass
class _Params:
    """What ``article_search_params`` reads of a request: its parameters and a reader."""

    query_params: QueryDict
    user: Any


def _items(request: HttpRequest) -> list[selectors.ArticleRow]:
    """The articles of the feed, or a DRF ValidationError for bad parameters."""
    query = request.GET.copy()
    refuse_unknown_parameters(query, {*ArticleFilterSet.base_filters, "limit"})
    limit_text = query.pop("limit", [str(DEFAULT_LIMIT)])[-1]
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_LIMIT:
        raise ValidationError({"limit": [f"A whole number from 1 to {MAX_LIMIT}."]})
    params = article_search_params(_Params(query, AnonymousUser()), ordering="-published_at")
    page = search.search_articles(params, offset=0, limit=int(limit_text))
    found = selectors.article_rows(page.ids, body=True)
    return [found[pk] for pk in page.ids if pk in found]


def _last_modified(rows: list[selectors.ArticleRow]) -> str:
    moments = [moment for row in rows for moment in (row.updated_at, row.published_at) if moment]
    expired = search.last_expiry()
    return http_date(max([*moments, *([expired] if expired else [])]).timestamp())


def _link(request: HttpRequest, row: selectors.ArticleRow) -> str:
    return row.url or request.build_absolute_uri(f"/api/v1/articles/{row.id}/")


class _WithContent:
    """The sanitised body as the item's full content (RSS ``content:encoded``, Atom
    ``content``), the standfirst being its summary."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)  # type: ignore[misc]
        if item.get("content"):
            if isinstance(self, Atom1Feed):
                handler.addQuickElement("content", item["content"], {"type": "html"})
            else:
                handler.addQuickElement("content:encoded", item["content"])

    def rss_attributes(self) -> dict[str, str]:
        attributes = super().rss_attributes()  # type: ignore[misc]
        attributes["xmlns:content"] = "http://purl.org/rss/1.0/modules/content/"
        return attributes


class RssWithContent(_WithContent, Rss201rev2Feed):
    pass


class AtomWithContent(_WithContent, Atom1Feed):
    pass


class ArticlesRss(Feed):
    feed_type = RssWithContent
    title = TITLE
    description = "Published articles, newest first."

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            self.request = request
            self.rows = _items(request)
        except ValidationError as error:
            return JsonResponse(error.detail, status=400)
        response = super().__call__(request, *args, **kwargs)
        if self.rows:
            response["Last-Modified"] = _last_modified(self.rows)
        return response

    def link(self) -> str:
        return self.request.build_absolute_uri("/api/v1/articles/")

    def items(self) -> list[selectors.ArticleRow]:
        return self.rows

    def item_title(self, row: selectors.ArticleRow) -> str:
        return row.title

    def item_link(self, row: selectors.ArticleRow) -> str:
        return _link(self.request, row)

    def item_guid(self, row: selectors.ArticleRow) -> str:
        return self.request.build_absolute_uri(f"/api/v1/articles/{row.id}/")

    item_guid_is_permalink = False

    def item_description(self, row: selectors.ArticleRow) -> str:
        return row.standfirst or row.title

    def item_author_name(self, row: selectors.ArticleRow) -> str | None:
        return ", ".join(author["name"] for author in row.authors) or None

    def item_categories(self, row: selectors.ArticleRow) -> list[str]:
        return [tag["name"] for tag in row.tags]

    def item_pubdate(self, row: selectors.ArticleRow):
        return row.published_at

    def item_updateddate(self, row: selectors.ArticleRow):
        return row.updated_at

    def item_extra_kwargs(self, row: selectors.ArticleRow) -> dict[str, Any]:
        return {"content": row.body}


class ArticlesAtom(ArticlesRss):
    feed_type = AtomWithContent
    subtitle = ArticlesRss.description


def articles_json(request: HttpRequest) -> HttpResponse:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        rows = _items(request)
    except ValidationError as error:
        return JsonResponse(error.detail, status=400)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": TITLE,
        "home_page_url": request.build_absolute_uri("/api/v1/articles/"),
        "feed_url": request.build_absolute_uri(request.get_full_path()),
        "items": [
            {
                "id": request.build_absolute_uri(f"/api/v1/articles/{row.id}/"),
                "url": _link(request, row),
                "title": row.title,
                "summary": row.standfirst,
                "content_html": row.body,
                "date_published": row.published_at.isoformat() if row.published_at else None,
                "date_modified": row.updated_at.isoformat(),
                "authors": [{"name": author["name"]} for author in row.authors],
                "tags": [tag["name"] for tag in row.tags],
                "language": row.language,
            }
            for row in rows
        ],
    }
    response = HttpResponse(
        json.dumps(feed, ensure_ascii=False), content_type="application/feed+json"
    )
    if rows:
        response["Last-Modified"] = _last_modified(rows)
    return response
