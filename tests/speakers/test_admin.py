"""The admin edits aliases and Wikidata ids and merges, through the same rules as the API."""

from __future__ import annotations

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from articles.models import Author, QuotedSource
from tests.factories import ArticleFactory, indexed
from tests.test_admin import article_form

pytestmark = pytest.mark.django_db

SOURCE_FORM = {"kind": "person", "description": "", "aliases": "", "wikidata_id": ""}


def test_aliases_and_wikidata_id_are_edited_in_the_admin(admin_client_logged_in):
    article = ArticleFactory(quotes=[{"source": "Volodymyr Zelensky", "text": "We stand."}])
    source = QuotedSource.objects.get()
    url = reverse("admin:articles_quotedsource_change", args=[source.pk])
    data = {**SOURCE_FORM, "name": source.name, "aliases": "Zelenskyy\nZelensky, V.",
            "wikidata_id": "Q3874799"}  # fmt: skip
    response = admin_client_logged_in.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    source.refresh_from_db()
    assert (source.aliases, source.wikidata_id) == (["Zelenskyy", "Zelensky, V."], "Q3874799")
    assert indexed("zelenskyy") == {article.pk}  # the index followed


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"aliases": "Claire Dubois"}, "is the name of the quoted source"),
        ({"wikidata_id": "3874799"}, "A Wikidata id is Q and digits"),
        ({"kind": "anonymous"}, "belongs to the article"),
    ],
)
def test_clashes_and_bad_values_are_form_errors(admin_client_logged_in, changes, error):
    ArticleFactory(
        quotes=[{"source": "Claire Dubois", "text": "A."}, {"source": "Ann", "text": "B."}]
    )
    ann = QuotedSource.objects.get(slug="ann")
    url = reverse("admin:articles_quotedsource_change", args=[ann.pk])
    response = admin_client_logged_in.post(url, {**SOURCE_FORM, "name": "Ann", **changes})
    assert response.status_code == 200
    assert error in response.text
    ann.refresh_from_db()
    assert (ann.aliases, ann.wikidata_id, ann.kind) == ([], None, "person")


def test_the_merge_action_asks_for_the_target_then_merges(admin_client_logged_in):
    article = ArticleFactory(authors=["C Dubois"])
    ArticleFactory(authors=["Claire Dubois"])
    old = Author.objects.get(slug="c-dubois")
    url = reverse("admin:articles_author_changelist")
    selected = {"action": "merge", helpers.ACTION_CHECKBOX_NAME: [old.pk]}
    asked = admin_client_logged_in.post(url, selected)
    assert asked.status_code == 200 and 'name="into"' in asked.text
    done = admin_client_logged_in.post(url, {**selected, "into": "claire-dubois", "apply": "1"})
    assert done.status_code == 302
    assert not Author.objects.filter(slug="c-dubois").exists()
    target = Author.objects.get(slug="claire-dubois")
    assert target.aliases == ["C Dubois"]
    assert [b.author_id for b in article.bylines.all()] == [target.pk]


def test_the_merge_action_reports_an_unknown_target(admin_client_logged_in):
    ArticleFactory(quotes=[{"source": "Ann", "text": "B."}])
    ann = QuotedSource.objects.get()
    url = reverse("admin:articles_quotedsource_changelist")
    data = {"action": "merge", helpers.ACTION_CHECKBOX_NAME: [ann.pk], "into": "nobody",
            "apply": "1"}  # fmt: skip
    response = admin_client_logged_in.post(url, data, follow=True)
    assert "Nothing is named" in response.text
    assert QuotedSource.objects.filter(slug="ann").exists()


def test_an_inline_quote_of_another_article_s_anonymous_source_gets_this_one_s(
    admin_client_logged_in,
):
    first = ArticleFactory(quotes=[{"source": "un officiel", "kind": "anonymous", "text": "A."}])
    theirs = QuotedSource.objects.get(article=first)
    article = ArticleFactory(title="Inline story", body="Plain body.", tags=[], authors=[])
    data = article_form(
        article,
        **{"quotes-TOTAL_FORMS": "1", "quotes-0-source": theirs.pk, "quotes-0-text": "B.",
           "quotes-0-position": "0"},
    )  # fmt: skip
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert admin_client_logged_in.post(url, data).status_code == 302
    own = article.quotes.get().source
    assert (own.kind, own.article_id, own.name) == ("anonymous", article.pk, "un officiel")
    assert theirs.quotes.count() == 1
