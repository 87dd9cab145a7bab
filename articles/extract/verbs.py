"""Verbs that attribute words to a speaker, in French and English, in the forms news
sentences use: "a déclaré", "a-t-il tempéré", "confie-t-elle", "s'indigne-t-il",
"indiquait-elle", "se félicite-t-on", "s'est félicité"; "said", "has warned", "joked"."""

from __future__ import annotations

import re

# French: present (3rd person singular) and past participle.
FRENCH = """
déclare:déclaré affirme:affirmé indique:indiqué explique:expliqué assure:assuré
estime:estimé ajoute:ajouté rapporte:rapporté précise:précisé souligne:souligné
annonce:annoncé dit:dit confie:confié martèle:martelé prévient:prévenu reconnaît:reconnu
reconnait:reconnu avertit:averti insiste:insisté sourit:souri tempère:tempéré tonne:tonné
glisse:glissé lâche:lâché lance:lancé raconte:raconté poursuit:poursuivi continue:continué
conclut:conclu résume:résumé tranche:tranché juge:jugé observe:observé note:noté
relève:relevé rappelle:rappelé détaille:détaillé justifie:justifié dénonce:dénoncé
regrette:regretté déplore:déploré admet:admis avoue:avoué confirme:confirmé dément:démenti
répond:répondu réplique:répliqué rétorque:rétorqué ironise:ironisé indigne:indigné
emporte:emporté agace:agacé inquiète:inquiété réjouit:réjoui félicite:félicité
souffle:soufflé murmure:murmuré exclame:exclamé écrie:écrié commente:commenté
analyse:analysé décrit:décrit promet:promis prédit:prédit avance:avancé plaide:plaidé
soutient:soutenu défend:défendu salue:salué fustige:fustigé critique:critiqué
accuse:accusé appelle:appelé demande:demandé réclame:réclamé exhorte:exhorté
relativise:relativisé nuance:nuancé savoure:savouré peste:pesté amuse:amusé
désole:désolé soupire:soupiré constate:constaté témoigne:témoigné révèle:révélé
pense:pensé croit:cru espère:espéré craint:craint qualifie:qualifié évoque:évoqué
écrit:écrit renchérit:renchéri enchaîne:enchaîné reprend:repris clame:clamé
proclame:proclamé assène:asséné concède:concédé voit:vu exprime:exprimé assume:assumé
alarme:alarmé prône:prôné interroge:interrogé s'interroge:interrogé avertit:averti
signale:signalé informe:informé confesse:confessé explicite:explicité tweete:tweeté
réagit:réagi plaisante:plaisanté enthousiasme:enthousiasmé étonne:étonné insurge:insurgé
raille:raillé interpelle:interpellé alerte:alerté rassure:rassuré relate:relaté
répète:répété réitère:réitéré suggère:suggéré jure:juré abonde:abondé offusque:offusqué
"""
# Imperfects not made from an "-er" participle.
FRENCH_IMPERFECT = "disait souriait prévenait reconnaissait écrivait poursuivait concluait"
ENGLISH_PAST = """
said told added stated explained warned insisted announced declared noted admitted conceded
joked laughed recalled argued claimed cautioned confirmed denied replied responded wrote
tweeted posted beamed smiled quipped fumed complained urged called hailed welcomed praised
criticised criticized described predicted promised vowed pledged suggested acknowledged
observed remarked reflected revealed reported stressed emphasised emphasized asserted
maintained continued concluded agreed asked shouted whispered sighed grumbled lamented
boasted countered retorted blamed believed thought wondered recounted testified
mused enthused snapped exclaimed muttered murmured chuckled protested pleaded confided
alleged contended reasoned speculated reiterated repeated echoed clarified assured
commented groaned
"""
ENGLISH_PRESENT = """
says tells adds notes explains warns insists writes recalls argues admits concedes
describes calls believes thinks claims suggests agrees recounts
"""
ENGLISH_PHRASES = ["pointed out", "went on", "points out", "goes on"]


def _alternatives(words) -> str:
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


_pairs = [pair.split(":") for pair in FRENCH.split()]
_presents = [present for present, _ in _pairs] + ["fait valoir", "met en garde"]
_participles = [participle for _, participle in _pairs] + ["fait valoir", "mis en garde"]
_imperfects = [p[:-1] + "ait" for p in _participles if p.endswith("é")] + FRENCH_IMPERFECT.split()
_plurals = [p + "nt" for p in _presents if p.endswith("e") and " " not in p]
_INVERSION = r"(?:(?:-t)?-(?:il|elle|on|ils|elles))"
_AUXILIARY = (
    r"(?:a-t-(?:il|elle|on)|ont-(?:ils|elles)|avait-(?:il|elle|on)|aurait-(?:il|elle)"
    r"|avaient|avait|aurait|ont|a|s['’]est|se\s{1,3}sont|s['’]était)"
)
_BETWEEN = r"(?:\s{1,3}[a-zàâçéèêëîïôûù’'\-]{2,15}){0,3}?"  # adverbs: "a aussitôt dénoncé"
FRENCH_SAYING = (
    rf"{_AUXILIARY}{_BETWEEN}\s{{1,3}}(?:{_alternatives(_participles)})(?:es|e|s)?"
    rf"|(?:s['’]|se\s{{1,3}})?(?:{_alternatives(_presents + _plurals)}){_INVERSION}?"
    rf"|(?:s['’]|se\s{{1,3}})?(?:{_alternatives(_imperfects)}){_INVERSION}?"
)
ENGLISH_SAYING = (
    rf"(?:(?:has|have|had)\s{{1,3}})?(?:{_alternatives(ENGLISH_PAST.split() + ENGLISH_PHRASES)})"
    rf"|{_alternatives(ENGLISH_PRESENT.split())}"
)
SAYING = rf"(?<![\w'’\-])(?:{FRENCH_SAYING}|{ENGLISH_SAYING})(?![\w\-])"
VERB = re.compile(SAYING)
INVERTED = re.compile(r"-(?:t-)?(?P<pronoun>il|elle|on|ils|elles)$")
