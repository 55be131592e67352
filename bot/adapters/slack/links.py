"""Console deep links that open what the alert judged: the same metric, statistic, period and
time range in CloudWatch; the guardrail's page in the Bedrock console; Bedrock spend in Cost
Explorer for budgets.

The CloudWatch console keeps its graph in the URL fragment in JSURL notation (``~`` between
tokens, ``'`` before strings, ``*XX`` for characters outside ``[A-Za-z0-9_.-]``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from alarms.model import Alert
from bot.adapters.slack import where
from bot.adapters.slack.style import MessageStyle

PLAIN = re.compile(r"[^\w.\-]")
Jsurl = str | int | bool | Sequence["Jsurl"] | Mapping[str, "Jsurl"]
BEFORE = timedelta(hours=3)  # history shown before the alert started
AFTER = timedelta(minutes=30)


def jsurl(value: Jsurl) -> str:
    """``value`` in the JSURL notation the CloudWatch console reads."""
    if isinstance(value, bool):
        return "~true" if value else "~false"
    if isinstance(value, int):
        return f"~{value}"
    if isinstance(value, str):
        return "~'" + PLAIN.sub(_escape, value)
    if isinstance(value, Mapping):
        inner = "~".join(f"{PLAIN.sub(_escape, k)}{jsurl(v)}" for k, v in value.items())
        return f"~({inner})"
    return "~(" + "".join(jsurl(item) for item in value) + ")"


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return "!" if match.group(0) == "$" else (f"*{code:02x}" if code < 256 else f"**{code:04x}")


def series(alert: Alert, style: MessageStyle) -> tuple[str, list[list[str]], str] | None:
    """(namespace, metric rows, statistic) the alert's rule judged, or None."""
    model = alert.labels.get("model")
    metric = alert.details.get("metric", "")
    if alert.rule == "latency_spike" and model:
        row = ["AWS/Bedrock", metric or "InvocationLatency", "ModelId", model]
        return "AWS/Bedrock", [row], style.statistic
    if alert.rule in ("error_rate", "throttle_rate") and model:
        bad = "InvocationThrottles" if alert.rule == "throttle_rate" else "InvocationServerErrors"
        calls = ["AWS/Bedrock", "Invocations", "ModelId", model]
        return "AWS/Bedrock", [["AWS/Bedrock", bad, "ModelId", model], calls], "Sum"
    guardrail = alert.labels.get("guardrail")
    if alert.rule == "guardrail_surge" and guardrail:
        dims = ["GuardrailArn", guardrail, "GuardrailVersion", alert.labels.get("version", "")]
        ns = "AWS/Bedrock/Guardrails"
        rows = [[ns, "InvocationsIntervened", *dims], [ns, "Invocations", *dims]]
        return ns, rows, "Sum"
    return None


def cloudwatch_url(alert: Alert, style: MessageStyle, now: datetime) -> str | None:
    """The CloudWatch graph of the alert's series, statistic, period and time range."""
    found = series(alert, style)
    if found is None:
        return None
    _, found_rows, stat = found
    rows: list[Jsurl] = [list(r) for r in found_rows]
    period = int(alert.details.get("period_seconds") or style.period_seconds)
    start = alert.started_at - BEFORE
    end = min(now, (alert.resolved_at or now) + AFTER)
    region = where.region(alert, style)
    graph: dict[str, Jsurl] = {
        "metrics": rows,
        "view": "timeSeries",
        "stacked": False,
        "region": region,
        "stat": stat,
        "period": period,
        "start": _iso(start),
        "end": _iso(max(end, start + timedelta(minutes=5))),
    }
    return (
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
        f"#metricsV2:graph={jsurl(graph)}"
    )


def guardrail_url(alert: Alert, style: MessageStyle) -> str | None:
    """The guardrail's page in the Bedrock console."""
    arn = alert.labels.get("guardrail")
    if not arn:
        return None
    guardrail_id = quote(arn.rsplit("/", 1)[-1], safe="")
    region = where.region(alert, style)
    return (
        f"https://{region}.console.aws.amazon.com/bedrock/home?region={region}"
        f"#/guardrails/guardrail/{guardrail_id}"
    )


def cost_explorer_url(alert: Alert) -> str | None:
    """Amazon Bedrock spend in Cost Explorer over the budget's period."""
    start, end = alert.details.get("period_start"), alert.details.get("period_end")
    if not start or not end:
        return None
    daily = alert.details.get("period_kind") == "daily"
    first = datetime.fromisoformat(start).date()
    last = (datetime.fromisoformat(end) - timedelta(seconds=1)).date()
    service = {"value": "Amazon Bedrock", "displayValue": "Amazon Bedrock"}
    query = {
        "chartStyle": "STACK",
        "costAggregate": "unBlendedCost",
        "granularity": "Hourly" if daily else "Daily",
        "groupBy": json.dumps(["UsageType"], separators=(",", ":")),
        "filter": json.dumps(
            [{"dimension": {"id": "Service"}, "operator": "INCLUDES", "values": [service]}],
            separators=(",", ":"),
        ),
        "startDate": first.isoformat(),
        "endDate": last.isoformat(),
    }
    pairs = "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
    return f"https://us-east-1.console.aws.amazon.com/costmanagement/home#/cost-explorer?{pairs}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
