"""Who a phrase names, in the article read so far: "Bolton manager Dean Morris" is Dean
Morris (the manager), "Trade Minister Colette Rivard" Colette Rivard, "the union Unison"
Unison, "in Cape Town" nobody; "Okafor", "he", "the judge" and "la productrice" are the one
the text is about (the last quotation's speaker, a sentence's subject) or named before;
"un haut responsable" is an anonymous source, and a later "le responsable" is the same one.
The rules on a phrase's own words (titles, places, bodies, gender) are ``name_rules``;
the bodies named in passing, for "the association" to stand for, are ``bodies``; ``Cast``
remembers who the article named. Every phrase given here is bounded (at most a
few hundred characters)."""

from __future__ import annotations

import re

from articles.extract.bodies import Bodies, name_less_predicate
from articles.extract.lexicon import (
    DEMONYMS,
    NOT_ROLE_WORDS,
    PRONOUNS,
)
from articles.extract.name_rules import (
    ACRONYM,
    APPOSED_ROLE,
    APPOSED_ROLE_AFTER,
    ARTICLES,
    ATTRIBUTIVE_AFTER,
    ATTRIBUTIVE_BEFORE,
    ATTRIBUTIVE_END,
    CAPITALISED,
    DEFINITE,
    NAME_WORD,
    NOT_A_PERSON,
    ORGANISATION_WORDS,
    PLACE_BEFORE,
    PROPER_NAME,
    ROLE_WORD,
    SHORT_TITLED,
    after_portfolio,
    describes,
    gender_of,
    is_title,
    name_words,
    names_a_body,
    organisation_name,
    split_name,
    titles_before,
    trim,
    without_circumstance,
)
from articles.extract.speaker import Speaker
from articles.extract.verbs import VERB
from articles.text import make_slug

# "a nurse at the hospital", "une employée dans la boutique": somebody who works there.
SOMEBODY_AT = re.compile(
    r"(?:a|an|one|un|une)\s{1,3}(?:[\w'’\-]{1,20}\s{1,3}){1,3}?(?:at|in|à|au|aux|dans)\s",
    re.IGNORECASE,
)
# "Mendes’s", "Ofwat's": a possessive name (its next noun is somebody else).
POSSESSIVE = re.compile(r"['’]s?$")
# "Au ministère des Transports", "chez Renault", "at the Treasury": where, before a body.
LOCATIVE = re.compile(r"^(?:au|aux|à\s{1,3}la|à\s{1,3}l['’]|chez|at\s{1,3}the|at)\s{0,3}", re.I)
# "the mayor", "la productrice", "Ofwat's chief executive": a role said again, definite.
_DETERMINER = r"the|le|la|les|this|ce|cette|his|her|its|their|son|sa|ses|leur"
DEFINITE_BEFORE = re.compile(
    rf"(?:(?<![\w'’])(?:(?:{_DETERMINER})(?:\s{{1,3}}[\w'’\-]+)?\s{{1,3}}|l['’]\s{{0,3}})"
    r"|['’]s\s{1,3})$",
    re.IGNORECASE,
)
INDEFINITE = re.compile(r"^(?:un|une|des|a|an|one)\s", re.IGNORECASE)
AGE = re.compile(
    r",?\s{1,3}(?:de\s{1,3})?\d{1,3}\s{1,3}ans\b|,\s{1,3}(?:aged\s{1,3})?\d{1,3}(?=,|$)"
)
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
SUBJECT_PRONOUNS = frozenset({"il", "elle", "ils", "elles", "he", "she", "they"})
RECENT = 10
PERSONAL = frozenset({"he", "she", "him", "her"})
REMEMBERED_ANONYMOUS = 50  # looked back over when a role is said again


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
        self.bodies = Bodies()
        self.subject_in_sentence: Speaker | None = None
        self.subject_before: Speaker | None = None

    # --- reading ----------------------------------------------------------------------------

    def next_sentence(self) -> None:
        self.bodies.sentences += 1
        self.mentioned_before, self.mentioned_in_sentence = self.mentioned_in_sentence, None
        self.subject_before, self.subject_in_sentence = self.subject_in_sentence, None

    def spoke(self, speaker: Speaker) -> None:
        """``speaker`` said the quotation just read: the one the text is about now."""
        self.focus = speaker
        if self.bodies.bare is not None and self.bodies.bare[0] is speaker:
            self.bodies.bare = None  # a person who spoke is not the company said next

    def named_before(self) -> Speaker | None:
        """Who a sentence that is only a quotation belongs to: the subject of the sentence
        before, else the last one it named."""
        return self.subject_before or self.mentioned_before

    def observe(self, text: str, *, sentence_start: bool = False) -> None:
        """Remember who ``text`` (words outside quotations) names, the last one last."""
        self.bodies.read(text)  # for a later "the association", "l'organisation"
        subject = self._subject(text[:200]) if sentence_start else None
        mentions: list[tuple[int, Speaker]] = []
        possessives: set[int] = set()
        runs = list(CAPITALISED.finditer(text))
        for index, run in enumerate(runs):
            following = runs[index + 1].start() if index + 1 < len(runs) else None
            if following is not None and describes(text[run.end() : following]):
                continue  # "Greater Manchester mayor Karen Whitlow": Karen Whitlow
            before = text[max(0, run.start() - 60) : run.start()]
            if ATTRIBUTIVE_BEFORE.search(before) and ATTRIBUTIVE_AFTER.match(text, run.end()):
                continue  # "a senior White House official": somebody unnamed
            speaker = self._mention(run.group(), before)
            if speaker is not None:
                mentions.append((run.start(), speaker))
                apposed = APPOSED_ROLE_AFTER.match(text, run.end())
                if apposed and speaker.kind == "person" and not speaker.description:
                    self._person(speaker.name, ARTICLES.sub("", apposed["role"]))  # ", a nurse,"
                if POSSESSIVE.search(run.group()):
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
            self.bodies.sentence_led_by(text, subject)

    def _seen(self, speaker: Speaker) -> None:
        self.last = self.mentioned_in_sentence = speaker
        if speaker.kind == "person":
            self.last_person = speaker
            self.recent = [*(p for p in self.recent[-RECENT:] if p is not speaker), speaker]

    def _mention(self, run: str, before: str) -> Speaker | None:
        words = after_portfolio(before, name_words(run))
        if len(words) == 1:
            return self.surnames.get(words[0].lower())
        if not words or names_a_body(run) or NOT_A_PERSON.search(" ".join(words)):
            return None
        # a possessive before the name is not a title ("on Australia's Great Barrier Reef")
        role = " ".join(word for word in titles_before(run) if not POSSESSIVE.search(word))
        cue = " ".join([*re.split(r"[;:.!?]", before)[-1].split()[-6:], run])
        known = make_slug(" ".join(words)) in self.people
        if PLACE_BEFORE.search(before) and not role and not known:
            return None  # "in Cape Town", "on Water Lane": a place ("on Prime Minister X": him)
        if not role:  # "Republican senator Curtis Boone": the words glued before the name
            glued = re.split(r"[,;:.!?]", before)[-1].split()[-3:]
            while glued and not is_title(glued[0]):
                glued.pop(0)
            role = " ".join(glued)
        if not role:  # "Its chief executive, Ann Bell, …": the apposition before the name
            apposed = APPOSED_ROLE.search(before)
            role = ARTICLES.sub("", apposed["role"]) if apposed else ""
        return self._person(" ".join(words), role, gender_of(cue))

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
        if not phrase or len(phrase.split()) > SUBJECT_WORDS_MOST:
            return None
        if PROPER_NAME.search(phrase) and not ATTRIBUTIVE_END.search(phrase):
            return None  # a name, but "A senior White House official" is nobody's
        if ORGANISATION_WORDS.search(phrase) and DEFINITE.match(phrase):
            body = self.bodies.said_again(phrase) or self.bodies.add(ARTICLES.sub("", phrase))
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
        """The speaker ``phrase`` names, or None when it names nobody; a clause before the
        speaker saying when or where they spoke is not read unless nobody is named without
        it ("Au ministère des Transports, on assure": the ministry)."""
        phrase = re.sub(r"^[\s…,—–\-]+", "", phrase)
        bare = without_circumstance(phrase)
        return (bare != phrase and self._resolve(bare)) or self._resolve(phrase)

    def _resolve(self, phrase: str) -> Speaker | None:
        phrase = trim(phrase)
        if not phrase or len(phrase) > 160:
            return None
        if phrase.lower() in PRONOUNS:
            return self.pronoun(phrase.lower())
        first = phrase.split(maxsplit=1)[0].lower()
        if first in SUBJECT_PRONOUNS and " " in phrase:  # "Elle désigne la moraine : « … »"
            return self.pronoun(first)
        parts = [part.strip() for part in phrase.split(",") if part.strip()]
        speaker = self._named(parts) or self._organisation(parts) or self._unnamed(parts)
        if speaker is not None:
            self._seen(speaker)
        return speaker

    def _named(self, parts: list[str]) -> Speaker | None:
        parts = [part for part in parts if not organisation_name(part)]
        for part in parts:  # "M. Dupont", "Mrs Okafor": the surname, known or not
            titled = SHORT_TITLED.fullmatch(ARTICLES.sub("", part))
            if titled is not None:
                name, gender = titled["name"], gender_of(titled["title"])
                if " " in name:
                    return self._person(name, titled["title"], gender)
                known = self.surnames.get(name.lower()) or self.people.get(make_slug(name))
                return known or self._person(name, titled["title"], gender)
        # "<role>, <Name>" or "<Name>, <role>": the role is the apposition beside the name.
        for index, part in enumerate(parts):
            bare = ARTICLES.sub("", part)
            if PROPER_NAME.fullmatch(bare) and not ORGANISATION_WORDS.search(part):
                titles, words = split_name(bare)
                if len(words) < 2:
                    continue
                role = parts[index - 1] if index else (parts[1] if len(parts) > 1 else "")
                gender = gender_of(part) or gender_of(role if index else "")
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
                if names_a_body(name.group()):
                    continue
                following = names[index + 1].start() if index + 1 < len(names) else None
                if following is not None and describes(bare[name.end() : following]):
                    continue  # "Former England captain Andrew Pell"
                titles, words = split_name(name.group())
                words = after_portfolio(bare[: name.start()], words)
                if len(words) < 2:
                    known = self.surnames.get(words[0].lower()) if words else None
                    if known is not None:
                        return known
                    continue
                before_name = part[: len(part) - len(bare) + name.end()]
                gender = gender_of(" ".join(before_name.split()[-5:]))
                role = " ".join(titles) or bare[: name.start()].strip(" ,")
                return self._person(" ".join(words), ARTICLES.sub("", role), gender)
        return None

    def _organisation(self, parts: list[str]) -> Speaker | None:
        for part in parts:
            again = self.bodies.said_again(part)
            if again is not None:  # "le groupe", "the union", "l'entreprise"
                return again
            located = LOCATIVE.match(part)
            if located and (ORGANISATION_WORDS.search(part) or ACRONYM.search(part)):
                part = part[located.end() :]  # "Au ministère des Transports, on assure"
            elif CIRCUMSTANCE.match(part):
                continue  # "In a statement read outside court": where, not who
            if SOMEBODY_AT.match(part):
                continue  # "a nurse at the hospital": somebody who works there, unnamed
            if ORGANISATION_WORDS.search(part) or ACRONYM.search(part) or organisation_name(part):
                name = re.sub(r"^(?:chez|at)\s+", "", ARTICLES.sub("", part), flags=re.IGNORECASE)
                return self.bodies.add(name_less_predicate(name))
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
