"""ReDoc entirely offline: the sidecar's bundle links Redocly's logo on a CDN; this serves the
bundle with that one address replaced by a small inline image of our own."""

from __future__ import annotations

import base64
import functools
from importlib import resources

from django.http import HttpRequest, HttpResponse

CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
    '<rect width="16" height="16" rx="3" fill="#32329f"/></svg>'
)
INLINE_LOGO = "data:image/svg+xml;base64," + base64.b64encode(LOGO.encode()).decode()


@functools.cache
def _bundle() -> bytes:
    sidecar = resources.files("drf_spectacular_sidecar")
    source = (
        sidecar / "static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
    ).read_text(encoding="utf-8")
    return source.replace(CDN_LOGO, INLINE_LOGO).encode()


def redoc_bundle(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_bundle(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
