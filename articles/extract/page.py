"""The structured article that extraction fills, in the API's write format."""

from __future__ import annotations

import datetime
import html
from dataclasses import dataclass, field, fields
from typing import Any

from articles.fields import FIELD_NAMES
from articles.text import looks_like_html


@dataclass
class Extracted:
    title: str = ""
    authors: list[str] = field(default_factory=list)
    section: str = ""
    edition: str = ""
    language: str = ""
    tags: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    image_caption: str = ""
    image_credit: str = ""
    published_at: datetime.datetime | None = None
    expires_at: datetime.datetime | None = None
    url: str | None = None
    quotes: list[dict[str, str]] = field(default_factory=list)

    def body(self) -> str:
        """The paragraphs as plain text; as escaped HTML paragraphs when their text reads
        as markup ("&lt;img ..." on the page is text "<img ..."): the words stay words."""
        if any(looks_like_html(paragraph) for paragraph in self.paragraphs):
            return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in self.paragraphs)
        return "\n\n".join(self.paragraphs)

    def as_write_format(self) -> dict[str, Any]:
        """The article fields it found (``articles.fields``, in their order), as a draft, then
        the names and quotations."""
        found = {each.name: getattr(self, each.name) for each in fields(self)}
        found.update(body=self.body(), status="draft")
        return {
            **{name: found[name] for name in FIELD_NAMES if name in found},
            "authors": self.authors,
            "tags": self.tags,
            "quotes": self.quotes,
        }
