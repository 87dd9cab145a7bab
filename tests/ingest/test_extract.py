"""Extraction of raw article pages (our own samples, French and English, HTML and plain
text, written in the reference's shape), field by field; the reference page itself; the
endpoint and the command."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.extract import extract
from articles.models import Article, QuotedSource
from tests.factories import indexed

PAGES = Path(__file__).parent / "pages"
REFERENCE = Path(__file__).parents[3] / "shared" / "reference" / "seed-article-fr.txt"
EXTRACT = "/api/v1/articles/extract/"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def quote(source, kind, description, text):
    return {"source": source, "kind": kind, "description": description, "text": text}


def test_french_plain_text():
    article = extract(page("retraites-fr.txt"))
    assert (
        article["title"] == "Réforme des retraites : le Sénat adopte le texte en première lecture"
    )
    assert article["section"] == "Politique"
    assert article["authors"] == ["Camille Durand", "Louis Perrin"]
    assert article["edition"] == "Belgique"
    assert article["language"] == "fr"
    assert article["tags"] == ["Retraites", "Sénat", "Réforme", "Syndicats"]
    assert article["image_caption"] == "Des manifestants devant le palais du Luxembourg à Paris."
    assert article["image_credit"] == "AFP/Marc Dubois"
    assert article["status"] == "draft" and article["published_at"] is None
    paragraphs = article["body"].split("\n\n")
    assert paragraphs[0].startswith("Le Sénat a adopté mardi soir")
    assert "Un vote serré" in paragraphs  # a sub-heading stays, as a paragraph
    assert paragraphs[-1].endswith("secrétaire générale de la CFDT.")
    for gone in ("Accueil", "Retraites |", "AFP/Marc Dubois", "Vous aimerez", "commentaire"):
        assert gone not in article["body"], gone
    assert article["quotes"] == [
        quote("Julien Morel", "person", "ministre du Travail",
              "C'est une étape décisive pour l'équilibre de notre système"),
        quote("un sénateur de la majorité", "anonymous", "un sénateur de la majorité",
              "la discussion en commission mixte paritaire sera difficile"),
        quote("Hélène Garnier", "person", "rapporteur du texte",
              "les amendements les plus coûteux ont été écartés"),
        quote("Sophie Lambert", "person", "secrétaire générale de la CFDT",
              "Nous serons dans la rue jeudi"),
    ]  # fmt: skip


def test_english_plain_text():
    article = extract(page("floods-en.txt"))
    assert article["title"] == "Flood defences fail as storm hits the Dutch coast"
    assert article["section"] == "Europe"
    assert article["authors"] == ["Mark Evans"]
    assert article["edition"] == "International Edition"
    assert article["language"] == "en"
    assert article["published_at"] == datetime.datetime(2026, 3, 14, tzinfo=datetime.UTC)
    assert article["tags"] == ["Storm", "Netherlands", "Floods", "Climate"]
    assert (article["image_caption"], article["image_credit"]) == (
        "Rescue boats in the flooded streets of Yerseke.", "Photo: Lena Jansen"
    )  # fmt: skip
    assert "Published 14 March" not in article["body"] and "You may also" not in article["body"]
    assert article["quotes"] == [
        quote("Pieter de Vries", "person", "head of the regional water board",
              "The water came faster than any model predicted"),
        quote("a senior emergency official", "anonymous", "a senior emergency official",
              "more than 4,000 people spent the night in shelters"),
        quote("Anna Bakker", "person", "prime minister",
              "every damaged dyke will be rebuilt before winter"),
        quote("a farmer from Kruiningen", "anonymous", "a farmer from Kruiningen",
              "We lost everything in one hour"),
    ]  # fmt: skip


def test_french_html():
    article = extract(page("vendanges-fr.html"))
    assert article["title"] == "Vendanges précoces dans le Bordelais"
    assert article["authors"] == ["Claire Martin"]
    assert article["section"] == "Régions"
    assert article["language"] == "fr"
    assert article["url"] == "https://example.fr/regions/vendanges-precoces"
    assert article["published_at"] == datetime.datetime(2026, 8, 21, 5, 30, tzinfo=datetime.UTC)
    assert article["tags"] == ["Vin", "Climat", "Bordeaux"]
    assert (article["image_caption"], article["image_credit"]) == (
        "Une parcelle de merlot près de Libourne.", "© Jean Roux"
    )  # fmt: skip
    paragraphs = article["body"].split("\n\n")
    assert paragraphs[1] == "Des raisins très sucrés"
    assert "Vous aimerez" not in article["body"] and "Accueil" not in article["body"]
    assert article["quotes"] == [
        quote("Paul Lefèvre", "person", "viticulteur à Saint-Émilion",
              "Nous n'avons jamais récolté aussi tôt"),
        quote("Institut des sciences de la vigne", "organization", "",
              "le degré d'alcool des vins de ce millésime sera plus élevé que la moyenne"),
    ]  # fmt: skip


def test_english_html():
    article = extract(page("cardiff-en.html"))
    assert article["title"] == "Heavy rain floods Cardiff after a night of storms"
    assert article["authors"] == ["Ann Lee"]
    assert article["language"] == "en" and article["section"] == "Weather"
    assert article["url"] == "https://ex.org/rain"
    assert article["tags"] == ["Weather", "Wales", "Floods"]
    assert (article["image_caption"], article["image_credit"]) == (
        "The river Taff in Cardiff on Monday.", "AFP/Jane Roe"
    )  # fmt: skip
    assert "You may also like" not in article["body"] and "Leave a Comment" not in article["body"]
    assert article["quotes"] == [
        quote("John Smith", "person", "mayor of Cardiff",
              "We have never seen the Taff this high"),
        quote("police", "organization", "", "three main roads are closed and more may follow"),
    ]  # fmt: skip


@pytest.mark.skipif(not REFERENCE.exists(), reason="the shared reference page is not here")
def test_the_reference_page():
    article = extract(REFERENCE.read_text(encoding="utf-8"))
    assert article["title"] == "Guerre en Ukraine : pertes nord-coréennes en soutien à la Russie"
    assert article["section"] == "Actualité"
    assert article["authors"] == ["Sara"] and article["edition"] == "France"
    assert article["language"] == "fr"
    assert article["tags"] == ["Guerre En Ukraine", "Ukraine", "Corée Du Nord", "Guerre",
                               "Soldats", "Russie", "Koursk", "France"]  # fmt: skip
    assert article["image_credit"] == "REUTERS/Sergey Pivovarov"
    assert article["image_caption"].startswith("L'armée russe a dû faire appel")
    body = article["body"]
    assert body.startswith("Des « centaines » de soldats nord-coréens")
    assert "Des pertes significatives sur le front" in body.split("\n\n")
    for gone in ("Home", "by Sara", "REUTERS", "Koursk | France", "You may also", "Comment"):
        assert gone not in body, gone
    sources = [(q["source"], q["kind"]) for q in article["quotes"]]
    anonymous = ("un haut responsable militaire américain", "anonymous")
    assert sources[:2] == [anonymous, anonymous]  # "Le responsable" is the same person
    # the acronym after a body's name names it too, but is not part of the name
    assert sources[2] == ("services de renseignement militaire ukrainien", "organization")
    assert [q["text"] for q in article["quotes"]] == [
        "centaines", "plusieurs centaines de victimes", "au moins 30 soldats"
    ]  # fmt: skip


# --- the endpoint and the command -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_endpoint_answers_the_article_and_saves_it_as_a_draft(editor_client, api_client):
    response = editor_client.post(EXTRACT, {"content": page("floods-en.txt")}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Flood defences fail as storm hits the Dutch coast"
    assert response.json()["published_at"] == "2026-03-14T00:00:00+00:00"
    assert not Article.objects.exists()
    raw = editor_client.generic(
        "POST", f"{EXTRACT}?save=true", page("vendanges-fr.html").encode(),
        content_type="text/html; charset=utf-8",
    )  # fmt: skip
    assert raw.status_code == 201, raw.json()
    stored = Article.objects.get()
    assert (
        stored.status == "draft" and stored.url == "https://example.fr/regions/vendanges-precoces"
    )
    assert raw.json()["quotes"][0]["source"]["name"] == "Paul Lefèvre"
    assert (
        QuotedSource.objects.get(name="Paul Lefèvre").description == "viticulteur à Saint-Émilion"
    )
    assert indexed("vendanges") == {stored.pk}
    # Saving a stored page again updates it and keeps its status.
    editor_client.patch(f"/api/v1/articles/{stored.pk}/", {"status": "published"}, format="json")
    again = editor_client.post(
        f"{EXTRACT}?save=true", {"content": page("vendanges-fr.html")}, format="json"
    )
    assert again.status_code == 200 and again.json()["status"] == "published"
    assert api_client.post(EXTRACT, {"content": "x"}, format="json").status_code == 401


@pytest.mark.django_db
def test_the_endpoint_refuses_what_is_not_a_page(editor_client):
    assert editor_client.post(EXTRACT, {}, format="json").status_code == 400
    assert editor_client.post(EXTRACT, {"content": "   "}, format="json").status_code == 400
    empty = editor_client.post(f"{EXTRACT}?save=true", {"content": "Title only"}, format="json")
    assert empty.status_code == 400 and "body" in empty.json()
    bad = editor_client.generic("POST", EXTRACT, b"\xff\xfe", content_type="text/plain")
    assert bad.status_code == 400
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_import_articles_raw(tmp_path):
    out = io.StringIO()
    call_command(
        "import_articles", "--raw", str(PAGES / "retraites-fr.txt"), str(PAGES / "cardiff-en.html"),
        stdout=out,
    )  # fmt: skip
    lines = out.getvalue().splitlines()
    assert "created article" in lines[0] and "(4 quote(s), 4 tag(s))" in lines[0]
    assert "created article" in lines[1] and "(2 quote(s), 3 tag(s))" in lines[1]
    assert set(Article.objects.values_list("status", flat=True)) == {"draft"}
    assert len(indexed("retraites")) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["content", "html", "text"])
def test_the_endpoint_takes_the_page_under_the_names_clients_use(editor_client, key):
    response = editor_client.post(EXTRACT, {key: page("floods-en.txt")}, format="json")
    assert response.status_code == 200 and response.json()["authors"] == ["Mark Evans"]


def test_a_page_too_short_for_main_text_detection_keeps_its_title_and_paragraphs():
    article = extract("<html><body><h1>Titre court</h1><p>Un seul paragraphe.</p></body></html>")
    assert article["title"] == "Titre court"
    assert "Un seul paragraphe." in article["body"]


# --- bylines and quotations, case by case ----------------------------------------------------


def test_the_byline_after_a_breadcrumb_on_its_own_line():
    page = (
        "Accueil Sciences\nUn télescope géant\n\nUn télescope géant\n\nby Claire Dubois\nFrance\n\n"
        "Le télescope a vu sa première lumière. Il observera les exoplanètes."
    )
    article = extract(page)
    assert article["authors"] == ["Claire Dubois"] and article["edition"] == "France"
    assert article["section"] == "Sciences" and article["title"] == "Un télescope géant"


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("Par Claire Dubois, avec AFP", ["Claire Dubois"]),
        ("Par Julien Mercier et Sofia Benali", ["Julien Mercier", "Sofia Benali"]),
        ("Par Lucas Morel, envoyé spécial à Kharkiv", ["Lucas Morel"]),
        ("By Aisha Bello, Health Correspondent", ["Aisha Bello"]),
        ("By Sarah Collins in Melbourne", ["Sarah Collins"]),
        ("Par Maxime Roux, à Toulouse", ["Maxime Roux"]),
    ],
)
def test_a_byline_names_its_people_not_the_agency_role_or_place(byline, authors):
    text = extract(f"Économie › Entreprises\nUn titre\n\n{byline}\n\nUn paragraphe du texte.")
    html = extract(
        f'<html><body><article><h1>Un titre</h1><p class="byline">{byline}</p>'
        "<p>Un paragraphe du texte assez long.</p></article></body></html>"
    )
    assert text["authors"] == authors and html["authors"] == authors


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        # inverted verbs outside the short list, a pronoun for the person named before
        (["Karim Haddad a appris la nouvelle.", "« On ne nous croit plus », s'indigne-t-il."],
         [("Karim Haddad", "On ne nous croit plus")]),
        (["« Rien n'est enterré », a-t-il tempéré, selon Paul Roux."],
         []),  # a pronoun with nobody named before it names nobody
        # a colon introduction, a title glued to the name
        (["Housing Secretary Rachel Osei was firm: \"We will bring it back.\""],
         [("Rachel Osei", "We will bring it back.")]),
        # a split quote is one quotation; a surname is the person named in full before
        (["Lucas Mendes won.", "“At two sets down I enjoyed it,” Mendes said. “It felt light.”"],
         [("Lucas Mendes", "At two sets down I enjoyed it It felt light.")]),
        # a quotation running over two paragraphs, its speaker in the sentence before
        (["La directrice, Hélène Marchetti, a souri. « Dix ans de travail.", "« Huit minutes. »"],
         [("Hélène Marchetti", "Dix ans de travail. Huit minutes.")]),
        # an incise inside the guillemets; a role said again is the person
        (["« À la pause, raconte l'entraîneur, Pierre Hamelin. On s'est regardés. »",
          "« On a gagné », sourit le technicien."],
         [("Pierre Hamelin", "À la pause On s'est regardés."), ("Pierre Hamelin", "On a gagné")]),
        # a title in quotation marks is nobody's words
        (["Le film de Lucie Fabre, « Les Heures claires », a été ovationné."], []),
    ],
)  # fmt: skip
def test_quotations_and_their_speakers(paragraphs, expected):
    from articles.extract import quotations

    assert [(q["source"], q["text"]) for q in quotations(paragraphs)] == expected


# Speakers: the general rules, on sentences written for these tests (not from the evaluation
# set): titles, descriptors, ages and party acronyms glued to a name; organisations named
# whole or after their kind; places are nobody; pronouns and roles stand for the one the text
# is about (the last quotation's speaker, the sentence's subject), not the last name seen.
@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (["Nine-year-old Tom Price said: “I love it here.”"], ["Tom Price"]),
        (["Shadow Health Secretary Wes Hardy said the plan was “a sham from start to finish”."],
         ["Wes Hardy"]),
        (["Retired teacher Alan Moss, 74, said: “Nobody asked us anything.”"], ["Alan Moss"]),
        (["Le député RN Julien Masse a dénoncé « une mascarade totale »."], ["Julien Masse"]),
        (["L'Italien Marco Rossi a confié : « C'était très dur. »"], ["Marco Rossi"]),
        (["Former Wales coach Gareth Lewis said: “It was poor from the first minute.”"],
         ["Gareth Lewis"]),
        (["Selon Amnesty International, « la répression s'intensifie partout »."],
         ["Amnesty International"]),
        (["Maria José Carvalho said the vote was “a turning point for us”."],
         ["Maria José Carvalho"]),
        (["Le PDG d'Airbus, Guillaume Faury, a affirmé que « la demande reste forte »."],
         ["Guillaume Faury"]),
        (["The teachers’ union NEU said the offer was “an insult to the profession”."], ["NEU"]),
        (["Campaign for Better Transport said the cuts were “short-sighted and cruel”."],
         ["Campaign for Better Transport"]),
        (["The Bank of England said inflation was “still too high for comfort”."],
         ["Bank of England"]),
        (["Professor Mark Hollis of Imperial College said it was “striking and unexpected”."],
         ["Mark Hollis"]),
        (["Au ministère de l'Intérieur, on assure que « tout est sous contrôle »."],
         ["ministère de l'Intérieur"]),
        (["Le groupe Valdor a publié ses comptes. « Nos ventes progressent », indique le groupe."],
         ["Valdor"]),
        (["Amina Diallo, who grew up in Saint Louis, said the town had changed.",
          "“It is unrecognisable,” she said."], ["Amina Diallo"]),
        (["“We were lucky today,” said Jonas Berg, who beat Karl Weiss in the final.",
          "“Next time he may win,” he added."], ["Jonas Berg", "Jonas Berg"]),
        (["La Française Claire Morin a battu l'Allemande Anna Vogel en finale.",
          "« Je suis très fière », a déclaré la nageuse de 19 ans."], ["Claire Morin"]),
        (["Mrs Okafor’s neighbour, Tunde Bakare, called the police.",
          "“I heard screaming,” he said."], ["Tunde Bakare"]),
        (["Pressure mounted on Prime Minister Keir Starmer.", "“We will not back down,” he said."],
         ["Keir Starmer"]),
        (["Arsenal manager Mikel Arteta praised his side.",
          "“We were brilliant,” the Spaniard said."],
         ["Mikel Arteta"]),
        (["The Prime Minister, Rishi Sunak, arrived in Washington.",
          "“This is a special relationship,” he said."], ["Rishi Sunak"]),
        # a pronoun whose gender the text gave another way: "la ministre", "le maire"
        (["Le maire, Jean Roux, a reçu la ministre Anne Lavie.",
          "« Nous avons parlé du budget », a-t-elle précisé."], ["Anne Lavie"]),
        (["La ministre, Anne Lavie, a rencontré le maire Jean Roux.",
          "« C'était utile », a-t-il estimé."], ["Jean Roux"]),
        (["Le président Paul Morel a félicité la navigatrice Lou Berthet.",
          "« Elle a été formidable », a-t-il salué."], ["Paul Morel"]),
        (["“I’m thrilled,” said Roe, whose father, Peter Roe, was in the crowd."], ["Roe"]),
        # an unnamed source keeps the clause that says who it is, not the one after a comma
        (["A nurse who works nights said the ward was “full every single evening”."],
         ["A nurse who works nights"]),
        (["Une habitante, qui a requis l'anonymat, raconte : « On a tout perdu en une heure. »"],
         ["Une habitante"]),
        (["Mayor Joan Hill spoke first.", "One senior council officer said the mood was grim.",
          "“Nobody here wants this.”"], ["One senior council officer"]),
        # a clause saying when, where or how the speaker spoke is not the speaker
        (["Grace Okoro leads the inquiry.",
          "Later, speaking to reporters in Leeds, Okoro said it was “deeply troubling”."],
         ["Grace Okoro"]),
        (["Interrogée jeudi à la radio, la sénatrice Inès Caron a affirmé : « Le texte passera. »"],
         ["Inès Caron"]),
        # the portfolio or place of a title is not the name that follows it
        (["« Nous recruterons mille agents », a promis le ministre du Logement Henri Valois."],
         ["Henri Valois"]),
        # a body named in passing is the one "the board", "l'organisation" say again: by
        # its acronym's definition, its capitalised name, its kind before it, an apposition
        (["La Fédération nationale des usagers du rail (FNUR) a saisi le Conseil d'État.",
          "« Les trains arrivent en retard un jour sur deux », déplore l'organisation."],
         ["Fédération nationale des usagers du rail"]),
        (["The Northern Rail Passengers Board criticised the timetable.",
          "“Nobody was consulted,” the board said."], ["Northern Rail Passengers Board"]),
        (["Le fabricant de vélos Cyclomax a fermé son usine de Tulle.",
          "« Nous n'avions plus le choix », explique l'entreprise."], ["Cyclomax"]),
        (["L'Union des artisans du bâtiment (UAB), premier syndicat du secteur, conteste.",
          "« Ce texte nous tue », tranche le syndicat."], ["Union des artisans du bâtiment"]),
        # verbs of reaction and manner that attribute a quotation
        (["« C'est un scandale », a réagi le député Marc Olier."], ["Marc Olier"]),
        (["“Not bad for an old man,” mused Terry Vale."], ["Terry Vale"]),
        # when, said between the verb and its speaker, is not the speaker
        (["« Le pic est passé », a indiqué jeudi matin l'Institut Pasteur."],
         ["Institut Pasteur"]),
        # a name with two particles; a body's words in the title before a name
        (["« Rien n'est perdu », a estimé la juge Hanna van der Berg."], ["Hanna van der Berg"]),
        (["“We have the votes,” Regional Council President Ada Lind said."], ["Ada Lind"]),
        # a title's period does not end the speaker; a title before a surname alone
        (["« Je reste », a déclaré M. Dupont."], ["Dupont"]),
        (["Amy Chen chairs the board.", "“I’m staying,” Dr. Chen said."], ["Amy Chen"]),
        (["Mrs Adeyemi said: “I’m staying.”"], ["Adeyemi"]),
        (["Coach Pieter ten Brink said: “We were poor.”"], ["Pieter ten Brink"]),
        # a verb and a colon before a quotation name its speaker, whoever the words after name
        (["Ella Moss chairs the group.",
          "Ken Ito, who led the walk-out, said: “We will be back.” Moss said: “We listened.”"],
         ["Ken Ito", "Ella Moss"]),
        # whom it was said to is not the speaker; somebody at a body is not the body
        (["« Les lits manquent », estime auprès de l'AFP un chirurgien de garde."],
         ["un chirurgien de garde"]),
        (["“Nobody sleeps here,” a porter at the hospital, who would not give his name, said."],
         ["a porter at the hospital"]),
        # a role in apposition before a name is said again for that person
        (["Its chief executive, Ann Bell, met the workers.", "“We are angry,” said Tom Reid.",
          "“We will rebuild,” the chief executive said."], ["Tom Reid", "Ann Bell"]),
        # a pronoun starting a colon introduction is the speaker
        (["La guide Léa Morel s'arrête au sommet.",
          "Elle montre du doigt le col enneigé : « Il y a vingt ans, on passait à pied. »"],
         ["Léa Morel"]),
        # a possessive before a place does not make it a person
        (["Crews on Norway's Hardanger Plateau found the wreck, led by the pilot Jon Dahl.",
          "“It was intact,” he said."], ["Jon Dahl"]),
        # a name before a role, as an adjective, is nobody's: the source is unnamed
        (["A Silver Line spokesman, asked about the delays, blamed the signals.",
          "“Repairs start on Monday,” the spokesman said."], ["A Silver Line spokesman"]),
        # a subject named by name alone is the body "the club", "le constructeur" say next
        (["Harbour Rovers confirmed the sale on Friday.", "“It is a new era,” the club said."],
         ["Harbour Rovers"]),
        (["Valtera a annoncé 300 suppressions de postes.",
          "« Nous n'avons pas le choix », explique le constructeur."], ["Valtera"]),
        (["La RTFE a annoncé des fermetures.", "« C'est douloureux », dit l'entreprise publique."],
         ["RTFE"]),
        # a kind, an adjective, then the name; an acronym kind
        (["Le groupe pharmaceutique Novalis rappelle un lot.",
          "« Aucun patient n'est en danger », assure le groupe."], ["Novalis"]),
        (["L'ONG Terre Vive dénonce le projet.", "« C'est un désastre », juge l'ONG."],
         ["Terre Vive"]),
        # an apposition after a name gives the person's role, said again later; a person
        # with a role is not the body said next
        (["Sarah Jones, a teacher, met Tom Reid.", "“We are angry,” said Tom Reid.",
          "“It is unfair,” the teacher said."], ["Tom Reid", "Sarah Jones"]),
        (["Sarah Jones, a teacher, was furious.", "“Nobody told us,” the union said."],
         ["union"]),
        # a body whose apposition is its kind; a kind said just after a body is that body
        (["Brixa, the country's biggest union, called the strike.",
          "“Enough is enough,” the union said."], ["Brixa"]),
        (["The Harrow Policy Foundation published the study.",
          "“Families are poorer,” the think tank said."], ["Harrow Policy Foundation"]),
        # a conjunction before the speaker is not part of it
        (["Mais un habitant a répliqué : « Rien ne bouge. »"], ["un habitant"]),
        # a body's name is its words, not its acronym nor what it did
        (["The Regional Sports Council congratulated the team in a statement: “A great day.”"],
         ["Regional Sports Council"]),
        (["Dans un communiqué, la Confédération des petits commerces (CPC) juge : « Trop tard. »"],
         ["Confédération des petits commerces"]),
    ],
)  # fmt: skip
def test_speakers_named_by_general_rules(paragraphs, expected):
    from articles.extract import quotations

    found = quotations(paragraphs)
    assert [q["source"] for q in found] == expected, found


def test_a_breadcrumb_without_a_known_root_above_a_title_given_twice():
    page = (
        "Sport Rugby Union\nKites win the cup\n\nKites win the cup\n\nBy Owain Pryce in Cardiff\n"
        "Sport\n\nThe Kites came from behind to win the final on Saturday afternoon."
    )
    article = extract(page)
    assert article["authors"] == ["Owain Pryce"] and article["title"] == "Kites win the cup"
