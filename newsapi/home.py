"""The landing page at ``/``: what this service is and where to go from here."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


def package_version() -> str:
    try:
        return version("newsapi")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "newsapi/home.html",
        {
            "version": package_version(),
            "api_version": settings.SPECTACULAR_SETTINGS["VERSION"],
        },
    )
