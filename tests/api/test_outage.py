"""A database outage, for real: gunicorn reaches PostgreSQL through a proxy the test cuts.
Every API request answers 503 JSON with Retry-After meanwhile, a write that answered 5xx was
not stored, and service resumes by itself."""

from __future__ import annotations

import json
import time

import pytest
from rest_framework.authtoken.models import Token

from articles.models import Article
from tests.conftest import EDITOR_PERMISSIONS
from tests.factories import ArticleFactory, UserFactory
from tests.live import environment, gunicorn, request
from tests.proxy import database_proxy

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_database_outage_answers_503_and_service_resumes(tmp_path):
    editor = UserFactory(username="outage", permissions=EDITOR_PERMISSIONS)
    token = Token.objects.create(user=editor).key
    article = ArticleFactory(title="Before the outage")
    with database_proxy() as proxy:
        env = environment(tmp_path / "search", DATABASE_URL=proxy.url())
        with gunicorn(env, workers=2) as base:
            paths = [
                "/api/v1/articles/",
                "/api/v1/articles/?q=outage",
                f"/api/v1/articles/{article.pk}/",
                "/api/v1/tags/",
                "/api/v1/articles/facets/",
                "/api/v1/suggest/?q=bef",
            ]
            for path in paths:
                status, _, body = request(f"{base}{path}")
                assert status == 200, (path, body)

            proxy.cut()
            for path in paths:
                status, headers, body = request(f"{base}{path}")
                assert status == 503, (path, status, body[:300])
                assert json.loads(body)["detail"] and headers.get("Retry-After"), path
            status, _, body = request(
                f"{base}/api/v1/articles/", method="POST", token=token,
                data={"title": "During the outage", "body": "b", "language": "en"},
            )  # fmt: skip
            assert status == 503, body
            status, _, _ = request(f"{base}/healthz")
            assert status == 503

            proxy.restore()
            for _ in range(50):
                if request(f"{base}/healthz")[0] == 200:
                    break
                time.sleep(0.1)
            for path in paths:
                status, _, body = request(f"{base}{path}")
                assert status == 200, (path, body)
    assert not Article.objects.filter(title="During the outage").exists()
