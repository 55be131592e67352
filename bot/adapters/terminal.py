"""Alert notices printed to a terminal, for runs without Slack (the demo, a first try)."""

from __future__ import annotations

from datetime import datetime
from typing import TextIO

from alarms.lifecycle import Notice
from alarms.model import Alert
from bot.adapters.slack.render import alert_text


class TerminalNotifier:
    """Writes each notice as plain text to ``stream`` at once; nothing is queued."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def notify(self, alert: Alert, notice: Notice) -> str | None:
        self.stream.write(alert_text(alert, notice) + "\n\n")
        self.stream.flush()
        return None

    def flush(self, now: datetime) -> list[str]:
        return []
