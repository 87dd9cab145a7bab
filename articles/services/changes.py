"""What every write tells, inside its transaction: the search index's change log and the
events outbox."""

from __future__ import annotations

from django.utils import timezone

from articles import events, kinds, search
from articles.models import Article, NamedEntity


def record_named(entity: NamedEntity, entity_id: int | None = None) -> None:
    """Log the name for the search index (``entity_id``: its id before it was deleted)."""
    code = kinds.of_model(type(entity)).change_code
    search.record_changes(code, [entity.pk if entity_id is None else entity_id])


def articles_changed(article_ids: list[int], *, touch: bool = False) -> None:
    """Log the articles for the search index; ``touch`` also sets their ``updated_at``, for
    writes that change what an article shows without writing its row (renaming one of its
    tags, say), so that clients syncing with ``updated_after`` see it."""
    if touch and article_ids:
        Article.objects.filter(pk__in=article_ids).update(updated_at=timezone.now())
    search.record_changes(search.ARTICLE, article_ids)
    events.articles_changed(article_ids)
