"""Who a phrase names, in the article read so far: "Bolton manager Dean Morris" is Dean
Morris (the manager); "Okafor", "he", "the judge" and "la productrice" are the person named
before; "un haut responsable" is an anonymous source, and a later "le responsable" is the same
one. Every phrase given here is bounded (at most a few hundred characters)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from articles.extract.lexicon import DEMONYMS, NOT_ROLE_WORDS, PRONOUNS, SHORT_TITLES, TITLES
from articles.extract.verbs import VERB
from articles.text import make_slug

NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’\-]{1,30}"
PARTICLE = r"(?:de|du|des|van|von|der|den|da|di|dos|del|al|bin|ibn|la)"
PROPER_NAME = re.compile(rf"{NAME_WORD}(?:\s{{1,3}}(?:{PARTICLE}\s{{1,3}})?{NAME_WORD}){{1,5}}")
CAPITALISED = re.compile(rf"{NAME_WORD}(?:\s{{1,3}}(?:{PARTICLE}\s{{1,3}})?{NAME_WORD}){{0,5}}")
ACRONYM = re.compile(r"\(([A-Z][A-Z0-9]{1,9})\)|\b([A-Z]{2,9})\b")
ARTICLES = re.compile(
    r"^(?:(?:le|la|les|un|une|des|the|a|an|son|sa|ses|cet|cette|ce|its|his|her|their|leur)\s+"
    r"|l['’]\s*)",
    re.IGNORECASE,
)
INDEFINITE = re.compile(r"^(?:un|une|des|a|an|one)\s", re.IGNORECASE)
DEFINITE = re.compile(r"^(?:le|la|les|the|l['’])", re.IGNORECASE)
ORGANISATION_WORDS = re.compile(
    r"\b(?:services?|ministère|ministry|gouvernement|government|armée|army|police|agence|agency|"
    r"office|bureau|commission|council|conseil|parti|party|company|société|groupe|group|"
    r"department|département|forces|état-major|renseignement|intelligence|court|tribunal|"
    r"institut|institute|université|university|association|fédération|federation|syndicat|"
    r"union|banque|bank|centre|center|observatoire|observatory|chambre|chamber|mairie|"
    r"préfecture|college|organization|organisation|authority|autorité|committee|comité|"
    r"label|club|fondation|foundation|board|direction|commissariat|hôpital|hospital)\b",
    re.IGNORECASE,
)
NOT_A_PERSON = re.compile(
    r"\b(?:road|street|avenue|arena|stadium|stade|park|parc|square|hall|league|cup|coupe|"
    r"festival|theatre|théâtre|championship|tour|bridge|river|lake|island|coast|rue|place|"
    r"boulevard|quai|gare|station|airport|aéroport|palais|palace|museum|musée|prix|prize|"
    r"award|general|crown|state|états|nations|union|ocean|océan|mer|sea|north|south|east|"
    r"west|nord|sud|est|ouest|grand)\b",
    re.IGNORECASE,
)
# What follows a speaker's description without being part of it.
TRAILING = re.compile(
    r"(?:,\s{0,3}|\s{1,3})(?:qui|who|which|lors|during|on|le|lundi|mardi|mercredi|jeudi|"
    r"vendredi|samedi|dimanche|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"au\s{1,3}micro|à\s{1,3}la\s{1,3}sortie|en\s{1,3}séance|before|after|avant|après|"
    r"to\s{1,3}reporters|adding|ajoutant|dans\s{1,3}(?:un|une|son|sa|ses)|"
    r"in\s{1,3}(?:a|an|his|her|its|their)\s{1,3}(?:statement|interview|call|post))\b.{0,300}$",
    re.DOTALL,
)
AGE = re.compile(
    r",?\s{1,3}(?:de\s{1,3})?\d{1,3}\s{1,3}ans\b|,\s{1,3}(?:aged\s{1,3})?\d{1,3}(?=,|$)"
)
ROLE_WORD = re.compile(r"[\w'’\-]{4,40}")
CONTENT_WORDS_MOST = 3  # a role said again is short: "the judge", "la productrice"
PREPOSITION = re.compile(r"\s(?:de|du|des|d['’]|of|for|from|at|à|au|in)\s", re.IGNORECASE)
SUBJECT_STOP = re.compile(
    r",|\s(?:a|ont|est|sont|était|avait|is|was|were|are|has|had|will|would|could)\s"
)
SUBJECT_WORDS_MOST = 8
CIRCUMSTANCE = re.compile(
    r"^(?:in|at|on|after|before|during|from|outside|inside|dans|en|à|lors|après|avant|devant|"
    r"depuis|sur|sous)\s",
    re.IGNORECASE,
)
REMEMBERED_ANONYMOUS = 50  # looked back over when a role is said again


@dataclass
class Speaker:
    name: str
    kind: str = "person"
    description: str = ""


class Cast:
    """The people, bodies and anonymous sources of one article, in the order it names them."""

    def __init__(self) -> None:
        self.people: dict[str, Speaker] = {}
        self.surnames: dict[str, Speaker] = {}
        self.roles: dict[str, Speaker] = {}
        self.anonymous: list[Speaker] = []
        self.last: Speaker | None = None
        self.mentioned_in_sentence: Speaker | None = None
        self.mentioned_before: Speaker | None = None

    # --- reading ----------------------------------------------------------------------------

    def next_sentence(self) -> None:
        self.mentioned_before, self.mentioned_in_sentence = self.mentioned_in_sentence, None

    def observe(self, text: str, *, sentence_start: bool = False) -> None:
        """Remember who ``text`` (words outside quotations) names, the last one last."""
        if sentence_start:
            self._subject(text[:200])
        mentions: list[tuple[int, Speaker]] = []
        for run in CAPITALISED.finditer(text):
            speaker = self._mention(run.group(), text[max(0, run.start() - 60) : run.start()])
            if speaker is not None:
                mentions.append((run.start(), speaker))
        if self.roles:
            for word in ROLE_WORD.finditer(text):
                speaker = self.roles.get(word.group().lower())
                if speaker is not None:
                    mentions.append((word.start(), speaker))
        if mentions:
            self._seen(max(mentions, key=lambda mention: mention[0])[1])

    def _seen(self, speaker: Speaker) -> None:
        self.last = self.mentioned_in_sentence = speaker

    def _mention(self, run: str, before: str) -> Speaker | None:
        words = _name_words(run)
        if len(words) == 1:
            return self.surnames.get(words[0].lower())
        if not words or ORGANISATION_WORDS.search(run) or NOT_A_PERSON.search(" ".join(words)):
            return None
        role = " ".join(_titles(run))
        if not role:  # "Republican senator Curtis Boone": the words glued before the name
            glued = re.split(r"[,;:.!?]", before)[-1].split()[-3:]
            while glued and not _is_title(glued[0]):
                glued.pop(0)
            role = " ".join(glued)
        return self._person(" ".join(words), role)

    def _subject(self, text: str) -> None:
        """A sentence that starts with an unnamed subject ("Un concurrent, qui ...", "A senior
        government source admitted ...", "La préfecture du Gard a ...") names it."""
        if not (INDEFINITE.match(text) or DEFINITE.match(text)):
            return
        comma = text.find(",")
        if comma > 0 and len(text[:comma].split()) <= SUBJECT_WORDS_MOST:
            phrase = text[:comma].strip()
        else:
            stop = SUBJECT_STOP.search(text)
            verb = VERB.search(text)
            end = min(m.start() for m in (stop, verb) if m) if (stop or verb) else len(text)
            phrase = text[:end].strip()
        if not phrase or len(phrase.split()) > SUBJECT_WORDS_MOST or PROPER_NAME.search(phrase):
            return
        if ORGANISATION_WORDS.search(phrase) and DEFINITE.match(phrase):
            self._seen(Speaker(ARTICLES.sub("", phrase), "organization", ""))
        elif INDEFINITE.match(phrase) and re.fullmatch(r"[\w'’ \-]+", phrase):
            self._seen(self._anonymous(phrase))

    # --- naming -----------------------------------------------------------------------------

    def pronoun(self) -> Speaker | None:
        return self.last

    def resolve(self, phrase: str) -> Speaker | None:
        """The speaker ``phrase`` names, or None when it names nobody."""
        phrase = _trim(phrase)
        if not phrase or len(phrase) > 160:
            return None
        if phrase.lower() in PRONOUNS:
            return self.pronoun()
        parts = [part.strip() for part in phrase.split(",") if part.strip()]
        speaker = self._named(parts) or self._organisation(parts) or self._unnamed(parts)
        if speaker is not None:
            self._seen(speaker)
        return speaker

    def _named(self, parts: list[str]) -> Speaker | None:
        # "<role>, <Name>" or "<Name>, <role>": the role is the apposition beside the name.
        for index, part in enumerate(parts):
            bare = ARTICLES.sub("", part)
            if PROPER_NAME.fullmatch(bare) and not ORGANISATION_WORDS.search(part):
                words = _name_words(bare)
                if len(words) < 2:
                    continue
                role = parts[index - 1] if index else (parts[1] if len(parts) > 1 else "")
                role = " ".join(_titles(bare)) or ARTICLES.sub("", role)
                return self._person(" ".join(words), role)
        for part in parts:
            bare = ARTICLES.sub("", part)
            name = PROPER_NAME.search(bare)
            if name is None:
                single = re.fullmatch(NAME_WORD, bare)
                if single and not ORGANISATION_WORDS.search(bare):
                    known = self.surnames.get(bare.lower().rstrip("’'s"))
                    if known is not None:
                        return known
                    if bare.lower() not in DEMONYMS and not ACRONYM.fullmatch(bare):
                        return self._person(bare, "")
                continue
            if ORGANISATION_WORDS.search(name.group()) or NOT_A_PERSON.search(name.group()):
                continue
            words = _name_words(name.group())
            if len(words) == 1:
                known = self.surnames.get(words[0].lower())
                if known is not None:
                    return known
                continue
            role = " ".join(_titles(name.group())) or bare[: name.start()].strip(" ,")
            return self._person(" ".join(words), ARTICLES.sub("", role))
        return None

    def _organisation(self, parts: list[str]) -> Speaker | None:
        for part in parts:
            if CIRCUMSTANCE.match(part):
                continue  # "In a statement read outside court": where, not who
            if ORGANISATION_WORDS.search(part) or ACRONYM.search(part):
                name = re.sub(r"^(?:chez|at)\s+", "", ARTICLES.sub("", part), flags=re.IGNORECASE)
                return Speaker(name[:200], "organization", "")
        return None

    def _unnamed(self, parts: list[str]) -> Speaker | None:
        """No name: an anonymous source as the text describes it, or a role said again
        ("le responsable", "the mayor", "la productrice") for whoever it was said of."""
        part = next((p for p in parts if ARTICLES.match(p) or INDEFINITE.match(p)), parts[0])
        part = AGE.sub("", part).strip()
        if not re.fullmatch(r"[\w'’ \-]+", part):
            return None
        if INDEFINITE.match(part):
            return self._anonymous(part)
        if not ARTICLES.match(part) and not part[:1].isupper():
            return None  # "and", "by the vote and": words of the sentence, not a speaker
        bare = ARTICLES.sub("", part)
        words = bare.lower().split()
        if not words:
            return None
        for earlier in reversed(self.anonymous):
            if words[0] in earlier.name.lower().split():
                return earlier
        known = {id(self.roles.get(word)) for word in words}
        if len(known) == 1 and None not in (self.roles.get(word) for word in words):
            return self.roles[words[0]]
        short = len(words) <= CONTENT_WORDS_MOST and not PREPOSITION.search(f" {bare} ")
        if short and self.last is not None:
            return self.last
        return self._anonymous(part)

    def _anonymous(self, description: str) -> Speaker:
        speaker = Speaker(description, "anonymous", description)
        self.anonymous = [*self.anonymous[-REMEMBERED_ANONYMOUS:], speaker]
        return speaker

    def _person(self, name: str, role: str) -> Speaker:
        key = make_slug(name)
        speaker = self.people.get(key)
        if speaker is None:
            speaker = self.surnames.get(name.lower()) if " " not in name else None
        if speaker is None:
            speaker = Speaker(name, "person", role.strip(" ,"))
            self.people[key] = speaker
            if " " in name:
                self.surnames[name.split()[-1].lower()] = speaker
        elif role and not speaker.description:
            speaker.description = role.strip(" ,")
        for word in ROLE_WORD.finditer(role.lower()):
            if word.group() not in NOT_ROLE_WORDS:
                self.roles[word.group()] = speaker
        return speaker


def _trim(phrase: str) -> str:
    phrase = re.sub(r"^[\s…,—–\-]+|[\s…,—–\-]+$", "", phrase)
    if "…" in phrase:
        phrase = phrase.rsplit("…", 1)[-1].strip(" ,")
    return TRAILING.sub("", phrase).strip(" ,")


def _titles(name: str) -> list[str]:
    """The title words glued before a name: "Housing Secretary" in "Housing Secretary
    Rachel Osei"."""
    words = ARTICLES.sub("", name).split()
    titles = []
    while _strippable(words):
        titles.append(words.pop(0))
    return titles


def _strippable(words: list[str]) -> bool:
    """Whether the first word is a title to strip: a name keeps two words unless its title
    is one that stands before a surname alone ("Dr Okafor")."""
    if len(words) > 2:
        return _is_title(words[0])
    return len(words) == 2 and words[0].lower().strip(".") in SHORT_TITLES


def _is_title(word: str) -> bool:
    lowered = word.lower().strip(".")
    return lowered in TITLES or lowered in DEMONYMS or bool(re.search(r"['’]s$", word))


def _name_words(run: str) -> list[str]:
    """The words of a name, less the titles, roles and nationality glued before it and a
    possessive after it: "Brazil’s Lucas Mendes" is "Lucas Mendes"."""
    words = ARTICLES.sub("", run).split()
    while _strippable(words):
        words.pop(0)
    if words:
        words[-1] = re.sub(r"['’]s?$", "", words[-1])
    return [word for word in words if word]
