"""The door of HTTP mode and the Lambda function: what reaches Bolt is signed, fresh, new
and well formed.

Checked in order, before Bolt parses anything: the signature (HMAC-SHA256 of
``v0:{timestamp}:{body}``) and its timestamp within Slack's five minutes, by the injected
clock (401); a body that is UTF-8 and has the shape Slack sends (400); and a command or
button press not seen before (401), since a signed request replayed inside the window would
otherwise run again (``claims``: from memory in a long-running process, durably on Lambda).
Events are left to the ``event_id`` dedupe, which handles Slack's own retries
(``X-Slack-Retry-Num``) once and a replayed event the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from bot.app.ports import Clock
from bot.entrypoints.slack.claims import WINDOW_SECONDS, Claims
from bot.entrypoints.slack.payload_shape import shape_problem

log = logging.getLogger(__name__)
# Bolt's own headers for a lazy listener's re-invocation; a client must never set them.
LAZY_HEADERS = ("x-slack-bolt-lazy-only", "x-slack-bolt-lazy-function-name")


@dataclass(frozen=True)
class Rejection:
    status: int
    reason: str  # for the log and the response body; never the request body


UNSIGNED = Rejection(401, "invalid request")


class SlackGate:
    """Checks one request; ``None`` means hand it to Bolt."""

    def __init__(self, signing_secret: str | None, claims: Claims, clock: Clock) -> None:
        self.secret = signing_secret.encode() if signing_secret else None
        self.clock = clock
        self.claims = claims

    def check(self, headers: Mapping[str, str], body: bytes) -> Rejection | None:
        lower = {str(k).lower(): str(v) for k, v in headers.items()}
        rejection = self._verify(lower, body) or self._shape(lower, body)
        if rejection is not None:
            log.warning("Slack request rejected", extra={"reason": rejection.reason})
        return rejection

    def _verify(self, headers: Mapping[str, str], body: bytes) -> Rejection | None:
        timestamp = headers.get("x-slack-request-timestamp", "")
        signature = headers.get("x-slack-signature", "")
        if self.secret is None or not (timestamp.isascii() and timestamp.isdigit()):
            return UNSIGNED
        if (
            len(timestamp) > 12
            or abs(self.clock.now().timestamp() - int(timestamp)) > WINDOW_SECONDS
        ):
            return Rejection(401, "stale request")
        base = b"v0:" + timestamp.encode() + b":" + body
        expected = "v0=" + hmac.new(self.secret, base, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), signature.encode(errors="replace")):
            return UNSIGNED
        return None

    def _shape(self, headers: Mapping[str, str], body: bytes) -> Rejection | None:
        try:
            payload = parse(body, headers.get("content-type"))
        except ValueError:
            return Rejection(400, "malformed request")
        problem = shape_problem(payload)
        if problem:
            return Rejection(400, f"malformed request: {problem}")
        if "event_id" in payload:
            return None  # events: once per event_id, Slack's retries included (dedupe)
        timestamp, signature = headers["x-slack-request-timestamp"], headers["x-slack-signature"]
        if not self.claims.request_before_ack(timestamp, signature):
            return Rejection(401, "request already handled")
        return None


def parse(body: bytes, content_type: str | None) -> dict[str, Any]:
    """The payload as Bolt will read it; raises ValueError when it is not UTF-8, JSON where
    JSON is due, or not an object."""
    text = body.decode("utf-8")  # UnicodeDecodeError is a ValueError
    if not text:
        return {}
    try:
        payload = _decode(text, content_type)
    except RecursionError:  # arrays or objects nested thousands deep
        raise ValueError("nested too deep") from None
    if not isinstance(payload, dict):
        raise ValueError("not a JSON object")
    return payload


def _decode(text: str, content_type: str | None) -> Any:
    if (content_type or "").split(";")[0].strip() == "application/json" or text.startswith("{"):
        return json.loads(text)
    if "payload" in text:
        form = dict(parse_qsl(text, keep_blank_values=True))
        return json.loads(form["payload"]) if "payload" in form else {}
    return dict(parse_qsl(text, keep_blank_values=True))


def strip_lazy_headers(headers: dict[str, Any]) -> None:
    """Drop Bolt's lazy-listener headers from a request that came from outside."""
    for name in [n for n in headers if str(n).lower() in LAZY_HEADERS]:
        del headers[name]
