"""At most ARTICLE_MAX_QUOTES quotes, ARTICLE_MAX_AUTHORS authors and ARTICLE_MAX_TAGS tags
an article, refused with a 400 (or the item's error) by every door."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from articles import services
from articles.extract import quotations
from articles.ingest import entries, import_entries
from articles.models import Article, Quotation, QuotedSource

pytestmark = pytest.mark.django_db

TOO_MANY = {
    "quotes": [{"source": "Paul Martin", "text": f"Mot {n}."} for n in range(33_000)],
    "authors": [f"Author {n}" for n in range(settings.ARTICLE_MAX_AUTHORS + 1)],
    "tags": [f"Tag {n}" for n in range(settings.ARTICLE_MAX_TAGS + 1)],
}


def article(**fields):
    return {"title": "Limits", "body": "A body.", "language": "en", **fields}


@pytest.mark.parametrize("field", TOO_MANY)
def test_the_api_refuses_too_many_on_create_and_update(editor_client, field):
    response = editor_client.post("/api/v1/articles/", article(**{field: TOO_MANY[field]}),
                                  format="json")  # fmt: skip
    assert response.status_code == 400 and field in response.json()
    created = editor_client.post("/api/v1/articles/", article(), format="json").json()
    response = editor_client.patch(
        f"/api/v1/articles/{created['id']}/", {field: TOO_MANY[field]}, format="json"
    )
    assert response.status_code == 400 and field in response.json()
    assert Article.objects.count() == 1


@pytest.mark.parametrize("field", TOO_MANY)
def test_a_bulk_item_with_too_many_is_that_items_error(editor_client, field):
    items = [article(title="Fine", url="https://example.org/fine"),
             article(title="Too many", **{field: TOO_MANY[field]})]  # fmt: skip
    response = editor_client.post("/api/v1/articles/bulk/", {"articles": items}, format="json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["status"] == "created"
    assert results[1]["status"] == "error" and field in results[1]["errors"]
    assert list(Article.objects.values_list("title", flat=True)) == ["Fine"]


def test_the_limit_itself_is_stored(editor_client):
    quotes = TOO_MANY["quotes"][: settings.ARTICLE_MAX_QUOTES]
    response = editor_client.post("/api/v1/articles/", article(quotes=quotes), format="json")
    assert response.status_code == 201
    assert Quotation.objects.count() == settings.ARTICLE_MAX_QUOTES


def test_an_import_record_with_too_many_fails_alone(tmp_path):
    lines = [article(title="Fine"), article(title="Too many", quotes=TOO_MANY["quotes"])]
    path = tmp_path / "archive.ndjson"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    with path.open("rb") as stream:
        report = import_entries(entries(stream))
    assert report.created == 1 and len(report.failed) == 1
    assert report.failed[0][0] == "line 2" and "quotes" in report.failed[0][1]
    call_command("search_index", "status")  # still usable


def test_the_services_refuse_too_many_for_any_caller():
    with pytest.raises(ValidationError) as error:
        services.article_create(**article(tags=TOO_MANY["tags"]))
    assert "tags" in error.value.message_dict


def test_extraction_keeps_at_most_the_limit():
    paragraph = " ".join(f"« Mot {n}. », a dit Jean Dupont." for n in range(1500))
    assert len(quotations([paragraph])) == settings.ARTICLE_MAX_QUOTES


def test_the_admin_refuses_too_many_as_a_form_error(admin_client_logged_in, settings):
    from tests.factories import ArticleFactory
    from tests.test_admin import article_form

    story = ArticleFactory(title="Admin limits", body="Plain body.", tags=[], authors=[])
    source = services.get_or_create_named(QuotedSource, "Paul Martin")
    settings.ARTICLE_MAX_QUOTES = 5  # the request's field count stays below Django's own cap
    count = settings.ARTICLE_MAX_QUOTES + 1
    rows = {"quotes-TOTAL_FORMS": str(count)}
    for n in range(count):
        rows |= {f"quotes-{n}-source": source.pk, f"quotes-{n}-text": f"Mot {n}.",
                 f"quotes-{n}-position": str(n)}  # fmt: skip
    url = reverse("admin:articles_article_change", args=[story.pk])
    response = admin_client_logged_in.post(url, article_form(story, **rows))
    assert response.status_code == 200  # the form again, with its error
    assert "submit at most 5" in response.content.decode().lower()
    assert story.quotes.count() == 0
