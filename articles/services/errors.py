"""What a write answers when it cannot be done as asked, beyond a ValidationError (400)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError


class Conflict(ValidationError):
    """The write clashes with what is stored (a name taken, a source still quoted): the API
    answers 409, forms show it as an error."""


class PreconditionFailed(Exception):
    """``if_match`` named a version the article no longer has."""


def constraint_name(error: IntegrityError) -> str | None:
    """The constraint PostgreSQL names in ``error``."""
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
