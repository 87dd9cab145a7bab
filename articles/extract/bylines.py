"""The byline's people: "By A and B", "Par X, avec AFP", "Par X, envoyé spécial à Kharkiv",
"By X, Health Correspondent", "By X in Melbourne" give the people and leave out the agency,
the role and the place."""

from __future__ import annotations

import re

from articles.text import make_slug

BYLINE = re.compile(r"^(?:by|par|de|von|por)\s+(?P<names>\S.{0,150})$", re.IGNORECASE)
LEADING_WORD = re.compile(r"^\s*(?:by|par|von|por)\s+", re.IGNORECASE)
AGENCIES = r"(?:AFP|AP|Reuters|ANSA|DPA|EFE|Belga|ATS|PA|Bloomberg|agences?)"
# ", avec AFP", "(with Reuters)", "and AFP": the agency is a credit, not an author.
WITH_AGENCY = re.compile(
    rf"\s*[,(]?\s*(?:avec|with|and|et|\+)\s+{AGENCIES}\b.*$|\s*[,/|]\s*{AGENCIES}\s*\)?$",
    re.IGNORECASE,
)
# A part that says what the author is or where, not who: "Health Correspondent",
# "envoyée spéciale à Kourou", "à Toulouse", "in Brussels".
ROLE = re.compile(
    r"\b(?:correspondent|correspondante?|editor|reporter|writer|columnist|contributor|staff|"
    r"envoyée?s?\s+spéciale?s?|journaliste|rédact(?:eur|rice)|chroniqueu(?:r|se)|"
    r"éditorialiste|photographe|photographer|service|desk|rédaction)\b"
    r"|^(?:à|au|aux|en|in|at|from|depuis)\s",
    re.IGNORECASE,
)
# "Owain Pritchard in Cardiff": where the author wrote from, after the name.
PLACE_AFTER = re.compile(r"\s+(?:in|à|from|at)\s+[A-ZÀ-Þ][\w'’\- ]{1,40}$")
TITLES = re.compile(r"^(?:Dr|Pr|Prof|M|Mme|Mr|Mrs|Ms)\.?\s+")
# Between two authors: "A, B and C", "A et B", "A & B".
SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b|\bet\b|\bund\b|\by\b)\s*", re.IGNORECASE)


def names(text: str) -> list[str]:
    """The people a byline (or a page's author field) names, in order."""
    text = WITH_AGENCY.sub("", LEADING_WORD.sub("", text.strip()))
    parts = [part.strip(" .") for part in text.split(",")]
    people: list[str] = []
    for part in parts:
        if not part or ROLE.search(part):
            continue
        part = PLACE_AFTER.sub("", part)
        for name in SEPARATORS.split(part):
            name = TITLES.sub("", name.strip(" .()"))
            if make_slug(name) and not ROLE.search(name):
                people.append(name)
    return people
