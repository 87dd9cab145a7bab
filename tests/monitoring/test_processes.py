"""Saved searches with real processes: gunicorn serves the API, a worker percolates, a
receiver on loopback gets the signed ``saved_search.matched`` events within seconds."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from articles import events
from articles.events.models import WebhookEndpoint
from tests import live
from tests.conftest import EDITOR_PERMISSIONS
from tests.events.receiver import Receiver
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"


def token(base: str, username: str) -> str:
    status, _, body = live.request(
        f"{base}/api/v1/auth/token/", method="POST",
        data={"username": username, "password": PASSWORD},
    )  # fmt: skip
    assert status == 200, body
    return json.loads(body)["token"]


@pytest.mark.slow
def test_a_published_article_alerts_within_seconds(tmp_path):
    receiver = Receiver().start()
    UserFactory(username="monitor")
    UserFactory(username="desk", permissions=EDITOR_PERMISSIONS)
    env = live.environment(
        tmp_path / "search", WEBHOOK_ALLOW_PRIVATE_NETWORKS="true", WEBHOOK_RETRY_SCALE="0.0001"
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--idle", "0.05"], cwd=live.ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        with live.gunicorn(env) as base:
            monitor, desk = token(base, "monitor"), token(base, "desk")
            secret = events.new_secret()
            receiver.secrets.append(secret)
            hook = WebhookEndpoint.objects.create(
                owner=UserFactory._meta.model.objects.get(username="monitor"),
                url=receiver.url, events=["tag.created"], secret=secret,
            )  # fmt: skip
            status, _, body = live.request(
                f"{base}/api/v1/saved-searches/", method="POST", token=monitor,
                data={"name": "Eruptions", "q": "volcan", "filters": {"language": "fr"},
                      "notify": {"webhook": hook.pk}},
            )  # fmt: skip
            assert status == 201, body
            saved = json.loads(body)
            for title, state in (("Le volcan se réveille", "draft"),
                                 ("Les volcans d'Islande", "published"),
                                 ("La pluie", "published")):  # fmt: skip
                status, _, body = live.request(
                    f"{base}/api/v1/articles/", method="POST", token=desk,
                    data={"title": title, "body": "Texte.", "language": "fr", "status": state},
                )  # fmt: skip
                assert status == 201, body
            published = time.monotonic()
            while not receiver.received:
                assert time.monotonic() - published < 10, "no alert within 10 s"
                time.sleep(0.05)
            time.sleep(1.0)  # a second alert (the draft, the other story) would be here now
            alerts = [r["body"] for r in receiver.received]
            assert [a["type"] for a in alerts] == ["saved_search.matched"]
            assert alerts[0]["data"]["article"]["title"] == "Les volcans d'Islande"
            status, _, body = live.request(
                f"{base}/api/v1/saved-searches/{saved['id']}/matches/", token=monitor
            )
            assert status == 200, body
            titles = [m["article"]["title"] for m in json.loads(body)["results"]]
            assert titles == ["Les volcans d'Islande"]
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        receiver.stop()
        live.end_other_sessions()
