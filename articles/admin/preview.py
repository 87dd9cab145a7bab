"""The admin's preview: an article as readers get it, stored or as the form has it now (not
saved), drawn in the article's own language (``translation.override``: labels in French for
a French article; articles/locale has the catalogues)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin import ModelAdmin
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from articles import images, selectors
from articles.admin.article_form import kept_rows
from articles.fields import ARTICLE_FIELDS
from articles.models import Article, Byline, Quotation
from articles.text import body_as_html

TEMPLATE = "admin/articles/article/preview.html"


@dataclass
class Quote:
    text: str
    source: str
    description: str = ""


@dataclass
class Preview:
    title: str
    language: str
    status: str
    body_html: SafeString
    standfirst: str = ""
    published_at: datetime.datetime | None = None
    section: str = ""
    edition: str = ""
    image_url: str = ""
    image_caption: str = ""
    image_credit: str = ""
    image_alt: str = ""
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # what stops the form being saved

    @property
    def status_label(self) -> str:
        return dict(Article.Status.choices).get(self.status, self.status)


def _body(body: str) -> SafeString:
    # Sanitised HTML, or the text escaped: never the typed or stored text as markup.
    return mark_safe(body_as_html(body or ""))


def of_article(article: Article) -> Preview:
    """The stored article."""
    body = selectors.article_rows([article.pk], body=True)[article.pk].body
    return Preview(
        **{name: getattr(article, name) or "" for name in _PLAIN},
        published_at=article.published_at,
        body_html=_body(body),
        authors=[byline.author.name for byline in article.bylines.all()],
        tags=[tag.name for tag in article.tags.all()],
        quotes=[
            Quote(quote.text, quote.source.name, quote.source.description)
            for quote in article.quotes.select_related("source")
        ],
    )


def of_form(model_admin: ModelAdmin, request: HttpRequest, article: Article | None) -> Preview:
    """What the posted change (or add) form holds, valid or not, without saving anything."""
    form = model_admin.get_form(request, article, change=article is not None)(
        request.POST, request.FILES, instance=article or Article()
    )
    valid = form.is_valid()
    formsets, _ = model_admin._create_formsets(request, form.instance, change=article is not None)
    errors = [] if valid else [f"{name}: {' '.join(e)}" for name, e in form.errors.items()]
    rows: dict[type, list[dict[str, Any]]] = {}
    for formset in formsets:
        if not formset.is_valid():
            errors.append(f"{formset.prefix}: {' '.join(map(str, formset.errors))}")
        rows[formset.model] = kept_rows(formset)
    data = {**{name: form.data.get(name, "") for name in _PLAIN}, **form.cleaned_data}
    return Preview(
        **{name: data.get(name) or "" for name in _PLAIN if name != "image_url"},
        published_at=form.cleaned_data.get("published_at"),
        # A file just chosen (checked, not stored), or a URL that passed its check.
        image_url=images.inline_thumbnail(upload)
        if (upload := form.cleaned_data.get("image_file"))
        else form.cleaned_data.get("image_url") or "",
        body_html=_body(data.get("body") or ""),
        authors=[row["author"].name for row in rows.get(Byline, []) if row.get("author")],
        tags=[tag.name for tag in form.cleaned_data.get("tags") or []],
        quotes=[
            Quote(row["text"], row["source"].name, row["source"].description)
            for row in rows.get(Quotation, [])
            if row.get("source") and row.get("text")
        ],
        errors=errors,
    )


# The article's text fields the preview shows as they are (``articles.fields``); the body is
# drawn as HTML, the dates as dates.
_PLAIN = tuple(
    each.name
    for each in ARTICLE_FIELDS
    if each.sql_type == "text" and each.name in Preview.__dataclass_fields__
)


def render(
    request: HttpRequest, model_admin: ModelAdmin, preview: Preview, *, back: str, unsaved: bool
) -> HttpResponse:
    """The page, in the article's language; ``back`` leads to the form."""
    context = {
        **model_admin.admin_site.each_context(request),
        "preview": preview,
        "back": back,
        "unsaved": unsaved,
        "opts": model_admin.model._meta,
    }
    with translation.override(preview.language or None):
        context["title"] = preview.title
        context["LANGUAGE_CODE"] = translation.get_language()
        context["TIME_ZONE"] = timezone.get_current_timezone_name()
        return HttpResponse(render_to_string(TEMPLATE, context, request))
