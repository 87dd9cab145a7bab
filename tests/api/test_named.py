"""Tags, authors and quoted sources: the same behaviour, declared once per resource."""

from __future__ import annotations

import pytest
from django.utils import timezone

from articles.models import Author, QuotedSource, Tag
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

RESOURCES = {
    "tags": {"model": Tag, "count": "article_count", "extra": {}},
    "authors": {"model": Author, "count": "article_count", "extra": {"bio": "Writes."}},
    "sources": {
        "model": QuotedSource,
        "count": "quote_count",
        "extra": {"kind": "organization", "description": "A body."},
    },
}


@pytest.fixture(params=list(RESOURCES))
def resource(request):
    return request.param, RESOURCES[request.param]


def make_usage(name: str) -> None:
    """Two published articles and one draft, each using ``name`` as tag, author and source."""
    for status in ("published", "published", "draft"):
        ArticleFactory(
            status=status,
            published_at=None if status == "draft" else timezone.now(),
            tags=[name],
            authors=[name],
            quotes=[{"source": name, "text": "words"}],
        )


def test_list_is_alphabetical_with_counts_of_published_use(api_client, editor_client, resource):
    path, spec = resource
    make_usage("Corée du Nord")
    spec["model"].objects.create(name="Arctic", slug="arctic")  # used by no article
    data = editor_client.get(f"/api/v1/{path}/").json()
    assert [item["name"] for item in data["results"]] == ["Arctic", "Corée du Nord"]
    assert [item[spec["count"]] for item in data["results"]] == [0, 2]
    # Readers see the names that published articles use.
    data = api_client.get(f"/api/v1/{path}/").json()
    assert [(item["name"], item[spec["count"]]) for item in data["results"]] == [
        ("Corée du Nord", 2)
    ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("cor", ["Corée du Nord"]),
        ("NORD", ["Corée du Nord"]),
        ("coree", ["Corée du Nord"]),
        ("nor", ["Corée du Nord"]),
        ("ée", []),
        ("%", []),
        ("_", []),
    ],
)
def test_q_matches_the_start_of_the_name_or_of_a_word(editor_client, resource, q, expected):
    path, spec = resource
    for name in ("Corée du Nord", "Décor"):
        spec["model"].objects.create(
            name=name, slug=name.lower().replace(" ", "-").replace("é", "e")
        )
    names = [
        item["name"] for item in editor_client.get(f"/api/v1/{path}/", {"q": q}).json()["results"]
    ]
    assert names == expected


def test_retrieve_by_slug(api_client, resource):
    path, spec = resource
    make_usage("Élodie")
    data = api_client.get(f"/api/v1/{path}/elodie/").json()
    assert data["name"] == "Élodie" and data[spec["count"]] == 2
    assert api_client.get(f"/api/v1/{path}/nobody/").status_code == 404


def test_create_update_delete_need_permissions(api_client, reader_client, editor_client, resource):
    path, spec = resource
    body = {"name": "New One", **spec["extra"]}
    assert api_client.post(f"/api/v1/{path}/", body, format="json").status_code == 401
    assert reader_client.post(f"/api/v1/{path}/", body, format="json").status_code == 403
    created = editor_client.post(f"/api/v1/{path}/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["slug"] == "new-one"
    renamed = editor_client.patch(f"/api/v1/{path}/new-one/", {"name": "Newer"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["slug"] == "newer"
    assert editor_client.delete(f"/api/v1/{path}/newer/").status_code == 204
    assert not spec["model"].objects.exists()


def test_a_second_spelling_is_a_409_conflict_and_no_name_a_400(editor_client, resource):
    path, spec = resource
    spec["model"].objects.create(name="Corée du Nord", slug="coree-du-nord")
    response = editor_client.post(f"/api/v1/{path}/", {"name": "COREE du nord"}, format="json")
    assert response.status_code == 409 and "name" in response.json()
    response = editor_client.post(f"/api/v1/{path}/", {"name": "!!!"}, format="json")
    assert response.status_code == 400 and "name" in response.json()


def test_renaming_onto_another_name_is_409(editor_client, resource):
    path, spec = resource
    spec["model"].objects.create(name="Alpha", slug="alpha")
    spec["model"].objects.create(name="Beta", slug="beta")
    response = editor_client.patch(f"/api/v1/{path}/beta/", {"name": "alpha"}, format="json")
    assert response.status_code == 409 and "exists" in response.json()["name"][0]


def test_renaming_shows_in_the_articles(api_client, editor_client):
    article = ArticleFactory(tags=["Alpha"])
    editor_client.patch("/api/v1/tags/alpha/", {"name": "Omega"}, format="json")
    data = api_client.get(f"/api/v1/articles/{article.pk}/").json()
    assert data["tags"] == [{"name": "Omega", "slug": "omega"}]
    assert api_client.get("/api/v1/articles/", {"q": "omega"}).json()["count"] == 1


def test_deleting_a_quoted_source_is_refused(editor_client):
    ArticleFactory(quotes=[{"source": "Acme", "text": "hi"}])
    response = editor_client.delete("/api/v1/sources/acme/")
    assert response.status_code == 409 and QuotedSource.objects.exists()
    assert "quoted in 1 article" in str(response.json())


def test_source_kind_filter(editor_client):
    QuotedSource.objects.create(name="Acme", slug="acme", kind="organization")
    QuotedSource.objects.create(name="Ann", slug="ann", kind="person")
    data = editor_client.get("/api/v1/sources/", {"kind": "person"}).json()
    assert [item["name"] for item in data["results"]] == ["Ann"]
    assert editor_client.get("/api/v1/sources/", {"kind": "alien"}).status_code == 400


def test_details_count_published_use_as_the_list_does(api_client, editor_client, resource):
    """A source's detail counts from the index, a tag's or author's from PostgreSQL: the same
    numbers as the list, for readers and editors, drafts and scheduled articles left out."""
    path, spec = resource
    make_usage("Corée du Nord")
    ArticleFactory(
        published_at=timezone.now() + timezone.timedelta(days=1),  # scheduled
        tags=["Corée du Nord"], authors=["Corée du Nord"],
        quotes=[{"source": "Corée du Nord", "text": "later"}],
    )  # fmt: skip
    for client in (api_client, editor_client):
        listed = client.get(f"/api/v1/{path}/").json()["results"]
        detail = client.get(f"/api/v1/{path}/coree-du-nord/").json()
        assert listed[0][spec["count"]] == detail[spec["count"]] == 2
