"""What the words of a phrase say about a name, whoever the article has named: the name in
"Trade Minister Colette Rivard" (Colette Rivard, her titles before it), whether a capitalised
run is a place, a body or a person, what trails a speaker's description, the gender a
determiner or title gives. Rules only: ``speakers.Cast`` remembers who was named. Every
phrase given here is bounded (at most a few hundred characters)."""

from __future__ import annotations

import re

from articles.extract.lexicon import (
    DEMONYMS,
    FUNCTION_WORDS,
    SHORT_TITLES,
    TITLES,
    UNNAMED_ROLES,
)

NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’\-]{1,30}"
PARTICLE = r"(?:de|du|des|van|von|der|den|ten|ter|da|di|dos|del|al|bin|ibn|la)"
# "Ursula von der Leyen", "Erik ten Hag": a name's next word, up to two particles before it.
_NEXT_NAME_WORD = rf"\s{{1,3}}(?:{PARTICLE}\s{{1,3}}){{0,2}}{NAME_WORD}"
PROPER_NAME = re.compile(rf"{NAME_WORD}(?:{_NEXT_NAME_WORD}){{1,5}}")
CAPITALISED = re.compile(rf"{NAME_WORD}(?:{_NEXT_NAME_WORD}){{0,5}}")
# "M. Dupont", "Mrs Okafor", "Dr. Chen": a title that stands before a surname alone.
SHORT_TITLED = re.compile(
    r"(?P<title>M|Mme|Mlle|Me|Dr|Pr|Prof|Mr|Mrs|Ms|Miss|Sir|Dame|Lord|Lady)\.?\s{1,3}"
    rf"(?P<name>{NAME_WORD}(?:{_NEXT_NAME_WORD}){{0,3}})"
)
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
ARTICLES = re.compile(
    r"^(?:(?:le|la|les|un|une|des|the|a|an|son|sa|ses|cet|cette|ce|its|his|her|their|leur)\s+"
    r"|l['’]\s*)",
    re.IGNORECASE,
)
ROLE_WORD = re.compile(r"[\w'’\-]{4,40}")  # a word of a role or of a body's name
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
    r"west|nord|sud|est|ouest|grand|reef|récif|glacier|valley|vallée|canyon|gulf|golfe|"
    r"massif|peninsula)\b",
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
_DAYS = (
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd['’]hui|Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today"
)
# When, said between the verb and its speaker: "a annoncé mercredi soir Santé publique
# France", "a déclaré hier le ministre", "said on Tuesday the minister".
LEADING_TIME = re.compile(
    rf"(?:(?:on\s{{1,3}})?(?:{_DAYS})(?:\s{{1,3}}(?:matin|soir|après-midi|midi|dernier|"
    r"morning|evening|night|afternoon))?(?:\s{1,3}|$))?"
)
# Whom the words were said to, between the verb and its speaker: "a confié à l'AFP un
# médecin", "estime auprès du Monde la directrice", "told the BBC a spokesman".
LEADING_ADDRESSEE = re.compile(
    r"(?:(?:auprès\s{1,3}(?:de\s{1,3}(?:la\s{1,3}|l['’]\s{0,3})?|du\s{1,3}|des\s{1,3}|d['’]\s{0,3})"
    r"|à\s{1,3}(?:la\s{1,3}|l['’]\s{0,3})?|au\s{1,3}|aux\s{1,3}|to\s{1,3}(?:the\s{1,3})?)"
    r"(?:presse|journalistes|reporters|journalists|[A-Z][\w'’\-]{0,30}(?:\s{1,3}[A-Z][\w'’\-]{0,30})"
    r"{0,2})\s{1,3}(?=(?:un|une|le|la|les|son|sa|ses|a|an|the|one)\s|l['’]))?"
)
# An unnamed source described by a relative clause without a comma says who it is by it.
RESTRICTIVE = re.compile(
    r"^(?:un|une|a|an|one)\s[\w'’ \-]{1,60}?\s(?:who|qui)\s(?=\w)", re.IGNORECASE
)
# A clause before the speaker that says when, where or how they spoke, not who: "Later,
# speaking to reporters, Whitfield said", "Interrogée sur France Inter, la ministre a
# assuré", "Dans un communiqué publié lundi, l'entreprise explique".
LEADING_CIRCUMSTANCE = re.compile(
    r"^(?:(?i:later|earlier|afterwards|meanwhile|yesterday|plus\s{1,3}tard|ensuite|hier|"
    r"interrog[ée]e?s?|questionn[ée]e?s?|invit[ée]e?s?|contact[ée]e?s?|jointe?s?|"
    r"sollicit[ée]e?s?|asked|pressed|questioned|interviewed|reached|contacted)(?![\w'’\-])"
    r"|[A-Za-z]{2,20}ing\s{1,3}(?=[a-z])"
    r"|(?i:in|at|on|after|before|during|outside|inside|dans|lors|après|avant|depuis|devant|"
    r"en|sur)\s)[^,]{0,150},\s{1,3}(?=\S)"
)
PORTFOLIO_OF = re.compile(
    r"(?<![\w'’\-])(?P<title>[a-zà-ÿ][\w\-]{1,20})\s{1,3}(?:de|du|des|d['’]|of|for)"
    r"\s{0,3}(?:la\s{1,3}|l['’]\s{0,3}|the\s{1,3})?$"
)
# The role in apposition before a name ("Its chief executive, Ann Bell") or after it
# ("Sarah Jones, a teacher,").
APPOSED_ROLE = re.compile(
    r"(?:^|[,;:.!?(])\s{0,3}(?P<role>(?:(?i:the|its|his|her|their|le|la|les|son|sa|ses|leur)"
    r"\s{1,3}|(?i:l['’])\s{0,3})[a-zà-ÿ][^,;:.!?]{1,60}?),\s{1,3}$"
)
APPOSED_ROLE_AFTER = re.compile(
    r",\s{1,3}(?P<role>(?i:a|an|the|un|une|le|la|l['’])\s{0,3}[a-zà-ÿ][^,;:.!?()]{1,60}?)\s{0,3}[,;]"
)
ROLE_NOUNS = "|".join(sorted(UNNAMED_ROLES, key=len, reverse=True))
# A name used as an adjective before a role: "a senior White House official", "a Downing
# Street source" are somebody unnamed, not White House or Downing Street.
ATTRIBUTIVE_BEFORE = re.compile(
    r"(?:^|\s)(?i:a|an|one|two|three|several|the|un|une)\s{1,3}(?:[a-z][\w\-]{1,20}\s{1,3}){0,2}$"
)
ATTRIBUTIVE_END = re.compile(rf"[A-Z][\w'’\-]*\s{{1,3}}(?:{ROLE_NOUNS})$")
ATTRIBUTIVE_AFTER = re.compile(rf"\s{{1,3}}(?:{ROLE_NOUNS})(?![\w\-])")
GENDER_WORDS = 8
FEMININE = frozenset(["la", "une", "cette", "mme", "mrs", "ms", "miss", "madame", "lady", "dame"])
MASCULINE = frozenset(["le", "un", "cet", "m", "mr", "monsieur", "sir", "lord"])


def trim(phrase: str) -> str:
    phrase = re.sub(r"^[\s…,—–\-]+|[\s…,—–\-]+$", "", phrase)
    if "…" in phrase:
        phrase = phrase.rsplit("…", 1)[-1].strip(" ,")
    phrase = re.sub(r"^(?i:but|and|yet|mais|et)\s{1,3}(?=\S)", "", phrase)  # "But the union"
    phrase = phrase[LEADING_TIME.match(phrase).end() :]  # "a annoncé mercredi Santé publique…"
    phrase = phrase[LEADING_ADDRESSEE.match(phrase).end() :]  # "estime auprès de l'AFP un…"
    restrictive = RESTRICTIVE.match(phrase)
    if restrictive is not None:  # "a curator who worked on the handover": who they are
        return phrase[: restrictive.end()] + phrase[restrictive.end() :].split(",")[0].rstrip()
    return TRAILING.sub("", phrase).strip(" ,")


def without_circumstance(phrase: str) -> str:
    """``phrase`` less the clauses before its speaker that say when, where or how they
    spoke ("Later, speaking to reporters in Westminster, Whitfield": Whitfield)."""
    for _ in range(3):
        lead = LEADING_CIRCUMSTANCE.match(phrase)
        if lead is None:
            break
        phrase = phrase[lead.end() :]
    return phrase


def titles_before(name: str) -> list[str]:
    """The title words glued before a name: "Housing Secretary" in "Housing Secretary
    Rachel Osei"."""
    return split_name(name)[0]


def split_name(run: str) -> tuple[list[str], list[str]]:
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
        cut = max((i for i, word in enumerate(words[:-2]) if is_title(word)), default=-1)
        titles += words[: cut + 1]
        words = words[cut + 1 :]
    if words:
        words[-1] = re.sub(r"['’]s?$", "", words[-1])
    if len(words) > 1 and any(ACRONYM_WORD.fullmatch(word) for word in words):
        return titles, []  # "Délégué CGT", "ONG Oxfam": a body or a role, not a name
    if len(words) > 1 and all(is_title(word) for word in words):
        return [*titles, *words], []  # "The Prime Minister": a role, not a name
    return titles, [word for word in words if word]


def _strippable(words: list[str]) -> bool:
    """Whether the first word is a title to strip: a name keeps two words unless its title
    is one that stands before a surname alone ("Dr Okafor")."""
    if len(words) > 2:
        return is_title(words[0])
    return len(words) == 2 and words[0].lower().strip(".") in SHORT_TITLES


def is_title(word: str) -> bool:
    lowered = word.lower().strip(".")
    return lowered in TITLES or lowered in DEMONYMS or bool(re.search(r"['’]s$", word))


def name_words(run: str) -> list[str]:
    return split_name(run)[1]


def after_portfolio(before: str, words: list[str]) -> list[str]:
    """A name's words less the portfolio or place of the title before it: after "le
    ministre de l'", "Intérieur Paul Garnier" is Paul Garnier; "the mayor of" likewise."""
    if len(words) < 3:
        return words
    title = PORTFOLIO_OF.search(before[-60:])
    return words[1:] if title is not None and title["title"] in TITLES else words


def names_a_body(run: str) -> bool:
    """Whether a capitalised run names a body or a place ("Wales Cricket Board", "Water
    Lane"); a body's words in a title before a name do not ("European Commission President
    Ursula von der Leyen", "Police Chief Constable Sarah Crew" are people)."""
    titles, words = split_name(run)
    titled = len(words) > 1 and any(title.lower().strip(".") in TITLES for title in titles)
    named = " ".join(words) if titled else run
    return bool(ORGANISATION_WORDS.search(named) or NOT_A_PERSON.search(named))


def describes(between: str) -> bool:
    """Whether the lower-case words between two capitalised runs make the first describe
    the second: " captain " in "Former England captain Andrew Pell"."""
    glue = GLUE.fullmatch(between)
    return glue is not None and any(word in TITLES for word in glue["words"].split())


def organisation_name(part: str) -> bool:
    """ "Transport for Greater Manchester", "The Dairy Farmers of Canada": a body's name,
    not a person's with words after it ("Mark Hollis of Imperial College" keeps his)."""
    bare = ARTICLES.sub("", part.strip())
    chain = ORGANISATION_CHAIN.match(bare)
    if chain is None:
        return False
    if chain["link"].lower() in ("for", "pour"):
        return True
    return bool(re.match(r"the\s", part.strip(), re.IGNORECASE)) and not is_title(bare.split()[0])


def gender_of(phrase: str) -> str:
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
