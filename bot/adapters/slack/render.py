"""Alert text shared by every rendering: rule titles, Slack's size limits, and the plain text
shown on the terminal when Slack is not configured."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from alarms.lifecycle import Notice
from alarms.model import Alert
from alarms.names import duration

if TYPE_CHECKING:
    from bot.adapters.slack.style import MessageStyle

LINK = re.compile(r"<(https?://[^|>\s]+)\|([^>]+)>")
ITALIC = re.compile(r"(?<!\w)_([^_\n]+)_(?!\w)")
RULE_TITLES = {
    "latency_spike": "Latency spike",
    "error_rate": "Server errors",
    "throttle_rate": "Throttling",
    "guardrail_surge": "Guardrail interventions",
    "feedback_drop": "Negative feedback",
    "budget_threshold": "Budget crossed",
    "budget_forecast": "Budget forecast",
    "budget_burn_rate": "Spend burn rate",
    "unpriced_model": "Unpriced model",
    "budget_rolling": "Rolling budget",
    "cache_waste": "Cache waste",
    "quota_saturation": "Quota saturation",
}
HEADER_LIMIT = 150
SECTION_LIMIT = 3000


def title(rule: str) -> str:
    """The rule kind in words: ``latency_spike`` -> ``Latency spike``."""
    return RULE_TITLES.get(rule, rule.replace("_", " ").capitalize())


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying so when it was cut."""
    suffix = " …(truncated)"
    return text if len(text) <= limit else text[: limit - len(suffix)] + suffix


def alert_text(alert: Alert, notice: Notice, style: MessageStyle | None = None) -> str:
    """The alert as plain text for the terminal: the same sentence and facts as in Slack,
    in ``style`` (the statistic read, model aliases...)."""
    from bot.adapters.slack import where
    from bot.adapters.slack.alert_story import facts, sentence
    from bot.adapters.slack.style import MessageStyle

    style = style or MessageStyle()
    tag = "RESOLVED" if notice is Notice.RESOLVED else alert.severity.value.upper()
    prefix = "Resolved: " if notice is Notice.RESOLVED else ""
    plain = sentence(alert, style).replace("*", "")
    subject = next(
        (alert.labels[k] for k in ("model", "guardrail", "budget") if k in alert.labels), "account"
    )
    lines = [f"[{tag}] {prefix}{title(alert.rule)} on {subject}: {_unescape(plain)}"]
    lines += [
        f"    {name}: {_unescape(value)}".replace("\n", " ") for name, value in facts(alert, style)
    ]
    if "region" in alert.labels:  # a bot watching several targets: which one
        lines.append(f"    Where: {where.place(alert, style)}")
    if notice is Notice.RESOLVED and alert.resolved_at:
        lines.append(f"    Lasted: {duration(alert.started_at, alert.resolved_at)}")
    return "\n".join(lines)


def _unescape(text: str) -> str:
    """Slack mrkdwn as a terminal shows it: links as "text (url)", no code marks."""
    text = LINK.sub(lambda found: f"{found.group(2)} ({found.group(1)})", text)
    text = ITALIC.sub(r"\1", text.replace("`", ""))
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
