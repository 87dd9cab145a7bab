"""Saved searches: their query and filters checked by the article list's own rules, and the
write that keeps a user within ``SAVED_SEARCH_MAX_PER_USER``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import QueryDict
from rest_framework.exceptions import ValidationError

from articles import search
from articles.events.models import WebhookEndpoint
from articles.filtersets import ArticleFilterSet, article_search_from
from articles.monitoring.models import SavedSearch

# Filters that take several values (the list repeats them: ``?tag=a&tag=b``).
REPEATED = frozenset({"tag", "any_tag", "exclude_tag"})
# ``collapse`` shapes a list, not which articles match: a saved search has no use for it.
FILTERS = frozenset(ArticleFilterSet.base_filters) - {"q", "collapse"}


def max_per_user() -> int:
    return int(getattr(settings, "SAVED_SEARCH_MAX_PER_USER", 100))


def search_params(q: str, filters: Mapping[str, Any], *, editor: bool) -> search.ArticleSearch:
    """The article list's input for this query and these filters, for a reader or an editor;
    a ValidationError with the list's messages (under ``q`` or ``filters``) for what the list
    would refuse. ``filters`` hold known names only (the caller names unknown ones)."""
    query = QueryDict(mutable=True)
    for name, values in filters.items():
        query.setlist(name, values if isinstance(values, list) else [values])
    if q:
        query["q"] = q
    try:
        return article_search_from(query, editor=editor)
    except ValidationError as error:
        found = error.detail if isinstance(error.detail, dict) else {"q": error.detail}
        errors: dict[str, Any] = {}
        if "q" in found:
            errors["q"] = [str(message) for message in found["q"]]
        rest = {name: [str(m) for m in messages] for name, messages in found.items() if name != "q"}
        if rest:
            errors["filters"] = rest
        raise ValidationError(errors) from None


def clean_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """Filters in one shape: repeatable ones as lists, others as one string; a ValidationError
    (under ``filters``) for values that are neither."""
    clean: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    for name, given in filters.items():
        values = given if isinstance(given, list) else [given]
        if not all(isinstance(value, str) for value in values):
            problems[name] = ["Give a string or a list of strings."]
        elif name in REPEATED:
            clean[name] = values
        elif len(values) != 1:
            problems[name] = ["Takes one value."]
        else:
            clean[name] = values[0]
    if problems:
        raise ValidationError({"filters": problems})
    return clean


def usable_webhook(webhook: WebhookEndpoint | None, owner: Any) -> WebhookEndpoint | None:
    """The endpoint, if its owner is the saved search's (or the owner is a superuser)."""
    if webhook is not None and webhook.owner_id != owner.pk and not owner.is_superuser:
        raise ValidationError(
            {"notify": {"webhook": [f"No webhook endpoint {webhook.pk} of yours."]}}
        )
    return webhook


def saved_search_create(
    *,
    owner: Any,
    name: str,
    q: str = "",
    filters: Mapping[str, Any] | None = None,
    webhook: WebhookEndpoint | None = None,
    active: bool = True,
) -> SavedSearch:
    """A new saved search; a ValidationError past the owner's limit (checked under a lock of
    the owner's row, so that two creates at once cannot both pass it)."""
    filters = clean_filters(filters or {})
    q = q.strip()  # as the list's form trims it (percolation relies on it)
    search_params(q, filters, editor=False)
    usable_webhook(webhook, owner)
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=owner.pk).exists()
        if SavedSearch.objects.filter(owner=owner).count() >= max_per_user():
            raise ValidationError(
                {
                    "detail": [
                        f"You keep {max_per_user()} saved searches already, the most allowed "
                        "(SAVED_SEARCH_MAX_PER_USER): delete one first."
                    ]
                }
            )
        return SavedSearch.objects.create(
            owner=owner, name=name, q=q, filters=filters, webhook=webhook, active=active
        )


def saved_search_update(saved: SavedSearch, **changes: Any) -> SavedSearch:
    """Change the given fields (``name``, ``q``, ``filters``, ``webhook``, ``active``), checked
    together with those kept."""
    if "filters" in changes:
        changes["filters"] = clean_filters(changes["filters"] or {})
    if "q" in changes:
        changes["q"] = changes["q"].strip()
    q = changes.get("q", saved.q)
    search_params(q, changes.get("filters", saved.filters), editor=False)
    if "webhook" in changes:
        usable_webhook(changes["webhook"], saved.owner)
    for field, value in changes.items():
        setattr(saved, field, value)
    saved.save()
    return saved


def saved_search_delete(saved: SavedSearch) -> None:
    """Delete it and its matches. Its row is locked first: a percolation under way (which
    locks the saved searches it records matches of) commits before the matches are deleted,
    or finds it gone (the table has no foreign key constraint to refuse a match of it)."""
    with transaction.atomic():
        SavedSearch.objects.select_for_update().filter(pk=saved.pk).exists()
        saved.delete()
