"""Property-based tests generated from the committed openapi.yaml by schemathesis: whatever a
client sends that the schema allows (and much that it does not), the API answers as the schema
says, and never with a 500."""

from __future__ import annotations

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
)

from newsapi.wsgi import application
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.slow

# The schema as the running application serves it (test_schema.py pins it to openapi.yaml).
SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
# A NUL byte in a query is refused with a 400 (tests/test_search.py checks it); JSON Schema
# cannot say so, so leave it out of the "valid" data.
SCHEMA.config.generation.update(allow_x00=False)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Like Django's test client, keep the test's database connection (and its transaction)
    open across the requests schemathesis sends to the WSGI application."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def editor_token(db) -> str:
    from tests.conftest import EDITOR_PERMISSIONS

    user = UserFactory(username="schemathesis", permissions=EDITOR_PERMISSIONS)
    return Token.objects.create(user=user).key


def existing_objects() -> dict[str, str]:
    """An article, a tag, an author and a quoted source that exist now (a DELETE in an
    earlier example may have removed them): their ids and slugs for the path parameters,
    so that PUT, PATCH and DELETE reach their 200 and 204 rather than 404."""
    from articles.models import Article

    article = Article.objects.filter(url="https://example.org/schemathesis").first()
    if article is None:
        article = ArticleFactory(
            title="Glaciers", url="https://example.org/schemathesis", tags=["Climat"],
            authors=["Ann Lee"], quotes=[{"source": "Matthias Huss", "text": "t"}],
        )  # fmt: skip
    named = {
        "tags": ("Climat", "climat"),
        "authors": ("Ann Lee", "ann-lee"),
        "sources": ("Matthias Huss", "matthias-huss"),
    }
    from articles.models import Author, QuotedSource, Tag

    for model, (name, slug) in zip((Tag, Author, QuotedSource), named.values(), strict=True):
        model.objects.get_or_create(slug=slug, defaults={"name": name})
    return {"id": str(article.pk), **{path: slug for path, (_, slug) in named.items()}}


# Left out everywhere: (1) refusing every schema-violating request: an empty query parameter
# means "not given", as in most web APIs; (2) accepting every schema-valid write: a write can
# be refused for what a schema cannot say (a name already taken, a host name longer than DNS
# allows, a source still quoted); (3) accepting every schema-valid `after` of the change feed:
# only cursors the feed gave are cursors, which a schema cannot say. Every other check runs,
# the server-error and response-schema checks included.
OPAQUE_CURSORS = {"/api/v1/changes/"}


def excluded_checks(method: str, path: str = "") -> list:
    accepting = method != "GET" or path in OPAQUE_CURSORS
    return [negative_data_rejection] + ([positive_data_acceptance] if accepting else [])


@pytest.mark.django_db
@SCHEMA.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_contract(case, editor_token):
    objects = existing_objects()
    negative_path = case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH)
    if case.path_parameters and not negative_path:
        if "id" in case.path_parameters:
            case.path_parameters["id"] = objects["id"]
        if "slug" in case.path_parameters:
            case.path_parameters["slug"] = objects[case.path.split("/")[3]]
    case.call_and_validate(
        headers={"Authorization": f"Token {editor_token}", "Accept-Encoding": "identity"},
        excluded_checks=excluded_checks(case.method, case.path),
    )


@pytest.mark.django_db
def test_the_api_keeps_its_contract_across_calls(editor_token):
    """Stateful: sequences of calls linked by the ids and slugs earlier answers gave (links
    that schemathesis infers from the schema), e.g. create an article, then read, patch and
    delete that one."""
    existing_objects()

    class Workflow(SCHEMA.as_state_machine()):
        def setup(self):
            # Each sequence starts from the same rows, so that hypothesis sees the same
            # answers when it generates a sequence again.
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def get_call_kwargs(self, case):
            return {
                "headers": {"Authorization": f"Token {editor_token}", "Accept-Encoding": "identity"}
            }

        def validate_response(self, response, case, **kwargs):
            # Also left out here: ignored_auth, which takes the token set per call above for
            # credentials it generated itself (tests/api/test_auth.py refuses bad tokens).
            excluded = [*excluded_checks(case.method, case.path), ignored_auth]
            case.validate_response(response, excluded_checks=excluded)

    # Generation only: ids still move on from one sequence to the next (sequences are not
    # rolled back), so a sequence cannot be replayed to shrink it; a failure shows as found.
    Workflow.run(
        settings=settings(
            max_examples=25, stateful_step_count=6, deadline=None, derandomize=True,
            suppress_health_check=list(HealthCheck), phases=[Phase.generate], database=None,
        )
    )  # fmt: skip
