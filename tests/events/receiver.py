"""A real HTTP receiver on loopback that verifies Standard Webhooks signatures with the
``standardwebhooks`` package, as a customer's server would."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self, port: int = 0) -> None:
        self.port = port
        self.secrets: list[str] = []
        self.received: list[dict[str, Any]] = []  # verified deliveries, in arrival order
        self.rejected: list[str] = []
        self.arrived: list[str] = []  # every request's webhook-id, before any answer
        self.fail_next = 0  # answer 500 to this many requests
        self.hang_s = 0.0  # wait this long before answering
        self.server: ThreadingHTTPServer | None = None
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    receiver.arrived.append(self.headers.get("webhook-id", ""))
                if receiver.hang_s:
                    time.sleep(receiver.hang_s)
                headers = {k.lower(): v for k, v in self.headers.items()}
                verified = None
                for secret in receiver.secrets:
                    try:
                        verified = Webhook(secret).verify(body, headers)
                        break
                    except WebhookVerificationError:
                        continue
                with receiver.lock:
                    if verified is None:
                        receiver.rejected.append(headers.get("webhook-id", ""))
                        code = 401
                    elif receiver.fail_next > 0:
                        receiver.fail_next -= 1
                        code = 500
                    else:
                        receiver.received.append(
                            {"id": headers["webhook-id"], "headers": headers,
                             "body": json.loads(body)}
                        )  # fmt: skip
                        code = 200
                self.send_response(code)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def ids(self) -> list[str]:
        with self.lock:
            return [r["id"] for r in self.received]
