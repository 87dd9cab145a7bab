"""The worker as a real process: several of them never attempt one delivery at once, one
killed mid-delivery loses nothing, /healthz tells the queue's oldest pending job."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest

from articles import events, ingest
from articles.events.models import WebhookDelivery, WebhookEndpoint
from tests import live
from tests.events.receiver import Receiver
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def start_worker(tmp_path) -> subprocess.Popen:
    env = live.environment(
        tmp_path / "search", WEBHOOK_ALLOW_PRIVATE_NETWORKS="true", WEBHOOK_RETRY_SCALE="0.0001"
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--idle", "0.05"], cwd=live.ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


@contextlib.contextmanager
def running(tmp_path, receiver: Receiver, workers: int) -> Iterator[None]:
    """``workers`` worker processes, then stopped, with the receiver, however the test ends."""
    started = [start_worker(tmp_path) for _ in range(workers)]
    try:
        yield
    finally:
        for worker in started:
            worker.terminate()
        for worker in started:
            worker.wait(timeout=30)
        receiver.stop()
        live.end_other_sessions()


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def endpoint_for(receiver: Receiver) -> WebhookEndpoint:
    secret = events.new_secret()
    receiver.secrets.append(secret)
    return WebhookEndpoint.objects.create(
        owner=UserFactory(), url=receiver.url, events=["article.published"], secret=secret
    )


@pytest.mark.slow
def test_several_workers_send_each_delivery_once(tmp_path):
    receiver = Receiver().start()
    endpoint_for(receiver)
    with running(tmp_path, receiver, workers=3):
        items = [
            {"title": f"Story {n}", "body": "Text.", "language": "en", "status": "published",
             "url": f"https://example.org/{n}"}
            for n in range(120)
        ]  # fmt: skip
        ingest.upsert_values(items)
        wait_for(lambda: len(receiver.ids()) >= 120)
        time.sleep(0.5)  # any second attempt would arrive now
    assert len(receiver.arrived) == 120 and sorted(receiver.ids()) == sorted(set(receiver.ids()))
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"succeeded"}


@pytest.mark.slow
def test_a_worker_killed_mid_delivery_loses_nothing(tmp_path):
    receiver = Receiver().start()
    receiver.hang_s = 5.0
    endpoint_for(receiver)
    first = start_worker(tmp_path)
    try:
        ArticleFactory(title="Interrupted")
        wait_for(lambda: receiver.arrived)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        live.end_other_sessions()
        delivery = WebhookDelivery.objects.get()
        assert (delivery.state, delivery.attempt) == ("pending", 0)  # the attempt left no mark
        receiver.hang_s = 0
        second = start_worker(tmp_path)
        try:
            wait_for(lambda: receiver.ids())
            wait_for(lambda: WebhookDelivery.objects.get().state == "succeeded")
        finally:
            second.terminate()
            second.wait(timeout=30)
    finally:
        receiver.stop()
        live.end_other_sessions()
    # Sent again by the second worker, with the same webhook-id (the receiver may have
    # processed the first one too: delivery is at least once).
    assert receiver.arrived == [delivery.message_id] * 2
    assert set(receiver.ids()) == {delivery.message_id}
    assert WebhookDelivery.objects.get().attempt == 1


def test_healthz_reports_the_queue(client):
    receiver = Receiver()
    receiver.port = 9  # nothing listens: no worker runs here anyway
    endpoint_for(receiver)
    assert client.get("/healthz").json()["queue"]["oldest_pending_at"] is None
    ArticleFactory()
    queue = client.get("/healthz").json()["queue"]
    assert queue["oldest_pending_at"] is not None and queue["oldest_pending_seconds"] >= 0
    events.sequence()
    events.dispatch()
    queue = client.get("/healthz").json()["queue"]
    assert queue["pending"] == 1 and queue["oldest_pending_at"] is not None
