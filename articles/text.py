"""Small text helpers shared by models, services and search: slugs, folding and sanitising."""

from __future__ import annotations

import functools
import html as html_module
import itertools
import re
import unicodedata
from html import entities as html_entities

import nh3

# Tags an article body may keep; everything else is removed, never escaped into the text.
BODY_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "figcaption", "figure", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "q", "s", "small", "strong",
    "sub", "sup", "u", "ul",
}  # fmt: skip
BODY_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "q": {"cite"}}

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


URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Every attribute a body keeps that a browser follows or hands on as a URL: the scheme rule
# applies to each (nh3's own applies to href and src only, not to cite).
URL_ATTRIBUTES = frozenset({"href", "cite"})
_URL_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_URL_IGNORED = str.maketrans("", "", "\t\n\r")  # browsers drop these anywhere in a URL


def _allowed_url(value: str) -> bool:
    """Whether a URL is relative or of an allowed scheme, read as a browser reads it
    (surrounding spaces and control characters dropped, tabs and newlines ignored)."""
    scheme = _URL_SCHEME.match(value.translate(_URL_IGNORED).strip("\x00- "))
    return scheme is None or scheme.group(1).lower() in URL_SCHEMES


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if attribute in URL_ATTRIBUTES and not _allowed_url(value):
        return None
    return value


def sanitise_html(body: str) -> str:
    """Keep the harmless formatting of an HTML body and drop scripts, styles and handlers.

    Callers check ``body`` with ``check_markup`` first: nh3's parser (html5ever) takes time
    quadratic in the nesting depth and in a tag's attributes. Stray ampersands are escaped
    here (a ``&`` that starts no known character reference costs html5ever time in
    proportion to the rest of the text)."""
    return nh3.clean(
        _escape_stray_ampersands(body),
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener nofollow",
    )


_STRAY_AMPERSAND = re.compile(
    r"&(?!#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)"
)
_NAMED_REFERENCE = re.compile(r"&([A-Za-z][A-Za-z0-9]{0,31};)")


def _escape_stray_ampersands(html: str) -> str:
    if "&" not in html:
        return html
    html = _STRAY_AMPERSAND.sub("&amp;", html)
    return _NAMED_REFERENCE.sub(
        lambda m: m.group() if m.group(1) in html_entities.html5 else "&amp;" + m.group(1), html
    )


_TAG = re.compile(r"<\s*([a-zA-Z][\w-]*)")
_HANDLER = re.compile(r"\s(on\w+|style)\s*=", re.IGNORECASE)


def removed_by_sanitising(html: str) -> list[str]:
    """What ``sanitise_html`` drops from ``html``: tags a body may not keep, handlers, styles."""
    tags = {tag.lower() for tag in _TAG.findall(html)} - BODY_TAGS
    attributes = {name.lower() for name in _HANDLER.findall(html)}
    return sorted(f"<{tag}>" for tag in tags) + sorted(f"{name}=" for name in attributes)


# --- plain text or HTML ---------------------------------------------------------------------

# Where an HTML parser starts markup: "<" and then a letter, "/", "!" or "?". Text without
# one is text to a browser whatever else it holds ("5 < 6", a "<" with no ">" after it), so
# this tells a plain body from HTML: "Hello <img src=x onerror=..." is HTML (and loses its
# img), never plain text that a page would then parse as a tag.
_MARKUP = re.compile(r"<[A-Za-z/!?]")


def looks_like_html(text: str) -> bool:
    return _MARKUP.search(text) is not None


def clean_body(body: str) -> str:
    """A body is plain text, stored as it is, or HTML, stored sanitised (``MarkupTooComplex``
    when it is too deep or has a tag with too many attributes). Sanitised HTML left without a
    tag is plain text again: its text, unless that text would read as markup (``&lt;img``
    spelled out), which stays escaped in a paragraph."""
    if not looks_like_html(body):
        return body
    check_markup(body)
    html = sanitise_html(body)
    if "<" in html:  # the sanitiser escapes every "<" that is not a tag it keeps
        return html
    text = html_module.unescape(html)
    return text if not looks_like_html(text) else f"<p>{html}</p>"


def body_as_html(body: str) -> str:
    """A stored body as HTML to show: HTML sanitised (again, whatever was stored), plain text
    escaped, its blank lines paragraphs and its line breaks ``<br>``."""
    if looks_like_html(body):
        try:
            check_markup(body)
        except MarkupTooComplex:
            pass  # stored before the limits: shown as text
        else:
            return sanitise_html(body)
    paragraphs = (p.strip() for p in _BLANK_LINES.split(body.replace("\r\n", "\n")))
    return "".join(
        "<p>" + html_module.escape(p, quote=False).replace("\n", "<br>") + "</p>"
        for p in paragraphs
        if p
    )


_BLANK_LINES = re.compile(r"\n[ \t]*\n")


# --- what an HTML parser takes in linear time -----------------------------------------------

# html5ever (nh3) and libxml2 (lxml, trafilatura) spend time quadratic in how deep elements
# nest and in how many attributes one tag has (and more on some nestings); within these
# bounds they are linear in the size of the page. A body or page past them is refused (400).
MAX_HTML_DEPTH = 256
MAX_HTML_ATTRIBUTES = 256

# Elements that never nest (void) or whose end tag the parser implies (a new <p> closes the
# last one): an unclosed one does not make the page deeper.
_FLAT_ELEMENTS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr", "param", "keygen", "p", "li", "dt", "dd", "option", "optgroup", "tr",
    "td", "th", "thead", "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rtc", "rp",
    "html", "head", "body",
})  # fmt: skip
# Elements whose content is text to the parser, up to their end tag.
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                       "noframes"})  # fmt: skip
_TAG_START = re.compile(r"<(?:(!--)|(/?)([A-Za-z][^\s/>]*))")
_TAG_REST = re.compile(r"""(?:[^>"']|"[^"]*"|'[^']*')*""")
_QUOTED_VALUE = re.compile(r""""[^"]*"|'[^']*'""")
_ATTRIBUTE_START = re.compile(r"[\s/]+[^\s/>=]")


class MarkupTooComplex(ValueError):
    """HTML nested deeper, or with a tag of more attributes, than a parser takes in linear
    time; the message says which."""


def check_markup(html: str) -> None:
    """Raise ``MarkupTooComplex`` when ``html`` would nest deeper than ``MAX_HTML_DEPTH`` or
    gives a tag more than ``MAX_HTML_ATTRIBUTES`` attributes. One pass, linear in ``html``:
    every character is read by at most one tag (a ``<`` inside a tag is the tag's), and the
    depth is an upper bound of the parser's (only an end tag of an open name lowers it)."""
    depth, resume = 0, 0
    open_names: dict[str, int] = {}
    for match in _TAG_START.finditer(html):
        if match.start() < resume:
            continue
        if match.group(1):  # a comment, to its end
            close = html.find("-->", match.end())
            if close < 0:
                return
            resume = close + 3
            continue
        closing, name = match.group(2), match.group(3).lower()
        rest = _TAG_REST.match(html, match.end())
        resume = rest.end()
        if closing:
            if open_names.get(name):
                open_names[name] -= 1
                depth -= 1
            continue
        unquoted = _QUOTED_VALUE.sub("", rest.group())
        starts = _ATTRIBUTE_START.finditer(unquoted)
        if len(unquoted) > MAX_HTML_ATTRIBUTES and any(
            True for _ in itertools.islice(starts, MAX_HTML_ATTRIBUTES, None)
        ):
            raise MarkupTooComplex(
                f"A tag has more than {MAX_HTML_ATTRIBUTES} attributes (<{name[:40]}>)."
            )
        if name in _RAW_TEXT:
            close = re.compile(f"</{re.escape(name)}", re.IGNORECASE).search(html, resume)
            if close is None:
                return
            resume = close.start()
        elif name not in _FLAT_ELEMENTS and not rest.group().endswith("/"):
            depth += 1
            open_names[name] = open_names.get(name, 0) + 1
            if depth > MAX_HTML_DEPTH:
                raise MarkupTooComplex(
                    f"The HTML nests elements more than {MAX_HTML_DEPTH} levels deep."
                )


# A tag ends at its ">" or at the next "<", its runs possessive: linear, no "<" read twice.
_READER_TAG = re.compile(r"<\s*+/?\s*+([a-zA-Z][\w-]*+)?[^<>]*+>")
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
    if not looks_like_html(body):
        return body  # plain text is its own text
    return html_module.unescape(_READER_TAG.sub(_tag_text, body))


_BLOCK_NAMES = "|".join(sorted(BLOCK_TAGS))
_BLOCK_TAG = re.compile(rf"<\s*+/?\s*+(?:{_BLOCK_NAMES})\b[^<>]*+>", re.IGNORECASE)


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs as text, spaces folded: the blocks of its HTML (between its
    block tags), or the lines of plain text."""
    if looks_like_html(body):
        parts = [plain_text(part) for part in _BLOCK_TAG.split(body)]
    else:
        parts = body.splitlines()
    return [" ".join(part.split()) for part in parts if part.strip()]


# A word's first letter or digit (``[^\W_]``: what ``str.isalnum`` takes; ``\s``: what
# ``str.split`` splits on), after the start of a run between spaces: one match a word, and
# linear (possessive, anchored to a run's start: no run is scanned twice).
_WORD = re.compile(r"(?<!\S)(?:[^\s\w]|_)*+[^\W_]")


def word_count(body: str) -> int:
    """Words of the body as readers count them: runs between spaces with a letter or digit
    in them ("l'armée" is one word, "4 %" one, a dash alone none)."""
    return len(_WORD.findall(plain_text(body)))


def an(noun: str) -> str:
    """ "a tag", "an author"."""
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"
