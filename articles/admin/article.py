"""The article's admin: the changelist (search answered by the index, filters by status,
readers, language, names and section), the change form (``article_form``), the preview, and
saves through ``articles.services``, so search documents stay in step."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from articles import images, lifecycle, search, selectors, services
from articles.admin import preview as admin_preview
from articles.admin import widgets as admin_widgets
from articles.admin.article_form import (
    FIELDSETS,
    ArticleForm,
    BylineInline,
    QuotationInline,
    kept_rows,
)
from articles.admin.filters import NAME_FILTERS
from articles.admin.schedule import ReadersFilter, readers_column
from articles.lifecycle.admin import LifecycleAdmin
from articles.models import Article, Byline, Quotation
from articles.text import removed_by_sanitising


@admin.register(Article)
class ArticleAdmin(LifecycleAdmin):
    form = ArticleForm
    list_display = [
        "short_title", "status", readers_column, "language", "published", "byline", "tag_list",
    ]  # fmt: skip
    list_filter = ["status", ReadersFilter, "language", *NAME_FILTERS, "section"]
    # Answered by the search index: title, standfirst, body, tags, authors, sources and quotes,
    # stemmed, accents ignored, typos forgiven (get_search_results).
    search_fields = ["title"]
    search_help_text = "Words of the title, body, tags, authors or quoted sources."
    admin_search_limit = 1000
    date_hierarchy = "published_at"
    inlines = [BylineInline, QuotationInline]
    readonly_fields = ["slug", "preview", "current_image", "created_at", "updated_at"]
    actions = ["publish", "unpublish", "archive", "submit_for_review"]
    list_per_page = 50
    fieldsets = FIELDSETS

    @admin.display(description="title", ordering="title")
    def short_title(self, article: Article) -> str:
        return Truncator(article.title).chars(70)

    @admin.display(description=admin_widgets.in_zone("published"), ordering="published_at")
    def published(self, article: Article) -> str | None:
        return admin_widgets.local_time(article.published_at)

    @admin.display(description="image")
    def current_image(self, article: Article) -> str:
        return admin_widgets.current_image(article)

    @admin.display(description="preview")
    def preview(self, article: Article) -> str:
        """The form as it is now, unsaved, in a tab of its own; and the stored version."""
        args = [article.pk] if article.pk else []
        unsaved = reverse("admin:articles_article_preview", args=args)
        # Not a submit button: Enter in a field still saves (editing.js sends the form here).
        button = format_html(
            '<button type="button" class="button" data-preview="{}">Preview this version</button>',
            unsaved,
        )
        if not article.pk:
            return button
        return format_html(
            '{} <a href="{}" target="_blank">The stored version as readers get it</a>',
            button, unsaved,
        )  # fmt: skip

    def get_urls(self) -> list:
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<int:pk>/preview/", preview, name="articles_article_preview"),
            path("preview/", preview, name="articles_article_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        """GET: the stored article as readers get it; POST: the change (or add) form's data
        as it would be saved, with nothing saved."""
        article = get_object_or_404(self.get_queryset(request), pk=pk) if pk else None
        if request.method == "POST":
            allowed = (
                self.has_change_permission(request, article)
                if article
                else self.has_add_permission(request)
            )
        elif article is None:
            return HttpResponseNotAllowed(["POST"])
        else:
            allowed = self.has_view_or_change_permission(request, article)
        if not allowed:
            raise PermissionDenied
        if request.method == "POST":
            preview = admin_preview.of_form(self, request, article)
        else:
            preview = admin_preview.of_article(article)
        change = f"admin:articles_article_{'change' if article else 'add'}"
        back = reverse(change, args=[article.pk] if article else [])
        return admin_preview.render(
            request, self, preview, back=back, unsaved=request.method == "POST"
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return (
            super()
            .get_queryset(request)
            .defer("body")
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author")),
                Prefetch("tags", queryset=selectors.tags_in_order().only("id", "name")),
            )
        )

    @admin.display(description="authors")
    def byline(self, article: Article) -> str:
        return ", ".join(byline.author.name for byline in article.bylines.all())

    @admin.display(description="tags")
    def tag_list(self, article: Article) -> str:
        names = [tag.name for tag in article.tags.all()]
        return ", ".join(names[:3]) + (f" (+{len(names) - 3})" if len(names) > 3 else "")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Article], search_term: str
    ) -> tuple[QuerySet[Article], bool]:
        if not search_term.strip():
            return queryset, False
        ids = search.admin_search_ids(search_term, limit=self.admin_search_limit)
        return queryset.filter(pk__in=ids), False

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        """Written with its relations in ``save_related``, in one write (one revision)."""
        removed = removed_by_sanitising(obj.body or "")
        if upload := form.cleaned_data.get("image_file"):
            obj.image_url = images.store_image(upload, absolute=request.build_absolute_uri).url
        if removed:
            self.message_user(
                request,
                f"The body was sanitised: {', '.join(removed)} removed (a body keeps text "
                "formatting, links, lists, quotes and headings only).",
                messages.WARNING,
            )

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        services.article_delete(obj, actor=lifecycle.Actor.of(request.user, "admin"))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        for article in queryset:
            services.article_delete(article, actor=lifecycle.Actor.of(request.user, "admin"))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Tags, bylines and quotations go through the write path, not the forms' own saves
        (which would skip the services' rules and the search index's change log)."""
        by_model = {formset.model: formset for formset in formsets}
        bylines, quotations = by_model.get(Byline), by_model.get(Quotation)
        self.save_write(
            request,
            form.instance,
            tags=form.cleaned_data.get("tags"),
            authors=None if bylines is None else [row["author"] for row in kept_rows(bylines)],
            quotes=None
            if quotations is None
            else [(row["source"], row["text"]) for row in kept_rows(quotations)],
        )
        for formset in formsets:
            formset.save(commit=False)  # what changed, for the history; nothing is written
