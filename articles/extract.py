"""A raw article page in, the structured article out (the API's write format).

HTML goes through trafilatura (main text, title, author, date, canonical URL); plain text
shaped like a scraped page (breadcrumb, title, ``by AUTHOR``, edition, body with
sub-headings, an image caption with its credit, an ``A | B | C`` tag line, trailing
boilerplate) is read line by line here. What is news-specific is ours in both cases: the
caption's credit, the tag line, the boilerplate, and the quotations with their speakers.
"""

from __future__ import annotations

import bisect
import datetime
import html
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import py3langid
import trafilatura
from django.conf import settings
from lxml import html as lxml_html

from articles.text import check_markup, looks_like_html, make_slug

# --- page furniture ------------------------------------------------------------------------------

# Lines from which the rest of a page is not the article (read in lower case).
BOILERPLATE = (
    "you may also like", "you might also like", "related articles", "read more", "read also",
    "leave a comment", "leave a reply", "share this", "subscribe", "newsletter", "comments",
    "vous aimerez aussi", "vous aimerez aussi :", "à lire aussi", "lire aussi", "sur le même sujet",
    "laisser un commentaire", "laissez un commentaire", "partager", "commentaires",
    "articles similaires", "dans la même rubrique",
)  # fmt: skip
BREADCRUMB_ROOTS = ("home", "accueil", "startseite", "inicio")
BYLINE = re.compile(r"^(?:by|par|de|von|por)\s+(?P<names>\S.{0,150})$", re.IGNORECASE)
AUTHOR_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b|\bet\b|\bund\b|\by\b)\s*", re.IGNORECASE)
TAG_LINE = re.compile(r"^[^|]{1,60}(?:\s\|\s[^|]{1,60}){1,}$")
TAG_LABEL = re.compile(r"^(?:tags?|mots[- ]clés|keywords|thèmes)\s*:\s*", re.IGNORECASE)
# A caption's credit at its end: "REUTERS/Sergey Pivovarov", "AFP", "Photo: A. B.", "© X".
CREDIT = re.compile(
    r"(?:(?<=[.!?»”)])|(?<=\s))\s*(?P<credit>(?:©|\(c\)|photo\s*:|crédit\s*:|credit\s*:|"
    r"image\s*:)\s*[^.]{2,80}|[A-Z][A-Z&.]{1,15}(?:\s?/\s?[A-Z][\w.'’\- ]{1,60})?)\s*$",
    re.IGNORECASE,
)
CREDIT_AGENCIES = re.compile(r"^(?:[A-Z][A-Z&.]{1,15})(?:\s?/\s?\S.*)?$")

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

# --- quotations ---------------------------------------------------------------------------------

# Bounded throughout (lines are cleaned: white space comes one character at a time), so that
# finding quotations reads each character a bounded number of times.
QUOTED = re.compile(
    r"«\s{0,40}(?P<a>[^«»]{1,600}?)\s{0,40}»|“(?P<b>[^“”]{1,600}?)”|\"(?P<c>[^\"]{1,600}?)\""
)
SAYING = (
    r"(?:a|ont|avait|avaient)\s{1,40}(?:déclaré|affirmé|indiqué|expliqué|assuré|estimé|ajouté|"
    r"rapporté|précisé|souligné|annoncé|dit|confié|martelé|prévenu|reconnu|averti|insisté)"
    r"|déclare|affirme|indique|explique|assure|estime|ajoute|précise|souligne|annonce|dit"
    r"|said|says|told|added|stated|explained|warned|insisted|announced|declared|noted"
    r"|has said|have said|had said"
)
# White space is bounded in these patterns (lines are cleaned: it comes one character at a
# time), so that each character is read a bounded number of times.
# "…, a déclaré X, role." / "…," said X, role.": the speaker after the verb, to the sentence's
# end (the quotation itself is replaced by "…" before matching).
SPEAKER_AFTER = re.compile(
    rf"(?:^|[,—–…-]\s{{0,40}})(?:{SAYING})\s{{1,40}}(?!que\b|qu['’]|that\b)"
    r"(?P<who>[^.;:!?«»“”\"…]{2,160}?)\s{0,40}(?:[.;:!?]|$)",
    re.IGNORECASE,
)
SPEAKER_BEFORE = re.compile(
    rf"(?P<who>[^.;:!?«»“”\"]{{2,200}}?)\s{{0,40}},?\s{{1,40}}(?:{SAYING})\b(?:\s{{1,40}}(?:que|qu['’]|that))?",
    re.IGNORECASE,
)
ACCORDING = re.compile(
    r"\b(?:selon|d['’]après|according to)\s{1,40}"
    r"(?:les\s{1,40}déclarations\s{1,40}d['’]|les\s{1,40}propos\s{1,40}d['’]"
    r"|les\s{1,40}déclarations\s{1,40}de\s{1,40}|les\s{1,40}propos\s{1,40}de\s{1,40})?"
    r"(?P<who>[^,.;:!?«»“”\"]{2,140}?)\s{0,40}(?:[,.;:!?]|$)",
    re.IGNORECASE,
)
NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’\-]+"
PROPER_NAME = re.compile(rf"{NAME_WORD}(?:\s+(?:de\s+|van\s+|von\s+|al-)?{NAME_WORD}){{1,3}}")
ACRONYM = re.compile(r"\(([A-Z][A-Z0-9]{1,9})\)|\b([A-Z]{2,9})\b")
ARTICLES = re.compile(
    r"^(?:(?:le|la|les|un|une|des|the|a|an|son|sa|ses|cet|cette|ce)\s+|l['’]\s*)", re.IGNORECASE
)
INDEFINITE = re.compile(r"^(?:un|une|des|a|an|one)\s+", re.IGNORECASE)
ORGANISATION_WORDS = re.compile(
    r"\b(?:services?|ministère|ministry|gouvernement|government|armée|army|police|agence|agency|"
    r"office|bureau|commission|council|conseil|parti|party|company|société|groupe|group|"
    r"department|département|forces|état-major|renseignement|intelligence|court|tribunal|"
    r"institut|institute|université|university|association|fédération|federation|syndicat|"
    r"union|banque|bank|centre|center|observatoire|observatory|chambre|chamber|mairie)\b",
    re.IGNORECASE,
)
PRONOUNS = re.compile(r"^(?:il|elle|ils|elles|he|she|they|we|nous|on|i|je)$", re.IGNORECASE)


@dataclass
class Speaker:
    name: str
    kind: str = "person"
    description: str = ""


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


def extract(content: str, *, url: str | None = None, language: str | None = None) -> dict:
    """The article in ``content`` (HTML or plain text) in the API's write format, as a draft.
    HTML beyond the parsers' linear bounds raises ``MarkupTooComplex`` (``check_markup``)."""
    if looks_like_html(content):
        check_markup(content)
        page = _from_html(content)
    else:
        page = _from_text(content)
    page.url = url or page.url
    page.language = (language or page.language or _detect_language(page)).lower()[:2]
    page.quotes = quotations(page.paragraphs)
    return page.as_write_format()


def _detect_language(page: Extracted) -> str:
    text = " ".join([page.title, *page.paragraphs])[:5000]
    return py3langid.classify(text)[0] if text.strip() else "en"


# --- plain text -----------------------------------------------------------------------------------


def _from_text(content: str) -> Extracted:
    lines = [_clean_line(line) for line in content.replace("\r\n", "\n").split("\n")]
    blocks = [line for line in lines if line]
    page = Extracted()
    if not blocks:
        return page
    position = 0
    # Breadcrumb: "Home ActualitéGuerre en Ukraine : ..." ends with the title that follows.
    if len(blocks) > 1 and blocks[0] != blocks[1] and blocks[0].endswith(blocks[1]):
        crumbs = blocks[0][: -len(blocks[1])].strip()
        page.section = _section_from_breadcrumb(crumbs)
        position = 1
    elif blocks[0].lower().split(" ", 1)[0] in BREADCRUMB_ROOTS and len(blocks) > 1:
        page.section = _section_from_breadcrumb(blocks[0])
        position = 1
    page.title = blocks[position]
    position += 1
    # Header lines: byline, edition, date, in any order, before the first real paragraph.
    while position < len(blocks) and len(blocks[position]) <= 80:
        line = blocks[position]
        byline = BYLINE.match(line)
        if byline and not page.authors:
            page.authors = _names(byline["names"])
        elif page.published_at is None and DATE_LINE.match(line) and parse_date(line):
            page.published_at = parse_date(line)
        elif page.authors and not page.edition and len(line.split()) <= 3 and line[-1] not in ".!?":
            page.edition = line
        else:
            break
        position += 1
    body: list[str] = []
    for line in blocks[position:]:
        lowered = line.lower().strip(" :.")
        if lowered in BOILERPLATE:
            break
        tags = _tag_line(line)
        if tags:
            page.tags = tags
            continue
        caption = _caption(line)
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


def _clean_line(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


def _section_from_breadcrumb(crumbs: str) -> str:
    """The last step of "Home > World > Europe" (any separator) or of "Home Actualité"."""
    steps = [step.strip() for step in re.split(r"[›>/»|]", crumbs) if step.strip()]
    words = (steps[-1] if steps else "").split()
    if len(steps) == 1 and words and words[0].lower() in BREADCRUMB_ROOTS:
        words = words[1:]
    return " ".join(words)[:100]


def _names(text: str) -> list[str]:
    names = [part.strip(" .") for part in AUTHOR_SEPARATORS.split(text)]
    return [name for name in names if make_slug(name)]


def _tag_line(line: str) -> list[str]:
    line = TAG_LABEL.sub("", line)
    if not TAG_LINE.match(line):
        return []
    tags, seen = [], set()
    for tag in (part.strip() for part in line.split("|")):
        if tag and make_slug(tag) and make_slug(tag) not in seen:
            seen.add(make_slug(tag))
            tags.append(tag)
    return tags


def _caption(line: str) -> tuple[str, str] | None:
    """A caption is a short paragraph ending in a credit: "Soldiers in Kursk. REUTERS/X"."""
    if len(line) > 300 or QUOTED.search(line) or line.endswith("."):
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


# --- HTML ---------------------------------------------------------------------------------------


def _from_html(content: str) -> Extracted:
    document = trafilatura.bare_extraction(content, with_metadata=True, include_comments=False)
    tree = lxml_html.fromstring(content)
    page = Extracted()
    if document is not None:
        page.title = _clean_line(document.title or "")
        page.authors = _names(document.author or "") if document.author else []
        page.url = document.url or None
        page.section = (document.categories or [""])[0][:100]
        page.tags = list(document.tags or [])
        if document.date:
            page.published_at = parse_date(document.date)
        page.paragraphs = _html_paragraphs(document.body, page.title)
    if not page.paragraphs:  # too short for trafilatura's main-text detection: every <p>
        page.paragraphs = [
            text for text in (_clean_line(p.text_content()) for p in tree.iter("p")) if text
        ]
    if not page.title:
        headings = tree.xpath("//h1") or tree.xpath("//title")
        page.title = _clean_line(headings[0].text_content()) if headings else ""
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
            tags = _tag_line(_clean_line(_short_text(element)))
            if tags:
                page.tags = tags
                break
    captions = tree.xpath("//figcaption")
    if captions:
        text = _clean_line(captions[0].text_content())
        caption = _caption(text)
        page.image_caption, page.image_credit = caption if caption else (text, "")
    return page


TAG_LINE_CHARS = 2_000


def _short_text(element: Any) -> str:
    """The element's text when it is short enough to be a tag line, else "": reading every
    element's whole text would read nested elements' text once per level."""
    pieces, length = [], 0
    for piece in element.itertext():
        length += len(piece)
        if length > TAG_LINE_CHARS:
            return ""
        pieces.append(piece)
    return "".join(pieces)


def _html_paragraphs(body: Any, title: str) -> list[str]:
    if body is None:
        return []
    paragraphs = []
    for element in body:
        text = _clean_line("".join(element.itertext()))
        if not text or text == title:
            continue
        if text.lower().strip(" :.") in BOILERPLATE:
            break
        paragraphs.append(text)
    return paragraphs


# --- quotations ---------------------------------------------------------------------------------


def quotations(paragraphs: list[str]) -> list[dict[str, str]]:
    """Quoted words (« », “ ”, "…") attributed to whoever the sentence says said them, with
    the speaker's role when the text gives it; an unnamed speaker is an anonymous source
    described as the text describes it. A later "le responsable" is the same anonymous
    speaker as an earlier "un haut responsable militaire américain". At most
    ``ARTICLE_MAX_QUOTES``: the rest of the page is not read for more."""
    quotes: list[dict[str, str]] = []
    most = settings.ARTICLE_MAX_QUOTES
    anonymous: list[Speaker] = []
    for paragraph in paragraphs:
        for sentence in _sentences(paragraph):
            if len(quotes) >= most:
                return quotes
            spans = list(QUOTED.finditer(sentence))
            if not spans:
                continue
            speaker = _speaker(sentence, spans, anonymous)
            if speaker is None:
                continue
            for span in spans:
                text = (span["a"] or span["b"] or span["c"] or "").strip(" ,")
                if text and len(quotes) < most:
                    quotes.append(
                        {"source": speaker.name, "kind": speaker.kind,
                         "description": speaker.description, "text": text}
                    )  # fmt: skip
    return quotes


def _sentences(paragraph: str) -> list[str]:
    """Sentences, keeping quotations whole (a period inside « » does not end a sentence)."""
    sentences, start, depth = [], 0, 0
    for index, char in enumerate(paragraph):
        if char in "«“":
            depth += 1
        elif char in "»”":
            depth = max(0, depth - 1)
        elif char in ".!?" and depth == 0:
            following = paragraph[index + 1 : index + 2]
            if following in ("", " ") and not _abbreviation(paragraph, start, index):
                sentences.append(paragraph[start : index + 1].strip())
                start = index + 1
    if paragraph[start:].strip():
        sentences.append(paragraph[start:].strip())
    return sentences


ABBREVIATIONS = frozenset({"M", "Mme", "Dr", "Mr", "Mrs", "Ms", "St", "Gen", "Sen", "Prof"})
_LONGEST_ABBREVIATION = max(map(len, ABBREVIATIONS))


def _abbreviation(paragraph: str, start: int, period: int) -> bool:
    """Whether the word before the period at ``period`` (within the sentence from ``start``)
    is an abbreviation ("M.", "Dr.", an initial): only that word is read, so splitting a
    paragraph is linear however many abbreviations it holds."""
    begin = period
    while (
        begin > start
        and period - begin <= _LONGEST_ABBREVIATION
        and _word_char(paragraph[begin - 1])
    ):
        begin -= 1
    if begin > start and _word_char(paragraph[begin - 1]):
        return False  # a longer word
    word = paragraph[begin:period]
    return word in ABBREVIATIONS or (len(word) == 1 and "A" <= word <= "Z")


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


# Speaker phrases tried per pattern and sentence: a real sentence has one or two; a hostile
# one with thousands of "selon il," does not make each a search of its own.
MAX_SPEAKER_CANDIDATES = 20


def _speaker(sentence: str, spans: list[re.Match], anonymous: list[Speaker]) -> Speaker | None:
    outside = QUOTED.sub(" … ", sentence)
    for candidates in (
        (match["who"] for match in ACCORDING.finditer(outside)),
        _speakers_before(outside),
        _speakers_after(outside),
    ):
        for who in itertools.islice(candidates, MAX_SPEAKER_CANDIDATES):
            who = who.strip(" ,—–-")
            who = re.sub(r"^(?:…\s*)+|(?:\s*…)+$", "", who).strip(" ,")
            if "…" in who:
                who = who.rsplit("…", 1)[-1].strip(" ,")
            speaker = _describe(who, anonymous)
            if speaker is not None:
                return speaker
    return None


SAYING_VERB = re.compile(rf"(?<=\s)(?:{SAYING})\b(?:\s{{1,40}}(?:que|qu['’]|that))?", re.IGNORECASE)
NOT_IN_SPEAKER = re.compile(r"[.;:!?«»“”\"]")
SPEAKER_BEFORE_CHARS = 200


def _speakers_before(text: str) -> Iterator[str]:
    """The phrases ``SPEAKER_BEFORE.finditer`` finds ("X, role, a déclaré"), found from the
    verbs: a phrase is what stands before a verb (up to 200 characters, from the last
    punctuation, after the previous match), less the spaces and comma before the verb. Linear:
    the regular expression retried its lazy phrase at every position, 200 steps each."""
    stops = [match.start() for match in NOT_IN_SPEAKER.finditer(text)]
    resume = 0
    for verb in _overlapping(SAYING_VERB, text):
        end = verb.start()
        while end > 0 and text[end - 1].isspace():
            end -= 1
        if end > 0 and text[end - 1] == ",":
            end -= 1
            while end > 0 and text[end - 1].isspace():
                end -= 1
        before = bisect.bisect_left(stops, end) - 1
        start = max(resume, stops[before] + 1 if before >= 0 else 0, end - SPEAKER_BEFORE_CHARS)
        end = max(end, start + 2)
        if end >= verb.start():
            continue
        resume = verb.end()
        yield text[start:end]


AFTER_VERB = re.compile(
    rf"(?:^|[,—–…-]\s{{0,40}})(?:{SAYING})(?P<space>\s{{1,40}})(?!que\b|qu['’]|that\b)",
    re.IGNORECASE,
)
ENDS_SPEAKER_AFTER = re.compile(r"[.;:!?«»“”\"…]")
SPEAKER_AFTER_CHARS = 160


def _speakers_after(text: str) -> Iterator[str]:
    """The phrases ``SPEAKER_AFTER.finditer`` finds (", a déclaré X, role."), found from the
    verbs: a phrase runs from the verb to the next punctuation, which must end a clause
    (``.;:!?`` or the end), in at most 160 characters. Linear: the regular expression
    retried its lazy phrase 160 times from every verb."""
    stops = [match.start() for match in ENDS_SPEAKER_AFTER.finditer(text)]
    match = AFTER_VERB.search(text)
    while match is not None:
        start = match.end()
        after = bisect.bisect_left(stops, start)
        stop = stops[after] if after < len(stops) else len(text)
        if stop - start > 2 * SPEAKER_AFTER_CHARS:  # too long a phrase, whatever its spaces
            stop = start + 2 * SPEAKER_AFTER_CHARS + 1
        end = max(len(text[start:stop].rstrip()) + start, min(stop, start + 2))
        if end - start < 2 and len(match["space"]) > 1:
            start -= 1  # the phrase may begin with a space of the run
        resume = match.start() + 1
        if 2 <= end - start <= SPEAKER_AFTER_CHARS and (stop == len(text) or text[stop] in ".;:!?"):
            yield text[start:end]
            resume = min(stop + 1, len(text)) if stop < len(text) else len(text)
        match = AFTER_VERB.search(text, resume) if resume < len(text) else None


def _overlapping(pattern: re.Pattern, text: str) -> Iterator[re.Match]:
    """Every match, also those that start inside another ("said" in "has said")."""
    match = pattern.search(text)
    while match is not None:
        yield match
        match = pattern.search(text, match.start() + 1)


def _describe(phrase: str, anonymous: list[Speaker]) -> Speaker | None:
    phrase = re.sub(r",?\s+(?:qui|who|lors|during|on|le|lundi|mardi|mercredi|jeudi|vendredi|"
                    r"samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
                    r"\b.*$", "", phrase, flags=re.IGNORECASE).strip(" ,")  # fmt: skip
    if not phrase or PRONOUNS.match(phrase) or len(phrase) > 140:
        return None
    # "<role>, <Name>" or "<Name>, <role>"
    parts = [part.strip() for part in phrase.split(",") if part.strip()]
    for index, part in enumerate(parts):
        name = PROPER_NAME.fullmatch(ARTICLES.sub("", part))
        if name and not ORGANISATION_WORDS.search(part):
            # The role is the apposition beside the name: "le président, X" or "X, président".
            role = parts[index - 1] if index else (parts[1] if len(parts) > 1 else "")
            return Speaker(name.group(), "person", ARTICLES.sub("", role).strip())
    if ORGANISATION_WORDS.search(phrase) or ACRONYM.search(phrase):
        return Speaker(ARTICLES.sub("", phrase)[:200], "organization", "")
    name = PROPER_NAME.search(phrase)
    if name and name.start() > 0:
        role = phrase[: name.start()].strip(" ,")
        return Speaker(name.group(), "person", ARTICLES.sub("", role))
    if name:
        return Speaker(name.group(), "person", "")
    # No name: an anonymous source, as the text describes it; a later "le responsable"
    # refers back to an earlier "un haut responsable ...".
    if not INDEFINITE.match(phrase):
        head = ARTICLES.sub("", phrase).split()[0].lower() if ARTICLES.sub("", phrase) else ""
        for earlier in reversed(anonymous):
            if head and head in earlier.name.lower().split():
                return earlier
    if not re.match(r"^[\w'’ \-]+$", phrase):
        return None
    speaker = Speaker(phrase, "anonymous", phrase)
    anonymous.append(speaker)
    return speaker
