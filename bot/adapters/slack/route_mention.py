"""A route's mention on its alert messages: ``<!subteam^S...>`` as given, a handle
(``@search-oncall``) resolved to its user group once (``usergroups.list``)."""

from __future__ import annotations

import logging
from dataclasses import replace

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from alarms.routing import Destination
from bot.adapters.slack.alert_message import SlackMessage
from bot.adapters.slack.mrkdwn import escape

log = logging.getLogger(__name__)


class Mentions:
    """Turns a route's ``mention`` into Slack's mention syntax, caching handle lookups."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._handles: dict[str, str] | None = None

    def text(self, mention: str) -> str:
        if not mention.startswith("@"):
            return mention
        group = self._groups().get(mention[1:])
        return f"<!subteam^{group}>" if group else escape(mention)

    def _groups(self) -> dict[str, str]:
        if self._handles is None:
            try:
                answer = self.client.usergroups_list()
                self._handles = {
                    str(g.get("handle")): str(g.get("id")) for g in answer.get("usergroups") or []
                }
            except (SlackApiError, SlackClientError, OSError) as exc:
                log.warning("user group handles not resolved", extra={"reason": str(exc)})
                return {}
        return self._handles

    def apply(self, message: SlackMessage, to: Destination | None) -> SlackMessage:
        """``message`` with the route's mention in its first line and notification text."""
        if to is None or not to.mention:
            return message
        call = self.text(to.mention)
        block = {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": f"{call} · route *{escape(to.name)}*"}],
        }
        head, rest = message.blocks[:1], message.blocks[1:]
        return replace(message, text=f"{call} {message.text}", blocks=[*head, block, *rest])
