"""Strict query parameters, below the API: a parameter a door does not take is a 400 that
names it and lists those it takes (a typo such as ``?tags=`` must never be silently ignored).

Shared by the API (``articles.api.strictness``) and the feeds, which are not API views.
"""

from __future__ import annotations

from collections.abc import Iterable

from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

# Taken everywhere: DRF's format override (``?format=json``, ``?format=api``).
UNIVERSAL = frozenset({api_settings.URL_FORMAT_OVERRIDE} - {None})


def unknown_error(
    unknown: Iterable[str], known: Iterable[str], what: str, read_only: Iterable[str] = ()
) -> ValidationError:
    """The 400 naming each ``unknown`` parameter or field (``what``), listing the ``known``."""
    known_list = ", ".join(sorted(known)) or "none"
    message = f"Unknown {what}. Known {what}s: {known_list}."
    read_only_message = f"Read-only: the server sets it. Known {what}s: {known_list}."
    read_only = set(read_only)
    return ValidationError(
        {name: [read_only_message if name in read_only else message] for name in sorted(unknown)}
    )


def refuse_unknown_parameters(params: Iterable[str], known: Iterable[str]) -> None:
    """A 400 naming each of ``params`` that is not ``known`` (DRF's format override is taken
    everywhere), listing those that are."""
    known = set(known)
    unknown = set(params) - known - UNIVERSAL
    if unknown:
        raise unknown_error(unknown, known, "parameter")
