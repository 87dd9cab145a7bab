"""A TypeScript client generated from the committed openapi.yaml with openapi-typescript's
defaults, called through openapi-fetch (the common choice of JavaScript client apps), type-checks
under ``tsc --strict`` and drives a live server through the whole flow
(tests/typescript/flow.ts). Every response it got is then checked against the schema: its
status is documented for its operation, and its body matches the documented shape exactly (a
field the schema does not name fails, as ``additional_properties`` does for the Python client).

Node.js and npm are needed; the packages come from the npm registry at the versions of
tests/typescript/package-lock.json (``npm ci``, which ``make test`` runs too)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.conftest import EDITOR_PERMISSIONS
from tests.factories import UserFactory
from tests.live import end_other_sessions

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "tests" / "typescript"
NODE, NPM = shutil.which("node"), shutil.which("npm")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        NODE is None or NPM is None,
        reason="Node.js (node and npm) is not installed: the TypeScript client check needs it",
    ),
]


def run(*command: str, timeout: int = 300) -> str:
    result = subprocess.run(
        command, cwd=FOLDER, capture_output=True, text=True, timeout=timeout, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)}:\n{output}"
    return output


@pytest.fixture(scope="module")
def compiled() -> Path:
    """The flow, compiled against types generated from openapi.yaml."""
    installed = FOLDER / "node_modules" / ".package-lock.json"
    lock = FOLDER / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        run(str(NPM), "ci", "--no-audit", "--no-fund")
    bin_ = FOLDER / "node_modules" / ".bin"
    output = run(str(bin_ / "openapi-typescript"), str(ROOT / "openapi.yaml"),
                 "--output", "generated/schema.d.ts")  # fmt: skip
    assert "warn" not in output.lower() and "error" not in output.lower(), output
    run(str(bin_ / "tsc"), "--strict", "--project", ".")
    return FOLDER / "build" / "flow.js"


@pytest.fixture
def server(live_server):
    yield live_server
    end_other_sessions(seconds=1.0)


def json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: ``nullable`` as a null alternative, references
    into ``$defs``, and objects closed to properties they do not name (which also keeps the
    alternatives of a ``oneOf`` apart)."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {"$ref": "#/$defs/" + node["$ref"].rsplit("/", 1)[-1]}
    converted = {}
    for key, value in node.items():
        if key in ("nullable", "readOnly", "writeOnly", "example", "examples"):
            continue
        if key == "properties":
            converted[key] = {name: json_schema(schema) for name, schema in value.items()}
        elif key == "oneOf":  # formats are not checked here: "" is a string and a "uri"
            converted["anyOf"] = json_schema(value)
        else:
            converted[key] = json_schema(value)
    if "properties" in node and "additionalProperties" not in node:
        converted["additionalProperties"] = False
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def test_a_generated_typescript_client_drives_the_whole_flow(compiled, server, tmp_path):
    UserFactory(username="writer", permissions=EDITOR_PERMISSIONS)
    log = tmp_path / "responses.json"
    run(str(NODE), str(compiled), server.url, "writer", "correct-horse-battery", str(log),
        timeout=600)  # fmt: skip

    schema = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    definitions = json_schema(schema["components"]["schemas"])
    problems = []
    for number, answer in enumerate(json.loads(log.read_text())):
        where = f"#{number} {answer['method']} {answer['path']} {answer['status']}"
        operation = schema["paths"][answer["path"]][answer["method"].lower()]
        documented = operation["responses"].get(str(answer["status"]))
        if documented is None:
            problems.append(f"{where}: status not in the schema")
            continue
        content = documented.get("content", {}).get("application/json")
        if content is None:
            if answer["body"] is not None:
                problems.append(f"{where}: a body where the schema documents none")
            continue
        validator = jsonschema.Draft202012Validator(
            {**json_schema(content["schema"]), "$defs": definitions}
        )
        problems += [f"{where}: {error.message}" for error in validator.iter_errors(answer["body"])]
    assert problems == []
    seen = {(answer["method"], answer["path"], answer["status"])
            for answer in json.loads(log.read_text())}  # fmt: skip
    for expected in [
        ("POST", "/api/v1/articles/", 201), ("POST", "/api/v1/articles/", 200),
        ("POST", "/api/v1/articles/bulk/", 200), ("POST", "/api/v1/articles/extract/", 201),
        ("POST", "/api/v1/articles/extract/", 200), ("GET", "/api/v1/articles/{id}/", 304),
        ("PATCH", "/api/v1/articles/{id}/", 412), ("DELETE", "/api/v1/articles/{id}/", 412),
        ("DELETE", "/api/v1/articles/{id}/", 204), ("POST", "/api/v1/articles/", 400),
        ("POST", "/api/v1/articles/", 401), ("POST", "/api/v1/tags/", 409),
    ]:  # fmt: skip
        assert expected in seen
