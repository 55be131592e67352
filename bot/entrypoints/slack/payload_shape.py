"""The shape Slack's payloads have, checked before Bolt and the listeners read them.

Bolt builds its context from the body (``user``, ``team``, ``channel``...) and the listeners
index into ``actions`` and ``event``; a signed body of another shape (``"event": null``,
``"actions": []``, ``"user": false``) must be refused as malformed, never crash a handler.
Only what Bolt and the listeners read is checked; unknown keys pass.
"""

from __future__ import annotations

from typing import Any

# Keys that, when present and not null, must be objects.
OBJECTS = ("team", "channel", "container", "enterprise", "message", "view", "state", "item")


def shape_problem(payload: dict[str, Any]) -> str | None:
    """What is wrong with ``payload``'s shape, or None."""
    for key in ("type", "event_id", "command", "user_id", "channel_id", "team_id"):
        if key in payload and not isinstance(payload[key], str):
            return f"{key} must be a string"
    for key in OBJECTS:
        if payload.get(key) is not None and not _object(payload[key]):
            return f"{key} must be an object"
    user = payload.get("user")
    if user is not None and not (isinstance(user, str) or _has_id(user)):
        return "user must be a user id or an object with an id"
    authorizations = payload.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list) and all(_object(a) for a in authorizations)
    ):
        return "authorizations must be a list of objects"
    if "event" in payload or payload.get("type") == "event_callback":
        return _event_problem(payload.get("event"))
    if "actions" in payload or payload.get("type") == "block_actions":
        return _actions_problem(payload.get("actions"))
    return None


def _event_problem(event: Any) -> str | None:
    if not _object(event) or not isinstance(event.get("type"), str):
        return "event must be an object with a type"
    for key in ("user", "reaction", "channel", "subtype"):
        if event.get(key) is not None and not isinstance(event[key], str):
            return f"event.{key} must be a string"
    item = event.get("item")
    if item is not None and not _object(item):
        return "event.item must be an object"
    return None


def _actions_problem(actions: Any) -> str | None:
    if not isinstance(actions, list) or not actions:
        return "actions must be a non-empty list"
    for action in actions:
        if not _object(action) or not isinstance(action.get("action_id"), str):
            return "each action must be an object with an action_id"
        if action.get("value") is not None and not isinstance(action["value"], str):
            return "action value must be a string"
        option = action.get("selected_option")
        if option is not None and not (_object(option) and isinstance(option.get("value"), str)):
            return "selected_option must be an object with a value"
    return None


def _object(value: Any) -> bool:
    return isinstance(value, dict)


def _has_id(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("id"), str)
