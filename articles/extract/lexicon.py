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
    labour liberal green maître maitre minister député députée deputy mp mep
    secrétaire premier première adjoint adjointe conseiller conseillère élu élue
    pensioner retiree retired resident student teacher pupil farmer worker campaigner
    activist shopkeeper trader owner landlord tenant grandmother grandfather mother mum
    dad widow nurse midwife paramedic firefighter driver commuter passenger fan supporter
    veteran voter parent survivor lawyer barrister solicitor avocat avocate economist
    analyst scientist researcher professor chercheur chercheuse économiste retraité
    retraitée habitant habitante étudiant étudiante enseignant enseignante agriculteur
    agricultrice éleveur éleveuse salarié salariée ouvrier ouvrière militant militante
    commerçant commerçante riverain riveraine médecin infirmier infirmière docteur
    entraîneur entraineur sélectionneur joueur joueuse attaquant défenseur gardien
    striker midfielder defender goalkeeper winger batsman bowler skipper boss
    délégué déléguée ceo cfo coo pdg dg patron patronne fondateur fondatrice founder
    cofounder co-founder
    chief head vice acting interim opposition cabinet party trade economy culture sports
    sport energy climate digital agriculture labor commerce"""
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
    indian nigerian kenyan frenchman englishman dane swede norwegian scot welshman
    colombien colombienne mexicain mexicaine chilien chilienne péruvien péruvienne
    vénézuélien vénézuélienne cubain cubaine australien australienne néo-zélandais
    néo-zélandaise sud-africain sud-africaine nigérian nigériane kényan kényane
    éthiopien éthiopienne égyptien égyptienne ivoirien ivoirienne camerounais camerounaise
    congolais congolaise malien malienne turc turque grec grecque autrichien autrichienne
    hongrois hongroise tchèque slovaque slovène croate serbe roumain roumaine bulgare
    finlandais finlandaise islandais islandaise irlandais irlandaise écossais écossaise
    gallois galloise israélien israélienne palestinien palestinienne libanais libanaise
    syrien syrienne iranien iranienne irakien irakienne saoudien saoudienne indien
    indienne pakistanais pakistanaise coréen coréenne sud-coréen sud-coréenne vietnamien
    vietnamienne thaïlandais thaïlandaise indonésien indonésienne philippin
    colombian mexican chilean peruvian venezuelan cuban argentinian argentine
    new-zealander kiwi african ethiopian egyptian ghanaian ivorian cameroonian
    congolese malian turkish greek austrian hungarian czech slovak slovenian croatian
    serbian romanian bulgarian finnish icelandic israeli palestinian lebanese syrian
    iranian iraqi saudi pakistani korean south-korean vietnamese thai indonesian
    filipino portuguese jamaican croat turk spaniard dutchman dutchwoman frenchwoman
    englishwoman scotsman scotswoman welshwoman irishman irishwoman briton"""
)
# Words that start a sentence or a phrase without being part of a name beside them:
# "Selon Météo-France", "According Sarah Lind", "After Holt".
FUNCTION_WORDS = words(
    """selon au aux à a pour chez dans en in at for from according after before when
    while but and et mais quand lors après avant since depuis with avec sans without as
    comme if si by par to on sur of de du des le la les the an un une this that ce cet
    cette ces then puis alors also aussi even même yet still toujours meanwhile
    however cependant pourtant ainsi thus so donc asked interrogé interrogée face like"""
)
# Words for a kind of body that stand before its name: "the union Unison", "l'ONG Oxfam".
ORGANISATION_KINDS = words(
    """union unions syndicat ong ngo charity association organisation organization group
    groupe firm company société entreprise lobby party parti agency agence campaign
    campaigners think-tank tank institute institut fondation foundation federation
    fédération collectif collective network réseau club coalition movement mouvement
    regulator watchdog operator opérateur airline carrier retailer chain chaîne bank
    banque insurer assureur broadcaster publisher label studio coopérative cooperative
    fabricant constructeur équipementier manufacturer maker carmaker chipmaker producer
    producteur distributeur enseigne start-up startup laboratoire brewer brasseur"""
)
# Words for any body, said again for the one just named: "l'entreprise", "the organisation".
GENERIC_BODY_WORDS = words("organisation organization entreprise company firm société body")
# Roles a name stands before as an adjective: "a senior White House official".
UNNAMED_ROLES = words(
    """official officials source sources spokesman spokeswoman spokesperson aide aides adviser
    advisers advisor insider insiders staffer staffers employee employees executive officer
    officers diplomat diplomats negotiator negotiators representative minister ministers"""
)
# Titles that stand before a surname alone: "Mr Smith", "Dr Okafor".
SHORT_TITLES = words("m mme mlle me dr pr prof mr mrs ms sir dame lord lady")
PRONOUNS = words("il elle ils elles he she they lui him her we nous i je")
# Words of a role that do not say what the role is.
NOT_ROLE_WORDS = words(
    """avec dans pour sans sous chez with from that this their than then also près after avant
    après lors during"""
)
