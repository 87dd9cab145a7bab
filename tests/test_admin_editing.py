"""The article form's data side: the language choice, names typed into their boxes, rows in
the order the page gives them, and the newsroom's time zone (admin and API)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article, Author, Event, QuotedSource, Tag
from tests.factories import ArticleFactory, indexed

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")


def article_form(**fields: Any) -> dict[str, Any]:
    """What the add page posts for a published English article with no relations."""
    data = {
        "title": "Kyiv asks for air defence", "standfirst": "", "body": "<p>Officials met.</p>",
        "status": "published", "published_at_0": "2026-11-20", "published_at_1": "10:00:00",
        "language": "en", "section": "World", "edition": "", "url": "", "image_url": "",
        "image_caption": "", "image_credit": "", "image_alt": "",
        "bylines-TOTAL_FORMS": "0", "bylines-INITIAL_FORMS": "0",
        "quotes-TOTAL_FORMS": "0", "quotes-INITIAL_FORMS": "0",
    }  # fmt: skip
    data.update(fields)
    return data


def selected_language(html: str) -> str | None:
    select = re.search(r'<select name="language".*?</select>', html, re.S).group(0)
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select)
    return chosen.group(1) if chosen else None


def test_a_new_article_starts_with_no_language_and_must_be_given_one(admin_client_logged_in):
    page = admin_client_logged_in.get(ADD).content.decode()
    assert selected_language(page) in (None, "")
    response = admin_client_logged_in.post(ADD, article_form(language=""))
    assert response.status_code == 200
    assert "language" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_a_new_article_starts_with_the_newsrooms_language(admin_client_logged_in, settings):
    settings.NEWSAPI_DEFAULT_LANGUAGE = "fr"
    assert selected_language(admin_client_logged_in.get(ADD).content.decode()) == "fr"
    article = ArticleFactory(language="de")
    change = reverse("admin:articles_article_change", args=[article.pk])
    assert selected_language(admin_client_logged_in.get(change).content.decode()) == "de"


def test_names_typed_in_their_boxes_are_created_with_the_article(admin_client_logged_in):
    climat = Tag.objects.create(name="Climat", slug="climat")
    data = article_form(
        tags=[climat.pk, "new:Corée du Nord", "new:climat"],
        **{
            "bylines-TOTAL_FORMS": "1", "bylines-0-author": "new:Élodie Martin",
            "quotes-TOTAL_FORMS": "1", "quotes-0-source": "new:Oleksandr Syrsky",
            "quotes-0-text": "Interceptors before winter.",
        },
    )  # fmt: skip
    response = admin_client_logged_in.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert sorted(article.tags.values_list("slug", flat=True)) == ["climat", "coree-du-nord"]
    assert Tag.objects.count() == 2  # "climat" typed is the stored Climat
    assert Tag.objects.get(slug="coree-du-nord").name == "Corée du Nord"
    assert [b.author.name for b in article.bylines.all()] == ["Élodie Martin"]
    assert article.quotes.get().source == QuotedSource.objects.get(slug="oleksandr-syrsky")
    assert indexed("syrsky") == {article.pk} and indexed("coree") == {article.pk}


def test_an_unusable_typed_name_is_a_form_error_and_nothing_is_stored(admin_client_logged_in):
    response = admin_client_logged_in.post(ADD, article_form(tags=["new:!!!"]))
    assert response.status_code == 200
    assert "is not a usable name" in response.content.decode()
    assert (Article.objects.count(), Tag.objects.count()) == (0, 0)
    # The typed name stays in its box for the editor to fix.
    assert '<option value="new:!!!" selected>!!!</option>' in response.content.decode()


def test_typed_names_are_not_created_when_the_article_is_refused(admin_client_logged_in):
    response = admin_client_logged_in.post(ADD, article_form(title="", tags=["new:Orphan"]))
    assert response.status_code == 200 and not Tag.objects.exists()


def test_bylines_keep_the_order_of_their_positions(admin_client_logged_in):
    ann, bob = (
        Author.objects.create(name="Ann", slug="ann"),
        Author.objects.create(name="Bob", slug="bob"),
    )
    data = article_form(**{
        "bylines-TOTAL_FORMS": "3",
        "bylines-0-author": ann.pk, "bylines-0-position": "1",
        "bylines-1-author": bob.pk, "bylines-1-position": "0",
        # An empty row the page numbered is still empty, not an error.
        "bylines-2-author": "", "bylines-2-position": "2",
    })  # fmt: skip
    response = admin_client_logged_in.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert [b.author.name for b in article.bylines.all()] == ["Bob", "Ann"]


# --- the newsroom's time zone -------------------------------------------------------------


@pytest.fixture
def paris(settings):
    settings.TIME_ZONE = "Europe/Paris"


def test_the_admin_takes_and_shows_times_in_the_newsrooms_zone(admin_client_logged_in, paris):
    data = article_form(published_at_0="2026-11-20", published_at_1="07:00:00")
    assert admin_client_logged_in.post(ADD, data).status_code == 302
    article = Article.objects.get()
    assert article.published_at == datetime.datetime(2026, 11, 20, 6, 0, tzinfo=datetime.UTC)
    change = reverse("admin:articles_article_change", args=[article.pk])
    page = admin_client_logged_in.get(change).content.decode()
    assert 'value="07:00:00"' in page and "Times in Europe/Paris (UTC+0" in page
    assert "Times (Europe/Paris)" in page  # beside the created and updated times
    # Its event, written in the admin's request, carries the API's UTC representation.
    event = Event.objects.filter(object="article").latest("id")
    assert event.data["published_at"] == "2026-11-20T06:00:00Z"
    changelist = admin_client_logged_in.get(reverse("admin:articles_article_changelist"))
    text = changelist.content.decode()
    assert "Published (Europe/Paris)" in text and "Nov. 20, 2026, 7 a.m." in text


def test_the_api_answers_in_utc_and_reads_naive_times_in_the_newsrooms_zone(editor_client, paris):
    body = {"title": "Matin", "body": "Texte.", "language": "fr", "status": "published"}
    naive = editor_client.post(
        "/api/v1/articles/", {**body, "published_at": "2026-11-20T07:00:00"}, format="json"
    )
    assert naive.status_code == 201, naive.json()
    assert naive.json()["published_at"] == "2026-11-20T06:00:00Z"
    offset = editor_client.post(
        "/api/v1/articles/",
        {**body, "title": "Midi", "published_at": "2026-11-20T12:00:00+02:00"},
        format="json",
    )
    assert offset.json()["published_at"] == "2026-11-20T10:00:00Z"
    detail = editor_client.get(f"/api/v1/articles/{naive.json()['id']}/").json()
    assert detail["published_at"] == "2026-11-20T06:00:00Z"
    assert detail["created_at"].endswith("Z")
    listed = editor_client.get("/api/v1/articles/?published_after=2026-11-20T07:30:00").json()
    assert [a["title"] for a in listed["results"]] == ["Midi"]  # 07:30 Paris is 06:30Z
    # A date alone is midnight UTC, as documented.
    day = editor_client.get("/api/v1/articles/?published_before=2026-11-20").json()
    assert day["count"] == 0


def test_a_naive_time_given_to_the_services_is_in_the_newsrooms_zone(paris):
    article = services.article_create(
        title="Matin", body="Texte.", language="fr", status="published",
        published_at=datetime.datetime(2026, 7, 1, 7, 0),  # summer: UTC+02:00
    )  # fmt: skip
    assert article.published_at == datetime.datetime(2026, 7, 1, 5, 0, tzinfo=datetime.UTC)


def test_every_api_time_is_utc_in_another_zone(editor_client, paris):
    synonym = editor_client.post(
        "/api/v1/synonyms/", {"terms": ["Kyiv", "Kiev"]}, format="json"
    ).json()
    assert synonym["created_at"].endswith("Z"), synonym
    ArticleFactory(title="Cité", quotes=[{"source": "Paul", "text": "Oui."}])
    quote = editor_client.get("/api/v1/quotes/").json()["results"][0]
    assert quote["article"]["published_at"].endswith("Z"), quote


# --- the preview of the form as it is, unsaved, in the article's language ------------------

PREVIEW = reverse("admin:articles_article_preview")


def test_the_unsaved_form_is_previewed_in_the_articles_language(admin_client_logged_in):
    data = article_form(
        title="Les glaciers reculent", language="fr", status="draft",
        body="<p>Texte <em>important</em>.</p><script>alert(1)</script>",
        tags=["new:Climat"], image_credit="AFP",
        **{"bylines-TOTAL_FORMS": "1", "bylines-0-author": "new:Élodie Martin",
           "quotes-TOTAL_FORMS": "1", "quotes-0-source": "new:Paul Martin",
           "quotes-0-text": "Ça va vite."},
    )  # fmt: skip
    response = admin_client_logged_in.post(PREVIEW, data)
    page = response.content.decode()
    assert response.status_code == 200
    french = ["Retour au formulaire", "Par Élodie Martin", "Brouillon", "Photo : AFP",
              "Cités dans cet article", "Mots-clés : Climat", "pas encore enregistrée"]  # fmt: skip
    for label in french:
        assert label in page, label
    assert "<em>important</em>" in page and "alert(1)" not in page
    assert "“Ça va vite.” — Paul Martin" in page
    assert f'href="{ADD}"' in page  # back to the form
    assert (Article.objects.count(), Tag.objects.count(), Author.objects.count()) == (0, 0, 0)


def test_an_english_article_is_previewed_in_english(admin_client_logged_in):
    page = admin_client_logged_in.post(PREVIEW, article_form()).content.decode()
    assert "Back to the form" in page and "Published" in page and "Retour" not in page


def test_a_form_that_cannot_be_saved_yet_is_previewed_with_what_to_fix(admin_client_logged_in):
    response = admin_client_logged_in.post(PREVIEW, article_form(title="", language="de"))
    page = response.content.decode()
    assert response.status_code == 200 and "Vor dem Speichern zu beheben" in page
    assert "title:" in page and not Article.objects.exists()


def test_a_stored_articles_changes_are_previewed_without_saving_them(admin_client_logged_in):
    article = ArticleFactory(title="Ancien titre", language="fr")
    url = reverse("admin:articles_article_preview", args=[article.pk])
    page = admin_client_logged_in.post(url, article_form(title="Nouveau titre")).content.decode()
    assert "Nouveau titre" in page
    change = reverse("admin:articles_article_change", args=[article.pk])
    assert f'href="{change}"' in page
    article.refresh_from_db()
    assert article.title == "Ancien titre"
    stored = admin_client_logged_in.get(url).content.decode()
    assert "Ancien titre" in stored and "Retour au formulaire" in stored


def test_the_preview_needs_the_right_to_add_or_change(client, db):
    from tests.factories import UserFactory

    assert client.get(PREVIEW).status_code == 302  # to the login
    viewer = UserFactory(username="viewer", is_staff=True, permissions=["articles.view_article"])
    client.force_login(viewer)
    assert client.post(PREVIEW, article_form()).status_code == 403
    client.force_login(UserFactory(username="staff-editor", is_staff=True,
                                   permissions=["articles.add_article"]))  # fmt: skip
    assert client.get(PREVIEW).status_code == 405
    assert client.post(PREVIEW, article_form()).status_code == 200
