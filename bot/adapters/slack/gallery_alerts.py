"""Example alerts of every kind, as the rules raise them, for ``genai-ops preview`` and the
golden message tests. Fixed times: the examples never depend on today's date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alarms.model import Alert, AlertState, Severity, fingerprint

START = datetime(2026, 3, 10, 13, 35, tzinfo=UTC)
NOW = START + timedelta(minutes=25)
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET = "us.anthropic.claude-3-5-sonnet-20240620-v1:0"
GUARDRAIL = "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr7x2k9abc"
DAY = {
    "period_start": "2026-03-10T00:00:00+00:00",
    "period_end": "2026-03-11T00:00:00+00:00",
    "period_kind": "daily",
    "scope": "tag team=team-a",
    "amount_usd": "19.00",
    "top models": "claude-3-5-sonnet-20240620-v1:0 $11.20 (73%), claude-3-haiku $4.21 (27%)",
    "top principals": "arn:aws:sts::123456789012:assumed-role/support-bot/i-0ab $15.41 (100%)",
    "top tags": "team=team-a $15.41 (100%)",
}


def make_alert(rule: str, labels: dict[str, str], **fields: object) -> Alert:
    """A firing warning of ``rule`` raised at the examples' fixed times."""
    base: dict[str, object] = {
        "fingerprint": fingerprint(rule, labels),
        "rule": rule,
        "labels": labels,
        "state": AlertState.FIRING,
        "severity": Severity.WARNING,
        "started_at": START,
        "updated_at": NOW,
    }
    base.update(fields)
    if "peak" not in fields:
        base["peak"] = fields.get("value")
    return Alert.model_validate(base)


def example(kind: str) -> Alert:
    """One firing alert of ``kind`` as the rule would raise it."""
    rates = {"period_seconds": "300"}
    if kind == "latency_spike":
        return make_alert(
            kind,
            {"model": HAIKU},
            value=4100.0,
            baseline=1000.0,
            threshold=1800.0,
            unit="ms",
            details={
                **rates,
                "metric": "InvocationLatency",
                "invocations": "212",
                "trend": "990,1010,1000,1020,980,2900,3800,4100",
            },
        )
    if kind == "error_rate":
        return make_alert(
            kind,
            {"model": SONNET},
            severity=Severity.CRITICAL,
            value=15.2,
            baseline=0.2,
            threshold=2.0,
            unit="%",
            details={
                **rates,
                "usual_for": "usual",
                "metric": "InvocationServerErrors",
                "invocations": "250",
                "events": "38",
            },
        )
    if kind == "throttle_rate":
        return make_alert(
            kind,
            {"model": HAIKU},
            value=24.5,
            baseline=1.0,
            threshold=2.0,
            unit="%",
            details={
                **rates,
                "usual_for": "usual for 13:00",
                "metric": "InvocationThrottles",
                "invocations": "800",
                "events": "196",
            },
        )
    if kind == "guardrail_surge":
        return make_alert(
            kind,
            {"guardrail": GUARDRAIL, "version": "3"},
            value=18.0,
            baseline=2.1,
            threshold=7.1,
            unit="%",
            details={
                **rates,
                "usual_for": "usual for Tuesday 13:00",
                "metric": "InvocationsIntervened",
                "invocations": "500",
                "interventions": "90",
                "policy_types": "ContentPolicy 81%",
                "content_sources": "Input 93%",
            },
        )
    if kind == "feedback_drop":
        return make_alert(
            kind,
            {"model": SONNET},
            value=58.3,
            threshold=40.0,
            unit="%",
            details={"positive": "5", "negative": "7", "window_hours": "24"},
        )
    if kind == "budget_threshold":
        labels = {"budget": "team-a daily", "period": "2026-03-10", "threshold": "80"}
        return make_alert(
            kind,
            labels,
            value=15.41,
            threshold=15.20,
            unit="USD",
            details={**DAY, "metric": "spend", "spent_usd": "15.41", "left_usd": "3.59"},
        )
    if kind == "budget_forecast":
        return make_alert(
            kind,
            {"budget": "team-a daily", "period": "2026-03-10"},
            value=25.10,
            threshold=19.0,
            unit="USD",
            details={
                **DAY,
                "metric": "forecast spend",
                "spent_usd": "12.00",
                "left_usd": "7.00",
                "runs_out_at": "2026-03-10T19:20+00:00",
                "runs_out": "at 19:20 UTC",
                "rate_usd_per_hour": "1.31",
                "rate_since": "12:00 UTC",
            },
        )
    if kind == "budget_burn_rate":
        return make_alert(
            kind,
            {"budget": "team-a daily", "period": "2026-03-10"},
            value=2.40,
            threshold=1.17,
            unit="USD/h",
            details={
                **DAY,
                "metric": "spend rate",
                "spent_usd": "12.00",
                "left_usd": "7.00",
                "horizon_hours": "6",
                "runs_out_at": "2026-03-10T16:55+00:00",
                "runs_out": "at 16:55 UTC",
                "rate_usd_per_hour": "2.40",
                "rate_since": "13:00 UTC",
            },
        )
    if kind == "unpriced_model":
        model = "mistral.mistral-large-2407-v1:0"
        reason = (
            f"genai-prices 0.0.40 has no AWS price for {model}: add "
            f'[price_overrides."{model}"] input_per_mtok = ..., output_per_mtok = ...'
        )
        return make_alert(
            kind,
            {"model": model},
            value=12.0,
            unit="calls",
            details={"how to fix": reason},
        )
    raise ValueError(f"unknown alert kind {kind!r}")


def companion(lead: Alert) -> list[Alert]:
    """Alerts raised with ``lead`` in a grouped message: another subject, and where the kind
    allows it, a second metric of the same subject."""
    kind = lead.rule
    other_labels = dict(lead.labels)
    key = (
        "model"
        if "model" in other_labels
        else "guardrail"
        if "guardrail" in other_labels
        else "budget"
    )
    other_labels[key] = {
        "model": "amazon.nova-pro-v1:0",
        "guardrail": GUARDRAIL.replace("gr7x2k9abc", "pii9mask01"),
        "budget": "support monthly",
    }[key]
    other = lead.model_copy(
        update={
            "labels": other_labels,
            "fingerprint": lead.fingerprint[::-1],
            "value": (lead.value or 0) * 0.6,
            "peak": (lead.value or 0) * 0.6,
            # another rate runs out at another moment: this example does not say when
            "details": {
                k: v for k, v in lead.details.items() if k not in ("runs_out", "runs_out_at")
            },
        }
    )
    found = [other]
    if kind == "latency_spike":
        ttft = lead.model_copy(
            update={
                "labels": {**lead.labels, "metric": "TimeToFirstToken"},
                "fingerprint": "ttft" + lead.fingerprint[4:],
                "value": 2300.0,
                "peak": 2300.0,
                "baseline": 400.0,
                "threshold": 800.0,
                "details": {**lead.details, "metric": "TimeToFirstToken"},
            }
        )
        found.insert(0, ttft)
    return found
