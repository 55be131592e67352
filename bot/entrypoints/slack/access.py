"""Enforcing who may use commands and alert buttons, with Slack lookups cached for minutes.

Commands follow the ``command_access`` setting. Alert buttons are for members of the channel
the alert was routed to (a route's channel, else the alert channel; ``conversations.members``),
plus the ``alert-buttons`` entry of the setting. An alert channel given by name
(``#genai-alerts``) is resolved to its id at start-up (``conversations.list``); while it
cannot be, buttons are refused: membership that cannot be checked is never assumed.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cachetools import TTLCache
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from alarms.access import command_key, refusal
from bot.adapters.store import StateStore
from bot.adapters.store.threads import Threads
from bot.config.settings import Settings

if TYPE_CHECKING:
    from bot.entrypoints.slack.services import Services

log = logging.getLogger(__name__)
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
CACHE_SECONDS = 300.0


class SlackLookupError(Exception):
    """Slack could not tell us who is in a channel or group."""


class Access:
    """Answers "may this user do this here?" for one workspace."""

    def __init__(
        self,
        settings: Settings,
        client: WebClient,
        store: StateStore,
    ) -> None:
        self.settings = settings
        self.client = client
        self.threads = Threads(store)
        self._cache: TTLCache[str, set[str]] = TTLCache(maxsize=1024, ttl=CACHE_SECONDS)
        self._lock = threading.Lock()
        self._alert_channel_id: str | None = None

    def resolve_alert_channel(self) -> str | None:
        """The alert channel's id (looked up by name once found); None while unknown."""
        configured = (self.settings.slack.alert_channel or "").strip()
        if CHANNEL_ID.match(configured):
            return configured
        if self._alert_channel_id is None and configured:
            try:
                self._alert_channel_id = self._channel_id(configured.lstrip("#"))
            except SlackLookupError as exc:
                log.warning("alert channel not resolved", extra={"reason": str(exc)})
        return self._alert_channel_id

    def command_refusal(self, command: str, user: str, channel: str) -> str | None:
        access = self.settings.slack.command_access.get(command_key(command))
        try:
            return refusal(access, user, channel, self.group_members)
        except SlackLookupError as exc:
            return f"your access could not be checked ({exc})"

    def button_refusal(self, user: str, clicked_in: str) -> str | None:
        """Why ``user`` may not press alert buttons, or None."""
        access = self.settings.slack.command_access.get("alert-buttons")
        channel = self.route_channel(clicked_in) or self.alert_channel()
        if channel is None:
            name = self.settings.slack.alert_channel or "(not set)"
            return (
                f"membership of the alert channel {name} cannot be checked (no such channel "
                "visible to the bot); ask your admin to set the alert channel to its id (C...)"
            )
        try:
            reason = refusal(access, user, clicked_in, self.group_members)
            if reason is None and user not in self.channel_members(channel):
                reason = f"only members of <#{channel}> can act on its alerts"
        except SlackLookupError as exc:
            reason = f"membership of <#{channel}> could not be checked ({exc})"
        return reason

    def route_channel(self, clicked_in: str) -> str | None:
        """``clicked_in`` when alerts are posted there (a route's channel): its members may act
        on the alerts in it; None for any other channel."""
        return clicked_in if clicked_in in self.threads.channels() else None

    def alert_channel(self) -> str | None:
        """The alert channel's id: the setting when it is an id, else the id of its name,
        else the one channel alerts were posted to; None when none of these is known."""
        resolved = self.resolve_alert_channel()
        if resolved is not None:
            return resolved
        posted = self.threads.channels()
        return next(iter(posted)) if len(posted) == 1 else None

    def _channel_id(self, name: str) -> str | None:
        cursor = None
        while True:
            answer = self._call(
                self.client.conversations_list,
                types="public_channel,private_channel",
                exclude_archived=True,
                limit=1000,
                cursor=cursor,
            )
            for channel in answer.get("channels") or []:
                if isinstance(channel, dict) and channel.get("name") == name:
                    return str(channel.get("id"))
            cursor = (answer.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None

    def channel_members(self, channel: str) -> set[str]:
        return self._cached(f"channel:{channel}", lambda: self._channel_members(channel))

    def group_members(self, group: str) -> set[str]:
        return self._cached(f"group:{group}", lambda: self._group_members(group))

    def _cached(self, key: str, load: Callable[[], set[str]]) -> set[str]:
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        value = load()
        with self._lock:
            self._cache[key] = value
        return value

    def _channel_members(self, channel: str) -> set[str]:
        members: set[str] = set()
        cursor = None
        while True:
            answer = self._call(
                self.client.conversations_members, channel=channel, cursor=cursor, limit=1000
            )
            members |= set(answer.get("members") or [])
            cursor = (answer.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return members

    def _group_members(self, group: str) -> set[str]:
        answer = self._call(self.client.usergroups_users_list, usergroup=group)
        return set(answer.get("users") or [])

    @staticmethod
    def _call(method: Callable[..., Any], **args: Any) -> Any:
        try:
            return method(**{k: v for k, v in args.items() if v is not None})
        except SlackApiError as exc:
            reason = str(exc.response.get("error", "unknown_error"))
            log.warning("Slack lookup failed", extra={"reason": reason})
            raise SlackLookupError(reason) from None
        except OSError as exc:
            raise SlackLookupError(f"Slack unreachable: {type(exc).__name__}") from None


class CommandGate(Middleware):
    """A refused command gets an ephemeral reason, nothing else (a ``Middleware`` object:
    Bolt calls it without building every injectable argument for each request)."""

    def __init__(self, access: Access) -> None:
        self.access = access

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        command = body.get("command")
        if isinstance(command, str):
            reason = self.access.command_refusal(
                command, str(body.get("user_id", "")), str(body.get("channel_id", ""))
            )
            if reason:
                text = f":no_entry: `{command}`: {reason}."
                return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text})
        return next()


def register(app: App, services: Services) -> None:
    """Adds the command gate: a refused command gets an ephemeral reason, nothing else."""
    app.middleware(CommandGate(services.access))
