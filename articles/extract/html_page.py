"""An HTML page through trafilatura (main text, title, author, date, canonical URL), with
what is news-specific ours: the byline when trafilatura misses it or keeps its role, the
caption's credit, the tag line, the boilerplate."""

from __future__ import annotations

from typing import Any

import trafilatura
from lxml import html as lxml_html

from articles.extract import furniture
from articles.extract.bylines import BYLINE, names
from articles.extract.dates import parse_date
from articles.extract.page import Extracted
from articles.extract.text_page import clean_line

TAG_LINE_CHARS = 2_000
BYLINE_CLASSES = ("byline", "author", "auteur", "signature", "signed", "credit-author")
BYLINE_CHARS = 200


def from_html(content: str) -> Extracted:
    document = trafilatura.bare_extraction(content, with_metadata=True, include_comments=False)
    tree = lxml_html.fromstring(content)
    page = Extracted()
    if document is not None:
        page.title = clean_line(document.title or "")
        page.authors = names(document.author) if document.author else []
        page.url = document.url or None
        page.section = (document.categories or [""])[0][:100]
        page.tags = list(document.tags or [])
        if document.date:
            page.published_at = parse_date(document.date)
        page.paragraphs = _paragraphs(document.body, page.title)
    if not page.paragraphs:  # too short for trafilatura's main-text detection: every <p>
        page.paragraphs = [
            text for text in (clean_line(p.text_content()) for p in tree.iter("p")) if text
        ]
    line, byline = _byline(tree)
    if byline:  # the page's own byline says it as written: "Par X, avec AFP"
        page.authors = byline
        page.paragraphs = [p for p in page.paragraphs if p != line]
    if not page.title:
        headings = tree.xpath("//h1") or tree.xpath("//title")
        page.title = clean_line(headings[0].text_content()) if headings else ""
    page.language = (tree.get("lang") or "").split("-")[0]
    published = tree.xpath("//meta[@property='article:published_time']/@content")
    if published:
        page.published_at = parse_date(published[0]) or page.published_at
    # Open Graph's "when the article is out of date after"; kept only after its publication.
    expires = tree.xpath("//meta[@property='article:expiration_time']/@content")
    moment = parse_date(expires[0]) if expires else None
    if moment and (page.published_at is None or moment > page.published_at):
        page.expires_at = moment
    if not page.tags:
        page.tags = [tag for tag in tree.xpath("//meta[@property='article:tag']/@content") if tag]
    if not page.tags:
        for element in tree.iter("p", "div", "ul", "span"):
            tags = furniture.tag_line(clean_line(_short_text(element, TAG_LINE_CHARS)))
            if tags:
                page.tags = tags
                break
    captions = tree.xpath("//figcaption")
    if captions:
        text = clean_line(captions[0].text_content())
        caption = furniture.caption(text)
        page.image_caption, page.image_credit = caption if caption else (text, "")
    return page


def _byline(tree: Any) -> tuple[str, list[str]]:
    """The text and names of the first element whose class says it is the byline and whose
    text reads as one ("By ...", "Par ...")."""
    for element in tree.iter("p", "div", "span", "address", "a"):
        classes = (element.get("class") or "").lower()
        if not any(name in classes for name in BYLINE_CLASSES):
            continue
        line = clean_line(_short_text(element, BYLINE_CHARS))
        match = BYLINE.match(line)
        if match:
            return line, names(match["names"])
    return "", []


def _short_text(element: Any, most: int) -> str:
    """The element's text when it is at most ``most`` characters, else "": reading every
    element's whole text would read nested elements' text once per level."""
    pieces, length = [], 0
    for piece in element.itertext():
        length += len(piece)
        if length > most:
            return ""
        pieces.append(piece)
    return "".join(pieces)


def _paragraphs(body: Any, title: str) -> list[str]:
    if body is None:
        return []
    paragraphs = []
    for element in body:
        text = clean_line("".join(element.itertext()))
        if not text or text == title:
            continue
        if furniture.is_boilerplate(text):
            break
        paragraphs.append(text)
    return paragraphs
