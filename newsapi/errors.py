"""JSON answers for what no API view handles (unknown URLs, hosts, oversized bodies, crashes),
so API clients never get an HTML page."""

from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.views import defaults


def not_found(request: HttpRequest, exception: Exception | None = None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception | None = None):
    """Django's own 400s: an unknown Host header, a body over DATA_UPLOAD_MAX_MEMORY_SIZE."""
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse({"detail": "The request body is too large."}, status=413)
    if isinstance(exception, DisallowedHost):
        return JsonResponse({"detail": "Unknown host."}, status=400)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Internal server error."}, status=500)
    return defaults.server_error(request)
