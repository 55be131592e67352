"""Where an alert stands, in one line a person reads: firing for how long, acknowledged by
whom, snoozed or silenced until when, resolved after how long with its peak."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from alarms.model import Alert, AlertState, Severity
from alarms.names import duration
from alarms.silences import Silence
from bot.adapters.slack.figures import figure

ICONS = {
    Severity.INFO: ":information_source:",
    Severity.WARNING: ":warning:",
    Severity.CRITICAL: ":rotating_light:",
}
RESOLVED_ICON = ":white_check_mark:"
COLORS = {
    Severity.INFO: "#36C5F0",
    Severity.WARNING: "#ECB22E",
    Severity.CRITICAL: "#E01E5A",
    "resolved": "#2EB67D",
    "muted": "#9E9EA6",
}
RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


def slack_date(moment: datetime) -> str:
    """A date Slack shows in the reader's time zone, with a UTC fallback."""
    fallback = f"{moment:%Y-%m-%d %H:%M} UTC"
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def severest(alerts: Sequence[Alert]) -> Severity:
    """The highest severity among ``alerts``."""
    return max((a.severity for a in alerts), key=RANK.__getitem__)


def resolved(alerts: Sequence[Alert]) -> bool:
    return all(alert.state is AlertState.RESOLVED for alert in alerts)


def muted(alerts: Sequence[Alert]) -> bool:
    firing = [a for a in alerts if a.state is AlertState.FIRING]
    return bool(firing) and all(a.muted for a in firing)


def color(alerts: Sequence[Alert]) -> str:
    """The colour bar: green when resolved, grey when snoozed or silenced, else severity."""
    if resolved(alerts):
        return COLORS["resolved"]
    if muted(alerts):
        return COLORS["muted"]
    return COLORS[severest(alerts)]


def silence_line(silence: Silence | None) -> str:
    """``:zzz: Snoozed by <@U1> until ...`` or ``:mute: Silenced ...``."""
    if silence is None:
        return ":mute: Silenced: no repeats until the silence ends"
    until = slack_date(silence.expires_at)
    if silence.matcher.fingerprint:
        return f":zzz: Snoozed by <@{silence.created_by}> until {until}: no repeats"
    what = "this model" if silence.matcher.model else "alerts like this"
    return f":mute: {what.capitalize()} silenced by <@{silence.created_by}> until {until}"


def state_line(alert: Alert, now: datetime, silences: Mapping[str, Silence] | None = None) -> str:
    """One line: where ``alert`` stands now."""
    acked = f":eyes: Acknowledged by <@{alert.acknowledged_by}>" if alert.acknowledged_by else ""
    if alert.state is AlertState.RESOLVED:
        end = alert.resolved_at or now
        line = f"{RESOLVED_ICON} Resolved {slack_date(end)} after {duration(alert.started_at, end)}"
        if alert.peak is not None and not alert.rule.startswith("budget_"):
            line += (
                f" · peak {figure(alert.peak, alert.unit)}, now {figure(alert.value, alert.unit)}"
            )
        return f"{line} · {acked}" if acked else line
    parts = [
        f":red_circle: Firing for {duration(alert.started_at, now)}, since "
        f"{slack_date(alert.started_at)}"
    ]
    if acked:
        parts.append(acked + ": no repeats")
    if alert.silenced_by:
        parts.append(silence_line((silences or {}).get(alert.silenced_by)))
    if alert.inhibited_by:
        parts.append("held back by a related alert")
    return " · ".join(parts)
