"""Quotations and who said them: quoted words (« », “ ”, "…") attributed to whoever the text
says said them, with the speaker's role when it gives it.

A quotation's speaker is found, in this order: in an incise inside it ("« …, raconte
l'entraîneur, Pierre Hamelin. … »"); right after it ("…", said X / X said / a-t-il tempéré);
in "selon X" / "according to X"; before it (X a dénoncé « … », X said the results showed
"…"); before a colon introducing it; and, for a sentence that is nothing but a quotation, it
goes on the quotation of the sentence before (a split quote) or belongs to whoever the
sentence before named (its subject first). A quotation running over paragraphs (its opening
mark repeated at the start of each) is one quotation. Pronouns, surnames and roles stand for
the one the text is about: the last quotation's speaker or sentence's subject (see
``speakers.Cast``). Every window read around a quotation is bounded, so finding
quotations reads each character a bounded number of times.
"""

from __future__ import annotations

import re

from django.conf import settings

from articles.extract.name_rules import PROPER_NAME
from articles.extract.speakers import Cast, Speaker
from articles.extract.verbs import INVERTED, SAYING, VERB

# Bounded throughout (lines are cleaned: white space comes one character at a time).
QUOTED = re.compile(
    r"«\s{0,40}(?P<a>[^«»]{1,600}?)\s{0,40}»|“(?P<b>[^“”]{1,600}?)”|\"(?P<c>[^\"]{1,600}?)\""
)
WINDOW = 250  # characters read on each side of a quotation for its attribution
_LEAD = r"^[\s,.…!?—–\-]{0,8}"
VERB_FIRST = re.compile(rf"{_LEAD}(?P<verb>{SAYING})")
# the period of a title ("Dr. Chen said") does not end the speaker's words
_TITLE_PERIOD = "|".join(rf"(?<=\b{title})\." for title in ("M", "Mr", "Mrs", "Ms", "Dr", "Mme"))
SPEAKER_FIRST = re.compile(
    rf"{_LEAD}(?P<who>(?:[^.;:!?«»“”\"]|{_TITLE_PERIOD}){{1,120}}?)\s{{1,3}}(?P<verb>{SAYING})"
)
SPEAKER_FIRST_WORDS = 12  # "…," the mayor of Cardiff, John Smith, said
CLAUSE_END = re.compile(r"[.;:!?«»“”\"]")
ACCORDING = re.compile(
    r"(?<![\w'’])(?P<word>selon|d['’]après|according\s{1,3}to|pour)\s{1,40}"
    r"(?:les\s{1,40}(?:déclarations|propos)\s{1,40}(?:d['’]|de\s{1,40}))?"  # "selon les propos de"
    r"(?P<who>[^,.;:!?«»“”\"]{2,140}?)\s{0,40}(?:[,.;:!?]|$)",
    re.IGNORECASE,
)
SENTENCE_STOP = re.compile(r"[.;!?]")
SAID_COLON = re.compile(rf"{SAYING}\s{{0,3}}:\s{{0,3}}$")
SPLIT_ATTRIBUTION_CHARS = 100
MOST_WORDS_WITHOUT_VERB_NEXT = 1  # "a exprimé sa « vive inquiétude »": two words at least
ABBREVIATIONS = frozenset({"M", "Mme", "Dr", "Mr", "Mrs", "Ms", "St", "Gen", "Sen", "Prof"})
_LONGEST_ABBREVIATION = max(map(len, ABBREVIATIONS))
OPENING = {"«": "»", "“": "”"}


def quotations(paragraphs: list[str]) -> list[dict[str, str]]:
    """The quotations of an article's paragraphs, each ``{source, kind, description,
    text}``; at most ``ARTICLE_MAX_QUOTES``: the rest of the page is not read for more."""
    found: list[dict[str, str]] = []
    most = settings.ARTICLE_MAX_QUOTES
    cast = Cast()
    for paragraph in join_running_quotes(paragraphs):
        previous: dict[str, str] | None = None
        for sentence in sentences(paragraph):
            if len(found) >= most:
                return found
            cast.next_sentence()
            previous = _sentence(sentence, cast, found, previous, most)
    return found


def _sentence(
    sentence: str, cast: Cast, found: list[dict], previous: dict | None, most: int
) -> dict | None:
    """Reads one sentence's quotations into ``found``; the last one it made, if any."""
    spans = list(QUOTED.finditer(sentence))
    if not spans:
        cast.observe(sentence, sentence_start=True)
        return None
    standalone = not any(char.isalpha() for char in QUOTED.sub("", sentence))
    made: dict | None = None
    cursor = 0
    for index, span in enumerate(spans):
        before = sentence[max(cursor, span.start() - WINDOW) : span.start()]
        cast.observe(sentence[cursor : span.start()], sentence_start=cursor == 0)
        following = spans[index + 1].start() if index + 1 < len(spans) else len(sentence)
        after = sentence[span.end() : min(following, span.end() + WINDOW)]
        cursor = span.end()
        text = (span["a"] or span["b"] or span["c"] or "").strip(" ,")
        if not text or len(found) >= most:
            continue
        if made is not None and _split_attribution(before):
            made["text"] += " " + text  # "“A,” she said, “B.”"
            continue
        if standalone and previous is not None:
            previous["text"] += " " + text  # "“A,” he said. “B.”"
            made = previous
            continue
        text, speaker = _incise(text, cast)
        if speaker is None:
            speaker = _attribution(before, after, cast, words=len(text.split()))
        if speaker is None and standalone:
            speaker = cast.named_before()  # named in the sentence before
        if speaker is None:
            continue
        made = {"source": speaker.name, "kind": speaker.kind,
                "description": speaker.description, "text": text}  # fmt: skip
        found.append(made)
        cast.spoke(speaker)
    cast.observe(sentence[cursor:])
    return made


def _split_attribution(between: str) -> bool:
    stripped = between.strip()
    return (
        len(stripped) <= SPLIT_ATTRIBUTION_CHARS
        and stripped.endswith(",")
        and VERB.search(stripped) is not None
    )


def _attribution(before: str, after: str, cast: Cast, *, words: int) -> Speaker | None:
    """Who the text says said the quotation between ``before`` and ``after``: a verb and its
    speaker after it first ("…", said X), unless a verb of saying and a colon introduce it
    ('Sue Lamb said: "…." Dyer said: "…"': Sue Lamb, whoever the words after name)."""
    if SAID_COLON.search(before):
        return _introduced(before, cast, words=words) or _named_after(before, after, cast)
    return _named_after(before, after, cast) or _introduced(before, cast, words=words)


def _named_after(before: str, after: str, cast: Cast) -> Speaker | None:
    verb = VERB_FIRST.match(after)
    if verb is not None:  # "…", said X, role. / », a-t-il tempéré.
        who = _clause(after[verb.end() :])
        inverted = INVERTED.search(verb["verb"]) or INVERTED.search(verb["verb"].split()[0])
        if inverted is not None:
            if inverted["pronoun"] != "on":
                return cast.pronoun(inverted["pronoun"])
            chez = re.match(r"\s{0,3}chez\s{1,3}(?P<who>.+)$", who)
            return cast.resolve(chez["who"]) if chez else None
        speaker = cast.resolve(who)
        if speaker is not None:
            return speaker
    subject = SPEAKER_FIRST.match(after)
    if (
        subject is not None and len(subject["who"].split()) <= SPEAKER_FIRST_WORDS
    ):  # "…," Mendes said.
        speaker = cast.resolve(subject["who"])
        if speaker is not None:
            return speaker
    for window in (before, after):
        for according in reversed(list(ACCORDING.finditer(window))):
            if according["word"].lower() == "pour" and not PROPER_NAME.search(according["who"]):
                continue  # "pour" names a speaker only by name: "Pour l'économiste X, « … »"
            speaker = cast.resolve(according["who"])
            if speaker is not None and (
                according["word"].lower() != "pour" or speaker.kind != "anonymous"
            ):
                return speaker
    return None


def _introduced(before: str, cast: Cast, *, words: int) -> Speaker | None:
    """The speaker named before the quotation: X a dénoncé « … », X said the results showed
    "…", X n'a pas cherché d'excuses : « … »."""
    stops = [stop for stop in SENTENCE_STOP.finditer(before) if not _abbreviated(before, stop)]
    start = stops[-1].end() if stops else 0
    verbs = list(VERB.finditer(before, start))
    if verbs:
        last = verbs[-1]
        next_to_it = re.fullmatch(r"\s{0,3}(?:que|qu['’]|that|:)?\s{0,3}", before[last.end() :])
        if next_to_it or words > MOST_WORDS_WITHOUT_VERB_NEXT:
            speaker = cast.resolve(before[start : last.start()])
            if speaker is not None:
                return speaker
    if before.rstrip().endswith(":"):
        return cast.resolve(before[start:].rstrip()[:-1])
    return None


def _clause(text: str) -> str:
    """The words up to the clause's end; the period of "M. Dupont" or "Dr. Chen" ends none."""
    for end in CLAUSE_END.finditer(text):
        if not _abbreviated(text, end):
            return text[: end.start()]
    return text


def _abbreviated(text: str, stop: re.Match) -> bool:
    return stop.group() == "." and abbreviation(text, 0, stop.start())


INCISE = re.compile(rf",\s{{1,3}}(?P<verb>{SAYING})")


def _incise(text: str, cast: Cast) -> tuple[str, Speaker | None]:
    """« À la mi-temps, personne n'a crié, raconte l'entraîneur, Pierre Hamelin. On s'est
    regardés » is the quotation without its incise, said by Pierre Hamelin."""
    match = INCISE.search(text)
    if match is None:
        return text, None
    rest = text[match.end() :]
    inverted = INVERTED.search(match["verb"])
    if inverted is not None and inverted["pronoun"] != "on":
        tail = rest.split(",", 1)[1] if "," in rest[:40] else rest.lstrip(" .")
        speaker = cast.pronoun(inverted["pronoun"])
        return (f"{text[: match.start()]} {tail.strip()}".strip(), speaker) if speaker else (
            text, None)  # fmt: skip
    end = CLAUSE_END.search(rest)
    clause = rest[: end.start()] if end else rest
    who, remainder = "", clause
    for segment in clause.split(","):
        who = f"{who},{segment}" if who else segment
        remainder = remainder[len(segment) + 1 :] if len(remainder) > len(segment) else ""
        if any(char.isupper() for char in segment):
            break
    speaker = cast.resolve(who)
    if speaker is None:
        return text, None
    tail = (remainder + (rest[end.end() :] if end else "")).lstrip(" .,").rstrip(" ,")
    return f"{text[: match.start()]} {tail}".strip(), speaker


def join_running_quotes(paragraphs: list[str]) -> list[str]:
    """A quotation running over paragraphs, its opening mark repeated at the start of each
    (« … ¶ « … »), is one paragraph."""
    joined: list[list[str]] = []
    open_marks: dict[str, int] = {}
    for paragraph in paragraphs:
        mark = paragraph[:1]
        if joined and open_marks.get(mark, 0) > 0:
            paragraph = paragraph[1:].lstrip()
            joined[-1].append(paragraph)
        else:
            joined.append([paragraph])
            open_marks = {}
        for opening, closing in OPENING.items():
            open_marks[opening] = open_marks.get(opening, 0) + (
                paragraph.count(opening) - paragraph.count(closing)
            )
        open_marks['"'] = (open_marks.get('"', 0) + paragraph.count('"')) % 2
    return [" ".join(pieces) for pieces in joined]


def sentences(paragraph: str) -> list[str]:
    """Sentences, keeping quotations whole (a period inside « » or "…" does not end one)."""
    found, start, depth, straight = [], 0, 0, False
    for index, char in enumerate(paragraph):
        if char in "«“":
            depth += 1
        elif char in "»”":
            depth = max(0, depth - 1)
        elif char == '"' and depth == 0:
            straight = not straight
        elif char in ".!?" and depth == 0 and not straight:
            following = paragraph[index + 1 : index + 2]
            if following in ("", " ") and not abbreviation(paragraph, start, index):
                found.append(paragraph[start : index + 1].strip())
                start = index + 1
    if paragraph[start:].strip():
        found.append(paragraph[start:].strip())
    return found


def abbreviation(paragraph: str, start: int, period: int) -> bool:
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
