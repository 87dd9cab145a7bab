"""The admin site: Django's, branded newsapi (its "View site" is the landing page), with
password guesses at its login throttled like the token endpoint's (per client address and per
username, ``THROTTLE_LOGIN``)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse

from articles.api.throttling import login_wait


class NewsAdminSite(admin.AdminSite):
    site_header = "newsapi administration"
    site_title = "newsapi admin"
    index_title = "Articles, authors, tags and quoted sources"
    site_url = "/"  # "View site": the landing page

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if request.method == "POST":
            wait = login_wait(request, request.POST.get("username"))
            if wait is not None:
                response = HttpResponse(
                    "Too many login attempts. Try again later.",
                    status=429,
                    content_type="text/plain",
                )
                response["Retry-After"] = str(wait)
                return response
        return super().login(request, extra_context)


class NewsAdminConfig(AdminConfig):
    default_site = "newsapi.admin_site.NewsAdminSite"
