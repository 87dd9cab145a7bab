"""Small text helpers shared by models, services and search: slugs, folding and sanitising."""

from __future__ import annotations

import re
import unicodedata

import nh3
from django.utils.text import slugify

# Tags an article body may keep; everything else is removed, never escaped into the text.
BODY_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "figcaption", "figure", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "q", "s", "small", "strong",
    "sub", "sup", "u", "ul",
}  # fmt: skip
BODY_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "q": {"cite"}}

_HTML_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


# Letters of Latin-1 and Latin Extended-A that Unicode does not decompose but PostgreSQL's
# unaccent spells out, so that a slug made here and the database's newsapi_fold() agree ("Cœur"
# and "coeur" are one tag). tests/test_text.py checks the whole range against the database.
_SPELLED_OUT = str.maketrans(
    {
        "æ": "ae", "œ": "oe", "ø": "o", "ð": "d", "đ": "d", "þ": "th", "ł": "l", "ŀ": "l",
        "\u0131": "i",  # dotless i
        "ħ": "h", "ĸ": "q", "ŋ": "n", "ŧ": "t",
        "\u02bc": "'",  # modifier apostrophe: casefold("\u0149") gives it before "n"
    }
)  # fmt: skip


def fold(text: str) -> str:
    """Lower-case ``text`` and drop its accents: "Corée du Nord" -> "coree du nord"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPELLED_OUT))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", stripped).strip().casefold()


def make_slug(name: str) -> str:
    """The identity of a tag, author or source: case- and accent-insensitive, Unicode-aware."""
    return slugify(fold(name), allow_unicode=True)[:200].strip("-")


def normalise_name(name: str) -> str:
    """Collapse runs of white space, so "Corée  du Nord " is stored as "Corée du Nord"."""
    return _SPACES.sub(" ", name).strip()


def sanitise_html(body: str) -> str:
    """Keep the harmless formatting of an HTML body and drop scripts, styles and handlers."""
    return nh3.clean(
        body,
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )


def looks_like_html(text: str) -> bool:
    return bool(_HTML_TAG.search(text))


def clean_body(body: str) -> str:
    """A body is plain text or sanitised HTML; plain text is stored as it is."""
    return sanitise_html(body) if looks_like_html(body) else body
