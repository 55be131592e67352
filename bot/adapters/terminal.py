"""Alert notices printed to a terminal, for runs without Slack (the demo, a first try)."""

from __future__ import annotations

from datetime import datetime
from typing import TextIO

from alarms.lifecycle import Notice
from alarms.model import Alert
from alarms.route_table import RouteTable
from alarms.routing import alert_labels
from bot.adapters.slack.render import alert_text
from bot.adapters.slack.style import MessageStyle


class TerminalNotifier:
    """Writes each notice as plain text to ``stream`` at once; nothing is queued."""

    def __init__(
        self, stream: TextIO, routes: RouteTable | None = None, style: MessageStyle | None = None
    ) -> None:
        self.stream = stream
        self.routes = routes or RouteTable()
        self.style = style  # the latency statistic read, aliases: as in Slack

    def notify(self, alert: Alert, notice: Notice) -> str | None:
        text = alert_text(alert, notice, self.style)
        if self.routes.routes:  # say where Slack would have shown it
            where = self.routes.destinations(alert_labels(alert))[0]
            if where.channel or where.mention:
                mention = f", mentioning {where.mention}" if where.mention else ""
                text = f"-> {where.channel or 'the alert channel'} ({where.name}{mention})\n{text}"
        self.stream.write(text + "\n\n")
        self.stream.flush()
        return None

    def flush(self, now: datetime) -> list[str]:
        return []
