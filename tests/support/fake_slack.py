"""A local fake of the Slack Web API: a stdlib HTTP server that records every call.

Point the bot at it with ``GENAI_OPS_SLACK_API_URL`` (or ``WebClient(base_url=...)``).
It answers like Slack for the methods the bot uses, and can be told to fail.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.support.loopback import loopback_server


@dataclass
class SlackCall:
    method: str  # e.g. "chat.postMessage", or the path for response_url posts
    args: dict[str, Any]
    headers: dict[str, str]
    response: dict[str, Any] = field(default_factory=dict)  # what the fake answered


@dataclass
class Failure:
    status: int = 200
    error: str | None = None  # Slack's {"ok": false, "error": ...}
    retry_after: int | None = None
    times: int = 1


@dataclass
class FakeSlack:
    url: str = ""
    calls: list[SlackCall] = field(default_factory=list)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    # Called with each recorded call before it is answered (e.g. to kill the caller).
    on_call: Callable[[SlackCall], None] | None = None
    canned: dict[str, dict[str, Any]] = field(default_factory=dict)  # method -> answer
    members: dict[str, list[str]] = field(default_factory=dict)  # channel -> member ids
    _ts: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, method: str, failure: Failure) -> None:
        """Make the next ``failure.times`` calls of ``method`` fail as described."""
        self.failures.setdefault(method, []).append(failure)

    def of(self, method: str) -> list[SlackCall]:
        return [call for call in self.calls if call.method == method]

    def next_ts(self) -> str:
        with self._lock:
            self._ts += 1
            return f"1700000000.{self._ts:06d}"

    def answer(
        self, method: str, args: dict[str, Any]
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        queue = self.failures.get(method) or []
        if queue:
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                queue.pop(0)
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            body = {"ok": False, "error": failure.error or "internal_error"}
            return failure.status, headers, body
        return 200, {}, self.success(method, args)

    def success(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method in self.canned:
            return {"ok": True, **self.canned[method]}
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "team_id": "T1",
                "user": "genai-ops",
                "team": "Test",
                "url": "https://test.slack.com/",
            }
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            ts = args.get("ts") or self.next_ts()
            return {
                "ok": True,
                "channel": args.get("channel", "C1"),
                "ts": ts,
                "message_ts": ts,
                "message": {"text": args.get("text", ""), "ts": ts},
            }
        if method == "files.getUploadURLExternal":
            return {"ok": True, "upload_url": f"{self.url}upload/F1", "file_id": "F1"}
        if method == "files.completeUploadExternal":
            return {"ok": True, "files": [{"id": "F1", "title": "chart"}]}
        if method == "conversations.members":
            members = self.members.get(str(args.get("channel")), ["U1", "U2"])
            return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}
        return {"ok": True}


def _parse(body: bytes, content_type: str) -> dict[str, Any]:
    if not body:
        return {}
    if "json" in content_type:
        try:
            parsed = json.loads(body)
            return parsed if isinstance(parsed, dict) else {"_": parsed}
        except ValueError:
            return {"_raw": body.decode(errors="replace")}
    if "form" in content_type:
        try:
            text = body.decode()
        except UnicodeDecodeError:  # a file upload (e.g. a PNG) sent as a raw body
            return {"_bytes": len(body), "_head": body[:8].hex()}
        args: dict[str, Any] = {k: v[0] for k, v in parse_qs(text).items()}
        for name in ("blocks", "attachments"):
            if isinstance(args.get(name), str):
                args[name] = json.loads(args[name])
        return args
    return {"_bytes": len(body)}


def _handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            path = urlparse(self.path).path
            method = path.rsplit("/api/", 1)[-1] if "/api/" in path else path
            args = _parse(body, self.headers.get("Content-Type", ""))
            args.update({k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()})
            with fake._lock:
                call = SlackCall(method, args, dict(self.headers))
                fake.calls.append(call)
            if fake.on_call is not None:
                fake.on_call(call)
            status, headers, answer = fake.answer(method, args)
            call.response = answer
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


def serve_fake_slack() -> Iterator[FakeSlack]:
    """Start a FakeSlack on 127.0.0.1 (free port); yields it, stops it afterwards."""
    fake = FakeSlack()
    with loopback_server(_handler(fake)) as url:
        fake.url = url + "/api/"
        yield fake
