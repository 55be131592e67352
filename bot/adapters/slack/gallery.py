"""Every alert kind in every state as the messages Slack would show: the alert message as
posted or last edited, plus the thread reply the state adds. Used by ``genai-ops preview``
and kept as golden files by the tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from alarms.lifecycle import Notice
from alarms.model import Alert, AlertState
from alarms.silences import Matcher, Silence
from bot.adapters.slack.alert_message import alert_message
from bot.adapters.slack.alert_replies import reply_message
from bot.adapters.slack.gallery_alerts import NOW, START, companion, example
from bot.adapters.slack.gallery_usage_alerts import KINDS as USAGE_KINDS
from bot.adapters.slack.gallery_usage_alerts import usage_companion, usage_example
from bot.adapters.slack.style import MessageStyle

KINDS = (
    "latency_spike",
    "error_rate",
    "throttle_rate",
    "guardrail_surge",
    "feedback_drop",
    "budget_threshold",
    "budget_forecast",
    "budget_burn_rate",
    "unpriced_model",
    *USAGE_KINDS,
)
STATES = ("firing", "repeat", "acknowledged", "snoozed", "silenced", "resolved", "grouped")
CHANNEL, TS = "C0ALERTS", "1773149700.000100"
STYLE = MessageStyle(region="us-east-1", mention="S0ONCALL1")


def scenario(kind: str, state: str, style: MessageStyle = STYLE) -> list[dict[str, Any]]:
    """The messages of ``kind`` in ``state``: the alert message, then any thread reply."""
    alert = usage_example(kind) if kind in USAGE_KINDS else example(kind)
    silences: dict[str, Silence] = {}
    now = NOW
    reply: tuple[Notice, list[Alert]] | None = None
    alerts = [alert]
    if state == "repeat":
        now = START + timedelta(hours=4, minutes=5)
        worse = (alert.value or 0) * 1.1
        alerts = [alert.model_copy(update={"value": alert.value, "peak": worse})]
        reply = (Notice.REPEAT, alerts)
    elif state == "acknowledged":
        alerts = [alert.model_copy(update={"acknowledged_by": "U0ALICE", "acknowledged_at": now})]
    elif state in ("snoozed", "silenced"):
        matcher = (
            Matcher(fingerprint=alert.fingerprint)
            if state == "snoozed" or "model" not in alert.labels
            else Matcher(model=alert.labels["model"])
        )
        hours = 4 if state == "snoozed" else 19
        silence = Silence(
            id=f"s-{state}",
            matcher=matcher,
            created_by="U0BOB",
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
        silences = {silence.id: silence}
        alerts = [alert.model_copy(update={"silenced_by": silence.id})]
    elif state == "resolved":
        now = START + timedelta(hours=1, minutes=5)
        calm = 0.0 if alert.unit == "calls" else (alert.baseline or alert.threshold or 1) * 1.02
        done = alert.model_copy(
            update={
                "state": AlertState.RESOLVED,
                "resolved_at": now,
                "value": round(calm, 2),
                "peak": round((alert.value or 0) * 1.1, 1 if alert.unit != "calls" else 0),
            }
        )
        alerts = [done]
        reply = (Notice.RESOLVED, alerts)
    elif state == "grouped":
        others = usage_companion(alert) if kind in USAGE_KINDS else companion(alert)
        alerts = [alert, *others]
    elif state != "firing":
        raise ValueError(f"unknown state {state!r}; use one of {', '.join(STATES)}")
    message = alert_message(alerts, style, now, silences)
    posted = {"channel": CHANNEL, "ts": TS, **message.args()}
    out = [posted]
    if reply is not None:
        text, blocks = reply_message(reply[0], reply[1], style, now)
        out.append(
            {
                "channel": CHANNEL,
                "thread_ts": TS,
                "ts": "1773149700.000200",
                "text": text,
                "blocks": blocks,
                "reply_broadcast": reply[0] is Notice.RESOLVED and style.broadcast_resolutions,
            }
        )
    return out
