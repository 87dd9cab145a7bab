"""A Python client generated from the committed openapi.yaml (openapi-python-client) drives a
live server through the whole flow: every answer parses into its documented model, and no
field lands in ``additional_properties`` (which is where undocumented fields go)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

from tests.conftest import EDITOR_PERMISSIONS
from tests.factories import UserFactory
from tests.live import end_other_sessions

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = Path(sys.executable).parent / "openapi-python-client"
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Any:
    folder = tmp_path_factory.mktemp("client")
    config = folder / "config.yaml"
    config.write_text("post_hooks: []\n")  # no formatter runs on the generated code
    result = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(ROOT / "openapi.yaml"), "--meta", "none",
         "--output-path", str(folder / "newsapi_client"), "--config", str(config)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower() and "error" not in output.lower(), output
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("newsapi_client")
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m.startswith("newsapi_client")]:
            del sys.modules[name]


@pytest.fixture
def server(live_server):
    """The live server; its request threads' database sessions end with the test."""
    yield live_server
    end_other_sessions(seconds=1.0)


def undocumented(value: Any, where: str = "answer") -> list[str]:
    """Paths of every field that parsed into ``additional_properties``."""
    found = []
    if isinstance(value, list):
        for index, item in enumerate(value):
            found += undocumented(item, f"{where}[{index}]")
    elif hasattr(value, "additional_properties"):
        if value.additional_properties:
            found.append(f"{where}: {sorted(value.additional_properties)}")
        for attribute in attrs.fields(type(value)):
            if attribute.name != "additional_properties":
                found += undocumented(getattr(value, attribute.name), f"{where}.{attribute.name}")
    return found


def parsed(response: Any, status: int) -> Any:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response.parsed is not None, response.content[:500]
    assert undocumented(response.parsed) == []
    return response.parsed


def test_a_generated_client_drives_the_whole_flow(generated, server):
    from newsapi_client import AuthenticatedClient, Client
    from newsapi_client.api.articles import (
        articles_bulk_create,
        articles_create,
        articles_destroy,
        articles_extract_create,
        articles_facets_retrieve,
        articles_list,
        articles_partial_update,
        articles_related_retrieve,
        articles_retrieve,
        articles_update,
    )  # fmt: skip
    from newsapi_client.api.auth import auth_token_create
    from newsapi_client.api.quotes import quotes_list
    from newsapi_client.api.search import suggest_retrieve
    from newsapi_client.api.tags import tags_list, tags_retrieve
    from newsapi_client.models import (
        ArticleStatusEnum,
        ArticleWriteRequest,
        BulkArticlesRequest,
        LoginRequest,
        PatchedArticleWriteRequest,
        QuoteInputRequest,
        RawPageRequest,
        SourceKindEnum,
    )

    UserFactory(username="writer", permissions=EDITOR_PERMISSIONS)
    anonymous = Client(base_url=server.url)
    login = LoginRequest(username="writer", password="correct-horse-battery")
    token = parsed(auth_token_create.sync_detailed(client=anonymous, body=login), 200).token
    client = AuthenticatedClient(base_url=server.url, token=token)  # "Bearer", its default

    def article(title: str, url: str, **extra: Any) -> ArticleWriteRequest:
        return ArticleWriteRequest(
            title=title, body="<p>Les glaciers des Alpes fondent.</p>", language="fr",
            status=ArticleStatusEnum.PUBLISHED, url=url, tags=["Climat", "Glaciers"],
            authors=["Élodie Martin"],
            quotes=[QuoteInputRequest(source="Matthias Huss", text="Ça va vite.",
                                      kind=SourceKindEnum.PERSON, description="glaciologue")],
            **extra,
        )  # fmt: skip

    created = parsed(
        articles_create.sync_detailed(
            client=client, body=article("Glaciers en recul", "https://example.org/glaciers")
        ),
        201,
    )
    assert created.id > 0 and [tag.name for tag in created.tags] == ["Climat", "Glaciers"]
    assert created.quotes[0].source.name == "Matthias Huss"
    again = parsed(articles_create.sync_detailed(
        client=client, body=article("Glaciers en recul, encore", "https://example.org/glaciers")),
        200)  # fmt: skip
    assert again.id == created.id
    bulk = parsed(articles_bulk_create.sync_detailed(client=client, body=BulkArticlesRequest(
        articles=[article(f"Neige {n}", f"https://example.org/neige/{n}") for n in range(3)])),
        200)  # fmt: skip
    assert (bulk.created, bulk.failed) == (3, 0)

    found = parsed(articles_list.sync_detailed(client=client, q="glaciers"), 200)
    assert found.count == 4 and found.results[0].highlights is not None
    filtered = parsed(articles_list.sync_detailed(client=anonymous, tag=["climat"], language="fr",
                                                  page_size=2, page=2), 200)  # fmt: skip
    assert filtered.count == 4 and len(filtered.results) == 2 and filtered.previous
    facets = parsed(articles_facets_retrieve.sync_detailed(client=anonymous, q="glaciers"), 200)
    assert facets.total == 4 and facets.tags[0].count == 4
    suggestions = parsed(suggest_retrieve.sync_detailed(client=anonymous, q="glac"), 200)
    assert any(tag.slug == "glaciers" for tag in suggestions.tags)
    related = parsed(articles_related_retrieve.sync_detailed(client=anonymous, id=created.id), 200)
    assert created.id not in [row.id for row in related.results]
    assert parsed(tags_list.sync_detailed(client=anonymous), 200).count == 2
    assert parsed(tags_retrieve.sync_detailed(client=anonymous, slug="climat"), 200).article_count
    assert parsed(quotes_list.sync_detailed(client=anonymous, q="vite"), 200).count == 4
    extracted = parsed(articles_extract_create.sync_detailed(client=client, body=RawPageRequest(
        content="Titre\n\nby Ann Lee\n\n« Oui », a dit Paul Martin.\n")), 200)  # fmt: skip
    assert extracted.title == "Titre" and extracted.quotes[0].source == "Paul Martin"

    patched = parsed(
        articles_partial_update.sync_detailed(
            client=client, id=created.id, body=PatchedArticleWriteRequest(section="Sciences")
        ),
        200,
    )
    assert patched.section == "Sciences" and patched.title == "Glaciers en recul, encore"
    replaced = parsed(articles_update.sync_detailed(
        client=client, id=created.id,
        body=article("Glaciers, le bilan", "https://example.org/glaciers", section="Climat")),
        200)  # fmt: skip
    assert replaced.title == "Glaciers, le bilan" and replaced.section == "Climat"
    one = parsed(articles_retrieve.sync_detailed(client=anonymous, id=created.id), 200)
    assert one.body and one.updated_at >= one.created_at
    assert articles_destroy.sync_detailed(client=client, id=created.id).status_code == 204
    assert articles_retrieve.sync_detailed(client=anonymous, id=created.id).status_code == 404
