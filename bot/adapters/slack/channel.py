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
from alarms.names import duration
from alarms.silences import Silence
from bot.adapters.slack.alert_message import alert_message, how_bad, subject

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

    def __init__(self, client: WebClient, channel: str, region: str) -> None:
        self.client = client
        self.channel = channel
        self.region = region

    def post(
        self, alerts: list[Alert], silences: Mapping[str, Silence], now: datetime
    ) -> tuple[str, str]:
        """A new alert message; returns its (channel id, ts)."""
        text, blocks = alert_message(alerts, self.region, now, silences)
        answer = self._call(
            lambda: self.client.chat_postMessage(
                channel=self.channel, text=text, blocks=blocks, unfurl_links=False
            )
        )
        return str(answer.get("channel") or self.channel), str(answer["ts"])

    def update(
        self,
        where: tuple[str, str],
        alerts: list[Alert],
        silences: Mapping[str, Silence],
        now: datetime,
    ) -> None:
        """Re-render the alert message at ``where`` with its alerts' state now."""
        text, blocks = alert_message(alerts, self.region, now, silences)
        channel, ts = where
        self._call(
            lambda: self.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
        )

    def reply(
        self, where: tuple[str, str], notice: Notice, alerts: list[Alert], now: datetime
    ) -> None:
        """A repeat or resolution in the alert message's thread."""
        self.note(where, reply_text(notice, alerts, now))

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


def reply_text(notice: Notice, alerts: list[Alert], now: datetime) -> str:
    """The thread reply for a repeat or a resolution."""
    lines = []
    for alert in alerts:
        if notice is Notice.RESOLVED:
            end = alert.resolved_at or now
            lines.append(
                f":white_check_mark: Resolved: *{subject(alert)}* after "
                f"{duration(alert.started_at, end)}."
            )
        else:
            lines.append(
                f":repeat: Still firing after {duration(alert.started_at, now)}: "
                f"*{subject(alert)}* {how_bad(alert)}"
            )
    return "\n".join(lines)
