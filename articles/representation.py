"""What clients see of an object, for the layers below the API that store it.

An event's data (the outbox) and a saved search's match (percolation) are, by definition, the
object as the API shows it: its detail, or its row in a list. The write path sits below the
API, so it does not import the API's serializers: it asks here, and the API provides the
functions when the app is ready (``articles.api.representations``, from ``ArticlesConfig``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Shown = dict[int, dict[str, Any]]
_provided: dict[str, Callable[..., Any]] = {}


def provide(
    *,
    article_detail: Callable[[dict[int, Any]], Shown],
    article_summary: Callable[[dict[int, Any]], Shown],
    named: Callable[[type, list[dict[str, Any]]], Shown],
    named_columns: Callable[[type], list[str]],
    article_detail_sql: Callable[[str], tuple[str, list[Any]]],
    named_json_sql: Callable[[type, str], tuple[str, list[Any]]],
) -> None:
    """The API's representations (rows by id -> their JSON by id; in SQL, a row's JSON text)."""
    _provided.update(article_detail=article_detail, article_summary=article_summary, named=named,
                     named_columns=named_columns, article_detail_sql=article_detail_sql,
                     named_json_sql=named_json_sql)  # fmt: skip


def _the(name: str) -> Callable[..., Any]:
    try:
        return _provided[name]
    except KeyError:
        raise RuntimeError("The API provides its representations when the app is ready.") from None


def article_detail(rows: dict[int, Any]) -> Shown:
    """Article rows (``selectors.ArticleRow`` by id) as ``/articles/{id}/`` shows them."""
    return _the("article_detail")(rows)


def article_detail_sql(row: str) -> tuple[str, list[Any]]:
    """``article_detail`` in SQL, with its parameters: the compact JSON text
    (``events.compact_json``) of a row ``row`` of ``selectors.article_rows_sql`` (columns by
    ``ArticleRow``'s names)."""
    return _the("article_detail_sql")(row)


def article_summary(rows: dict[int, Any]) -> Shown:
    """Article rows as the article list shows them."""
    return _the("article_summary")(rows)


def named(model: type, rows: list[dict[str, Any]]) -> Shown:
    """Tags, authors or sources (of ``model``, ``values()`` rows of ``named_columns`` with their
    counts) as their list shows them."""
    return _the("named")(model, rows)


def named_columns(model: type) -> list[str]:
    """The columns (and counts) ``named`` writes from."""
    return _the("named_columns")(model)


def named_json_sql(model: type, row: str) -> tuple[str, list[Any]]:
    """``named`` in SQL, with its parameters: the compact JSON text (``events.compact_json``)
    of a row ``row`` of ``named_columns(model)`` (columns by those names)."""
    return _the("named_json_sql")(model, row)
