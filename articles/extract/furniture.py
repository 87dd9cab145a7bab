"""What a news page has around its text: boilerplate lines, breadcrumbs, tag lines, image
captions with their credit."""

from __future__ import annotations

import re

from articles.text import make_slug

# Lines from which the rest of a page is not the article (read in lower case).
BOILERPLATE = (
    "you may also like", "you might also like", "related articles", "read more", "read also",
    "leave a comment", "leave a reply", "share this", "subscribe", "newsletter", "comments",
    "vous aimerez aussi", "vous aimerez aussi :", "à lire aussi", "lire aussi", "sur le même sujet",
    "laisser un commentaire", "laissez un commentaire", "partager", "commentaires",
    "articles similaires", "dans la même rubrique",
)  # fmt: skip
BREADCRUMB_ROOTS = ("home", "accueil", "startseite", "inicio")
BREADCRUMB_STEPS = re.compile(r"^[^.!?:]{1,40}(?:\s[›>»/]\s[^.!?:]{1,40}){1,4}$")
TAG_LINE = re.compile(r"^[^|]{1,60}(?:\s\|\s[^|]{1,60}){1,}$")
TAG_LABEL = re.compile(r"^(?:tags?|mots[- ]clés|keywords|thèmes)\s*:\s*", re.IGNORECASE)
# A caption's credit at its end: "REUTERS/Sergey Pivovarov", "AFP", "Photo: A. B.", "© X".
CREDIT = re.compile(
    r"(?:(?<=[.!?»”)])|(?<=\s))\s*(?P<credit>(?:©|\(c\)|photo\s*:|crédit\s*:|credit\s*:|"
    r"image\s*:)\s*[^.]{2,80}|[A-Z][A-Z&.]{1,15}(?:\s?/\s?[A-Z][\w.'’\- ]{1,60})?)\s*$",
    re.IGNORECASE,
)
CREDIT_AGENCIES = re.compile(r"^(?:[A-Z][A-Z&.]{1,15})(?:\s?/\s?\S.*)?$")
QUOTE_MARKS = re.compile(r"[«»“”\"]")


def is_boilerplate(line: str) -> bool:
    return line.lower().strip(" :.") in BOILERPLATE


def is_breadcrumb(line: str) -> bool:
    """ "Home Politics", "Accueil Régions › Bretagne", "Économie › Entreprises"."""
    first = line.lower().split(" ", 1)[0]
    return first in BREADCRUMB_ROOTS or bool(BREADCRUMB_STEPS.match(line))


def section_from_breadcrumb(crumbs: str) -> str:
    """The last step of "Home > World > Europe" (any separator) or of "Home Actualité"."""
    steps = [step.strip() for step in re.split(r"[›>/»|]", crumbs) if step.strip()]
    words = (steps[-1] if steps else "").split()
    if len(steps) == 1 and words and words[0].lower() in BREADCRUMB_ROOTS:
        words = words[1:]
    return " ".join(words)[:100]


def tag_line(line: str) -> list[str]:
    line = TAG_LABEL.sub("", line)
    if not TAG_LINE.match(line):
        return []
    tags, seen = [], set()
    for tag in (part.strip() for part in line.split("|")):
        if tag and make_slug(tag) and make_slug(tag) not in seen:
            seen.add(make_slug(tag))
            tags.append(tag)
    return tags


def caption(line: str) -> tuple[str, str] | None:
    """A caption is a short paragraph ending in a credit: "Soldiers in Kursk. REUTERS/X"."""
    if len(line) > 300 or QUOTE_MARKS.search(line) or line.endswith("."):
        return None  # quoting someone, or a sentence ending with an acronym: not a caption
    match = CREDIT.search(line)
    if not match:
        return None
    credit = match["credit"].strip()
    text = line[: match.start("credit")].strip()
    labelled = re.match(r"(?i)©|\(c\)|photo|cr[ée]dit|image", credit)
    if not text or not (CREDIT_AGENCIES.match(credit) or labelled):
        return None
    if credit.isupper() and len(credit) > 8 and "/" not in credit:
        return None  # a shouted sentence, not an agency
    return text, credit
