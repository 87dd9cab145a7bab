"""A raw article page in, the structured article out (the API's write format).

HTML goes through trafilatura (``html_page``); plain text shaped like a scraped page is read
line by line (``text_page``); page furniture (boilerplate, breadcrumbs, tag lines, captions)
is ``furniture``, bylines ``bylines``, dates ``dates``; quotations and their speakers are
``quotes`` (verbs of saying in ``verbs``, who a phrase names in ``speakers``, what a name's
own words say in ``name_rules``, the bodies named in passing in ``bodies``).
"""

from __future__ import annotations

import py3langid

from articles.extract.dates import parse_date
from articles.extract.html_page import from_html
from articles.extract.page import Extracted
from articles.extract.quotes import quotations
from articles.extract.text_page import from_text
from articles.text import check_markup, looks_like_html

__all__ = ["Extracted", "extract", "parse_date", "quotations"]


def extract(content: str, *, url: str | None = None, language: str | None = None) -> dict:
    """The article in ``content`` (HTML or plain text) in the API's write format, as a draft.
    HTML beyond the parsers' linear bounds raises ``MarkupTooComplex`` (``check_markup``)."""
    if looks_like_html(content):
        check_markup(content)
        page = from_html(content)
    else:
        page = from_text(content)
    page.url = url or page.url
    page.language = (language or page.language or _detect_language(page)).lower()[:2]
    page.quotes = quotations(page.paragraphs)
    return page.as_write_format()


def _detect_language(page: Extracted) -> str:
    text = " ".join([page.title, *page.paragraphs])[:5000]
    return py3langid.classify(text)[0] if text.strip() else "en"
