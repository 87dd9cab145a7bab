"""What a read does not do on its way to the index: no queryset built for the permission
check, no copy of the list parameters' form fields."""

from __future__ import annotations

import copy

import pytest
from django import forms

from articles.api import views
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def is_field(value: object) -> bool:
    return isinstance(value, forms.Field)


def test_the_permission_check_builds_no_queryset(api_client, monkeypatch):
    ArticleFactory(title="Glaciers of the north", language="en")
    built = []
    original = views.ArticleViewSet.get_queryset

    def get_queryset(self):
        built.append(self.action)
        return original(self)

    monkeypatch.setattr(views.ArticleViewSet, "get_queryset", get_queryset)
    for url in ("/api/v1/articles/?q=glaciers", "/api/v1/articles/facets/"):
        assert api_client.get(url).status_code == 200
    assert built == []  # answered by the index: the view's queryset never asked for
    assert api_client.post("/api/v1/articles/", {"title": "x"}).status_code == 401


def test_the_list_parameters_are_checked_without_copying_their_fields(api_client, monkeypatch):
    copied = []
    original = copy.deepcopy

    def deepcopy(value, *args, **kwargs):
        result = original(value, *args, **kwargs)
        if result is not value:
            copied.append(value)
        return result

    api_client.get("/api/v1/articles/?q=glaciers&language=fr")  # warm: the form class built
    monkeypatch.setattr(copy, "deepcopy", deepcopy)
    response = api_client.get("/api/v1/articles/?q=glaciers&language=fr&tag=climat")
    assert response.status_code == 200
    fields = [v for v in copied if isinstance(v, dict) and any(map(is_field, v.values()))]
    assert fields == []
    assert api_client.get("/api/v1/articles/?published_after=never").status_code == 400
