"""Saved searches through the API: each user's own (editors see all), checked as the article
list checks its parameters, at most SAVED_SEARCH_MAX_PER_USER a user, a webhook of one's own."""

from __future__ import annotations

import pytest
import yaml
from rest_framework.test import APIClient

from articles import events
from articles.events.models import WebhookEndpoint
from articles.monitoring.models import SavedSearch
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SAVED = "/api/v1/saved-searches/"


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def save(client, **body) -> dict:
    response = client.post(SAVED, {"name": "Watch", **body}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def endpoint_of(user) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        owner=user, url="https://hooks.example.org/in", events=["*"], secret=events.new_secret()
    )


def test_create_read_change_delete(reader_client, reader):
    hook = endpoint_of(reader)
    created = save(
        reader_client, q='"gaz naturel" OR pétrole -charbon',
        filters={"tag": ["énergie"], "language": "fr"}, notify={"webhook": hook.pk},
    )  # fmt: skip
    assert created["q"] == '"gaz naturel" OR pétrole -charbon'
    assert created["filters"] == {"tag": ["énergie"], "language": "fr"}
    assert created["notify"] == {"webhook": hook.pk}
    assert created["active"] is True and created["owner"] == "reader"
    assert {"id", "name", "created_at", "updated_at"} <= set(created)
    url = f"{SAVED}{created['id']}/"
    assert reader_client.get(url).json() == created
    changed = reader_client.patch(
        url, {"active": False, "notify": {"webhook": None}, "filters": {"tag": "gaz"}},
        format="json",
    )  # fmt: skip
    assert changed.status_code == 200, changed.content
    assert changed.json()["active"] is False and changed.json()["notify"] == {"webhook": None}
    assert changed.json()["filters"] == {"tag": ["gaz"]}
    assert changed.json()["q"] == created["q"]
    listed = reader_client.get(SAVED).json()
    assert [item["id"] for item in listed["results"]] == [created["id"]]
    assert reader_client.delete(url).status_code == 204
    assert not SavedSearch.objects.exists()


def test_anonymous_users_have_none(api_client):
    assert api_client.get(SAVED).status_code == 401
    assert api_client.post(SAVED, {"name": "x"}, format="json").status_code == 401


def test_each_sees_their_own_and_editors_all(reader_client, editor_client):
    mine = save(reader_client, q="climat")
    other = client_of(UserFactory(username="other"))
    theirs = save(other, q="pluie")
    assert [s["id"] for s in other.get(SAVED).json()["results"]] == [theirs["id"]]
    for method in ("get", "patch", "delete"):
        answer = getattr(other, method)(f"{SAVED}{mine['id']}/", {}, format="json")
        assert answer.status_code == 404, method
    assert other.get(f"{SAVED}{mine['id']}/matches/").status_code == 404
    everyone = editor_client.get(SAVED).json()["results"]
    assert {s["id"] for s in everyone} == {mine["id"], theirs["id"]}
    assert editor_client.get(f"{SAVED}{mine['id']}/").json()["owner"] == "reader"


@pytest.mark.parametrize(
    ("body", "list_params", "where"),
    [
        ({"filters": {"language": "french"}}, {"language": "french"}, ("filters", "language")),
        ({"filters": {"published_after": "soon"}}, {"published_after": "soon"},
         ("filters", "published_after")),
        ({"filters": {"status": "gone"}}, {"status": "gone"}, ("filters", "status")),
        ({"q": "x" * 501}, {"q": "x" * 501}, ("q",)),
    ],
)  # fmt: skip
def test_what_the_list_refuses_is_refused_with_its_message(
    reader_client, api_client, body, list_params, where
):
    refused = reader_client.post(SAVED, {"name": "Bad", **body}, format="json")
    assert refused.status_code == 400
    listed = api_client.get("/api/v1/articles/", list_params)
    assert listed.status_code == 400
    found = refused.json()
    for key in where:
        found = found[key]
    assert found == listed.json()[where[-1]]
    assert not SavedSearch.objects.exists()


def test_the_schema_says_qs_limit_and_500_characters_are_taken(reader_client, api_client):
    schema = yaml.safe_load(api_client.get("/api/schema/").content)
    for name in ("SavedSearch", "SavedSearchRequest", "PatchedSavedSearchRequest"):
        assert schema["components"]["schemas"][name]["properties"]["q"]["maxLength"] == 500
    kept = reader_client.post(SAVED, {"name": "Long", "q": "x" * 500}, format="json")
    assert kept.status_code == 201 and kept.json()["q"] == "x" * 500


def test_unknown_filters_and_fields_are_named(reader_client):
    typo = reader_client.post(SAVED, {"name": "x", "filters": {"tags": ["a"]}}, format="json")
    assert typo.status_code == 400 and "tags" in typo.json()["filters"]
    field = reader_client.post(SAVED, {"name": "x", "query": "a"}, format="json")
    assert field.status_code == 400 and "query" in field.json()
    shape = reader_client.post(SAVED, {"name": "x", "filters": {"language": 3}}, format="json")
    assert shape.status_code == 400 and "language" in shape.json()["filters"]
    two = reader_client.post(
        SAVED, {"name": "x", "filters": {"language": ["fr", "en"]}}, format="json"
    )
    assert two.status_code == 400 and "language" in two.json()["filters"]
    saved = save(reader_client, q="a")
    patched = reader_client.patch(
        f"{SAVED}{saved['id']}/", {"filters": {"section": ["a", "b"]}}, format="json"
    )
    assert patched.status_code == 400
    assert SavedSearch.objects.get().filters == {}


def test_a_webhook_must_be_ones_own(reader_client, reader):
    someone = UserFactory(username="someone")
    theirs = endpoint_of(someone)
    for webhook in (theirs.pk, 987654):
        refused = reader_client.post(
            SAVED, {"name": "x", "notify": {"webhook": webhook}}, format="json"
        )
        assert refused.status_code == 400 and "webhook" in refused.json()["notify"]
    assert save(reader_client, notify={"webhook": endpoint_of(reader).pk})["notify"]


def test_at_most_the_limit_per_user(reader_client, settings):
    settings.SAVED_SEARCH_MAX_PER_USER = 2
    save(reader_client, q="a")
    save(reader_client, q="b")
    third = reader_client.post(SAVED, {"name": "c", "q": "c"}, format="json")
    assert third.status_code == 400
    assert "SAVED_SEARCH_MAX_PER_USER" in third.json()["detail"][0]
    assert save(client_of(UserFactory()), q="d")  # another user has their own allowance


def test_the_list_takes_only_paging(reader_client):
    assert reader_client.get(SAVED, {"q": "x"}).status_code == 400


def test_the_list_costs_a_fixed_number_of_queries(reader, django_assert_max_num_queries):
    client = client_of(reader)
    for number in range(3):
        save(client, q=f"word{number}", notify={"webhook": endpoint_of(reader).pk})
    # The statement timeout, the throttle, the user's permissions (two: is it an editor?),
    # the count, the page with its owners.
    with django_assert_max_num_queries(6):
        assert len(client.get(SAVED).json()["results"]) == 3
    for number in range(20):
        save(client, q=f"more{number}")
    with django_assert_max_num_queries(6):
        assert len(client.get(SAVED).json()["results"]) == 20
