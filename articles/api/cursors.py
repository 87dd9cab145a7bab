"""The query and page of a cursor feed (the change feed, a saved search's matches): the same
parameters, limits and page shape, each with its own words."""

from __future__ import annotations

from rest_framework import serializers

# Each feed's words: what its items are called, and what its ``?after=`` takes.
_FEEDS = {
    "Changes": ("events", "A `next_cursor` (or an event's `cursor`) this feed gave; without it, "
                "the feed starts at the oldest event kept."),
    "Matches": ("matches", "A `next_cursor` (or a match's `cursor`) of this saved search; "
                "without it, from its first match."),
}  # fmt: skip


def cursor_feed(
    name: str, item: type[serializers.Serializer]
) -> tuple[type[serializers.Serializer], type[serializers.Serializer]]:
    """The feed ``name``'s query serializer (``?after=``, ``?limit=``) and its page of ``item``
    (``results``, ``next_cursor``, ``has_more``): ``ChangesQuerySerializer``,
    ``ChangesPageSerializer``."""
    items, after = _FEEDS[name]
    query = {
        "after": serializers.CharField(required=False, max_length=200, help_text=after),
        "limit": serializers.IntegerField(
            required=False,
            default=100,
            min_value=1,
            max_value=1000,
            help_text=f"{items.capitalize()} a page.",
        ),
    }
    page = {
        "results": item(many=True),
        "next_cursor": serializers.CharField(
            help_text="Where to resume (never null: on the last page, the same or a later cursor)."
        ),
        "has_more": serializers.BooleanField(help_text=f"More {items} are there now."),
    }
    return _serializer(f"{name}QuerySerializer", query), _serializer(f"{name}PageSerializer", page)


def _serializer(name: str, fields: dict[str, serializers.Field]) -> type[serializers.Serializer]:
    return type(name, (serializers.Serializer,), {"__module__": __name__, **fields})


def item_cursor(item: str) -> serializers.CharField:
    """An item's ``cursor`` field: where ``?after=`` resumes after it."""
    return serializers.CharField(help_text=f"Resume after this {item} with `?after=`.")
