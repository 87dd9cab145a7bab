"""The named kinds (tag, author, quoted source), each described once.

Every module that handles "each kind" (the write path, the change log, the index's documents,
facets and suggestions, the outbox's events, the admin's filters, the API's parameters)
iterates over ``NAMED_KINDS`` or looks a record up with ``by_name`` / ``of_model``, instead of
writing its own table of the three. Like Paperless-ngx's ``FieldSpec`` table, a record holds
facts only; the modules derive what they need from it.

This module sits beside the models (it imports nothing else of the project), so every layer
may use it. Models are resolved when first asked for, so importing it never loads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.db.models import Model

__all__ = ["NAMED_KINDS", "NamedKind", "by_name", "of_model"]


@dataclass(frozen=True)
class NamedKind:
    name: str
    """Singular: the event object (``tag.created``), the index's document kind and the article
    document's slug field (``tag``), the list filter (``?tag=``) and the admin's parameter."""
    plural: str
    """The API's route (``/tags/``), the facet, the suggestion group, the article's relation
    in the index's article rows."""
    model_name: str
    """The model in the ``articles`` app."""
    link_model_name: str
    """The model linking articles to it (the tags' many-to-many has Django's own)."""
    link_column: str
    """The link's column that holds this kind's id."""
    relation: str
    """The lookup from an article to this kind's rows: ``tags``, ``quotes__source``."""
    change_code: str
    """Its code in the search change log (one character, stored)."""
    verbose_name: str
    """As the admin and messages name it."""
    own_fields: tuple[str, ...] = ()
    """Its model's text fields beside the name that a write fills in (blank when not given):
    bulk writes insert them."""
    line_fields: tuple[str, ...] = ()
    """Of those, one line of text (control characters become spaces or go)."""
    multiline_fields: tuple[str, ...] = ()
    """Of those, text of several lines."""

    @property
    def order(self) -> int:
        """Writers create missing names in this order (then by slug): no waiting in a cycle."""
        return NAMED_KINDS.index(self)

    @cached_property
    def model(self) -> type[Model]:
        return apps.get_model("articles", self.model_name)

    @cached_property
    def link_model(self) -> type[Model]:
        if self.link_model_name == "":
            return apps.get_model("articles", "Article").tags.through
        return apps.get_model("articles", self.link_model_name)

    @property
    def label_field(self) -> str:
        """The index's article field counted by facets (``slug<TAB>name``)."""
        return f"{self.name}_label"

    @property
    def id_field(self) -> str:
        """The index's article field holding the ids of the rows it names."""
        return f"{self.name}_id"

    @property
    def wikidata_parameter(self) -> str:
        """The article list's filter by a Wikidata id of this kind (``?tag_wikidata=``)."""
        return f"{self.name}_wikidata"


TAG = NamedKind(
    name="tag", plural="tags", model_name="Tag", link_model_name="", link_column="tag_id",
    relation="tags", change_code="t", verbose_name="tag",
)  # fmt: skip
AUTHOR = NamedKind(
    name="author", plural="authors", model_name="Author", link_model_name="Byline",
    link_column="author_id", relation="authors", change_code="p", verbose_name="author",
    own_fields=("bio", "url"), multiline_fields=("bio",),
)  # fmt: skip
SOURCE = NamedKind(
    name="source", plural="sources", model_name="QuotedSource", link_model_name="Quotation",
    link_column="source_id", relation="quotes__source", change_code="s",
    verbose_name="quoted source", own_fields=("kind", "description"),
    line_fields=("description",),
)  # fmt: skip

NAMED_KINDS: tuple[NamedKind, ...] = (TAG, AUTHOR, SOURCE)

_BY_NAME = {kind.name: kind for kind in NAMED_KINDS}
_BY_MODEL_NAME = {kind.model_name: kind for kind in NAMED_KINDS}


def by_name(name: str) -> NamedKind:
    """``"tag"`` -> the tag's record (KeyError for anything else)."""
    return _BY_NAME[name]


def of_model(model: type[Model]) -> NamedKind:
    """The record of a model (or of an instance's class): ``of_model(Tag)``; a migration's
    historical model finds its record too (by name)."""
    return _BY_MODEL_NAME[model.__name__]
