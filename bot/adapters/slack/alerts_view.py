"""The ``/genai-alerts`` view: active alerts (with their buttons) and silences in force."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from alarms.model import Alert
from alarms.silences import Silence
from bot.adapters.slack import actions_ids as ids
from bot.adapters.slack.alert_buttons import subject_actions
from bot.adapters.slack.alert_state import ICONS, slack_date, state_line
from bot.adapters.slack.alert_story import sentence
from bot.adapters.slack.mrkdwn import escape
from bot.adapters.slack.render import SECTION_LIMIT, clip, title
from bot.adapters.slack.style import MessageStyle

MAX_ALERTS = 15  # two blocks each
MAX_SILENCES = 10


def alerts_view(
    alerts: Sequence[Alert], silences: Sequence[Silence], style: MessageStyle, now: datetime
) -> tuple[str, list[dict[str, Any]]]:
    """Fallback text and blocks: alerts worst first (severity, then age), then silences."""
    ordered = sorted(alerts, key=lambda a: (-_rank(a), a.started_at))
    by_id = {silence.id: silence for silence in silences}
    muted = sum(1 for a in alerts if a.muted)
    text = (
        f"{len(alerts)} alert(s) active ({muted} silenced or held back), {len(silences)} silence(s)"
    )
    blocks: list[dict[str, Any]] = [_header(f"Active alerts ({len(alerts)})")]
    if not alerts:
        blocks.append(_section(":white_check_mark: Nothing is firing."))
    for alert in ordered[:MAX_ALERTS]:
        icon = ICONS[alert.severity]
        blocks.append(
            _section(
                f"{icon} *{title(alert.rule)}*: {sentence(alert, style)}\n"
                f"{state_line(alert, now, by_id)}"
            )
        )
        actions = subject_actions([alert], style, now, by_id)
        if actions:
            blocks.append(actions)
    if len(ordered) > MAX_ALERTS:
        blocks.append(_context(f"…and {len(ordered) - MAX_ALERTS} more alerts not shown."))
    blocks.append(_header(f"Silences ({len(silences)})"))
    if not silences:
        blocks.append(_context("No silences in force."))
    for silence in list(silences)[:MAX_SILENCES]:
        line = (
            f":zzz: `{escape(silence.matcher.describe())}` by <@{silence.created_by}> until "
            f"{slack_date(silence.expires_at)}"
        )
        if silence.comment:
            line += f" ({escape(silence.comment)})"
        section = _section(line)
        section["accessory"] = ids.button("Unsilence", ids.UNSILENCE, silence.id)
        blocks.append(section)
    if len(silences) > MAX_SILENCES:
        blocks.append(_context(f"…and {len(silences) - MAX_SILENCES} more silences not shown."))
    return text, blocks


def _rank(alert: Alert) -> int:
    return ["info", "warning", "critical"].index(alert.severity.value)


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
