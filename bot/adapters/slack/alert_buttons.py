"""One set of buttons per subject: Acknowledge, Snooze, Silence model, Unsilence while muted,
the console deep link and the runbook. Buttons that act carry every fingerprint of the
subject (comma-separated), so one click covers, e.g., a model's latency and time to first
token alerts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from alarms.model import Alert, AlertState
from alarms.silences import Silence
from bot.adapters.slack import actions_ids as ids
from bot.adapters.slack.links import cloudwatch_url, cost_explorer_url, guardrail_url
from bot.adapters.slack.style import MessageStyle

MAX_IN_VALUE = 40  # fingerprints carried by one button (17 characters each, 2,000 at most)


def subject_actions(
    group: Sequence[Alert],
    style: MessageStyle,
    now: datetime,
    silences: Mapping[str, Silence] | None = None,
) -> dict[str, Any] | None:
    """The actions block of one subject's alerts, or None when there is nothing to do."""
    firing = [a for a in group if a.state is AlertState.FIRING]
    elements: list[dict[str, Any]] = []
    waiting = ",".join(a.fingerprint for a in firing if not a.acknowledged_at)
    if waiting:
        elements.append(ids.button("Acknowledge", ids.ACK, _cap(waiting), style="primary"))
    loud = ",".join(a.fingerprint for a in firing if not a.silenced_by)
    if loud:
        elements.append(ids.snooze_select(_cap(loud)))
        if any("model" in a.labels for a in firing):
            elements.append(
                ids.button("Silence model until tomorrow", ids.SILENCE_MODEL, firing[0].fingerprint)
            )
    for silence_id in dict.fromkeys(a.silenced_by for a in firing if a.silenced_by):
        if silence_id and (silences is None or silence_id in silences):
            elements.append(ids.button("Unsilence", ids.UNSILENCE, silence_id, style="danger"))
    elements += links(group, style, now)
    if not elements:
        return None
    return {"type": "actions", "block_id": f"alert:{group[0].fingerprint}", "elements": elements}


def links(group: Sequence[Alert], style: MessageStyle, now: datetime) -> list[dict[str, Any]]:
    """Deep links for the subject (one per console) and the rule's runbook."""
    out: list[dict[str, Any]] = []
    lead = group[0]
    for alert in group:
        url = cloudwatch_url(alert, style, now)
        if url:
            metric = "time to first token" if "TimeToFirstToken" in url else None
            label = f"CloudWatch: {metric}" if metric and len(group) > 1 else "Open in CloudWatch"
            out.append(ids.link_button(label, url))
    guardrail = guardrail_url(lead, style)
    if guardrail:
        out.append(ids.link_button("Guardrail in Bedrock", guardrail))
    cost = cost_explorer_url(lead)
    if cost:
        out.append(ids.link_button("Cost Explorer", cost))
    out.append(ids.link_button("Runbook", style.runbook(lead.rule)))
    unique = {element["action_id"]: element for element in out}
    return list(unique.values())[:20]


def fingerprints(value: str) -> list[str]:
    """The fingerprints a button carries (``"a,b"`` -> ``["a", "b"]``)."""
    return [part for part in value.split(",") if part]


def _cap(value: str) -> str:
    return ",".join(value.split(",")[:MAX_IN_VALUE])
