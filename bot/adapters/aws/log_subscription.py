"""The payload a CloudWatch Logs subscription filter delivers (gzip, base64, JSON)."""

from __future__ import annotations

import base64
import binascii
import gzip
import json
from typing import Any

from bot.adapters.aws.invocation_logs import LogEvent


class PayloadError(ValueError):
    """The payload is not a CloudWatch Logs subscription delivery."""


def decode_payload(data: str | bytes | dict[str, Any]) -> tuple[str, list[LogEvent]]:
    """The log group and events of a delivery.

    Accepts the Lambda event (``{"awslogs": {"data": ...}}``), its ``data`` string, or the
    raw gzip bytes. CONTROL_MESSAGE deliveries (sent when a filter is created) have no events.
    """
    if isinstance(data, dict):
        wrapper = data.get("awslogs")
        data = wrapper.get("data", "") if isinstance(wrapper, dict) else ""
    if not isinstance(data, str | bytes):
        raise PayloadError("awslogs.data is not a base64 string")
    raw = data
    if isinstance(data, str):
        try:
            raw = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise PayloadError("not base64") from None
    try:
        body = json.loads(gzip.decompress(raw))  # type: ignore[arg-type]
    except (OSError, EOFError, ValueError):
        raise PayloadError("not a gzip-compressed JSON document") from None
    if not isinstance(body, dict) or not isinstance(body.get("logEvents", []), list):
        raise PayloadError("no logEvents list")
    if body.get("messageType") == "CONTROL_MESSAGE":
        return str(body.get("logGroup", "")), []
    events = []
    for item in body.get("logEvents", []):
        try:
            events.append(LogEvent(str(item["id"]), int(item["timestamp"]), str(item["message"])))
        except (KeyError, TypeError, ValueError):
            raise PayloadError("a log event lacks id, timestamp or message") from None
    return str(body.get("logGroup", "")), events
