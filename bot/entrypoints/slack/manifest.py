"""The Slack app manifest: paste it into api.slack.com/apps to create the app in one go."""

from __future__ import annotations

from typing import Any

from bot.entrypoints.slack.commands import COMMANDS
from bot.entrypoints.slack.server import EVENTS_PATH

BOT_SCOPES = (
    "chat:write",  # post alerts, answers and stats; edit alert messages
    "commands",  # slash commands
    "files:write",  # /genai-stats charts (files_upload_v2)
    "reactions:read",  # reaction_added / reaction_removed on answers
    "reactions:write",  # the bot puts :+1: and :-1: on each answer
    "channels:read",  # conversations.members: who may press alert buttons (public channels)
    "groups:read",  # ... and in private channels
    "usergroups:read",  # command permissions by user group
)
BOT_EVENTS = ("reaction_added", "reaction_removed")


class ManifestError(ValueError):
    """The manifest cannot be built as asked (e.g. a request URL Slack would refuse)."""


def request_url(base: str) -> str:
    """The events URL for an HTTPS base URL; ``/slack/events`` is appended when absent."""
    if not base.startswith("https://"):
        raise ManifestError(
            f"Slack only calls HTTPS request URLs, got {base!r}; "
            "use e.g. https://bot.example.com (or omit --http for Socket Mode)"
        )
    base = base.rstrip("/")
    return base if base.endswith(EVENTS_PATH) else base + EVENTS_PATH


def manifest(name: str = "GenAI Ops", http_url: str | None = None) -> dict[str, Any]:
    """The manifest for Socket Mode, or for HTTP mode when ``http_url`` is given."""
    url = request_url(http_url) if http_url else None
    commands = []
    for command in COMMANDS:
        entry: dict[str, Any] = {
            "command": command.name,
            "description": command.description,
            "should_escape": False,
        }
        if command.usage_hint:
            entry["usage_hint"] = command.usage_hint
        if url:
            entry["url"] = url
        commands.append(entry)
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if url:
        events["request_url"] = url
        interactivity["request_url"] = url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": name,
            "description": "Alerts, cost and stats for generative AI on Amazon Bedrock",
            "background_color": "#232f3e",
        },
        "features": {
            "bot_user": {"display_name": name.lower().replace(" ", "-"), "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": url is None,
            "token_rotation_enabled": False,
        },
    }
