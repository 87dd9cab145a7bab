"""Dates as news pages write them: ISO 8601, "14 March 2026", "March 14, 2026",
"14 mars 2026 à 10h30", "14/03/2026"."""

from __future__ import annotations

import datetime
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "janvier", "jan"), ("february", "février", "fevrier", "feb", "févr"),
         ("march", "mars", "mar"), ("april", "avril", "apr", "avr"), ("may", "mai"),
         ("june", "juin", "jun"), ("july", "juillet", "jul", "juil"),
         ("august", "août", "aout", "aug"), ("september", "septembre", "sep", "sept"),
         ("october", "octobre", "oct"), ("november", "novembre", "nov"),
         ("december", "décembre", "decembre", "dec", "déc")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DATES = [
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ](?P<H>\d{2}):(?P<M>\d{2}))?"),
    re.compile(
        rf"(?P<d>\d{{1,2}})(?:er)?\s+(?P<month>{_MONTH})\.?\s+(?P<y>\d{{4}})"
        r"(?:\s*(?:à|at|,)?\s*(?P<H>\d{1,2})\s*[h:]\s*(?P<M>\d{2}))?",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?P<month>{_MONTH})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})"
        r"(?:\s*(?:at|,)?\s*(?P<H>\d{1,2}):(?P<M>\d{2}))?",
        re.IGNORECASE,
    ),
    re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?:\s+(?P<H>\d{1,2})[h:](?P<M>\d{2}))?"),
]
DATE_LINE = re.compile(
    r"^(?:published|updated|posted|publié|mis à jour|le)?\s*(?:on|le)?\s*:?\s*"
    r".{0,40}\d{4}.{0,20}$",
    re.IGNORECASE,
)


def parse_date(text: str) -> datetime.datetime | None:
    """The first date (and time) in ``text``: ISO 8601 with its offset, "14 March 2026",
    "March 14, 2026", "14 mars 2026 à 10h30", "14/03/2026"; UTC when no offset is given."""
    try:
        moment = datetime.datetime.fromisoformat(text.strip())
    except ValueError:
        pass
    else:
        return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
    for pattern in DATES:
        match = pattern.search(text)
        if not match:
            continue
        parts = match.groupdict()
        month = int(parts["m"]) if parts.get("m") else MONTHS[parts["month"].lower()]
        try:
            return datetime.datetime(
                int(parts["y"]), month, int(parts["d"]),
                int(parts.get("H") or 0), int(parts.get("M") or 0), tzinfo=datetime.UTC,
            )  # fmt: skip
        except ValueError:
            continue
    return None
