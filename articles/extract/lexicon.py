"""Word lists that say what a word beside a name is: a title, a nationality, a pronoun."""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that stand before a name without being part of it: titles, roles, nationalities.
TITLES = words(
    """m mme mlle me dr pr prof professor professeur mr mrs ms sir dame lord lady judge juge
    president président présidente prime minister ministre secretary senator sénateur
    sénatrice governor gouverneur mayor maire chancellor chief executive leader majority
    minority senate house housing health home foreign environment education transport
    justice defence defense finance treasury interior guitarist singer chanteur chanteuse
    coach captain capitaine prosecutor councillor inspector sergeant general général colonel
    commander commandant bishop father saint former ancien ancienne manager director
    directeur directrice spokesman spokeswoman spokesperson officer detective constable
    superintendent doctor nurse professor rabbi imam pastor reverend rev chairman chairwoman
    chair deputy shadow junior senior local republican democrat democratic conservative
    labour liberal green maître maitre"""
)
DEMONYMS = words(
    """français française breton bretonne danois danoise allemand allemande belge suisse
    italien italienne espagnol espagnole américain américaine britannique anglais anglaise
    norvégien norvégienne suédois suédoise néerlandais néerlandaise russe ukrainien
    ukrainienne polonais polonaise portugais portugaise brésilien brésilienne argentin
    argentine canadien canadienne japonais japonaise chinois chinoise marocain marocaine
    algérien algérienne tunisien tunisienne sénégalais sénégalaise german french british
    american danish norwegian dutch spanish italian irish scottish welsh english australian
    brazilian canadian swedish swiss belgian polish russian ukrainian japanese chinese
    indian nigerian kenyan frenchman englishman dane swede norwegian scot welshman"""
)
# Titles that stand before a surname alone: "Mr Smith", "Dr Okafor".
SHORT_TITLES = words("m mme mlle me dr pr prof mr mrs ms sir dame lord lady")
PRONOUNS = words("il elle ils elles he she they lui him her we nous i je")
# Words of a role that do not say what the role is.
NOT_ROLE_WORDS = words(
    """avec dans pour sans sous chez with from that this their than then also près after avant
    après lors during"""
)
