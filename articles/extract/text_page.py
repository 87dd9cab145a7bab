"""A page scraped as plain text, read line by line: breadcrumb, title, header lines (byline,
edition, date), body with sub-headings, an image caption with its credit, an ``A | B | C``
tag line, trailing boilerplate."""

from __future__ import annotations

import re

from articles.extract import furniture
from articles.extract.bylines import BYLINE, names
from articles.extract.dates import DATE_LINE, parse_date
from articles.extract.page import Extracted

HEADER_LINE_CHARS = 80
BREADCRUMB_WORDS = 6


def from_text(content: str) -> Extracted:
    lines = [clean_line(line) for line in content.replace("\r\n", "\n").split("\n")]
    blocks = [line for line in lines if line]
    page = Extracted()
    if not blocks:
        return page
    position = 0
    # Breadcrumb: "Home ActualitéGuerre en Ukraine : ..." ends with the title that follows;
    # or it stands on its own line ("Accueil Sciences", "Économie › Entreprises").
    if len(blocks) > 1 and blocks[0] != blocks[1] and blocks[0].endswith(blocks[1]):
        page.section = furniture.section_from_breadcrumb(blocks[0][: -len(blocks[1])].strip())
        position = 1
    elif len(blocks) > 1 and furniture.is_breadcrumb(blocks[0]):
        page.section = furniture.section_from_breadcrumb(blocks[0])
        position = 1
    elif len(blocks) > 2 and blocks[0] != blocks[1] == blocks[2] and _crumbs(blocks[0]):
        # "Sport Rugby Union" above a title given twice: a breadcrumb without a known root
        page.section = furniture.section_from_breadcrumb(blocks[0])
        position = 1
    page.title = blocks[position]
    position += 1
    # Header lines: the title again, byline, edition, date, in any order, before the first
    # real paragraph.
    while position < len(blocks) and len(blocks[position]) <= HEADER_LINE_CHARS:
        line = blocks[position]
        byline = BYLINE.match(line)
        if line == page.title:
            pass
        elif byline and not page.authors:
            page.authors = names(byline["names"])
        elif page.published_at is None and DATE_LINE.match(line) and parse_date(line):
            page.published_at = parse_date(line)
        elif page.authors and not page.edition and len(line.split()) <= 3 and line[-1] not in ".!?":
            page.edition = line
        else:
            break
        position += 1
    body: list[str] = []
    for line in blocks[position:]:
        if furniture.is_boilerplate(line):
            break
        tags = furniture.tag_line(line)
        if tags:
            page.tags = tags
            continue
        caption = furniture.caption(line)
        if caption and not page.image_caption:
            page.image_caption, page.image_credit = caption
            continue
        if page.published_at is None and len(line) <= 60 and DATE_LINE.match(line):
            moment = parse_date(line)
            if moment is not None:
                page.published_at = moment
                continue
        body.append(line)
    page.paragraphs = body
    return page


def _crumbs(line: str) -> bool:
    return len(line.split()) <= BREADCRUMB_WORDS and line[-1] not in ".!?:,;"


def clean_line(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()
