"""Liveness, database and search index check for load balancers and uptime monitors."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from articles.events import queue_status
from articles.search import SearchUnavailable, engine


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse(
            {"status": "error", "database": "unavailable", "search": "unknown"}, status=503
        )
    try:
        engine().searcher()  # brings the index up to the change log, building it if missing
        described = engine().describe()
    except (SearchUnavailable, OSError, ValueError) as error:
        return JsonResponse(
            {
                "status": "error",
                "database": "ok",
                "search": {"state": "error", "detail": str(error)},
            },
            status=503,
        )
    shown = ("state", "documents", "articles", "quotes", "names", "lag", "last_change_applied")
    search = {key: described[key] for key in shown}
    # The worker's queue: due webhook deliveries and events not yet turned into deliveries.
    return JsonResponse(
        {"status": "ok", "database": "ok", "search": search, "queue": queue_status()}
    )
