"""Tags, authors and quoted sources in the admin: their forms keep the services' name
rules, saves go through ``articles.services`` (slugs follow names, renames refresh the
articles' search), authors and sources merge (``articles.names.merge``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.postgres.forms import SimpleArrayField
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from articles import names, selectors, services
from articles.admin.filters import to_articles
from articles.kinds import NamedKind, of_model
from articles.models import Author, NamedEntity, QuotedSource, Tag
from articles.text import make_slug


class NamedEntityForm(forms.ModelForm):
    """The services' own name rules, as form errors (never a 500 or a constraint's name)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("name") is not None:
            try:
                names.check_form(self.instance, cleaned)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def validate_unique(self) -> None:
        """``clean`` checked the name's identity; the database constraints' raw messages
        ("Constraint tag_name_folded_unique is violated") are not for editors."""


class AliasedForm(NamedEntityForm):
    aliases = SimpleArrayField(
        forms.CharField(max_length=200),
        delimiter="\n",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Other spellings, one a line: writes that use one get this entity.",
    )


class NamedEntityAdmin(admin.ModelAdmin):
    """Tags, authors and sources: slugs follow names; renames refresh the articles' search."""

    form = NamedEntityForm
    ordering = [selectors.ALPHABETICAL, "id"]  # "Éducation" before "Oceans"

    search_fields = ["name", "slug"]
    readonly_fields = ["slug"]

    @property
    def kind(self) -> NamedKind:
        return of_model(self.model)

    def get_list_display(self, request: HttpRequest) -> list[str]:
        return ["name", "slug", "usage"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[NamedEntity]:
        # Counted: the rows that use it (its articles; a source's quotations).
        using = to_articles(self.kind).split("__")[0]
        return super().get_queryset(request).annotate(usage=Count(using, distinct=True))

    @admin.display(description="used", ordering="usage")
    def usage(self, entity: Any) -> str:
        """The count links to the articles that use it (the changelist's filter by its kind)."""
        url = reverse("admin:articles_article_changelist")
        return format_html('<a href="{}?{}={}">{}</a>', url, self.kind.name, entity.slug,
                           entity.usage)  # fmt: skip

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


class MergeAdmin(NamedEntityAdmin):
    """The "merge into" action: the selected become one, through ``names.merge``."""

    form = AliasedForm
    actions = ["merge"]

    @admin.action(description="Merge the selected into another…", permissions=["change", "delete"])
    def merge(self, request: HttpRequest, queryset: QuerySet[NamedEntity]) -> HttpResponse | None:
        into = request.POST.get("into", "").strip()
        if "apply" not in request.POST or not into:
            context = {
                **self.admin_site.each_context(request),
                "title": f"Merge {self.model._meta.verbose_name_plural}",
                "entities": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "into": into,
            }
            return TemplateResponse(request, "admin/articles/merge.html", context)
        merged = []
        for entity in queryset:
            try:
                target = names.merge(entity, into=into)
            except names.MergedMeanwhile:  # another merge took it first: nothing to move
                continue
            except LookupError:
                self.message_user(request, f"Nothing is named {into!r}.", messages.ERROR)
                return None
            except ValidationError as error:
                if entity.slug != make_slug(into):  # the target itself, selected too
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                continue
            merged.append(entity.name)
        if merged:
            self.message_user(request, f"Merged {', '.join(merged)} into {target.name}.",
                              messages.SUCCESS)  # fmt: skip
        return None


@admin.register(Tag)
class TagAdmin(NamedEntityAdmin):
    fields = ["name", "slug", "wikidata_id"]


@admin.register(Author)
class AuthorAdmin(MergeAdmin):
    fields = ["name", "slug", "aliases", "wikidata_id", "bio", "url"]


@admin.register(QuotedSource)
class QuotedSourceAdmin(MergeAdmin):
    fields = ["name", "slug", "kind", "description", "aliases", "wikidata_id", "article"]
    readonly_fields = ["slug", "article"]
    list_filter = ["kind"]

    def get_list_display(self, request: HttpRequest) -> list[str]:
        return ["name", "kind", "description", "usage"]
