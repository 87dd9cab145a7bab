"""Who a phrase names, in the article read so far: "Bolton manager Dean Morris" is Dean
Morris (the manager), "Trade Minister Colette Rivard" Colette Rivard, "the union Unison"
Unison, "in Cape Town" nobody; "Okafor", "he", "the judge" and "la productrice" are the one
the text is about (the last quotation's speaker, a sentence's subject) or named before;
"un haut responsable" is an anonymous source, and a later "le responsable" is the same one.
Every phrase given here is bounded (at most a few hundred characters)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from articles.extract.lexicon import (
    DEMONYMS,
    FUNCTION_WORDS,
    NOT_ROLE_WORDS,
    ORGANISATION_KINDS,
    PRONOUNS,
    SHORT_TITLES,
    TITLES,
)
from articles.extract.verbs import VERB
from articles.text import make_slug

NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’\-]{1,30}"
PARTICLE = r"(?:de|du|des|van|von|der|den|da|di|dos|del|al|bin|ibn|la)"
PROPER_NAME = re.compile(rf"{NAME_WORD}(?:\s{{1,3}}(?:{PARTICLE}\s{{1,3}})?{NAME_WORD}){{1,5}}")
CAPITALISED = re.compile(rf"{NAME_WORD}(?:\s{{1,3}}(?:{PARTICLE}\s{{1,3}})?{NAME_WORD}){{0,5}}")
ACRONYM = re.compile(r"\(([A-Z][A-Z0-9]{1,9})\)|\b([A-Z]{2,9})\b")
ACRONYM_WORD = re.compile(r"[A-Z][A-Z0-9]{1,9}")  # "LFI", "PDG", "ONG": not a name's word
AGE_WORD = re.compile(r"(?:\d{1,3}|[a-z]{3,12})-years?-old", re.IGNORECASE)  # "Ten-year-old"
# Before a capitalised run, words that make it a place or a body's name, not a person:
# "in Cape Town", "on Water Lane", "sur la Grande Boucle", "University of Cape Town".
PLACE_BEFORE = re.compile(
    r"(?:(?<![\w'’])(?i:in|at|from|on|near|into|across|outside|en|dans|sur|vers|depuis|"
    r"près\s{1,3}de)\s{1,3}|[A-ZÀ-Þ][\w'’\-]*\s{1,3}(?:of|de|du|des|d['’]|for|pour)\s{0,3})"
    r"(?i:the\s{1,3}|la\s{1,3}|le\s{1,3}|les\s{1,3}|l['’]\s{0,3})?$"
)
# Lower-case words between two capitalised runs, a title among them: the first run
# describes the second ("Former England captain Andrew Pell").
GLUE = re.compile(r"\s{1,3}(?P<words>(?:[a-zà-ÿ][\w'’\-]*\s{1,3}){1,3})")
# "The Dairy Farmers of Canada", "Transport for Greater Manchester": a body's name.
ORGANISATION_CHAIN = re.compile(
    rf"^{NAME_WORD}(?:\s{{1,3}}{NAME_WORD}){{0,4}}\s{{1,3}}(?P<link>for|pour|of)\s{{1,3}}"
    r"(?:the\s{1,3})?[A-ZÀ-Þ]"
)
# "the union Unison", "l'ONG Oxfam", "le groupe Valdor": the body's name after its kind.
KIND_THEN_NAME = re.compile(
    rf"(?<![\w'’])(?:{'|'.join(sorted(ORGANISATION_KINDS, key=len, reverse=True))}|ONG|NGO)"
    rf"\s{{1,3}}(?P<name>{NAME_WORD}(?:\s{{1,3}}(?:{PARTICLE}\s{{1,3}})?{NAME_WORD}){{0,4}})$"
)
LOCATIVE = re.compile(r"^(?:au|aux|à\s{1,3}la|à\s{1,3}l['’]|chez|at\s{1,3}the|at)\s{0,3}", re.I)
DEFINITE_BEFORE = re.compile(
    r"(?:(?<![\w'’])(?:the|le|la|les|this|ce|cette|his|her|its|their|son|sa|ses|leur)"
    r"(?:\s{1,3}[\w'’\-]+)?\s{1,3}|(?<![\w'’])l['’]\s{0,3}|['’]s\s{1,3})$",
    re.IGNORECASE,
)
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
    r"(?:,\s{0,3}|\s{1,3})(?:qui|who|whose|dont|which|lors|during|on|le\s{1,3}\d{1,2}|lundi|mardi|mercredi|jeudi|"
    r"vendredi|samedi|dimanche|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"au\s{1,3}micro|à\s{1,3}la\s{1,3}sortie|en\s{1,3}séance|before|after|avant|après|"
    r"to\s{1,3}reporters|adding|ajoutant|dans\s{1,3}(?:un|une|son|sa|ses)|"
    r"in\s{1,3}(?:a|an|his|her|its|their)\s{1,3}(?:statement|interview|call|post))\b.{0,300}$",
    re.DOTALL,
)
# An unnamed source described by a relative clause without a comma says who it is by it.
RESTRICTIVE = re.compile(
    r"^(?:un|une|a|an|one)\s[\w'’ \-]{1,60}?\s(?:who|qui)\s(?=\w)", re.IGNORECASE
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
SUBJECT_CHARS = 80  # a sentence's subject is named near its start
CIRCUMSTANCE = re.compile(
    r"^(?:in|at|on|after|before|during|from|outside|inside|dans|en|à|lors|après|avant|devant|"
    r"depuis|sur|sous)\s",
    re.IGNORECASE,
)
APPOSITION = re.compile(r"[\w'’\- ]{0,40},\s{1,3}[A-ZÀ-Þ]")
GENDERED = {"elle": "f", "she": "f", "her": "f", "il": "m", "he": "m", "him": "m", "lui": "m"}
RECENT = 10
GENDER_WORDS = 8
FEMININE = frozenset(["la", "une", "cette", "mme", "mrs", "ms", "miss", "madame", "lady", "dame"])
MASCULINE = frozenset(["le", "un", "cet", "m", "mr", "monsieur", "sir", "lord"])
PERSONAL = frozenset({"he", "she", "him", "her"})
REMEMBERED_ANONYMOUS = 50  # looked back over when a role is said again


@dataclass
class Speaker:
    name: str
    kind: str = "person"
    description: str = ""
    gender: str = ""  # "f" or "m" when the text says it ("la ministre", "Mrs", "le député")


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
        # Who the text is about: the last speaker of a quotation or subject of a sentence,
        # which a pronoun or a role said again stands for before a name merely mentioned
        # ("…," said Vasquez, who fell after Holt's forehand. "…," she said: Vasquez).
        self.focus: Speaker | None = None
        self.last_person: Speaker | None = None
        self.recent: list[Speaker] = []  # the people named, the last one last
        self.bodies: dict[str, Speaker] = {}  # by slug, and by the words that name its kind
        self.subject_in_sentence: Speaker | None = None
        self.subject_before: Speaker | None = None

    # --- reading ----------------------------------------------------------------------------

    def next_sentence(self) -> None:
        self.mentioned_before, self.mentioned_in_sentence = self.mentioned_in_sentence, None
        self.subject_before, self.subject_in_sentence = self.subject_in_sentence, None

    def spoke(self, speaker: Speaker) -> None:
        """``speaker`` said the quotation just read: the one the text is about now."""
        self.focus = speaker

    def named_before(self) -> Speaker | None:
        """Who a sentence that is only a quotation belongs to: the subject of the sentence
        before, else the last one it named."""
        return self.subject_before or self.mentioned_before

    def observe(self, text: str, *, sentence_start: bool = False) -> None:
        """Remember who ``text`` (words outside quotations) names, the last one last."""
        subject = self._subject(text[:200]) if sentence_start else None
        mentions: list[tuple[int, Speaker]] = []
        possessives: set[int] = set()
        runs = list(CAPITALISED.finditer(text))
        for index, run in enumerate(runs):
            following = runs[index + 1].start() if index + 1 < len(runs) else None
            if following is not None and _describes(text[run.end() : following]):
                continue  # "Greater Manchester mayor Karen Whitlow": Karen Whitlow
            speaker = self._mention(run.group(), text[max(0, run.start() - 60) : run.start()])
            if speaker is not None:
                mentions.append((run.start(), speaker))
                if re.search(r"['’]s?$", run.group()):
                    possessives.add(run.start())  # "Mendes’s coach, Ana Ribeiro": not him
        if self.roles:
            for word in ROLE_WORD.finditer(text):
                speaker = self.roles.get(word.group().lower())
                # "the mayor", "la productrice": a role said again is definite; "one
                # senior council officer" is somebody else.
                before = text[max(0, word.start() - 30) : word.start()]
                if (
                    speaker is not None
                    and DEFINITE_BEFORE.search(before)
                    and not APPOSITION.match(text, word.end())
                ):  # "Ofwat's chief executive, David Grant,": a new one, named next
                    mentions.append((word.start(), speaker))
        if mentions:
            self._seen(max(mentions, key=lambda mention: mention[0])[1])
        if sentence_start:
            verb = VERB.search(text[:200])
            limit = verb.start() if verb else SUBJECT_CHARS
            named = [mention for mention in mentions if mention[0] not in possessives]
            first = min(named, key=lambda mention: mention[0]) if named else None
            if first is not None and first[0] < limit:
                subject = first[1]
            if subject is not None:
                self.subject_in_sentence = self.focus = subject

    def _seen(self, speaker: Speaker) -> None:
        self.last = self.mentioned_in_sentence = speaker
        if speaker.kind == "person":
            self.last_person = speaker
            self.recent = [*(p for p in self.recent[-RECENT:] if p is not speaker), speaker]

    def _mention(self, run: str, before: str) -> Speaker | None:
        words = _name_words(run)
        if len(words) == 1:
            return self.surnames.get(words[0].lower())
        if not words or ORGANISATION_WORDS.search(run) or NOT_A_PERSON.search(" ".join(words)):
            return None
        role = " ".join(_titles(run))
        cue = " ".join([*re.split(r"[;:.!?]", before)[-1].split()[-6:], run])
        known = make_slug(" ".join(words)) in self.people
        if PLACE_BEFORE.search(before) and not role and not known:
            return None  # "in Cape Town", "on Water Lane": a place ("on Prime Minister X": him)
        if not role:  # "Republican senator Curtis Boone": the words glued before the name
            glued = re.split(r"[,;:.!?]", before)[-1].split()[-3:]
            while glued and not _is_title(glued[0]):
                glued.pop(0)
            role = " ".join(glued)
        return self._person(" ".join(words), role, _gender(cue))

    def _subject(self, text: str) -> Speaker | None:
        """A sentence that starts with an unnamed subject ("Un concurrent, qui ...", "A senior
        government source admitted ...", "La préfecture du Gard a ...") names it."""
        if not (INDEFINITE.match(text) or DEFINITE.match(text)):
            return None
        comma = text.find(",")
        if comma > 0 and len(text[:comma].split()) <= SUBJECT_WORDS_MOST:
            phrase = text[:comma].strip()
        else:
            stop = SUBJECT_STOP.search(text)
            verb = VERB.search(text)
            end = min(m.start() for m in (stop, verb) if m) if (stop or verb) else len(text)
            phrase = text[:end].strip()
        if not phrase or len(phrase.split()) > SUBJECT_WORDS_MOST or PROPER_NAME.search(phrase):
            return None
        if ORGANISATION_WORDS.search(phrase) and DEFINITE.match(phrase):
            body = self._body(ARTICLES.sub("", phrase))
            self._seen(body)
            return body
        elif INDEFINITE.match(phrase) and re.fullmatch(r"[\w'’ \-]+", phrase):
            anonymous = self._anonymous(phrase)
            self._seen(anonymous)
            return anonymous
        return None

    # --- naming -----------------------------------------------------------------------------

    def pronoun(self, word: str = "") -> Speaker | None:
        """Who a pronoun stands for: the one the text is about; "he" and "she" are a
        person's ("il" and "elle" may be a body's: « … », indiquait-elle, the préfecture)."""
        about = self.focus or self.last
        if about is not None and about.kind == "organization" and word in PERSONAL:
            about = self.last_person or about
        wanted = GENDERED.get(word, "")
        if about is None or not wanted or about.gender in ("", wanted):
            return about
        # The text says "elle" of a man it named ("le maire, Jean Roux, a reçu la ministre
        # Anne Lavie. « … », a-t-elle dit"): the last one of hers, else the last not his.
        recent = [person for person in reversed(self.recent) if person is not about]
        return next((p for p in recent if p.gender == wanted), None) or next(
            (p for p in recent if not p.gender), about
        )

    def resolve(self, phrase: str) -> Speaker | None:
        """The speaker ``phrase`` names, or None when it names nobody."""
        phrase = _trim(phrase)
        if not phrase or len(phrase) > 160:
            return None
        if phrase.lower() in PRONOUNS:
            return self.pronoun(phrase.lower())
        parts = [part.strip() for part in phrase.split(",") if part.strip()]
        speaker = self._named(parts) or self._organisation(parts) or self._unnamed(parts)
        if speaker is not None:
            self._seen(speaker)
        return speaker

    def _named(self, parts: list[str]) -> Speaker | None:
        parts = [part for part in parts if not _organisation_name(part)]
        # "<role>, <Name>" or "<Name>, <role>": the role is the apposition beside the name.
        for index, part in enumerate(parts):
            bare = ARTICLES.sub("", part)
            if PROPER_NAME.fullmatch(bare) and not ORGANISATION_WORDS.search(part):
                titles, words = _split_name(bare)
                if len(words) < 2:
                    continue
                role = parts[index - 1] if index else (parts[1] if len(parts) > 1 else "")
                gender = _gender(part) or _gender(role if index else "")
                role = " ".join(titles) or ARTICLES.sub("", role)
                return self._person(" ".join(words), role, gender)
        for part in parts:
            bare = ARTICLES.sub("", part)
            names = [
                name for name in PROPER_NAME.finditer(bare)
                if not PLACE_BEFORE.search(bare[: name.start()])
            ]  # fmt: skip
            if not names:
                single = re.fullmatch(NAME_WORD, bare)
                if single and not ORGANISATION_WORDS.search(bare):
                    known = self.surnames.get(bare.lower().rstrip("’'s"))
                    if known is not None:
                        return known
                    if bare.lower() not in DEMONYMS and not ACRONYM.fullmatch(bare):
                        return self._person(bare, "")
                continue
            for index, name in enumerate(names):
                if ORGANISATION_WORDS.search(name.group()) or NOT_A_PERSON.search(name.group()):
                    continue
                following = names[index + 1].start() if index + 1 < len(names) else None
                if following is not None and _describes(bare[name.end() : following]):
                    continue  # "Former England captain Andrew Pell"
                titles, words = _split_name(name.group())
                if len(words) < 2:
                    known = self.surnames.get(words[0].lower()) if words else None
                    if known is not None:
                        return known
                    continue
                gender = _gender(" ".join(part[: len(part) - len(bare) + name.end()].split()[-5:]))
                role = " ".join(titles) or bare[: name.start()].strip(" ,")
                return self._person(" ".join(words), ARTICLES.sub("", role), gender)
        return None

    def _organisation(self, parts: list[str]) -> Speaker | None:
        for part in parts:
            located = LOCATIVE.match(part)
            if located and (ORGANISATION_WORDS.search(part) or ACRONYM.search(part)):
                part = part[located.end() :]  # "Au ministère des Transports, on assure"
            elif CIRCUMSTANCE.match(part):
                continue  # "In a statement read outside court": where, not who
            if ORGANISATION_WORDS.search(part) or ACRONYM.search(part) or _organisation_name(part):
                name = re.sub(r"^(?:chez|at)\s+", "", ARTICLES.sub("", part), flags=re.IGNORECASE)
                words = name.lower().split()
                if DEFINITE.match(part) and len(words) == 1 and words[0] in self.bodies:
                    return self.bodies[words[0]]  # "le groupe", "the union": the one named
                return self._body(name)
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
        about = self.focus or self.last
        if short and about is not None:
            return about
        return self._anonymous(part)

    def _body(self, name: str) -> Speaker:
        """An organisation; the kind it was named with ("the union Unison") and its words
        ("le groupe", "l'agence") stand for it later."""
        kind_then_name = KIND_THEN_NAME.search(name)
        kind = ""
        if kind_then_name is not None:  # "the union Unison": Unison
            kind = name[: kind_then_name.start("name")].split()[-1].lower()
            name = kind_then_name["name"]
        # "Agence régionale de santé (ARS) de Nouvelle-Aquitaine": the acronym inside
        name = re.sub(r"\s{0,3}\([A-Z][A-Z0-9]{1,9}\)(?=\s{1,3}\w)", "", name)[:200]
        body = self.bodies.get(make_slug(name)) or Speaker(name, "organization", "")
        self.bodies[make_slug(name)] = body
        for word in [kind, *ROLE_WORD.findall(name.lower())]:
            if word and (ORGANISATION_WORDS.fullmatch(word) or word in ORGANISATION_KINDS):
                self.bodies[word] = body
        return body

    def _anonymous(self, description: str) -> Speaker:
        speaker = Speaker(description, "anonymous", description)
        self.anonymous = [*self.anonymous[-REMEMBERED_ANONYMOUS:], speaker]
        return speaker

    def _person(self, name: str, role: str, gender: str = "") -> Speaker:
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
        speaker.gender = speaker.gender or gender
        for word in ROLE_WORD.finditer(role.lower()):
            if word.group() not in NOT_ROLE_WORDS:
                self.roles[word.group()] = speaker
        return speaker


def _trim(phrase: str) -> str:
    phrase = re.sub(r"^[\s…,—–\-]+|[\s…,—–\-]+$", "", phrase)
    if "…" in phrase:
        phrase = phrase.rsplit("…", 1)[-1].strip(" ,")
    restrictive = RESTRICTIVE.match(phrase)
    if restrictive is not None:  # "a curator who worked on the handover": who they are
        return phrase[: restrictive.end()] + phrase[restrictive.end() :].split(",")[0].rstrip()
    return TRAILING.sub("", phrase).strip(" ,")


def _titles(name: str) -> list[str]:
    """The title words glued before a name: "Housing Secretary" in "Housing Secretary
    Rachel Osei"."""
    return _split_name(name)[0]


def _split_name(run: str) -> tuple[list[str], list[str]]:
    """A capitalised run's words glued before the name (titles, roles, nationality, age,
    a party's acronym, a preposition that starts the sentence), and the name's words less a
    possessive after it: "Brazil’s Lucas Mendes" is Lucas Mendes, "Trade Minister Colette
    Rivard" Colette Rivard, "LFI Thomas Verdier" Thomas Verdier, "Selon Météo-France"
    Météo-France."""
    words = ARTICLES.sub("", run).split()
    titles: list[str] = []
    while words:
        first = words[0]
        if len(words) > 1 and first.lower() in FUNCTION_WORDS:
            words.pop(0)  # not a title: "Selon", "Au"
        elif _strippable(words) or (
            len(words) > 2 and (ACRONYM_WORD.fullmatch(first) or AGE_WORD.fullmatch(first))
        ):
            titles.append(words.pop(0))
        else:
            break
    if len(words) > 2:  # a title among the words before the last two: all of them go
        cut = max((i for i, word in enumerate(words[:-2]) if _is_title(word)), default=-1)
        titles += words[: cut + 1]
        words = words[cut + 1 :]
    if words:
        words[-1] = re.sub(r"['’]s?$", "", words[-1])
    if len(words) > 1 and any(ACRONYM_WORD.fullmatch(word) for word in words):
        return titles, []  # "Délégué CGT", "ONG Oxfam": a body or a role, not a name
    if len(words) > 1 and all(_is_title(word) for word in words):
        return [*titles, *words], []  # "The Prime Minister": a role, not a name
    return titles, [word for word in words if word]


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
    return _split_name(run)[1]


def _describes(between: str) -> bool:
    """Whether the lower-case words between two capitalised runs make the first describe
    the second: " captain " in "Former England captain Andrew Pell"."""
    glue = GLUE.fullmatch(between)
    return glue is not None and any(word in TITLES for word in glue["words"].split())


def _organisation_name(part: str) -> bool:
    """ "Transport for Greater Manchester", "The Dairy Farmers of Canada": a body's name,
    not a person's with words after it ("Mark Hollis of Imperial College" keeps his)."""
    bare = ARTICLES.sub("", part.strip())
    chain = ORGANISATION_CHAIN.match(bare)
    if chain is None:
        return False
    if chain["link"].lower() in ("for", "pour"):
        return True
    return bool(re.match(r"the\s", part.strip(), re.IGNORECASE)) and not _is_title(bare.split()[0])


def _gender(phrase: str) -> str:
    """The gender the determiner or title nearest before the name in ``phrase`` gives ("la
    ministre", "le député", "Mrs Marsh"), one of a complement skipped ("le gouverneur de la
    région, X" is his), or "" when it gives none."""
    words = re.findall(r"\w+", phrase.lower().replace("’", "'").replace("l'", " "))[-GENDER_WORDS:]
    for index in range(len(words) - 1, -1, -1):
        if index and words[index - 1] in ("de", "à", "of", "for", "pour"):
            continue
        if words[index] in FEMININE:
            return "f"
        if words[index] in MASCULINE:
            return "m"
    return ""
