from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from articles import search
from tests.factories import UserFactory

EDITOR_PERMISSIONS = [
    f"articles.{action}_{model}"
    for action in ("add", "change", "delete", "view")
    for model in ("article", "author", "tag", "quotedsource", "quotation", "synonymset")
] + ["articles.publish_article"]


def pytest_configure(config: pytest.Config) -> None:
    """Settings that make each test cheaper without changing what it checks: PBKDF2 with one
    iteration (the default spends a quarter of a second per user on purpose), and WhiteNoise
    looking static files up when asked rather than listing every app's files (some nine
    thousand) each time a test client loads the middleware."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["tests.hashers.OneIterationPBKDF2PasswordHasher"]
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def reader(db):
    return UserFactory(username="reader")


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", permissions=EDITOR_PERMISSIONS)


@pytest.fixture
def reader_client(reader) -> APIClient:
    client = APIClient()
    client.force_authenticate(reader)
    return client


@pytest.fixture
def editor_client(editor) -> APIClient:
    client = APIClient()
    client.force_authenticate(editor)
    return client


@pytest.fixture
def superuser(db):
    return UserFactory(username="boss", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client_logged_in(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(autouse=True)
def _own_search_index(request, settings):
    """Each test gets an index of its own: a test's rolled-back writes must not stay in an
    index that the next test reads (the first search builds it from the test's data). It is
    kept in memory, unless the test is marked ``index_on_disk`` (it looks at the index's
    files) or ``slow`` (other processes share the index through its folder)."""
    if request.node.get_closest_marker("index_on_disk") or request.node.get_closest_marker("slow"):
        settings.SEARCH_INDEX_PATH = request.getfixturevalue("tmp_path") / "search"
    else:
        settings.SEARCH_INDEX_PATH = ":memory:"  # articles.search._storage.MEMORY: the index in RAM
    search.forget_engines()
    yield
    search.forget_engines()  # its open index and readers go with it


@pytest.fixture(autouse=True)
def _statement_timeout_marker_in_step():
    """A test's transaction rolls back the statement timeout the middleware set in it; the
    connection's note of it must start over too."""
    from django.db import connection

    connection.newsapi_statement_timeout = 0


_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts(request, django_db_setup, django_db_blocker):
    """Throttling counts are shared by every process (PostgreSQL): each test starts from
    zero, whatever servers earlier tests ran. (A session of tests that use no database has
    no test database: the counts left alone are then the configured database's.)"""
    from django.core.cache import cache
    from django.db import connection

    cache.clear()
    if request.node.get_closest_marker("django_db") or _DATABASE_FIXTURES & set(
        request.fixturenames
    ):
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM newsapi_throttle")
    yield
    cache.clear()
