"""The Slack gate on Lambda: an API Gateway (or Function URL) event checked before Bolt."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from bot.entrypoints.slack.gate import SlackGate, strip_lazy_headers


def admit(gate: SlackGate, event: Any) -> dict[str, Any] | None:
    """None when the request may go to Bolt, else the Lambda response refusing it."""
    if not isinstance(event, dict) or not isinstance(event.get("headers") or {}, dict):
        return _reply(400, "malformed request")
    headers = event.setdefault("headers", {}) or {}
    strip_lazy_headers(headers)
    body = event.get("body") or ""
    if not isinstance(body, str):
        return _reply(400, "malformed request")
    try:
        raw = (
            base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body.encode()
        )
    except (binascii.Error, ValueError):
        return _reply(400, "malformed request")
    rejection = gate.check({str(k): str(v) for k, v in headers.items()}, raw)
    return None if rejection is None else _reply(rejection.status, rejection.reason)


def _reply(status: int, reason: str) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "text/plain; charset=utf-8"},
        "body": reason,
    }
