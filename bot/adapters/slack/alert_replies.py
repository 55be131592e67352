"""Thread replies under an alert message: a repeat (still firing), a resolution (peak, now
and how long it fired), or a new level of a budget already told in this thread."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from alarms.lifecycle import Notice
from alarms.model import Alert
from alarms.names import duration
from bot.adapters.slack import alert_story as story
from bot.adapters.slack.alert_state import ICONS
from bot.adapters.slack.figures import figure
from bot.adapters.slack.render import SECTION_LIMIT, clip
from bot.adapters.slack.style import MessageStyle


def reply_line(notice: Notice, alert: Alert, style: MessageStyle, now: datetime) -> str:
    """One line (mrkdwn) for one alert in a thread reply."""
    if notice is Notice.FIRING:  # a new budget level in the period's thread
        return f"{ICONS[alert.severity]} {story.sentence(alert, style)}"
    peak = f"peak {figure(alert.peak, alert.unit)}" if alert.peak is not None and alert.unit else ""
    if notice is Notice.RESOLVED:
        end = alert.resolved_at or now
        extra = ", ".join(x for x in (peak, f"fired for {duration(alert.started_at, end)}") if x)
        said = story.resolved_sentence(alert, style).rstrip(".")
        return f":white_check_mark: Resolved: {said} ({extra})."
    still = f":repeat: Still firing after {duration(alert.started_at, now)}: "
    line = still + story.sentence(alert, style)
    if peak and (alert.peak or 0) > (alert.value or 0):
        return f"{line.rstrip('.')} ({peak})."
    return line


def reply_message(
    notice: Notice, alerts: Sequence[Alert], style: MessageStyle, now: datetime
) -> tuple[str, list[dict[str, Any]]]:
    """Fallback text and blocks of one thread reply about ``alerts``."""
    lines = [reply_line(notice, alert, style, now) for alert in alerts]
    text = clip("\n".join(lines), SECTION_LIMIT)
    plain = text.replace("*", "")
    block = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    return plain, [block]
