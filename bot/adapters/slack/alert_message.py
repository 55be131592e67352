"""The Slack message of one alert, or of several alerts of one rule raised in the same cycle.

The message is always rendered from the alerts' stored state, so every edit (repeat, ack,
snooze, resolve) shows the whole truth at that moment. Slack's limits are respected: at most
50 blocks, 3,000 characters per section, 150 per header; what does not fit is cut and the
message says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from alarms.model import Alert, AlertState
from alarms.names import duration, short_model
from alarms.silences import Silence
from bot.adapters.slack import actions_ids as ids
from bot.adapters.slack.render import (
    HEADER_LIMIT,
    ICONS,
    RULE_TITLES,
    SECTION_LIMIT,
    clip,
    console_url,
)
from bot.adapters.slack.trend import sparkline

MAX_BLOCKS = 50
MAX_GROUP = 20  # alerts shown one by one in a grouped message; the rest are counted
RESOLVED_ICON = ":white_check_mark:"


def title(rule: str) -> str:
    return RULE_TITLES.get(rule, rule.replace("_", " ").capitalize())


def subject(alert: Alert) -> str:
    return (
        alert.labels.get("model")
        or alert.labels.get("guardrail")
        or alert.labels.get("budget")  # budget alerts
        or "account"
    )


def number(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    text = f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.2f}"
    return f"{text} {unit}".strip()


def slack_date(moment: datetime) -> str:
    """A date Slack shows in the reader's time zone, with a UTC fallback."""
    fallback = f"{moment:%Y-%m-%d %H:%M} UTC"
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def how_bad(alert: Alert) -> str:
    """One line: value now against the usual value and the threshold."""
    now = f"*{number(alert.value, alert.unit)}*"
    parts = [f"{alert.details.get('metric', 'value')} {now}"]
    if alert.baseline:
        ratio = f" ({alert.value / alert.baseline:.1f}x)" if alert.value is not None else ""
        parts.append(f"usually *{number(alert.baseline, alert.unit)}*{ratio}")
    if alert.threshold is not None:
        parts.append(f"threshold {number(alert.threshold, alert.unit)}")
    line = ", ".join(parts)
    if "invocations" in alert.details:
        line += f"; {alert.details['invocations']} invocations in the last period"
    return line + "."


def state_line(alert: Alert, now: datetime, silences: Mapping[str, Silence] | None = None) -> str:
    """Where the alert stands: firing, acknowledged, silenced, resolved."""
    acked = f"acknowledged by <@{alert.acknowledged_by}>" if alert.acknowledged_by else ""
    if alert.state is AlertState.RESOLVED and alert.resolved_at is not None:
        line = (
            f"{RESOLVED_ICON} *Resolved* {slack_date(alert.resolved_at)} after "
            f"{duration(alert.started_at, alert.resolved_at)}"
        )
        return f"{line} · {acked}" if acked else line
    parts = [f"Firing since {slack_date(alert.started_at)} ({duration(alert.started_at, now)})"]
    if acked:
        parts.append(acked)
    if alert.silenced_by:
        silence = (silences or {}).get(alert.silenced_by)
        parts.append(
            f":zzz: silenced by <@{silence.created_by}> until {slack_date(silence.expires_at)}"
            if silence
            else ":zzz: silenced (no repeats)"
        )
    if alert.inhibited_by:
        parts.append("held back by a related alert")
    return " · ".join(parts)


def headline(alerts: Sequence[Alert]) -> str:
    """The header: what, where, and whether it is over."""
    first = alerts[0]
    done = all(alert.state is AlertState.RESOLVED for alert in alerts)
    icon = RESOLVED_ICON if done else ICONS[max((a.severity for a in alerts), key=_rank)]
    prefix = "Resolved: " if done else ""
    if len(alerts) == 1:
        return clip(
            f"{icon} {prefix}{title(first.rule)}: {short_model(subject(first))}", HEADER_LIMIT
        )
    return clip(f"{icon} {prefix}{title(first.rule)} on {len(alerts)} models", HEADER_LIMIT)


def fallback_text(alerts: Sequence[Alert]) -> str:
    """The notification text (and what screen readers and the terminal show)."""
    first = alerts[0]
    if len(alerts) == 1:
        state = "Resolved: " if first.state is AlertState.RESOLVED else ""
        return f"{state}{title(first.rule)} on {subject(first)}: {first.summary}"
    models = ", ".join(subject(alert) for alert in alerts[:5])
    more = f" and {len(alerts) - 5} more" if len(alerts) > 5 else ""
    return f"{title(first.rule)} on {len(alerts)} models: {models}{more}"


def alert_message(
    alerts: Sequence[Alert],
    region: str,
    now: datetime,
    silences: Mapping[str, Silence] | None = None,
) -> tuple[str, list[dict[str, Any]]]:
    """Fallback text and Block Kit blocks for ``alerts`` (one rule; at least one alert).

    ``silences`` (by id) lets the message say who silenced an alert and until when.
    """
    if not alerts:
        raise ValueError("an alert message needs at least one alert")
    blocks: list[dict[str, Any]] = [_header(headline(alerts))]
    if len(alerts) == 1:
        blocks += _single(alerts[0], region, now, silences)
    else:
        blocks += _group(alerts, region, now, silences)
    blocks.append(_context(alerts))
    return clip(fallback_text(alerts), SECTION_LIMIT), blocks[:MAX_BLOCKS]


def _single(
    alert: Alert, region: str, now: datetime, silences: Mapping[str, Silence] | None
) -> list[dict[str, Any]]:
    lines = [how_bad(alert)]
    trend = sparkline(alert.details.get("trend", ""))
    if trend:
        lines.append(f"Trend, last {len(trend)} periods: `{trend}`")
    lines.append(state_line(alert, now, silences))
    blocks = [_section("\n".join(lines))]
    fields = [
        f"*{'Model' if 'model' in alert.labels else 'Subject'}*\n`{subject(alert)}`",
        f"*Severity*\n{alert.severity.value}",
    ]
    if alert.details.get("top_contributors"):
        fields.append(f"*Top contributors*\n{alert.details['top_contributors']}")
    blocks.append({"type": "section", "fields": [_mrkdwn(clip(f, 2000)) for f in fields]})
    actions = alert_actions(alert, region)
    if actions:
        blocks.append(actions)
    return blocks


def _group(
    alerts: Sequence[Alert], region: str, now: datetime, silences: Mapping[str, Silence] | None
) -> list[dict[str, Any]]:
    shown = sorted(alerts, key=_badness, reverse=True)[:MAX_GROUP]
    blocks: list[dict[str, Any]] = []
    for alert in shown:
        text = f"*{subject(alert)}*: {how_bad(alert)}\n{state_line(alert, now, silences)}"
        blocks.append(_section(text))
        actions = alert_actions(alert, region)
        if actions:
            blocks.append(actions)
    if len(alerts) > len(shown):
        hidden = len(alerts) - len(shown)
        blocks.append(
            _section(
                f"…and {hidden} more not shown here (Slack's size limit): "
                "`/genai-alerts` lists them all."
            )
        )
    return blocks


def alert_actions(alert: Alert, region: str) -> dict[str, Any] | None:
    """The buttons of one alert: Acknowledge, Snooze, Silence model, CloudWatch link."""
    elements: list[dict[str, Any]] = []
    firing = alert.state is AlertState.FIRING
    if firing and not alert.acknowledged_at:
        elements.append(ids.button("Acknowledge", ids.ACK, alert.fingerprint, style="primary"))
    if firing:
        elements.append(ids.snooze_select(alert.fingerprint))
        if "model" in alert.labels:
            elements.append(
                ids.button("Silence model until tomorrow", ids.SILENCE_MODEL, alert.fingerprint)
            )
    url = console_url(alert, region)
    if url:
        elements.append(ids.link_button("CloudWatch metric", url))
    if not elements:
        return None
    return {"type": "actions", "block_id": f"alert:{alert.fingerprint}", "elements": elements}


def _context(alerts: Sequence[Alert]) -> dict[str, Any]:
    rule = alerts[0].rule
    parts = [f"rule `{rule}`"]
    if len(alerts) == 1:
        parts.append(f"fingerprint `{alerts[0].fingerprint}`")
    parts.append("`/genai-alerts` lists active alerts and silences")
    text = " · ".join(parts)
    return {"type": "context", "elements": [_mrkdwn(text)]}


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(clip(text, SECTION_LIMIT))}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def _rank(severity: Any) -> int:
    return ["info", "warning", "critical"].index(severity.value)


def _badness(alert: Alert) -> float:
    if alert.value is None or not alert.baseline:
        return 0.0
    return alert.value / alert.baseline
