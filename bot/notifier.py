"""Where alert notices go: a Slack channel, or the terminal when Slack is not configured."""

from __future__ import annotations

import logging
from typing import Protocol, TextIO

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from alarms.lifecycle import Notice
from alarms.model import Alert
from bot.slack.render import alert_blocks, alert_text

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A notice could not be delivered; the poller keeps the alert unnotified."""


class Notifier(Protocol):
    def notify(self, alert: Alert, notice: Notice) -> str | None:
        """Deliver one notice; returns a message reference (Slack ts) when there is one."""


class SlackNotifier:
    def __init__(self, client: WebClient, channel: str, region: str = "us-east-1") -> None:
        self.client = client
        self.channel = channel
        self.region = region

    def notify(self, alert: Alert, notice: Notice) -> str | None:
        try:
            response = self.client.chat_postMessage(
                channel=self.channel,
                text=alert_text(alert, notice),
                blocks=alert_blocks(alert, notice, self.region),
                unfurl_links=False,
            )
        except SlackApiError as exc:
            reason = exc.response.get("error", "unknown_error")
            raise DeliveryError(f"Slack rejected the alert for {self.channel}: {reason}") from exc
        except OSError as exc:
            raise DeliveryError(f"Slack unreachable: {exc}") from exc
        return str(response.get("ts")) if response.get("ts") else None


class TerminalNotifier:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def notify(self, alert: Alert, notice: Notice) -> str | None:
        self.stream.write(alert_text(alert, notice) + "\n\n")
        self.stream.flush()
        return None
