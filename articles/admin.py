"""The editors' admin. Saves go through ``articles.services``, so search documents stay in step."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.postgres.forms import SimpleArrayField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from articles import (
    admin_preview,
    admin_widgets,
    images,
    lifecycle,
    names,
    search,
    selectors,
    services,
    synonyms,
)
from articles.lifecycle.admin import LifecycleAdmin, form_refusal
from articles.models import (
    Article,
    Author,
    Byline,
    NamedEntity,
    Quotation,
    QuotedSource,
    SynonymSet,
    Tag,
)
from articles.schedule_admin import ReadersFilter, readers_column
from articles.text import (
    MarkupTooComplex,
    check_markup,
    fold,
    make_slug,
    removed_by_sanitising,
    strip_controls,
)

# The rich text editor offers what a body may keep (articles.text.BODY_TAGS), nothing more.
BODY_EDITOR = {
    "extensions": {
        "Bold": True, "Italic": True, "Strike": True, "Underline": True, "Subscript": True,
        "Superscript": True, "Heading": {"levels": [2, 3, 4]}, "BulletList": True,
        "OrderedList": True, "ListItem": True, "Blockquote": True, "HorizontalRule": True,
        "HardBreak": True, "Link": {"enableTarget": False},
    }
}  # fmt: skip


class NameFilter(admin.SimpleListFilter):
    """A tag, author or source filter for archives with thousands of them: the most used
    ones as links, and a box to type any other (by name or slug, accents optional)."""

    template = "admin/articles/name_filter.html"
    model: type[NamedEntity] = Tag
    relation = "tags"
    usage = "articles"  # from a name to the articles that use it
    shown = 12
    recent = 2_000

    def __init__(self, request: HttpRequest, params: Any, model: Any, model_admin: Any) -> None:
        super().__init__(request, params, model, model_admin)
        # The other parameters of the changelist, kept when a name is typed in the box.
        self.other_params = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in (self.parameter_name, "p")
            for value in values
        ]

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        # The most used among the latest articles: one bounded query, not a count over every
        # relation row of the archive at each changelist.
        latest = Article.objects.order_by("-id").values("id")[: self.recent]
        top = (
            self.model.objects.filter(**{f"{self.usage}__in": latest})
            .annotate(used=Count(self.usage))
            .order_by("-used", "name")
        )
        # Shown alphabetically as readers sort: accents ignored, case folded.
        shown = sorted(top[: self.shown], key=lambda entity: (fold(entity.name), entity.name))
        choices = [(entity.slug, entity.name) for entity in shown]
        chosen = self.value()
        if chosen and chosen not in dict(choices):
            entity = self.model.objects.filter(slug=make_slug(chosen)).first()
            choices.append((chosen, entity.name if entity else chosen))
        return choices

    def queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> QuerySet[Article]:
        if not self.value():
            return queryset
        return queryset.filter(**{f"{self.relation}__slug": make_slug(self.value())}).distinct()


class TagFilter(NameFilter):
    title, parameter_name = "tag", "tag"


class AuthorFilter(NameFilter):
    title, parameter_name, model, relation, facet = (
        "author",
        "author",
        Author,
        "authors",
        ("authors"),
    )


class SourceFilter(NameFilter):
    title, parameter_name, model = "quoted source", "source", QuotedSource
    relation, usage = "quotes__source", "quotes__article"


class ArticleForm(forms.ModelForm):
    language = admin_widgets.language_field()
    tags = admin_widgets.creatable(Article._meta.get_field("tags"), multiple=True, required=False)
    image_file = admin_widgets.image_upload_field()

    class Meta:
        model = Article
        fields = [
            "title", "standfirst", "body", "tags", "status", "published_at", "expires_at",
            "language", "section", "edition", "url", "image_url", "image_caption",
            "image_credit", "image_alt",
        ]  # fmt: skip
        widgets = {"body": admin_widgets.BodyWidget(preset="configurable", config=BODY_EDITOR)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = settings.NEWSAPI_DEFAULT_LANGUAGE or ""
        admin_widgets.show_time_zone(self)

    def clean_tags(self) -> Any:
        tags = self.cleaned_data["tags"]
        if tags is not None and len(tags) > settings.ARTICLE_MAX_TAGS:
            raise ValidationError(f"An article has at most {settings.ARTICLE_MAX_TAGS} tags.")
        return tags

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        try:
            check_markup(body)
        except MarkupTooComplex as error:
            raise ValidationError(str(error)) from None
        return body

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        refusal = form_refusal(self)
        if refusal is not None:
            self.add_error("status", refusal)
        return cleaned


def _rows(formset: Any) -> list[dict[str, Any]]:
    """The rows an inline formset keeps, in the order of their positions."""
    rows = [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
    return sorted(rows, key=lambda row: row.get("position") or 0)


class BylineForm(admin_widgets.OrderedRowForm):
    author = admin_widgets.creatable(Byline._meta.get_field("author"))


class QuotationForm(admin_widgets.OrderedRowForm):
    source = admin_widgets.creatable(Quotation._meta.get_field("source"))

    def clean_text(self) -> str:
        text = strip_controls(self.cleaned_data["text"], multiline=True).strip()
        if not text:
            raise ValidationError("A quotation needs its text.")
        return text


class LimitedInline:
    """An inline whose rows are capped by a setting: more is a form error, as in the API."""

    limit_setting = ""

    def get_max_num(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return getattr(settings, self.limit_setting)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        return super().get_formset(request, obj, validate_max=True, **kwargs)  # type: ignore[misc]


class BylineInline(LimitedInline, admin.TabularInline):
    model = Byline
    form = BylineForm
    extra = 1
    fields = ["author", "position"]
    verbose_name = "author"
    verbose_name_plural = "authors (in byline order)"
    limit_setting = "ARTICLE_MAX_AUTHORS"


class QuotationInline(LimitedInline, admin.StackedInline):
    model = Quotation
    form = QuotationForm
    extra = 1
    fields = ["source", "text", "position"]
    limit_setting = "ARTICLE_MAX_QUOTES"


@admin.register(Article)
class ArticleAdmin(LifecycleAdmin):
    form = ArticleForm
    list_display = [
        "short_title", "status", readers_column, "language", "published", "byline", "tag_list",
    ]  # fmt: skip
    list_filter = [
        "status", ReadersFilter, "language", TagFilter, AuthorFilter, SourceFilter, "section",
    ]  # fmt: skip
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
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "tags", "preview"]}),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "published_at",
                    "expires_at",
                    "language",
                    "section",
                    "edition",
                ],
                "description": "A published article dated in the future is scheduled: readers "
                "see it from that date on, and no longer once it expires.",
            },
        ),
        (
            "Links and image",
            {
                "fields": [
                    "url",
                    "current_image",
                    "image_file",
                    "image_url",
                    "image_caption",
                    "image_credit",
                    "image_alt",
                ]
            },
        ),
        (
            "History",
            {
                "fields": ["created_at", "updated_at"],
                "classes": ["collapse"],
                "description": admin_widgets.in_zone("Times"),
            },
        ),
    ]

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
            authors=None if bylines is None else [row["author"] for row in _rows(bylines)],
            quotes=None
            if quotations is None
            else [(row["source"], row["text"]) for row in _rows(quotations)],
        )
        for formset in formsets:
            formset.save(commit=False)  # what changed, for the history; nothing is written


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
    usage_relation = "articles"
    article_filter = "tag"  # the article changelist's parameter for this kind of name

    def get_list_display(self, request: HttpRequest) -> list[str]:
        return ["name", "slug", "usage"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[NamedEntity]:
        return (
            super().get_queryset(request).annotate(usage=Count(self.usage_relation, distinct=True))
        )

    @admin.display(description="used", ordering="usage")
    def usage(self, entity: Any) -> str:
        """The count links to the articles that use it."""
        url = reverse("admin:articles_article_changelist")
        return format_html('<a href="{}?{}={}">{}</a>', url, self.article_filter, entity.slug,
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
    article_filter = "author"


@admin.register(QuotedSource)
class QuotedSourceAdmin(MergeAdmin):
    fields = ["name", "slug", "kind", "description", "aliases", "wikidata_id", "article"]
    readonly_fields = ["slug", "article"]
    list_filter = ["kind"]
    usage_relation = "quotes"
    article_filter = "source"

    def get_list_display(self, request: HttpRequest) -> list[str]:
        return ["name", "kind", "description", "usage"]


class SynonymSetForm(forms.ModelForm):
    terms = SimpleArrayField(
        forms.CharField(max_length=100),
        delimiter="\n",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One word or phrase a line (Kyiv, Kiev, Kiew; United States, USA).",
    )

    class Meta:
        model = SynonymSet
        fields = ["terms", "language"]

    def clean_terms(self) -> list[str]:
        return synonyms.checked_terms(self.cleaned_data["terms"])


@admin.register(SynonymSet)
class SynonymSetAdmin(admin.ModelAdmin):
    """Applies to every search at once (queries read the sets), nothing is re-indexed."""

    form = SynonymSetForm
    list_display = ["__str__", "language", "updated_at"]
    list_filter = ["language"]

    def save_model(self, request: HttpRequest, obj: SynonymSet, form: Any, change: bool) -> None:
        data = form.cleaned_data
        values = {"terms": data["terms"], "language": data["language"] or None}
        if change:
            synonyms.synonym_set_update(SynonymSet.objects.get(pk=obj.pk), **values)
        else:
            obj.pk = synonyms.synonym_set_create(**values).pk

    def delete_model(self, request: HttpRequest, obj: SynonymSet) -> None:
        synonyms.synonym_set_delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SynonymSet]) -> None:
        for synonym_set in queryset:
            synonyms.synonym_set_delete(synonym_set)


from articles.events import admin as events_admin  # noqa: E402, F401  (webhooks)
