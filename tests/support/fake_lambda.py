"""A local stand-in for the Lambda Invoke API, and Lambda-shaped events and contexts.

Bolt's lazy listeners call ``lambda:Invoke`` (InvocationType=Event) on the running function.
The fake accepts that call on the wire, answers 202 as Lambda does, and then runs the
function's handler in-process with the posted payload, as Lambda would in a new invocation.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from tests.support.signing import signed_headers

ACCOUNT = "123456789012"


@dataclass
class LambdaContext:
    """The attributes of the runtime's context object that handlers read."""

    function_name: str = "genai-ops-slack"
    aws_request_id: str = "req-1"
    memory_limit_in_mb: int = 512

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{self.function_name}"


@dataclass
class Invocation:
    function: str
    invocation_type: str
    payload: dict[str, Any]
    result: Any = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


@dataclass
class FakeLambda:
    url: str
    invocations: list[Invocation] = field(default_factory=list)

    def wait(self, count: int, timeout: float = 60) -> list[Invocation]:
        """The first ``count`` invocations, once each has finished running."""
        for invocation in self._first(count, timeout):
            assert invocation.done.wait(timeout), "async invocation did not finish"
        return self.invocations[:count]

    def _first(self, count: int, timeout: float) -> list[Invocation]:
        arrived = threading.Event()
        for _ in range(int(timeout * 20)):
            if len(self.invocations) >= count:
                return self.invocations[:count]
            arrived.wait(0.05)
        raise AssertionError(f"expected {count} invocations, saw {len(self.invocations)}")


@contextmanager
def fake_lambda(handler: Callable[[dict[str, Any], Any], Any]) -> Iterator[FakeLambda]:
    """Serve the Invoke API on loopback; every invocation runs ``handler`` in a thread."""
    fake = FakeLambda(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length) or b"{}")
            name = unquote(self.path.split("/functions/")[1].split("/")[0])
            kind = self.headers.get("X-Amz-Invocation-Type", "RequestResponse")
            invocation = Invocation(name, kind, payload)
            fake.invocations.append(invocation)
            self.send_response(202 if kind == "Event" else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            threading.Thread(target=run, args=(invocation,), daemon=True).start()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    def run(invocation: Invocation) -> None:
        function = invocation.function.rsplit(":", 1)[-1]
        try:
            invocation.result = handler(invocation.payload, LambdaContext(function))
        except BaseException as exc:
            invocation.error = exc
        finally:
            invocation.done.set()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def http_api_event(
    body: str, content_type: str, *, signed: bool = True, **signing: Any
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) POST to ``/slack/events``, signed like Slack.

    ``signing`` goes to ``signed_headers`` (``secret``, ``timestamp``).
    """
    headers = {k.lower(): v for k, v in signed_headers(body, content_type, **signing).items()}
    if not signed:
        headers.pop("x-slack-signature")
    return {
        "version": "2.0",
        "routeKey": "POST /slack/events",
        "rawPath": "/slack/events",
        "rawQueryString": "",
        "headers": {**headers, "host": "abc123.execute-api.us-east-1.amazonaws.com"},
        "requestContext": {
            "http": {"method": "POST", "path": "/slack/events", "sourceIp": "203.0.113.9"},
            "routeKey": "POST /slack/events",
            "stage": "$default",
        },
        "body": base64.b64encode(body.encode()).decode(),
        "isBase64Encoded": True,
    }
