"""The article changelist's filters by tag, author and quoted source: one per named kind
(``articles.kinds``), its parameter the kind's name (``?tag=``, ``?author=``, ``?source=``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, ForeignObjectRel, QuerySet
from django.http import HttpRequest

from articles.kinds import NAMED_KINDS, NamedKind
from articles.models import Article
from articles.text import fold, make_slug


def to_articles(kind: NamedKind) -> str:
    """The lookup from a row of ``kind`` to the articles that use it, the kind's relation
    walked back: ``articles`` for tags and authors, ``quotes__article`` for sources."""
    model, steps = Article, []
    for name in kind.relation.split("__"):
        field = model._meta.get_field(name)
        back = (
            field.field.name if isinstance(field, ForeignObjectRel) else field.related_query_name()
        )
        steps.insert(0, back)
        model = field.related_model
    return "__".join(steps)


class NameFilter(admin.SimpleListFilter):
    """A tag, author or source filter for archives with thousands of them: the most used
    ones as links, and a box to type any other (by name or slug, accents optional)."""

    template = "admin/articles/name_filter.html"
    kind: NamedKind
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
        used_by = to_articles(self.kind)  # from a name to the articles that use it
        top = (
            self.kind.model.objects.filter(**{f"{used_by}__in": latest})
            .annotate(used=Count(used_by))
            .order_by("-used", "name")
        )
        # Shown alphabetically as readers sort: accents ignored, case folded.
        shown = sorted(top[: self.shown], key=lambda entity: (fold(entity.name), entity.name))
        choices = [(entity.slug, entity.name) for entity in shown]
        chosen = self.value()
        if chosen and chosen not in dict(choices):
            entity = self.kind.model.objects.filter(slug=make_slug(chosen)).first()
            choices.append((chosen, entity.name if entity else chosen))
        return choices

    def queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> QuerySet[Article]:
        if not self.value():
            return queryset
        lookup = f"{self.kind.relation}__slug"
        return queryset.filter(**{lookup: make_slug(self.value())}).distinct()


def _name_filter(kind: NamedKind) -> type[NameFilter]:
    attributes = {"kind": kind, "title": kind.verbose_name, "parameter_name": kind.name}
    return type(f"{kind.model_name}Filter", (NameFilter,), attributes)


# In the kinds' order: tag, author, source.
NAME_FILTERS: tuple[type[NameFilter], ...] = tuple(_name_filter(kind) for kind in NAMED_KINDS)
