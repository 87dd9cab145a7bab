"""The editors' admin renders, saves through the write path and stays free of N+1 queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Author, QuotedSource, Tag
from tests.factories import ArticleFactory, indexed

pytestmark = pytest.mark.django_db


def changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 200
    return len(queries)


def test_article_changelist_renders_authors_and_tags_without_n_plus_one(admin_client_logged_in):
    ArticleFactory(title="First story", tags=["Climat"], authors=["Ann Writer"])
    few = changelist_queries(admin_client_logged_in)
    for number in range(8):
        ArticleFactory(tags=[f"Tag {number}", "Climat"], authors=[f"Writer {number}"])
    response = admin_client_logged_in.get(reverse("admin:articles_article_changelist"))
    assert b"First story" in response.content and b"Ann Writer" in response.content
    assert changelist_queries(admin_client_logged_in) == few


@pytest.mark.parametrize(
    "name", ["articles_article", "articles_tag", "articles_author", "articles_quotedsource"]
)
def test_add_and_changelist_pages_render(admin_client_logged_in, name):
    assert admin_client_logged_in.get(reverse(f"admin:{name}_add")).status_code == 200
    assert admin_client_logged_in.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_adding_an_article_with_an_inline_quotation_indexes_it(admin_client_logged_in):
    source = QuotedSource.objects.create(name="Volodymyr Zelensky", slug="volodymyr-zelensky")
    tag = Tag.objects.create(name="Ukraine", slug="ukraine")
    data = {
        "title": "Kyiv asks for air defence",
        "slug": "kyiv-asks-for-air-defence",
        "standfirst": "",
        "body": "<p>Officials met in Kyiv.</p><script>bad()</script>",
        "tags": [tag.pk],
        "status": "published",
        "published_at_0": "2026-11-20",
        "published_at_1": "10:00:00",
        "language": "en",
        "section": "World",
        "edition": "",
        "url": "",
        "image_url": "",
        "image_caption": "",
        "image_credit": "",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "quotes-TOTAL_FORMS": "1",
        "quotes-INITIAL_FORMS": "0",
        "quotes-0-source": source.pk,
        "quotes-0-text": "We need interceptors before winter.",
        "quotes-0-position": "0",
    }
    response = admin_client_logged_in.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    assert article.url is None and "<script>" not in article.body
    assert article.quotes.get().text == "We need interceptors before winter."
    for q in ("interceptors", "zelensky", "ukraine", "kyiv"):
        assert indexed(q) == {article.pk}, q


def test_publish_action_goes_through_the_write_path(admin_client_logged_in):
    draft = ArticleFactory(status="draft", published_at=None)
    response = admin_client_logged_in.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_at is not None


def test_renaming_a_tag_in_the_admin_refreshes_articles(admin_client_logged_in):
    article = ArticleFactory(tags=["Alpha"])
    tag = Tag.objects.get()
    response = admin_client_logged_in.post(
        reverse("admin:articles_tag_change", args=[tag.pk]), {"name": "Omega"}
    )
    assert response.status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("Omega", "omega")
    assert indexed("omega") == {article.pk}
    assert indexed("alpha") == set()


def test_adding_a_duplicate_tag_spelling_in_the_admin_shows_an_error(admin_client_logged_in):
    Tag.objects.create(name="Corée du Nord", slug="coree-du-nord")
    response = admin_client_logged_in.post(
        reverse("admin:articles_tag_add"), {"name": "coree du nord"}
    )
    assert response.status_code == 200  # the form again, with its error
    assert Tag.objects.count() == 1


def test_changelist_search_uses_the_index_across_fields_and_accents(admin_client_logged_in):
    by_author = ArticleFactory(title="Budget vote", authors=["Élodie Martin"])
    by_source = ArticleFactory(
        title="Front news", quotes=[{"source": "Oleksandr Syrsky", "text": "Nous tenons."}]
    )
    by_body = ArticleFactory(title="Weather", body="Les glaciers fondent.", language="fr")
    draft = ArticleFactory(title="Secret glacier memo", status="draft", published_at=None)
    changelist = reverse("admin:articles_article_changelist")

    def titles(q: str) -> set[str]:
        response = admin_client_logged_in.get(changelist, {"q": q})
        assert response.status_code == 200
        return {a.title for a in response.context["cl"].result_list}

    assert titles("elodie") == {by_author.title}
    assert titles("syrsky") == {by_source.title}
    assert titles("glacier") == {by_body.title, draft.title}  # editors see drafts
    assert titles("nothing-like-this") == set()


@pytest.mark.parametrize("name", ["!!!", "   ", "Alpha", "ALPHA"])
def test_an_unusable_or_taken_tag_name_is_a_form_error(admin_client_logged_in, name):
    Tag.objects.create(name="Alpha", slug="alpha")
    response = admin_client_logged_in.post(reverse("admin:articles_tag_add"), {"name": name})
    assert response.status_code == 200  # the form again, with its error
    assert b"errorlist" in response.content and b"Constraint" not in response.content
    assert Tag.objects.count() == 1


def test_renaming_onto_a_taken_name_in_the_admin_is_a_form_error(admin_client_logged_in):
    Tag.objects.create(name="Alpha", slug="alpha")
    beta = Tag.objects.create(name="Beta", slug="beta")
    response = admin_client_logged_in.post(
        reverse("admin:articles_tag_change", args=[beta.pk]), {"name": "alpha"}
    )
    assert response.status_code == 200 and b"errorlist" in response.content
    assert b"Constraint" not in response.content
    beta.refresh_from_db()
    assert beta.name == "Beta"


def test_admin_password_guesses_are_throttled(client, superuser, monkeypatch):
    from rest_framework.settings import api_settings

    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "login", "5/day")
    login = reverse("admin:login")
    answers = [
        client.post(login, {"username": "boss", "password": f"guess {n}"}).status_code
        for n in range(6)
    ]
    assert answers == [200] * 5 + [429]  # 200: the form again, "wrong password"
    right = client.post(login, {"username": "boss", "password": "correct-horse-battery"})
    assert right.status_code == 429 and right["Retry-After"]


def article_form(article, **changes):
    """The admin change form's data for ``article``, with ``changes``."""
    data = {
        "title": article.title, "slug": article.slug, "standfirst": "", "body": article.body,
        "tags": [tag.pk for tag in article.tags.all()], "status": article.status,
        "published_at_0": "2026-11-20", "published_at_1": "10:00:00",
        "language": article.language, "section": "", "edition": "", "url": "", "image_url": "",
        "image_caption": "", "image_credit": "",
        "bylines-TOTAL_FORMS": "0", "bylines-INITIAL_FORMS": "0",
        "quotes-TOTAL_FORMS": "0", "quotes-INITIAL_FORMS": "0",
    }  # fmt: skip
    data.update(changes)
    return data


def test_inline_bylines_and_quotations_are_written_through_the_services(admin_client_logged_in):
    article = ArticleFactory(title="Inline story", body="Plain body.", tags=[], authors=[])
    ann = Author.objects.create(name="Ann Lee", slug="ann-lee")
    bob = Author.objects.create(name="Bob Ray", slug="bob-ray")
    source = QuotedSource.objects.create(name="Mayor of Lyon", slug="mayor-of-lyon")
    data = article_form(
        article,
        **{
            "bylines-TOTAL_FORMS": "2",
            "bylines-0-author": bob.pk, "bylines-0-position": "1",
            "bylines-1-author": ann.pk, "bylines-1-position": "0",
            "quotes-TOTAL_FORMS": "1",
            "quotes-0-source": source.pk, "quotes-0-text": "Trams\u202e first.\x07",
            "quotes-0-position": "0",
        },
    )  # fmt: skip
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = admin_client_logged_in.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [b.author.name for b in article.bylines.order_by("position")] == ["Ann Lee", "Bob Ray"]
    assert article.quotes.get().text == "Trams first."
    assert indexed("trams") == indexed("bob") == {article.pk}


def test_an_empty_inline_quotation_is_a_form_error(admin_client_logged_in):
    article = ArticleFactory(title="Inline story", body="Plain body.", tags=[], authors=[])
    source = QuotedSource.objects.create(name="Mayor of Lyon", slug="mayor-of-lyon")
    data = article_form(
        article,
        **{"quotes-TOTAL_FORMS": "1", "quotes-0-source": source.pk,
           "quotes-0-text": "\x07\u202e", "quotes-0-position": "0"},
    )  # fmt: skip
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = admin_client_logged_in.post(url, data)
    assert response.status_code == 200 and "A quotation needs its text." in response.text
    assert not article.quotes.exists()


def test_an_author_named_twice_in_the_byline_is_kept_once(admin_client_logged_in):
    """As in the API: the first position wins."""
    article = ArticleFactory(title="Inline story", body="Plain body.", tags=[], authors=[])
    ann = Author.objects.create(name="Ann Lee", slug="ann-lee")
    data = article_form(
        article,
        **{"bylines-TOTAL_FORMS": "2", "bylines-0-author": ann.pk, "bylines-0-position": "0",
           "bylines-1-author": ann.pk, "bylines-1-position": "1"},
    )  # fmt: skip
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert admin_client_logged_in.post(url, data).status_code == 302
    assert [b.author_id for b in article.bylines.all()] == [ann.pk]


def test_the_article_form_lays_out_every_writable_field_once():
    """The change form's layout is written out (its order is the editors'); every writable
    field of ``articles.fields`` (and the tags) is in it exactly once, and in the form."""
    from django.contrib.admin.utils import flatten_fieldsets

    from articles.admin.article import ArticleAdmin
    from articles.admin.article_form import FIELDSETS, ArticleForm
    from articles.fields import FIELD_NAMES

    laid_out = flatten_fieldsets(FIELDSETS)
    stored_or_uploaded = {*ArticleAdmin.readonly_fields, "image_file"}
    writable = [name for name in laid_out if name not in stored_or_uploaded]
    assert sorted(writable) == sorted([*FIELD_NAMES, "tags"])  # each once, none missing
    assert ArticleForm._meta.fields == writable  # in the layout's order
