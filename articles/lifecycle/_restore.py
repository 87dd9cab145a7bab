"""Restoring a revision: a write like any other, through ``services.article_update``."""

from __future__ import annotations

from collections.abc import Collection

from articles.lifecycle._revisions import as_write
from articles.lifecycle._workflow import Actor
from articles.lifecycle.models import Revision
from articles.models import Article, Author, QuotedSource, Tag


class UnknownRevision(LookupError):
    """The article has no revision with this number (never had, or it was pruned)."""


def restore(
    article: Article, number: int, *, actor: Actor, if_match: Collection[str] | None = None
) -> Article:
    """Make the article what revision ``number`` kept: a new revision (source ``restore``
    when ``actor`` says so), under the same rules and ``If-Match`` as any update."""
    from articles import services  # services call this package

    revision = Revision.objects.filter(article=article, number=number).first()
    if revision is None:
        raise UnknownRevision(number)
    content = revision.content
    current_names = {
        kind: dict(model.objects.filter(pk__in=ids(content, kind)).values_list("pk", "name"))
        for kind, model in (("authors", Author), ("tags", Tag), ("sources", QuotedSource))
    }
    return services.article_update(
        article, actor=actor, if_match=if_match, **as_write(content, current_names=current_names)
    )


def ids(content: dict, kind: str) -> list[int]:
    if kind == "sources":
        return [quote["source"]["id"] for quote in content.get("quotes", [])]
    return [ref["id"] for ref in content.get(kind, [])]
