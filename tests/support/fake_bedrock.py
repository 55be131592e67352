"""A local fake of the bedrock-runtime Converse HTTP API (moto has no Converse).

A stdlib HTTP server on 127.0.0.1 that boto3 reaches through
``AWS_ENDPOINT_URL_BEDROCK_RUNTIME``. It records each request (model id, JSON body) and
answers with Converse-shaped responses, or with AWS error responses (status,
``x-amzn-ErrorType`` and ``__type``) that botocore turns into the real exceptions.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote

from tests.support.loopback import loopback_server

STATUS = {
    "AccessDeniedException": 403,
    "ThrottlingException": 429,
    "ResourceNotFoundException": 404,
    "ModelTimeoutException": 408,
    "InternalServerException": 500,
    "ServiceUnavailableException": 503,
    "ValidationException": 400,
    "ModelNotReadyException": 429,
    "ModelErrorException": 424,
}


@dataclass
class ConverseCall:
    model_id: str
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Reply:
    """What the fake answers: text and usage, or an error ``code``."""

    text: str = "An answer."
    input_tokens: int = 12
    output_tokens: int = 34
    latency_ms: int = 420
    stop_reason: str = "end_turn"
    error: str | None = None
    message: str = "failed"
    times: int = 1  # how many calls this reply answers (errors repeat for retries)
    delay_seconds: float = 0.0  # how long the model "thinks" before answering
    # When set, the model answers only once this is set (or after 60 s): asks held in flight.
    hold: threading.Event | None = None


@dataclass
class FakeBedrock:
    url: str = ""
    calls: list[ConverseCall] = field(default_factory=list)
    replies: dict[str, list[Reply]] = field(default_factory=dict)
    default: Reply = field(default_factory=Reply)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reply(self, model_id: str, reply: Reply) -> None:
        """Answer the next ``reply.times`` calls to ``model_id`` with ``reply``."""
        self.replies.setdefault(model_id, []).append(reply)

    def of(self, model_id: str) -> list[ConverseCall]:
        return [call for call in self.calls if call.model_id == model_id]

    def next_reply(self, model_id: str) -> Reply:
        with self._lock:
            queue = self.replies.get(model_id) or []
            if not queue:
                return self.default
            reply = queue[0]
            reply.times -= 1
            if reply.times <= 0:
                queue.pop(0)
            return reply


def converse_body(reply: Reply) -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": reply.text}]}},
        "stopReason": reply.stop_reason,
        "usage": {
            "inputTokens": reply.input_tokens,
            "outputTokens": reply.output_tokens,
            "totalTokens": reply.input_tokens + reply.output_tokens,
        },
        "metrics": {"latencyMs": reply.latency_ms},
    }


def _handler(fake: FakeBedrock) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            parts = self.path.split("/")
            if len(parts) != 4 or parts[1] != "model" or parts[3] != "converse":
                self._send(404, {"message": f"fake bedrock: no route {self.path}"}, "")
                return
            model_id = unquote(parts[2])
            with fake._lock:
                fake.calls.append(ConverseCall(model_id, json.loads(body), dict(self.headers)))
            reply = fake.next_reply(model_id)
            if reply.delay_seconds:
                time.sleep(reply.delay_seconds)
            if reply.hold is not None:
                reply.hold.wait(60)
            if reply.error:
                payload = {"__type": reply.error, "message": reply.message}
                self._send(STATUS.get(reply.error, 400), payload, reply.error)
            else:
                self._send(200, converse_body(reply), "")

        def _send(self, status: int, payload: dict[str, Any], error_type: str) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            if error_type:
                self.send_header("x-amzn-ErrorType", f"{error_type}:http://internal.amazon.com/")
            try:
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                return  # the caller gave up waiting (a timeout, or a bot being stopped)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


def serve_fake_bedrock() -> Iterator[FakeBedrock]:
    """Start a FakeBedrock on 127.0.0.1 (free port); yields it, stops it afterwards."""
    fake = FakeBedrock()
    with loopback_server(_handler(fake)) as url:
        fake.url = url
        yield fake
