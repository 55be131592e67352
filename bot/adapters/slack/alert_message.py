"""The Slack message of one alert, or of several alerts of one rule raised together.

One design for every kind and state: a header with the severity (or "Resolved"), a colour
bar (the attachment's colour: red critical, amber warning, grey snoozed or silenced, green
resolved), then per subject (a model, a guardrail, a budget) the headline sentence with the
exact figure and unit, its facts in words, where it stands, and one set of buttons. A
critical alert mentions the configured user group.

The message is always rendered from the alerts' stored state, so every edit (repeat, ack,
snooze, resolve) shows the whole truth at that moment, within Slack's limits (50 blocks,
3,000 characters a section, 150 a header; what does not fit is cut and said).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from alarms.model import Alert, AlertState, Severity
from alarms.silences import Silence
from bot.adapters.slack import alert_story as story
from bot.adapters.slack import where
from bot.adapters.slack.alert_buttons import subject_actions
from bot.adapters.slack.alert_state import (
    ICONS,
    RESOLVED_ICON,
    color,
    muted,
    resolved,
    severest,
    slack_date,
    state_line,
)
from bot.adapters.slack.figures import minutes
from bot.adapters.slack.mrkdwn import escape
from bot.adapters.slack.render import HEADER_LIMIT, SECTION_LIMIT, clip, title
from bot.adapters.slack.style import MessageStyle
from bot.adapters.slack.trend import sparkline

__all__ = ["SlackMessage", "alert_message", "slack_date", "state_line", "subjects"]

MAX_BLOCKS = 50
MAX_SUBJECTS = 8  # subjects shown one by one (about 5 blocks each); the rest are counted
NOUNS = {
    "model": "models",
    "guardrail": "guardrails",
    "budget": "budgets",
    "budget_rolling": "spenders",
    "cache_waste": "principals",
    "quota_saturation": "models",
}


@dataclass(frozen=True)
class SlackMessage:
    """What ``chat.postMessage`` / ``chat.update`` take: fallback text, blocks, attachments."""

    text: str
    blocks: list[dict[str, Any]]
    attachments: list[dict[str, Any]]

    def args(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks, "attachments": self.attachments}


def subjects(alerts: Sequence[Alert]) -> list[list[Alert]]:
    """``alerts`` grouped by what they are about, worst subject first."""
    grouped: dict[str, list[Alert]] = {}
    for alert in alerts:
        grouped.setdefault(story.subject_key(alert), []).append(alert)
    return sorted(grouped.values(), key=_badness, reverse=True)


def headline(
    alerts: Sequence[Alert], style: MessageStyle, silences: Mapping[str, Silence] | None = None
) -> str:
    """The header: severity (or Resolved), what, and on what; snoozed or silenced said."""
    groups = subjects(alerts)
    first = groups[0][0]
    what = title(first.rule)
    if len(groups) == 1:
        lead = _lead(groups[0])
        where = f"{what} on {story.subject_name(lead, style)}"
        if lead.rule == "budget_threshold":
            where = (
                f"Budget {story.subject_name(lead, style)} crossed {lead.labels.get('threshold')}%"
            )
    else:
        noun = NOUNS.get(story.subject_key(first).split(" ", 1)[0], "subjects")
        where = f"{what} on {len(groups)} {noun}"
    if resolved(alerts):
        return clip(f"{RESOLVED_ICON} Resolved: {where}", HEADER_LIMIT)
    severity = severest(alerts)
    state = f" ({_muted_word(alerts, silences or {})})" if muted(alerts) else ""
    return clip(f"{ICONS[severity]} {severity.value.capitalize()}{state}: {where}", HEADER_LIMIT)


def fallback_text(
    alerts: Sequence[Alert], style: MessageStyle, silences: Mapping[str, Silence] | None = None
) -> str:
    """The notification text: the header and the first subject's sentence, in plain words
    (no emoji codes; text that is not ours escaped, as everywhere)."""
    first = _lead(subjects(alerts)[0])
    sentence = story.sentence(first, style).replace("*", "")
    header = headline(alerts, style, silences).split(" ", 1)[1]
    return clip(f"{escape(header)}. {sentence}", SECTION_LIMIT)


def alert_message(
    alerts: Sequence[Alert],
    style: MessageStyle,
    now: datetime,
    silences: Mapping[str, Silence] | None = None,
) -> SlackMessage:
    """The message for ``alerts`` (one rule; at least one alert)."""
    if not alerts:
        raise ValueError("an alert message needs at least one alert")
    blocks: list[dict[str, Any]] = [_header(headline(alerts, style, silences))]
    critical = severest(alerts) is Severity.CRITICAL
    firing = any(a.state is AlertState.FIRING and not a.muted for a in alerts)
    text = fallback_text(alerts, style, silences)
    if critical and firing and style.mention:
        call = f"<!subteam^{style.mention}> critical alert: please take a look."
        blocks.append(_section(call))
        text = f"<!subteam^{style.mention}> {text}"
    body: list[dict[str, Any]] = []
    groups = subjects(alerts)
    for index, group in enumerate(groups[:MAX_SUBJECTS]):
        if index:
            body.append({"type": "divider"})
        body += _subject(group, style, now, silences, detailed=len(groups) == 1)
    if len(groups) > MAX_SUBJECTS:
        hidden = len(groups) - MAX_SUBJECTS
        body.append(_context(f"…and {hidden} more not shown here: `/genai-alerts` lists them all."))
    body.append(_footer(alerts, style))
    attachment = {"color": color(alerts), "fallback": text, "blocks": body[:MAX_BLOCKS]}
    return SlackMessage(text, blocks, [attachment])


def _subject(
    group: list[Alert],
    style: MessageStyle,
    now: datetime,
    silences: Mapping[str, Silence] | None,
    detailed: bool,
) -> list[dict[str, Any]]:
    lead = _lead(group)
    others = [a for a in group if a is not lead]
    earlier = [a for a in others if a.rule == "budget_threshold"]
    rows = [a for a in others if a not in earlier]
    lines = [story.sentence(lead, style)]
    if rows:
        lines = [f"• {story.row(a, style)}" for a in [lead, *rows]]
        lines.insert(0, f"*{escape(story.subject_name(lead, style))}*")
    elif not detailed:
        lines = [f"{story.sentence(lead, style)}"]
    blocks = [_section("\n".join(lines))]
    if detailed and not rows:
        fields = [f"*{name}*\n{value}" for name, value in story.facts(lead, style)][:10]
        if fields:
            blocks.append({"type": "section", "fields": [_mrkdwn(clip(f, 2000)) for f in fields]})
    fix = story.how_to_fix(lead) if lead.rule == "unpriced_model" and not resolved([lead]) else None
    if fix:
        blocks.append(_section(fix))
    notes = [state_line(lead, now, silences)]
    notes += [state_line(a, now, silences) for a in rows if a.state is not lead.state]
    if earlier:
        levels = sorted(earlier, key=lambda a: int(a.labels.get("threshold", "0")))
        notes.append(
            "Earlier this period: "
            + ", ".join(f"{a.labels.get('threshold')}% {slack_date(a.started_at)}" for a in levels)
        )
    trend = sparkline(lead.details.get("trend", ""))
    if trend and lead.state is AlertState.FIRING:
        period = minutes(int(lead.details.get("period_seconds") or style.period_seconds))
        notes.append(f"Last {len(trend)} x {period}: `{trend}`")
    blocks.append(_context("\n".join(notes)))
    actions = subject_actions(group, style, now, silences)
    if actions:
        blocks.append(actions)
    return blocks


def _lead(group: Sequence[Alert]) -> Alert:
    """The alert a subject's sentence is about: the highest budget level, else the worst."""
    if all(a.rule == "budget_threshold" for a in group):
        return max(group, key=lambda a: int(a.labels.get("threshold", "0")))
    return max(group, key=lambda a: (a.state is AlertState.FIRING, _ratio(a)))


def _muted_word(alerts: Sequence[Alert], silences: Mapping[str, Silence]) -> str:
    ids = {a.silenced_by for a in alerts if a.state is AlertState.FIRING}
    if any(a.inhibited_by and not a.silenced_by for a in alerts):
        return "held back"
    found = [silences.get(i) for i in ids if i]
    snoozes = [s for s in found if s is not None and s.matcher.fingerprint]
    return "snoozed" if found and len(snoozes) == len(found) else "silenced"


def _footer(alerts: Sequence[Alert], style: MessageStyle) -> dict[str, Any]:
    period = minutes(style.period_seconds)
    parts = [f"Rule: {title(alerts[0].rule).lower()}", f"checked every {period}"]
    places = {where.place(alert, style) for alert in alerts}
    found = places.pop() if len(places) == 1 else None  # several: each subject names its own
    if found:
        parts.insert(1, escape(found))
    parts.append("`/genai-alerts` lists every active alert and silence")
    return _context(" · ".join(parts))


def _badness(group: list[Alert]) -> tuple[bool, int, float]:
    lead = _lead(group)
    rank = ["info", "warning", "critical"].index(severest(group).value)
    return (lead.state is AlertState.FIRING, rank, _ratio(lead))


def _ratio(alert: Alert) -> float:
    if alert.value is None:
        return 0.0
    base = alert.baseline or alert.threshold
    return alert.value / base if base else alert.value


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(clip(text, SECTION_LIMIT))}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [_mrkdwn(clip(text, SECTION_LIMIT))]}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}
