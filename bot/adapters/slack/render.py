"""Alert text shared by every rendering: titles, headlines, facts, links, and the plain
text used as Slack's notification fallback and on the terminal."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from alarms.lifecycle import Notice
from alarms.model import Alert, Severity
from alarms.names import duration

ICONS = {
    Severity.INFO: ":information_source:",
    Severity.WARNING: ":warning:",
    Severity.CRITICAL: ":rotating_light:",
}
RULE_TITLES = {"latency_spike": "Latency spike"}
RULE_TITLES.update(
    {
        "budget_threshold": "Budget",
        "budget_forecast": "Budget forecast",
        "budget_burn_rate": "Spend burn rate",
        "unpriced_model": "Unpriced model",
    }
)
BUDGET_FACTS = ("top models", "top principals", "top tags", "source", "how to fix")
HEADER_LIMIT = 150
SECTION_LIMIT = 3000


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying so when it was cut."""
    suffix = " …(truncated)"
    return text if len(text) <= limit else text[: limit - len(suffix)] + suffix


def subject(alert: Alert) -> str:
    return (
        alert.labels.get("model")
        or alert.labels.get("guardrail")
        or alert.labels.get("budget")
        or "account"
    )


def headline(alert: Alert, notice: Notice) -> str:
    title = RULE_TITLES.get(alert.rule, alert.rule.replace("_", " ").capitalize())
    if notice is Notice.RESOLVED:
        return f"Resolved: {title} on {subject(alert)}"
    return f"{title} on {subject(alert)}: {alert.summary}"


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f} {unit}".strip() if abs(value) >= 10 else f"{value:,.2f} {unit}".strip()


def facts(alert: Alert) -> list[tuple[str, str]]:
    rows = [
        ("Now", _number(alert.value, alert.unit)),
        ("Usual", _number(alert.baseline, alert.unit)),
        ("Threshold", _number(alert.threshold, alert.unit)),
        ("Since", _when(alert.started_at)),
    ]
    if "invocations" in alert.details:
        rows.append(("Invocations (last period)", alert.details["invocations"]))
    rows += [(key.capitalize(), alert.details[key]) for key in BUDGET_FACTS if key in alert.details]
    return rows


def console_url(alert: Alert, region: str) -> str | None:
    model = alert.labels.get("model")
    metric = alert.details.get("metric")
    if not model or not metric:
        return None
    source = f"AWS/Bedrock~{metric}~ModelId~{model}"
    return (
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
        f"#metricsV2:graph=~(metrics~(~(~'{quote(source, safe='')})))"
    )


def alert_text(alert: Alert, notice: Notice) -> str:
    """The alert as plain text: the Slack fallback and the terminal rendering."""
    icon = "RESOLVED" if notice is Notice.RESOLVED else alert.severity.value.upper()
    lines = [f"[{icon}] {headline(alert, notice)}"]
    lines += [f"    {name}: {value}" for name, value in facts(alert)]
    if notice is Notice.RESOLVED and alert.resolved_at:
        lines.append(f"    Lasted: {duration(alert.started_at, alert.resolved_at)}")
    return "\n".join(lines)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")
