"""Numbers and metric names as a person reads them: ``24.5%``, ``$15.41``, ``4,100 ms``,
"Throttled calls" rather than ``InvocationThrottles``."""

from __future__ import annotations

METRICS = {
    "InvocationLatency": "Latency",
    "TimeToFirstToken": "Time to first token",
    "InvocationServerErrors": "Server errors",
    "InvocationClientErrors": "Client errors",
    "InvocationThrottles": "Throttled calls",
    "InvocationsIntervened": "Guardrail interventions",
    "Invocations": "Calls",
    "NegativeFeedback": "Negative feedback",
    "spend": "Spend",
    "forecast spend": "Forecast spend",
    "spend rate": "Spend rate",
    "rolling spend": "Rolling spend",
}
RULE_METRICS = {
    "latency_spike": "InvocationLatency",
    "error_rate": "InvocationServerErrors",
    "throttle_rate": "InvocationThrottles",
    "guardrail_surge": "InvocationsIntervened",
    "feedback_drop": "NegativeFeedback",
    "budget_threshold": "spend",
    "budget_forecast": "forecast spend",
    "budget_burn_rate": "spend rate",
    "unpriced_model": "Unpriced calls",
    "budget_rolling": "rolling spend",
    "cache_waste": "Unread cache writes",
    "quota_saturation": "Tokens-per-minute quota",
}


def metric_name(metric: str) -> str:
    """A CloudWatch metric name (or one of ours) in plain words."""
    return METRICS.get(metric, metric)


def figure(value: float | None, unit: str) -> str:
    """``value`` with its unit, as people write it: ``24.5%``, ``$15.41``, ``$2.40/h``,
    ``4,100 ms``, ``12 calls``; ``n/a`` when unknown."""
    if value is None:
        return "n/a"
    if unit == "%":
        return f"{percent_text(value)}%"
    if unit in ("USD", "$"):
        return f"${value:,.2f}"
    if unit == "USD/h":
        return f"${value:,.2f}/h"
    if unit == "ms":
        return f"{value:,.0f} ms"
    text = f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.1f}"
    if unit == "calls" and text == "1":
        unit = "call"
    return f"{text} {unit}".strip()


def percent_text(value: float) -> str:
    """``24.5``, ``0.2``, ``15``: one decimal unless it is a whole number or large."""
    if abs(value) >= 100 or round(value, 1) == round(value):
        return f"{value:,.0f}"
    return f"{value:.1f}"


def ratio(value: float | None, usual: float | None) -> str:
    """``4.1x`` (value over usual), or "" when either is unknown or usual is 0."""
    if value is None or not usual:
        return ""
    return f"{value / usual:.1f}x"


def count(value: float | str | None) -> str:
    """``1,234`` for a count given as a number or its text."""
    try:
        return f"{float(value or 0):,.0f}"
    except ValueError:
        return str(value)


def minutes(seconds: int) -> str:
    """A period length: ``5 min``, ``1 h``."""
    return f"{seconds // 3600:g} h" if seconds % 3600 == 0 else f"{seconds // 60} min"
