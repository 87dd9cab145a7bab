"""Every path answers the bytes of one API page (``BENCH_MINIMAL_BODY``, a file), read once."""

import os
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import re_path

BODY = Path(os.environ["BENCH_MINIMAL_BODY"]).read_bytes()


def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BODY, content_type="application/json")


urlpatterns = [re_path(r"", page)]
