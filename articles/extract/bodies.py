"""The bodies a text names in passing, so that a later "the association", "le syndicat" or
"l'organisation" stands for one of them: a name defined with its acronym ("Coordination
nationale des urgentistes (CNU)"), a capitalised name with a body's word in it ("The National
Association of Home Builders"), a name after its kind ("le fabricant de batteries Voltaria",
"l'association des commerçants Cœur de Ville"). ``Bodies`` remembers them for one article,
by name, acronym and the words of their kind. Every text given here is bounded (a
sentence's words outside its quotations, or a phrase)."""

from __future__ import annotations

import re

from articles.extract.lexicon import (
    FUNCTION_WORDS,
    GENERIC_BODY_WORDS,
    ORGANISATION_KINDS,
    PRONOUNS,
)
from articles.extract.name_rules import (
    ARTICLES,
    DEFINITE,
    NAME_WORD,
    ORGANISATION_WORDS,
    PARTICLE,
    ROLE_WORD,
)
from articles.extract.speaker import Speaker
from articles.extract.verbs import VERB
from articles.text import make_slug

_KINDS = "|".join(sorted(ORGANISATION_KINDS, key=len, reverse=True))
# What a kind of body makes or is, between it and its name: "de batteries", "pharmaceutique".
_COMPLEMENT = (
    r"(?:\s{1,3}(?:de|des|du|of)\s{1,3}[a-zà-ÿ][\w\-]{1,20}|\s{1,3}d['’][a-zà-ÿ][\w\-]{1,20}"
    r"|\s{1,3}(?P<adjective>[a-zà-ÿ][\w\-]{2,20}))?"
)
_BODY_NAME_WORDS = rf"{NAME_WORD}(?:\s{{1,3}}(?:{PARTICLE}\s{{1,3}})?{NAME_WORD}){{0,4}}"
# "the union Unison", "l'ONG Oxfam", "le groupe pharmaceutique Novalis": the name after
# its kind.
NAME_AFTER_KIND = re.compile(
    rf"(?<![\w'’])(?P<kind>{_KINDS}|ONG|NGO){_COMPLEMENT}\s{{1,3}}(?P<name>{_BODY_NAME_WORDS})$"
)
ACRONYM_AFTER = re.compile(r"\s{0,3}\(([A-Z][A-Za-z0-9]{1,9})\)(?=\s{1,3}\w|\s{0,3}$)")

ACRONYM_DEFINED = re.compile(r"\((?P<acronym>[A-Z][A-Za-z0-9]{1,9})\)")
LONG_FORM_CHARS = 150
LONG_FORM_WORDS = 12
ELISION = re.compile(r"^(?:[ldLD]['’])")
# "National Association of Home Builders", "England and Wales Cricket Board": capitalised
# words joined by the little words of a body's name.
_LINK = r"(?:of|for|and|de|du|des|pour|et|d['’])"
BODY_NAME = re.compile(
    rf"{NAME_WORD}(?:(?:\s{{1,3}}{_LINK}\s{{1,3}}(?:the\s{{1,3}})?|\s{{1,3}}){NAME_WORD}){{0,7}}"
)
# "…(Unapm), premier syndicat de la profession,": the kind said in an apposition.
APPOSED_KIND = re.compile(
    rf"\s{{0,3}},\s{{1,3}}(?:[\w'’\-]{{1,20}}\s{{1,3}}){{0,3}}?(?P<kind>{_KINDS})(?![\w\-])",
    re.IGNORECASE,
)
# "Unite, Britain's biggest union,", "La CGT, premier syndicat de France,": an apposition
# that is nothing but a kind of body makes the name before it a body's.
APPOSED_KIND_WHOLE = re.compile(
    APPOSED_KIND.pattern
    + r"(?:\s{1,3}(?:de|du|des|of|in|en)\s{1,3}[\w'’\-]{1,30}){0,2}\s{0,3}[,.;)]",
    re.IGNORECASE,
)
# A body's kind, what it makes or does, then its name: "le fabricant de batteries Voltaria".
KIND_BEFORE_NAME = re.compile(
    rf"(?<!\w)(?P<kind>{_KINDS}|ONG|NGO){_COMPLEMENT}\s{{1,3}}(?P<name>{_BODY_NAME_WORDS})"
)

# "Renault a annoncé", "La SNCF supprime", "Tesco said": a sentence led by a single name.
LONE_SUBJECT = re.compile(
    rf"(?:(?:Le|La|Les|L['’]|The)\s{{0,3}})?(?![LD]['’][a-zà-ÿ])(?P<name>{NAME_WORD})\s{{1,3}}"
    r"(?=(?:a|ont|est|sont|va|avait|has|have|had|is|was|will|would)\s)"
)
LONE_SUBJECT_SAID = re.compile(rf"(?![LD]['’][a-zà-ÿ])(?P<name>{NAME_WORD})\s{{1,3}}$")


class Bodies:
    """The bodies one article named, by slug, acronym and the words of their kind."""

    def __init__(self) -> None:
        self.known: dict[str, Speaker] = {}
        self.last: Speaker | None = None
        self.kinded: set[int] = set()  # the bodies a word of their kind was said of
        self.added = 0
        self.sentences = 0  # read so far, and when the last body was named
        self.last_at = 0
        # A sentence's subject named by name alone ("Manchester United confirmed the sale",
        # "Renault a annoncé"), and how many bodies had been named then: "the club" or
        # "le constructeur" just after it is that one.
        self.bare: tuple[Speaker, int] | None = None

    def sentence_led_by(self, text: str, subject: Speaker | None) -> None:
        """A sentence's subject named by its name alone may be the body a later "the
        company" is: a person's name with no role nor gender, or a lone name."""
        if subject is not None:
            if subject.kind == "person" and not (subject.description or subject.gender):
                self.bare = (subject, self.added)
            return
        lone = LONE_SUBJECT.match(text)
        said = VERB.match(text, text.find(" ") + 1) if lone is None else None
        if said is not None:  # "Tesco said profits fell"
            lone = LONE_SUBJECT_SAID.fullmatch(text[: said.start()])
        if lone is not None and lone["name"].lower() not in FUNCTION_WORDS | PRONOUNS:
            self.bare = (Speaker(lone["name"], "person"), self.added)

    def read(self, text: str) -> None:
        for name, kind in named_bodies(text):
            self.add(name, kind)

    def add(self, name: str, kind: str = "") -> Speaker:
        """An organisation; the kind it was named with ("the union Unison"), its words
        ("le groupe", "l'agence") and its acronym stand for it later."""
        after_kind = NAME_AFTER_KIND.search(name)
        if after_kind is not None:  # "the union Unison": Unison
            kind = after_kind["kind"].lower()
            name = after_kind["name"]
        # "Agence régionale de santé (ARS) de Nouvelle-Aquitaine": the acronym is not
        # part of the name, but names it too
        acronyms = ACRONYM_AFTER.findall(name)
        name = ACRONYM_AFTER.sub("", name)[:200]
        body = self.known.get(make_slug(name)) or Speaker(name, "organization", "")
        self.known[make_slug(name)] = self.last = body
        self.added += 1
        self.last_at = self.sentences
        for acronym in acronyms:
            self.known[make_slug(acronym)] = body
        for word in [kind, *ROLE_WORD.findall(name.lower())]:
            if word and _kind_word(word):
                self.known[word] = body
                self.kinded.add(id(body))
        return body

    def said_again(self, part: str) -> Speaker | None:
        """ "The association", "l'organisation", "l'entreprise": the body named with that
        word; else, for a word any body goes by, the last body named, and for a kind of
        body, the last one if nothing said what kind it was (its name, an apposition)."""
        words = ARTICLES.sub("", part).lower().split()
        if not DEFINITE.match(part) or not 1 <= len(words) <= 2:
            return None
        # "l'entreprise publique", "the Swiss group": the kind word and an adjective
        word = next((w for w in (words[0], words[-1]) if _body_word(w)), words[0])
        if len(words) == 2 and not _body_word(word):
            return None
        if word in self.known:
            return self.known[word]
        if self.bare is not None and self.bare[1] == self.added and _body_word(word):
            body = self.bare[0]
            body.kind, self.bare = "organization", None
            self.known[word] = self.known[make_slug(body.name)] = self.last = body
            self.added += 1
            return body
        last = self.last
        if last is None:
            return None
        if word in GENERIC_BODY_WORDS:
            return last
        # "the think tank" just after "the Resolution Foundation": the same one
        just_named = self.sentences - self.last_at <= 1
        if word in ORGANISATION_KINDS and (id(last) not in self.kinded or just_named):
            return last
        return None


def name_less_predicate(name: str) -> str:
    """ "England and Wales Cricket Board congratulated the club": the board, whose
    capitalised name ends before what it did."""
    named = named_bodies(name)
    if named and name.startswith(named[0][0]) and not named[0][1]:
        return named[0][0]
    return name


def named_bodies(text: str) -> list[tuple[str, str]]:
    """The bodies ``text`` names, each ``(name, kind)`` (kind "" when the name says it),
    in the order it names them."""
    found: list[tuple[int, str, str]] = []
    for defined in ACRONYM_DEFINED.finditer(text):
        long_form = _long_form(text[max(0, defined.start() - LONG_FORM_CHARS) : defined.start()],
                               defined["acronym"])  # fmt: skip
        if long_form:
            name = f"{long_form} ({defined['acronym']})"
            found.append((defined.start(), name, _apposed_kind(text, defined.end())))
    for name in BODY_NAME.finditer(text):
        kind = _apposed_kind(text, name.end())
        if (ORGANISATION_WORDS.search(name.group()) and " " in name.group()) or (
            kind and APPOSED_KIND_WHOLE.match(text, name.end())
        ):
            found.append((name.start(), ARTICLES.sub("", name.group()), kind))
    for kind in KIND_BEFORE_NAME.finditer(text):
        if not (kind["adjective"] and VERB.fullmatch(kind["adjective"])):  # "le parti réclame X"
            found.append((kind.start("name"), kind["name"], kind["kind"].lower()))
    return [(name, kind) for _, name, kind in sorted(found)]


def _apposed_kind(text: str, end: int) -> str:
    apposed = APPOSED_KIND.match(text, end)
    return apposed["kind"].lower() if apposed else ""


def _long_form(before: str, acronym: str) -> str:
    """The words before "(CNU)" that it abbreviates: the nearest capitalised word with the
    acronym's first letter from which the initials hold the acronym's letters in order, the
    last word giving the last letter ("Coordination nationale des urgentistes")."""
    words = [ELISION.sub("", word) for word in re.findall(r"[\w'’\-]+", before)]
    words = [word for word in words if word][-LONG_FORM_WORDS:]
    letters = acronym.lower()
    if not words or words[-1][0].lower() != letters[-1]:
        return ""
    for start in range(len(words) - 1, -1, -1):
        if words[start][0].isupper() and words[start][0].lower() == letters[0]:
            initials = iter(word[0].lower() for word in words[start:])
            if all(letter in initials for letter in letters):
                return " ".join(words[start:])
    return ""


def _kind_word(word: str) -> bool:
    return bool(ORGANISATION_WORDS.fullmatch(word)) or word in ORGANISATION_KINDS


def _body_word(word: str) -> bool:
    """A word for a kind of body that is not an institution of its own ("the club", "le
    constructeur", "the company"; not "the council", "la police")."""
    return word in ORGANISATION_KINDS or word in GENERIC_BODY_WORDS
