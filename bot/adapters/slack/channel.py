"""The alert channel in Slack: post, edit and reply to alert messages. I/O and rendering only.

Grouping, ordering, retries and backoff are decided by the delivery pipeline; this adapter
turns each Slack failure into ``SendFailed`` (final or retryable, with ``Retry-After``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from alarms.delivery import SendFailed
from alarms.lifecycle import Notice
from alarms.model import Alert
from alarms.routing import Destination
from alarms.silences import Silence
from bot.adapters.slack.alert_message import alert_message
from bot.adapters.slack.alert_replies import reply_message
from bot.adapters.slack.route_mention import Mentions
from bot.adapters.slack.style import MessageStyle

T = TypeVar("T")

# Slack errors worth retrying; every other error means Slack refused the message for good.
TRANSIENT = {
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
}


def translate(exc: Exception) -> SendFailed:
    """A failed Slack call as ``SendFailed``: final, or retryable (after ``Retry-After``)."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        reason = str(exc.response.get("error") or f"HTTP {status}")
        if status == 429 or reason == "ratelimited":
            headers = {k.lower(): v for k, v in (exc.response.headers or {}).items()}
            after = headers.get("retry-after")
            seconds = int(after[0] if isinstance(after, list) else after or 30)
            return SendFailed(
                f"rate limited by Slack ({reason})", retry_after=timedelta(seconds=max(1, seconds))
            )
        if status >= 500 or reason in TRANSIENT:
            return SendFailed(f"Slack error: {reason}")
        return SendFailed(reason, permanent=True)
    return SendFailed(f"Slack unreachable: {type(exc).__name__}: {exc}")


class SlackChannel:
    """Alert messages in one Slack channel, through one ``WebClient``."""

    def __init__(self, client: WebClient, channel: str, style: MessageStyle) -> None:
        self.client = client
        self.channel = channel
        self.style = style
        self.mentions = Mentions(client)

    def post(
        self,
        alerts: list[Alert],
        silences: Mapping[str, Silence],
        now: datetime,
        to: Destination | None = None,
    ) -> tuple[str, str]:
        """A new alert message in the route's channel (else the alert channel), mentioning
        the route's people; returns its (channel id, ts)."""
        message = self.mentions.apply(alert_message(alerts, self.style, now, silences), to)
        channel = (to.channel if to else None) or self.channel
        answer = self._call(
            lambda: self.client.chat_postMessage(
                channel=channel, unfurl_links=False, **message.args()
            )
        )
        return str(answer.get("channel") or channel), str(answer["ts"])

    def update(
        self,
        where: tuple[str, str],
        alerts: list[Alert],
        silences: Mapping[str, Silence],
        now: datetime,
        to: Destination | None = None,
    ) -> None:
        """Re-render the alert message at ``where`` with its alerts' state now."""
        message = self.mentions.apply(alert_message(alerts, self.style, now, silences), to)
        channel, ts = where
        self._call(lambda: self.client.chat_update(channel=channel, ts=ts, **message.args()))

    def reply(
        self, where: tuple[str, str], notice: Notice, alerts: list[Alert], now: datetime
    ) -> None:
        """A repeat, resolution or new budget level in the alert message's thread; resolutions
        and new levels are also sent to the channel unless the settings say otherwise."""
        text, blocks = reply_message(notice, alerts, self.style, now)
        channel, ts = where
        broadcast = self.style.broadcast_resolutions and notice is not Notice.REPEAT
        self._call(
            lambda: self.client.chat_postMessage(
                channel=channel,
                thread_ts=ts,
                text=text,
                blocks=blocks,
                reply_broadcast=broadcast,
                unfurl_links=False,
            )
        )

    def note(self, where: tuple[str, str], text: str) -> None:
        """A line of ours (e.g. "acknowledged by ...") in the alert message's thread."""
        channel, ts = where
        self._call(lambda: self.client.chat_postMessage(channel=channel, thread_ts=ts, text=text))

    @staticmethod
    def _call(send: Callable[[], T]) -> T:
        try:
            return send()
        except (SlackClientError, OSError) as exc:
            raise translate(exc) from exc
