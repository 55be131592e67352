"""`genai-ops manifest`: one paste creates a Slack app that matches what the bot listens to."""

from __future__ import annotations

import json

from tests.e2e.test_cli import genai_ops


def test_socket_mode_manifest_has_commands_scopes_events_and_interactivity() -> None:
    result = genai_ops("manifest")

    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    commands = {entry["command"] for entry in manifest["features"]["slash_commands"]}
    assert commands == {"/genai-stats", "/genai-alerts", "/genai-ask", "/genai-help"}
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"chat:write", "commands", "files:write", "reactions:read", "channels:read"} <= scopes
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"] == {"is_enabled": True}
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "reaction_added",
        "reaction_removed",
    }
    assert "request_url" not in json.dumps(manifest)


def test_http_manifest_points_every_request_url_at_slack_events() -> None:
    result = genai_ops("manifest", "--http", "https://bot.example.com/")

    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    url = "https://bot.example.com/slack/events"
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert manifest["settings"]["interactivity"]["request_url"] == url
    assert manifest["settings"]["event_subscriptions"]["request_url"] == url
    assert {entry["url"] for entry in manifest["features"]["slash_commands"]} == {url}


def test_http_manifest_refuses_plain_http() -> None:
    result = genai_ops("manifest", "--http", "http://bot.example.com")

    assert result.returncode == 2
    assert "HTTPS" in result.stderr and result.stdout == ""
