"""The editors' admin. Saves go through ``articles.services``, so search documents stay in step."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest

from articles import search, services
from articles.models import Article, Author, Byline, NamedEntity, Quotation, QuotedSource, Tag
from articles.text import strip_controls


def _rows(formset: Any) -> list[dict[str, Any]]:
    """The rows an inline formset keeps, in the order of their positions."""
    rows = [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
    return sorted(rows, key=lambda row: row.get("position") or 0)


class QuotationForm(forms.ModelForm):
    def clean_text(self) -> str:
        text = strip_controls(self.cleaned_data["text"], multiline=True).strip()
        if not text:
            raise ValidationError("A quotation needs its text.")
        return text


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = "author"
    verbose_name_plural = "authors (in byline order)"


class QuotationInline(admin.StackedInline):
    model = Quotation
    form = QuotationForm
    extra = 1
    autocomplete_fields = ["source"]
    fields = ["source", "text", "position"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "language", "section", "published_at", "byline", "tag_list"]
    list_filter = ["status", "language", "section", ("tags", admin.RelatedOnlyFieldListFilter)]
    # Answered by the search index: title, standfirst, body, tags, authors, sources and quotes,
    # stemmed, accents ignored, typos forgiven (get_search_results).
    search_fields = ["title"]
    search_help_text = "Words of the title, body, tags, authors or quoted sources."
    admin_search_limit = 1000
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags"]
    inlines = [BylineInline, QuotationInline]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["publish", "unpublish", "archive"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "tags"]}),
        ("Publication", {"fields": ["status", "published_at", "language", "section", "edition"]}),
        ("Links and image", {"fields": ["url", "image_url", "image_caption", "image_credit"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return (
            super()
            .get_queryset(request)
            .defer("body")
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author")),
                Prefetch("tags", queryset=Tag.objects.only("id", "name")),
            )
        )

    @admin.display(description="authors")
    def byline(self, article: Article) -> str:
        return ", ".join(byline.author.name for byline in article.bylines.all())

    @admin.display(description="tags")
    def tag_list(self, article: Article) -> str:
        return ", ".join(tag.name for tag in article.tags.all())

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Article], search_term: str
    ) -> tuple[QuerySet[Article], bool]:
        if not search_term.strip():
            return queryset, False
        ids = search.admin_search_ids(search_term, limit=self.admin_search_limit)
        return queryset.filter(pk__in=ids), False

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        services.article_admin_save(obj)

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        services.article_delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        for article in queryset:
            services.article_delete(article)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Tags, bylines and quotations go through the write path, not the forms' own saves
        (which would skip the services' rules and the search index's change log)."""
        by_model = {formset.model: formset for formset in formsets}
        bylines, quotations = by_model.get(Byline), by_model.get(Quotation)
        services.article_admin_relations(
            form.instance,
            tags=form.cleaned_data.get("tags"),
            authors=None if bylines is None else [row["author"] for row in _rows(bylines)],
            quotes=None
            if quotations is None
            else [(row["source"], row["text"]) for row in _rows(quotations)],
        )
        for formset in formsets:
            formset.save(commit=False)  # what changed, for the history; nothing is written

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Article], status: str) -> None:
        count = services.articles_set_status(queryset, status)
        self.message_user(request, f"{count} article(s) now {status}.", messages.SUCCESS)

    @admin.action(description="Publish the selected articles", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._set_status(request, queryset, Article.Status.PUBLISHED)

    @admin.action(
        description="Unpublish the selected articles (back to draft)", permissions=["change"]
    )
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._set_status(request, queryset, Article.Status.DRAFT)

    @admin.action(description="Archive the selected articles", permissions=["change"])
    def archive(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._set_status(request, queryset, Article.Status.ARCHIVED)


class NamedEntityForm(forms.ModelForm):
    """The services' own name rules, as form errors (never a 500 or a constraint's name)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("name") is not None:
            try:
                services.named_check(self._meta.model, cleaned["name"], exclude_pk=self.instance.pk)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def validate_unique(self) -> None:
        """``clean`` checked the name's identity; the database constraints' raw messages
        ("Constraint tag_name_folded_unique is violated") are not for editors."""


class NamedEntityAdmin(admin.ModelAdmin):
    """Tags, authors and sources: slugs follow names; renames refresh the articles' search."""

    form = NamedEntityForm

    search_fields = ["name", "slug"]
    readonly_fields = ["slug"]
    usage_relation = "articles"

    def get_list_display(self, request: HttpRequest) -> list[str]:
        return ["name", "slug", "usage"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[NamedEntity]:
        return (
            super().get_queryset(request).annotate(usage=Count(self.usage_relation, distinct=True))
        )

    @admin.display(description="used", ordering="usage")
    def usage(self, entity: Any) -> int:
        return entity.usage

    def save_model(self, request: HttpRequest, obj: NamedEntity, form: Any, change: bool) -> None:
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        if change:
            services.named_update(type(obj).objects.get(pk=obj.pk), **changes)
        else:
            created = services.named_create(type(obj), **form.cleaned_data)
            obj.pk, obj.slug = created.pk, created.slug

    def delete_model(self, request: HttpRequest, obj: NamedEntity) -> None:
        services.named_delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[NamedEntity]) -> None:
        for entity in queryset:
            services.named_delete(entity)


@admin.register(Tag)
class TagAdmin(NamedEntityAdmin):
    fields = ["name", "slug"]


@admin.register(Author)
class AuthorAdmin(NamedEntityAdmin):
    fields = ["name", "slug", "bio", "url"]


@admin.register(QuotedSource)
class QuotedSourceAdmin(NamedEntityAdmin):
    fields = ["name", "slug", "kind", "description"]
    list_filter = ["kind"]
    usage_relation = "quotes"

    def get_list_display(self, request: HttpRequest) -> list[str]:
        return ["name", "kind", "description", "usage"]
