"""Signed Slack requests for tests: what Slack sends to ``/slack/events``, signed as Slack signs.

Signature: ``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}`` with the signing secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def signature(body: str, timestamp: int | str, secret: str = SIGNING_SECRET) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    body: str,
    content_type: str,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
) -> dict[str, str]:
    """Headers Slack sends with ``body``; ``timestamp`` defaults to now."""
    moment = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(moment),
        "X-Slack-Signature": signature(body, moment, secret),
    }


def command_body(
    command: str,
    text: str = "",
    *,
    user_id: str = "U1",
    channel_id: str = "C0ALERTS",
    response_url: str = "https://hooks.slack.com/commands/T1/1/abc",
    team_id: str = "T1",
    trigger_id: str = "1.2.3",
) -> str:
    """A slash command's form body, as in ``shared/samples/slack-slash-command.txt``."""
    return urlencode(
        {
            "token": "verification-token-unused",
            "team_id": team_id,
            "team_domain": "test",
            "channel_id": channel_id,
            "channel_name": "genai-ops",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A1",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def event_body(event: dict[str, Any], *, event_id: str = "Ev0001", team_id: str = "T1") -> str:
    """An Events API ``event_callback`` delivery wrapping ``event``."""
    return json.dumps(
        {
            "token": "verification-token-unused",
            "team_id": team_id,
            "api_app_id": "A1",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "team_id": team_id,
                    "user_id": "UBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
        }
    )


def reaction_event(
    reaction: str,
    *,
    user: str = "U1",
    channel: str = "C0ALERTS",
    ts: str = "1700000000.000001",
    removed: bool = False,
) -> dict[str, Any]:
    """A ``reaction_added`` (or ``reaction_removed``) event on message ``ts``."""
    return {
        "type": "reaction_removed" if removed else "reaction_added",
        "user": user,
        "reaction": reaction,
        "item_user": "UBOT",
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": f"{time.time():.6f}",
    }


def block_action(
    action_id: str,
    *,
    value: str | None = None,
    selected: str | None = None,
    user_id: str = "U1",
    channel_id: str = "C0ALERTS",
    message_ts: str = "1700000000.000001",
    response_url: str | None = None,
    block_id: str = "actions",
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``block_actions`` payload: a button (``value``) or a select (``selected``) was used."""
    action: dict[str, Any] = {"action_id": action_id, "block_id": block_id, "action_ts": "1.2"}
    if selected is not None:
        action |= {"type": "static_select", "selected_option": {"value": selected}}
    else:
        action |= {"type": "button", "value": value or ""}
    payload = {
        "type": "block_actions",
        "team": {"id": "T1", "domain": "test"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": "T1"},
        "api_app_id": "A1",
        "token": "verification-token-unused",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel_id},
        "trigger_id": "1.2.3",
        "channel": {"id": channel_id, "name": "genai-ops"},
        "message": message or {"type": "message", "ts": message_ts, "text": "", "blocks": []},
        "actions": [action],
    }
    if response_url:
        payload["response_url"] = response_url
    return payload


def interactive_body(payload: dict[str, Any]) -> str:
    """The form body Slack posts for interactivity: ``payload=<json>``."""
    return urlencode({"payload": json.dumps(payload)})
