"""Reproducible installs: every module the code imports comes from a distribution that
pyproject.toml declares directly, and requirements.lock pins every declared one (with hashes)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(settings.BASE_DIR)
# Our packages, the benchmarks' own modules (bench/ is run as scripts) and the client that
# tests/test_generated_client.py generates.
FIRST_PARTY = {
    "articles", "newsapi", "tests", "bench", "manage", "newsapi_client",
    *(path.stem for path in (ROOT / "bench").glob("*.py")),
}  # fmt: skip
RUNTIME_CODE = ("articles", "newsapi")
ALL_CODE = (*RUNTIME_CODE, "tests", "bench")


def _declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    dev = {canonicalize_name(Requirement(r).name) for r in project["optional-dependencies"]["dev"]}
    return runtime, runtime | dev


def _imported(folders: tuple[str, ...]) -> dict[str, str]:
    """Top-level third-party module -> a file importing it."""
    modules: dict[str, str] = {}
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in FIRST_PARTY:
                        modules.setdefault(top, str(path.relative_to(ROOT)))
    return modules


def _undeclared(folders: tuple[str, ...], declared: set[str]) -> list[str]:
    distributions = packages_distributions()
    missing = []
    for module, where in sorted(_imported(folders).items()):
        names = {canonicalize_name(d) for d in distributions.get(module, [])}
        if not names & declared:
            missing.append(f"{module} (imported in {where}; from {sorted(names) or '?'})")
    return missing


def test_every_module_the_app_imports_is_a_declared_runtime_dependency():
    runtime, _ = _declared()
    assert _undeclared(RUNTIME_CODE, runtime) == []


def test_every_module_the_tests_and_benchmarks_import_is_declared():
    _, everything = _declared()
    assert _undeclared(ALL_CODE, everything) == []


def test_the_lock_pins_every_declared_dependency_with_hashes():
    lock = (ROOT / "requirements.lock").read_text()
    pinned = {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", lock, re.M)
    }
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for line in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in requirements.lock: run `make lock`"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"requirements.lock pins {name}=={pinned[name]}, outside {requirement}: run `make lock`"
        )
    blocks = re.split(r"\n(?=[A-Za-z0-9._-]+==)", lock.split("\n", 1)[1])
    assert all("--hash=sha256:" in block for block in blocks if "==" in block)
