"""The article's change form: its layout, its fields (the writable ones of
``articles.fields``, and the tags), its checks, and the byline and quotation rows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from articles.admin import widgets as admin_widgets
from articles.fields import FIELD_NAMES
from articles.lifecycle.admin import form_refusal
from articles.models import Article, Byline, Quotation
from articles.text import MarkupTooComplex, check_markup, strip_controls

# The rich text editor offers what a body may keep (articles.text.BODY_TAGS), nothing more.
BODY_EDITOR = {
    "extensions": {
        "Bold": True, "Italic": True, "Strike": True, "Underline": True, "Subscript": True,
        "Superscript": True, "Heading": {"levels": [2, 3, 4]}, "BulletList": True,
        "OrderedList": True, "ListItem": True, "Blockquote": True, "HorizontalRule": True,
        "HardBreak": True, "Link": {"enableTarget": False},
    }
}  # fmt: skip


# The change form's layout: every writable field (``articles.fields``, and the tags) once,
# among the stored ones it shows (tests/test_admin.py checks it).
WRITABLE = (*FIELD_NAMES, "tags")
FIELDSETS: list[tuple[str | None, dict[str, Any]]] = [
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


class ArticleForm(forms.ModelForm):
    language = admin_widgets.language_field()
    tags = admin_widgets.creatable(Article._meta.get_field("tags"), multiple=True, required=False)
    image_file = admin_widgets.image_upload_field()

    class Meta:
        model = Article
        fields = [name for name in flatten_fieldsets(FIELDSETS) if name in WRITABLE]
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


def kept_rows(formset: Any) -> list[dict[str, Any]]:
    """The rows an inline formset keeps, in the order of their positions (an invalid row,
    without cleaned data, is not kept)."""
    kept = [
        cleaned
        for form in formset.forms
        if (cleaned := getattr(form, "cleaned_data", None)) and not cleaned.get("DELETE")
    ]
    return sorted(kept, key=lambda row: row.get("position") or 0)


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
