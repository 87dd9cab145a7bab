"""Request-wide rules: API errors are JSON, caches are told that API responses depend on who
asks (editors see drafts), and API reads run under the statement timeout."""

from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class JsonErrorsForApi:
    """Django answers some errors itself, before any API view: an unknown URL (with ``DEBUG``,
    its technical 404 page, which skips ``handler404``), a method or redirect rule of
    CommonMiddleware. Under ``/api/`` a client gets JSON for those too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/")
        ):
            detail = "Not found." if response.status_code == 404 else response.reason_phrase
            json_response = JsonResponse({"detail": detail}, status=response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    json_response[header] = response[header]
            return json_response
        return response


class VaryOnAuthorization:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            patch_vary_headers(response, ("Authorization", "Cookie"))
        return response


class StatementTimeoutForApiReads:
    """API reads get ``DATABASE_STATEMENT_TIMEOUT_MS`` (a slow query answers 503, the worker
    is freed); writes, the admin, migrations and management commands are not cut short (a
    rename re-indexing many articles must finish). The setting is changed on the session only
    when the kind of request changes, so kept-open connections cost no statement per request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api_read = request.path.startswith("/api/v1/") and request.method in SAFE_METHODS
        _use_timeout(settings.DATABASE_STATEMENT_TIMEOUT_MS if api_read else 0)
        return self.get_response(request)


def _use_timeout(milliseconds: int) -> None:
    if getattr(connection, "newsapi_statement_timeout", 0) == milliseconds:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [str(milliseconds)])
    except DatabaseError:
        return  # the database is down: the view answers 503 through the API's error handler
    connection.newsapi_statement_timeout = milliseconds


def _new_session(sender, connection, **kwargs) -> None:
    connection.newsapi_statement_timeout = 0  # the server's default: none


connection_created.connect(_new_session)


class GZipKeepingETags(GZipMiddleware):
    """Django's gzip, but the ETag stays as the view set it. Our ETags name a version of the
    content (an article's, a feed's), not bytes: a client compares the one a 412 carries (too
    short to be compressed) with the one a gzipped read gave, and sends either back."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        etag = response.get("ETag")
        response = super().process_response(request, response)
        if etag is not None:
            response["ETag"] = etag
        return response
