"""Slack failures as one line a person can act on."""

from __future__ import annotations

from urllib.error import URLError

HINTS = {
    "invalid_auth": "SLACK_BOT_TOKEN is wrong: copy the Bot User OAuth Token (xoxb-...) again",
    "token_revoked": "the bot token was revoked: reinstall the app and copy the new token",
    "not_authed": "no Slack token was sent: set SLACK_BOT_TOKEN",
    "channel_not_found": "GENAI_OPS_ALERT_CHANNEL names no channel the bot can see",
    "not_in_channel": "invite the bot to the channel: /invite @<bot name>",
    "missing_scope": "the app lacks a scope: reinstall it from `genai-ops manifest`",
}


def slack_failure(exc: BaseException, api_url: str) -> str | None:
    """One line for a Slack SDK error, or None when ``exc`` is not one."""
    from slack_sdk.errors import SlackApiError, SlackClientError

    if isinstance(exc, SlackApiError):
        error = str(exc.response.get("error", "error"))
        return f"Slack: {error}" + (f" ({HINTS[error]})" if error in HINTS else "")
    if isinstance(exc, SlackClientError):
        return f"Slack: {exc}"
    if isinstance(exc, URLError):  # slack_sdk is the bot's only urllib user
        return f"cannot reach Slack at {api_url}: {exc}"
    return None
