from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from tests.factories import UserFactory


def member(username: str, group: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    return user


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def contributor(db):
    return member("cora", "Contributors")


@pytest.fixture
def newsroom_editor(db):
    return member("eddie", "Editors")


@pytest.fixture
def contributor_client(contributor) -> APIClient:
    return client_of(contributor)


@pytest.fixture
def newsroom_client(newsroom_editor) -> APIClient:
    return client_of(newsroom_editor)
