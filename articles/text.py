"""Small text helpers shared by models, services and search: slugs, folding and sanitising."""

from __future__ import annotations

import functools
import html
import re
import unicodedata

import nh3

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

# Symbols that tell names apart ("C++" is not "C", "AT&T" is not "ATT", "1/2" is not "12"):
# spelled out in a slug, so "C++" is c-plus-plus and "Procter & Gamble" procter-and-gamble.
# A "#" after a letter or digit is "sharp" (C#, F#); a leading one is a hashtag and dropped.
_SYMBOL_WORDS = (
    (re.compile(r"\+"), " plus "),
    (re.compile(r"&"), " and "),
    (re.compile(r"(?<=\w)#"), " sharp "),
    (re.compile(r"[/\u2044\u2215]"), " / "),  # slash, fraction slash, division slash
)

# Format characters that reorder or hide text ("Trojan Source"): never stored in what we show.
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE_IN_LINE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI_CONTROLS}]")
_UNSAFE_IN_TEXT = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{_BIDI_CONTROLS}]")

# Scripts whose combining marks are accents, dropped from an identity ("é" is "e"). In other
# scripts a mark is part of the letter: Thai ข่าว ("news") is not ขาว ("white"), nor are Hindi
# words that differ by a vowel sign.
_ACCENTED_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


def _drop_accents(text: str) -> str:
    if text.isascii():
        return text
    kept = []
    accent_base = False
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char) or unicodedata.category(char) == "Mn":
            if accent_base:
                continue
        else:
            accent_base = unicodedata.name(char, "").startswith(_ACCENTED_SCRIPTS)
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def fold(text: str) -> str:
    """Lower-case ``text`` and drop its accents: "Corée du Nord" -> "coree du nord".

    Compatibility forms are unified first (NFKC: "ﬁ" is "fi", full-width letters are plain ones).
    """
    text = unicodedata.normalize("NFKC", strip_controls(text))
    return _SPACES.sub(" ", _drop_accents(text.casefold().translate(_SPELLED_OUT))).strip()


@functools.lru_cache(maxsize=65_536)  # imports name the same tags and people again and again
def make_slug(name: str) -> str:
    """The identity of a tag, author or source, and an article's slug: case- and
    accent-insensitive, every kind of dash one, symbols that tell names apart spelled out,
    letters, marks and digits of every script kept ("c-plus-plus", "russie-ukraine", "ข่าว")."""
    text = fold(name)
    for pattern, word in _SYMBOL_WORDS:
        text = pattern.sub(word, text)
    words, word = [], []
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "LMN":
            word.append(char)
        elif category[0] == "Z" or category == "Pd" or char in "_/":
            words.append("".join(word))
            word = []
        # other punctuation and symbols are dropped where they stand: "L'Oréal" is loreal
    words.append("".join(word))
    # A symbol dropped above may have carried a mark that now follows a Latin letter (a
    # multiplication sign, then a Modi vowel sign): drop accents again, so that the slug of a
    # slug is itself.
    return _drop_accents("-".join(w for w in words if w))[:200].strip("-")


def is_slug(value: str) -> bool:
    """Letters, marks and digits of any script, joined by hyphens (underscores in old slugs)."""
    return bool(value) and all(
        char in "-_" or unicodedata.category(char)[0] in "LMN" for char in value
    )


def strip_controls(text: str, *, multiline: bool = False) -> str:
    """``text`` without control characters and bidi overrides; ``multiline`` keeps tabs and
    line breaks (bodies), otherwise they become spaces."""
    if multiline:
        return _UNSAFE_IN_TEXT.sub("", text)
    return _UNSAFE_IN_LINE.sub(lambda m: " " if m.group() in "\t\n\r" else "", text)


def normalise_name(name: str) -> str:
    """The stored form of a name: composed (NFC), without control characters, runs of white
    space collapsed, so "Corée  du Nord " is stored as "Corée du Nord"."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", strip_controls(name))).strip()


def sanitise_html(body: str) -> str:
    """Keep the harmless formatting of an HTML body and drop scripts, styles and handlers."""
    return nh3.clean(
        body,
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )


_TAG = re.compile(r"<\s*([a-zA-Z][\w-]*)")
_HANDLER = re.compile(r"\s(on\w+|style)\s*=", re.IGNORECASE)


def removed_by_sanitising(html: str) -> list[str]:
    """What ``sanitise_html`` drops from ``html``: tags a body may not keep, handlers, styles."""
    tags = {tag.lower() for tag in _TAG.findall(html)} - BODY_TAGS
    attributes = {name.lower() for name in _HANDLER.findall(html)}
    return sorted(f"<{tag}>" for tag in tags) + sorted(f"{name}=" for name in attributes)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_TAG.search(text))


def clean_body(body: str) -> str:
    """A body is plain text or sanitised HTML; plain text is stored as it is."""
    return sanitise_html(body) if looks_like_html(body) else body


_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][\w-]*)?[^>]*>")
# Tags that end a block of text (a reader sees a break there); every other tag is inline and
# adds nothing ("de <strong>réforme</strong>." reads "de réforme.").
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "nav", "ol",
    "p", "pre", "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip


def _tag_text(match: re.Match) -> str:
    name = (match.group(1) or "").lower()
    return " " if name in BLOCK_TAGS else ""


def plain_text(body: str) -> str:
    """The text of a body that may be sanitised HTML, as a reader reads it: block tags are
    spaces, inline tags nothing, character references decoded."""
    if "<" not in body and "&" not in body:
        return body
    return html.unescape(_TAG.sub(_tag_text, body))


def word_count(body: str) -> int:
    """Words of the body as readers count them: runs between spaces with a letter or digit
    in them ("l'armée" is one word, "4 %" one, a dash alone none)."""
    return sum(1 for token in plain_text(body).split() if any(c.isalnum() for c in token))
