"""Every error is JSON with a 4xx (or 503) status: never an HTML page, never a 500 for bad input."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from psycopg import errors as pg_errors
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from articles.lifecycle import Forbidden, UnknownRevision
from articles.search import SearchUnavailable
from articles.services import Conflict, PreconditionFailed


class Unavailable(exceptions.APIException):
    """A 503: the client may try again (``Retry-After``)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE


class ServiceUnavailable(Unavailable):
    default_detail = "The database took too long to answer; try a narrower query."
    default_code = "query_timeout"


class DatabaseUnavailable(Unavailable):
    default_detail = (
        "The database is unavailable; try again shortly. A write that got this answer may or "
        "may not have been stored: re-posting an article with the same url is safe."
    )
    default_code = "database_unavailable"


class SearchIndexUnavailable(Unavailable):
    default_detail = "The search index is unavailable right now; try again shortly."
    default_code = "search_unavailable"


def _refused(status_code: int, code: str, detail: Any) -> exceptions.APIException:
    """An error of a status DRF has no class for (409, 412, 413)."""
    error = exceptions.APIException(detail, code)
    error.status_code = status_code
    return error


def _messages(error: DjangoValidationError) -> dict[str, Any]:
    return error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    current = None  # the article's version, on a 412
    if isinstance(exc, Conflict):
        exc = _refused(status.HTTP_409_CONFLICT, "conflict", _messages(exc))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_messages(exc))
    elif isinstance(exc, ProtectedError | RestrictedError):
        exc = _refused(
            status.HTTP_409_CONFLICT,
            "conflict",
            {"detail": ["It is still in use; remove its uses first."]},
        )
    elif isinstance(exc, OperationalError) and isinstance(exc.__cause__, pg_errors.QueryCanceled):
        exc = ServiceUnavailable()
    elif isinstance(exc, OperationalError | InterfaceError):
        # Connection refused or killed, deadlock or serialization failure after the services'
        # retries: the client may try again.
        exc = DatabaseUnavailable()
    elif isinstance(exc, RequestDataTooBig):
        exc = _refused(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            "payload_too_large",
            "The request body is too large.",
        )
    elif isinstance(exc, PreconditionFailed):
        current = exc.args[0] if exc.args else None
        exc = _refused(
            status.HTTP_412_PRECONDITION_FAILED,
            "precondition_failed",
            "The article changed since that version: read it again (its ETag).",
        )
    elif isinstance(exc, SearchUnavailable):
        exc = SearchIndexUnavailable()
    elif isinstance(exc, Forbidden):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, UnknownRevision):
        exc = exceptions.NotFound(f"The article has no revision {exc.args[0]}.")
    response = exception_handler(exc, context)
    if response is not None and current:
        response["ETag"] = f'"{current}"'  # the version to read, or to send as If-Match
    if response is not None and response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE:
        response["Retry-After"] = "5"
    return response
