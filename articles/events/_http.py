"""One webhook delivery attempt: the Standard Webhooks headers (``webhook-id``,
``webhook-timestamp``, ``webhook-signature``, signed with the secret and, during its grace
period, the previous one), POSTed to the address the host resolved to this round, redirects
not followed, the first KB of the answer kept."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import httpx
from standardwebhooks import Webhook

from articles.events.models import WebhookEndpoint

if TYPE_CHECKING:
    from articles.events._webhooks import Claimed

TIMEOUT_S = 10.0
RESPONSE_KEPT = 1024


@dataclass
class Attempt:
    status_code: int | None = None
    response_body: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signature(endpoint: WebhookEndpoint, message_id: str, at: datetime.datetime, body: str) -> str:
    """``v1,<sig>`` with the secret, and with the previous one during its 24 hours."""
    secrets_now = [endpoint.secret]
    if endpoint.previous_secret and (endpoint.previous_secret_until or at) > at:
        secrets_now.append(endpoint.previous_secret)
    return " ".join(Webhook(secret).sign(message_id, at, body) for secret in secrets_now)


def send(
    client: httpx.Client, endpoint: WebhookEndpoint, delivery: Claimed,
    resolved: list[str] | ValueError,
) -> Attempt:  # fmt: skip
    """POST the delivery to the first address its host resolved to in this round (checked
    again at each round: a name that resolved to a public address when registered may not
    any more); redirects are not followed."""
    started = time.monotonic()
    attempt = Attempt()
    at = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    headers = {
        "content-type": "application/json",
        "user-agent": "newsapi-webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature(endpoint, delivery.message_id, at, delivery.payload),
    }
    parts = urlsplit(endpoint.url)
    try:
        if isinstance(resolved, ValueError):
            raise resolved
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = resolved[0]
        host = f"[{address}]" if ":" in address else address
        target = urlunsplit((parts.scheme, f"{host}:{port}", parts.path or "/", parts.query, ""))
        headers["host"] = parts.netloc
        extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
        with client.stream(
            "POST", target, content=delivery.payload.encode(), headers=headers,
            extensions=extensions, follow_redirects=False,
        ) as response:  # fmt: skip
            attempt.status_code = response.status_code
            kept = b""
            for chunk in response.iter_bytes():
                kept += chunk
                if len(kept) >= RESPONSE_KEPT or time.monotonic() - started > TIMEOUT_S:
                    break
            attempt.response_body = kept[:RESPONSE_KEPT].decode("utf-8", "replace")
        if not attempt.succeeded:
            attempt.error = f"HTTP {attempt.status_code}"
        elif time.monotonic() - started > TIMEOUT_S:
            attempt.status_code, attempt.error = None, f"Timeout: no answer within {TIMEOUT_S:g} s"
    except ValueError as error:
        attempt.error = str(error)[:500]
    except httpx.HTTPError as error:
        attempt.error = f"{type(error).__name__}: {error}"[:500]
    attempt.duration_ms = int((time.monotonic() - started) * 1000)
    return attempt
