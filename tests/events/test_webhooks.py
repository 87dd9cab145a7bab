"""Webhook endpoints through the API, deliveries signed as Standard Webhooks says, checked by
a real receiver on loopback: retries, a receiver down and back, rotation, filters, SSRF."""

from __future__ import annotations

import datetime
import time

import pytest
from django.utils import timezone

from articles import events
from articles.events import _webhooks
from articles.events.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import EDITOR_PERMISSIONS
from tests.events.receiver import Receiver
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

HOOKS = "/api/v1/webhooks/"
WEBHOOK_PERMISSIONS = [
    f"articles.{action}_webhookendpoint" for action in ("add", "change", "delete", "view")
]


@pytest.fixture
def hooker(db):
    return UserFactory(username="hooker", permissions=WEBHOOK_PERMISSIONS)


@pytest.fixture
def hook_client(hooker, api_client):
    api_client.force_authenticate(hooker)
    return api_client


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    settings.WEBHOOK_RETRY_SCALE = 0.0001
    running = Receiver().start()
    yield running
    running.stop()


def register(client, receiver: Receiver, **extra) -> dict:
    response = client.post(HOOKS, {"url": receiver.url, "events": ["*"], **extra}, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    receiver.secrets.append(created["secret"])
    return created


def drain(rounds: int = 20) -> None:
    """Worker rounds until nothing is due (retries are due at once with the tiny scale)."""
    for _ in range(rounds):
        if not events.work_once():
            return


def test_endpoints_need_the_permission(api_client, reader_client):
    assert api_client.get(HOOKS).status_code == 401
    assert reader_client.get(HOOKS).status_code == 403
    assert reader_client.post(HOOKS, {"url": "https://example.org/"}).status_code == 403


def test_the_secret_is_shown_once(hook_client, receiver):
    created = register(hook_client, receiver)
    assert created["secret"].startswith("whsec_")
    shown = hook_client.get(f"{HOOKS}{created['id']}/").json()
    assert "secret" not in shown and shown["url"] == receiver.url
    assert "secret" not in hook_client.get(HOOKS).json()["results"][0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.org/x", "events": ["*"]}, "url"),
        ({"url": "https://example.org/" + "x" * 2000, "events": ["*"]}, "url"),
        ({"url": "http://127.0.0.1:9/x", "events": ["*"]}, "url"),
        ({"url": "http://10.1.2.3/x", "events": ["*"]}, "url"),
        ({"url": "http://[::1]/x", "events": ["*"]}, "url"),
        ({"url": "http://169.254.169.254/latest", "events": ["*"]}, "url"),
        ({"url": "https://93.184.215.14/x", "events": ["article.exploded"]}, "events"),
        ({"url": "https://93.184.215.14/x", "events": ["*"], "filter": {"tags": "x"}}, "filter"),
    ],
)
def test_bad_endpoints_are_400s(hook_client, body, field):
    response = hook_client.post(HOOKS, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    if field == "events":
        assert "article.published" in response.json()["events"][0]


def test_deliveries_are_signed_and_logged(hook_client, receiver):
    endpoint = register(hook_client, receiver)
    article = ArticleFactory(title="Signed")
    drain()
    bodies = [r["body"] for r in receiver.received]
    assert bodies[0]["type"] == "article.published"
    assert bodies[0]["data"]["id"] == article.pk and bodies[0]["timestamp"]
    first = receiver.received[0]["headers"]
    assert first["webhook-signature"].startswith("v1,")
    log = hook_client.get(f"{HOOKS}{endpoint['id']}/deliveries/").json()["results"]
    assert {entry["state"] for entry in log} == {"succeeded"}
    newest = log[0]
    assert set(newest) == {
        "id", "event_id", "event_type", "attempt", "state", "status_code", "duration_ms",
        "response_body", "error", "created_at", "next_attempt_at",
    }  # fmt: skip
    assert newest["status_code"] == 200 and newest["response_body"] == "ok"
    assert [entry["id"] for entry in log] == sorted((entry["id"] for entry in log), reverse=True)


def test_a_failing_receiver_is_retried_with_the_same_id(hook_client, receiver):
    endpoint = register(hook_client, receiver, events=["article.published"])
    receiver.fail_next = 2
    ArticleFactory(title="Retried")
    events.work_once()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempt, delivery.status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at > delivery.created_at
    drain()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempt, delivery.status_code) == ("succeeded", 3, 200)
    assert receiver.ids() == [delivery.message_id]
    assert WebhookEndpoint.objects.get(pk=endpoint["id"]).failing_since is None


def test_a_receiver_down_loses_nothing(hook_client, receiver):
    register(hook_client, receiver, events=["article.published"])
    port = receiver.port
    receiver.stop()
    for number in range(3):
        ArticleFactory(title=f"While down {number}")
    drain(3)
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"pending"}
    assert all("ConnectError" in d.error for d in WebhookDelivery.objects.all())
    back = Receiver(port)
    back.secrets = receiver.secrets
    back.start()
    try:
        drain()
        assert sorted(back.ids()) == sorted(
            WebhookDelivery.objects.values_list("message_id", flat=True)
        )
        assert len(back.ids()) == 3
    finally:
        back.stop()


def queued(receiver: Receiver, hook_client, count: int = 1) -> list[WebhookDelivery]:
    """``count`` deliveries due to the receiver, none sent yet."""
    register(hook_client, receiver, events=["article.published"])
    for number in range(count):
        ArticleFactory(title=f"Queued {number}")
    events.sequence()
    events.dispatch()
    return list(WebhookDelivery.objects.order_by("id"))


def test_a_leased_delivery_waits_for_its_lease_then_another_worker_sends_it(
    hook_client, receiver, monkeypatch
):
    (delivery,) = queued(receiver, hook_client)
    monkeypatch.setattr(_webhooks, "LEASE_S", 0.5)
    stalled = _webhooks._claim(64)  # a worker that claimed it, then stalled or died
    monkeypatch.undo()
    assert [c.id for c in stalled] == [delivery.pk]
    assert events.deliver_due() == 0 and receiver.arrived == []  # leased: nobody else sends
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempt) == ("pending", 0)
    assert delivery.next_attempt_at == stalled[0].lease
    time.sleep(0.6)
    assert events.deliver_due() == 1  # the lease ran out: another worker sends it
    assert receiver.ids() == [delivery.message_id]
    # The stalled worker comes back with an answer of its own: it is not recorded (its lease
    # is gone), the endpoint is not marked failing.
    endpoints = WebhookEndpoint.objects.in_bulk([delivery.endpoint_id])
    _webhooks._record(stalled, [_webhooks.Attempt(status_code=500, error="HTTP 500")], endpoints)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempt, delivery.status_code) == ("succeeded", 1, 200)
    assert WebhookEndpoint.objects.get(pk=delivery.endpoint_id).failing_since is None


def test_deliveries_without_time_left_in_their_lease_go_back_untried(
    hook_client, receiver, monkeypatch
):
    queued(receiver, hook_client, count=3)
    # A lease with no room for an attempt (as for deliveries that waited for a thread).
    monkeypatch.setattr(_webhooks, "LEASE_MARGIN_S", _webhooks.LEASE_S)
    assert events.deliver_due() == 0 and receiver.arrived == []
    assert {(d.state, d.attempt) for d in WebhookDelivery.objects.all()} == {("pending", 0)}
    assert WebhookDelivery.objects.filter(next_attempt_at__lte=timezone.now()).count() == 3
    monkeypatch.undo()
    assert events.deliver_due() == 3 and len(receiver.ids()) == 3


def test_a_round_records_each_result_in_one_statement(hook_client, receiver):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queued(receiver, hook_client, count=5)
    receiver.fail_next = 2
    with CaptureQueriesContext(connection) as queries:
        assert events.deliver_due() == 5
    # claim, endpoints, record, endpoint state (plus the savepoint around the last two)
    assert len([q for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]) == 4
    states = sorted(WebhookDelivery.objects.values_list("state", "attempt", "status_code"))
    assert states == [("pending", 1, 500)] * 2 + [("succeeded", 1, 200)] * 3


def test_retry_schedule_and_giving_up(settings):
    settings.WEBHOOK_RETRY_SCALE = 1
    delays = [events._webhooks.retry_delay(n) for n in range(1, 9)]
    for delay, expected in zip(delays, [5, 30, 120, 600, 1800, 3600, 7200, 7200], strict=True):
        assert expected * 0.8 <= delay <= expected * 1.2


def test_an_endpoint_failing_for_five_days_is_disabled(hook_client, receiver):
    endpoint = register(hook_client, receiver)
    WebhookEndpoint.objects.filter(pk=endpoint["id"]).update(
        failing_since=timezone.now() - datetime.timedelta(days=6)
    )
    receiver.fail_next = 1
    ArticleFactory()
    events.work_once()
    shown = hook_client.get(f"{HOOKS}{endpoint['id']}/").json()
    assert shown["active"] is False and "Disabled" in shown["disabled_reason"]
    response = hook_client.patch(f"{HOOKS}{endpoint['id']}/", {"active": True}, format="json")
    assert response.json()["active"] is True and response.json()["disabled_reason"] == ""


def test_a_delivery_that_gives_up_is_failed(hook_client, receiver, settings):
    register(hook_client, receiver)
    receiver.fail_next = 10_000
    ArticleFactory()
    drain(3)
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"pending"}
    # A day after its first attempt (scaled), the next failure is the last.
    WebhookDelivery.objects.update(
        created_at=timezone.now() - datetime.timedelta(seconds=24 * 3600 * 0.0001),
        next_attempt_at=timezone.now(),
    )
    drain(1)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.next_attempt_at) == ("failed", None)
    assert delivery.attempt == 4


def test_rotation_keeps_the_old_secret_a_day(hook_client, receiver):
    endpoint = register(hook_client, receiver)
    old = receiver.secrets[:]
    response = hook_client.post(f"{HOOKS}{endpoint['id']}/rotate-secret/")
    new = response.json()["secret"]
    assert new.startswith("whsec_") and new != old[0]
    ArticleFactory()
    drain()
    signatures = receiver.received[-1]["headers"]["webhook-signature"].split(" ")
    assert len(signatures) == 2
    # A receiver that knows only the new secret, and one that knows only the old, both verify.
    for only in ([new], old):
        receiver.secrets = only
        hook_client.post(f"{HOOKS}{endpoint['id']}/test/")
        drain()
        assert receiver.received[-1]["body"]["type"] == "webhook.test"
    WebhookEndpoint.objects.filter(pk=endpoint["id"]).update(
        previous_secret_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    hook_client.post(f"{HOOKS}{endpoint['id']}/test/")
    drain(1)
    assert receiver.rejected  # the old secret alone no longer verifies


def test_the_test_action_sends_a_test_event(hook_client, receiver):
    endpoint = register(hook_client, receiver)
    response = hook_client.post(f"{HOOKS}{endpoint['id']}/test/")
    assert response.status_code == 202 and response.json()["state"] == "pending"
    drain()
    assert [r["body"]["type"] for r in receiver.received] == ["webhook.test"]


def test_filters_and_types_choose_what_is_sent(hook_client, receiver):
    register(hook_client, receiver, events=["article.published"], filter={"tag": ["Climat"]})
    ArticleFactory(title="Other", tags=["Sport"])
    ArticleFactory(title="Wanted", tags=["Climat", "Suisse"])
    drain()
    assert [(r["body"]["type"], r["body"]["data"]["title"]) for r in receiver.received] == [
        ("article.published", "Wanted")
    ]


def test_readers_endpoints_never_get_drafts(hook_client, receiver):
    register(hook_client, receiver)
    ArticleFactory(title="Draft", status="draft", published_at=None, tags=["Secret"])
    drain()
    assert receiver.received == []


def test_editors_endpoints_get_drafts(api_client, receiver):
    editor = UserFactory(permissions=[*EDITOR_PERMISSIONS, *WEBHOOK_PERMISSIONS])
    api_client.force_authenticate(editor)
    register(api_client, receiver)
    ArticleFactory(title="Draft", status="draft", published_at=None)
    drain()
    assert "article.created" in [r["body"]["type"] for r in receiver.received]


def test_private_addresses_are_checked_again_at_delivery(hook_client, receiver, settings):
    register(hook_client, receiver)
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    ArticleFactory()
    events.work_once()
    delivery = WebhookDelivery.objects.first()
    assert delivery.state == "pending" and "private" in delivery.error
    assert receiver.received == []


def test_redirects_are_not_followed(hook_client, settings):
    import http.server
    import threading

    class Redirect(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self.send_response(307)
            self.send_header("location", "http://169.254.169.254/")
            self.send_header("content-length", "0")
            self.end_headers()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    ).start()
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        assert (
            hook_client.post(HOOKS, {"url": url, "events": ["*"]}, format="json").status_code == 201
        )
        ArticleFactory()
        events.work_once()
        delivery = WebhookDelivery.objects.first()
        assert (delivery.status_code, delivery.state) == (307, "pending")
    finally:
        server.shutdown()
        server.server_close()


def test_the_admin_registers_an_endpoint_and_shows_its_secret_once(
    admin_client_logged_in, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    response = admin_client_logged_in.post(
        "/admin/articles/webhookendpoint/add/",
        {"url": "http://127.0.0.1:9/hook", "events": "article.published,tag.created",
         "filter": "{}", "active": "on", "description": "From the admin"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["article.published", "tag.created"]
    assert endpoint.secret in response.content.decode()
    changelist = admin_client_logged_in.get("/admin/articles/webhookendpoint/")
    assert endpoint.secret not in changelist.content.decode()
    bad = admin_client_logged_in.post(
        "/admin/articles/webhookendpoint/add/",
        {"url": "ftp://x/", "events": "nope", "filter": "{}"},
    )
    assert bad.status_code == 200 and WebhookEndpoint.objects.count() == 1
    admin_client_logged_in.post(
        "/admin/articles/webhookendpoint/",
        {"action": "send_test_event", "_selected_action": [endpoint.pk]},
    )
    assert WebhookDelivery.objects.get().event_type == "webhook.test"
    assert admin_client_logged_in.get("/admin/articles/webhookdelivery/").status_code == 200


def test_an_unknown_field_is_a_400_that_names_it(hook_client, receiver):
    body = {"url": receiver.url, "events": ["*"], "filters": {"tag": ["climat"]}}
    answer = hook_client.post(HOOKS, body, format="json")
    assert answer.status_code == 400
    assert "filters" in answer.json()
