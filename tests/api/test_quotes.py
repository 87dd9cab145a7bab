import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/quotes/"


@pytest.fixture
def quotes():
    fr = ArticleFactory(
        title="fr", language="fr",
        quotes=[{"source": "Oleksandr Syrsky", "text": "Les soldats tiennent."},
                {"source": "Acme", "text": "Deuxième citation."}],
    )  # fmt: skip
    en = ArticleFactory(
        title="en", language="en", quotes=[{"source": "Acme", "text": "Soldiers hold."}]
    )
    ArticleFactory(
        title="draft",
        status="draft",
        published_at=None,
        quotes=[{"source": "Acme", "text": "Hidden."}],
    )
    return fr, en


def texts(response):
    assert response.status_code == 200, response.content
    return [item["text"] for item in response.json()["results"]]


def test_list_shows_quotes_of_published_articles_with_source_and_article(api_client, quotes):
    fr, _ = quotes
    data = api_client.get(LIST).json()
    assert data["count"] == 3
    first = data["results"][0]
    assert first["source"] == {
        "name": "Oleksandr Syrsky",
        "slug": "oleksandr-syrsky",
        "kind": "person",
        "description": "",
    }
    assert first["article"]["id"] == fr.pk and first["article"]["language"] == "fr"


def test_editors_also_see_quotes_of_drafts(editor_client, quotes):
    assert "Hidden." in texts(editor_client.get(LIST))


def test_filters(api_client, quotes):
    _, en = quotes
    assert texts(api_client.get(LIST, {"source": "acme"})) == [
        "Deuxième citation.",
        "Soldiers hold.",
    ]
    assert texts(api_client.get(LIST, {"article": en.pk})) == ["Soldiers hold."]
    assert texts(api_client.get(LIST, {"language": "en"})) == ["Soldiers hold."]
    assert api_client.get(LIST, {"language": "english"}).status_code == 400
    assert api_client.get(LIST, {"article": "x"}).status_code == 400


def test_q_searches_quotes_in_their_article_language(api_client, quotes):
    assert texts(api_client.get(LIST, {"q": "soldat"})) == ["Les soldats tiennent."]
    assert texts(api_client.get(LIST, {"q": "soldier"})) == ["Soldiers hold."]
    assert texts(api_client.get(LIST, {"q": "syrsky"})) == ["Les soldats tiennent."]
    data = api_client.get(LIST, {"q": "soldat"}).json()["results"][0]
    assert data["rank"] > 0
