"""The admin's view of scheduling: which articles readers see now, which wait for their date
(with when they go live) and which have expired (SPEC: Lifecycle)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.db.models.functions import Now
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from articles import selectors
from articles.models import Article


class ReadersFilter(admin.SimpleListFilter):
    title, parameter_name = "readers see it", "readers"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [
            ("live", "Live now"),
            ("scheduled", "Scheduled"),
            ("expired", "Expired"),
            ("hidden", "Not published"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> QuerySet[Article]:
        published = queryset.filter(status=Article.Status.PUBLISHED)
        return {
            "live": lambda: queryset.filter(selectors.live()),
            "scheduled": lambda: selectors.scheduled(queryset),
            "expired": lambda: published.filter(expires_at__lte=Now()),
            "hidden": lambda: queryset.exclude(status=Article.Status.PUBLISHED),
            None: lambda: queryset,
        }[self.value()]()


@admin.display(description="readers")
def readers_column(article: Article) -> str:
    """ "Live", "Goes live <when>", "Expired <when>"; nothing for articles not published."""
    if article.status != Article.Status.PUBLISHED or article.published_at is None:
        return ""
    now = timezone.now()
    if article.published_at > now:
        when = date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
        return format_html('<strong class="scheduled">Goes live {}</strong>', when)
    if article.expires_at is not None and article.expires_at <= now:
        return f"Expired {date_format(timezone.localtime(article.expires_at), 'DATETIME_FORMAT')}"
    if article.expires_at is not None:
        when = date_format(timezone.localtime(article.expires_at), "DATETIME_FORMAT")
        return f"Live, until {when}"
    return "Live"
