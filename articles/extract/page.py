"""The structured article that extraction fills, in the API's write format."""

from __future__ import annotations

import datetime
import html
from dataclasses import dataclass, field
from typing import Any

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
        return {
            "title": self.title,
            "body": self.body(),
            "language": self.language,
            "section": self.section,
            "edition": self.edition,
            "url": self.url,
            "image_caption": self.image_caption,
            "image_credit": self.image_credit,
            "status": "draft",
            "published_at": self.published_at,
            "expires_at": self.expires_at,
            "authors": self.authors,
            "tags": self.tags,
            "quotes": self.quotes,
        }
