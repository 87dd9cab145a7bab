"""The front door: the landing page, the admin's branding, the browsable API root, and how
Swagger UI authorises."""

from __future__ import annotations

import pytest
import yaml
from django.conf import settings

from newsapi.home import package_version

pytestmark = pytest.mark.django_db


def test_the_landing_page_says_what_this_is_and_links_everywhere(client):
    page = client.get("/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "newsapi" in text and package_version() in text
    for link in ("/api/docs/", "/api/redoc/", "/admin/", "/api/v1/", "/healthz"):
        assert f'href="{link}"' in text, link


def test_the_admin_is_branded_and_view_site_goes_to_the_landing_page(admin_client_logged_in):
    text = admin_client_logged_in.get("/admin/").content.decode()
    assert "newsapi administration" in text
    assert "<title>" in text and "newsapi admin" in text
    assert 'href="/"' in text  # "View site"


def test_the_api_root_lists_every_endpoint_with_a_description(api_client):
    links = api_client.get("/api/v1/").json()
    names = "articles authors tags sources quotes facets bulk extract suggest auth/token schema"
    more = ["docs", "redoc", "healthz", "synonyms", "changes", "webhooks", "feeds/json"]
    for name in [*names.split(), *more]:
        assert name in links, name
    assert links["facets"].endswith("/api/v1/articles/facets/")
    browsable = api_client.get("/api/v1/", HTTP_ACCEPT="text/html").content.decode()
    assert "default basic root view" not in browsable
    assert "full-text search" in browsable


def test_swagger_ui_takes_the_bare_token(api_client, editor):
    scheme = yaml.safe_load((settings.BASE_DIR / "openapi.yaml").read_text())["components"][
        "securitySchemes"
    ]["tokenAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"  # the UI adds "Bearer "
    assert "Authorize" in settings.SPECTACULAR_SETTINGS["DESCRIPTION"]
    token = api_client.post(
        "/api/v1/auth/token/", {"username": "editor", "password": "correct-horse-battery"}
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    answer = api_client.post("/api/v1/tags/", {"name": "Neige"}, format="json")
    assert answer.status_code == 201
