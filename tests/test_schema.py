"""The OpenAPI schema: valid, warning-free, and exactly the committed openapi.yaml."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

COMMITTED = Path(settings.BASE_DIR) / "openapi.yaml"


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))


def test_committed_openapi_yaml_is_what_the_code_generates(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated))
    assert COMMITTED.read_text() == generated.read_text(), (
        "openapi.yaml is stale: run `make schema` and commit it"
    )


def test_every_operation_and_parameter_is_described(tmp_path):
    import yaml

    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated))
    schema = yaml.safe_load(generated.read_text())
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            assert operation.get("tags"), f"{method} {path} has no tag"
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), f"{parameter['name']} of {method} {path}"
            codes = set(operation["responses"])
            if method in ("post", "put", "patch", "delete"):
                assert {"401", "403"} <= codes, f"{method} {path}"
            if "{" in path:
                assert "404" in codes, f"{method} {path}"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/", "/api/schema/"])
def test_docs_are_served_without_a_cdn(client, path):
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert "cdn.jsdelivr" not in body and "unpkg.com" not in body


@pytest.mark.django_db
def test_sidecar_assets_are_served(client):
    page = client.get("/api/docs/").content.decode()
    asset = page.split('src="')[1].split('"')[0]
    assert asset.startswith("/static/drf_spectacular_sidecar/")
    response = client.get(asset)
    assert response.status_code == 200
