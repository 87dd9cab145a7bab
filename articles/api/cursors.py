"""The query and page of a cursor feed (the change feed, a saved search's matches): the same
parameters, limits and page shape, each with its own words."""

from __future__ import annotations

from rest_framework import serializers


def cursor_query(name: str, *, after: str, items: str) -> type[serializers.Serializer]:
    """``?after=`` (a cursor the feed gave; ``after`` says what it is) and ``?limit=``."""
    fields = {
        "after": serializers.CharField(required=False, max_length=200, help_text=after),
        "limit": serializers.IntegerField(
            required=False,
            default=100,
            min_value=1,
            max_value=1000,
            help_text=f"{items.capitalize()} a page.",
        ),
    }
    return type(name, (serializers.Serializer,), {"__module__": __name__, **fields})


def item_cursor(item: str) -> serializers.CharField:
    """An item's ``cursor`` field: where ``?after=`` resumes after it."""
    return serializers.CharField(help_text=f"Resume after this {item} with `?after=`.")


def cursor_page(
    name: str, item: type[serializers.Serializer], *, items: str
) -> type[serializers.Serializer]:
    """A page: ``results``, ``next_cursor`` and ``has_more``."""
    fields = {
        "results": item(many=True),
        "next_cursor": serializers.CharField(
            help_text="Where to resume (never null: on the last page, the same or a later cursor)."
        ),
        "has_more": serializers.BooleanField(help_text=f"More {items} are there now."),
    }
    return type(name, (serializers.Serializer,), {"__module__": __name__, **fields})
