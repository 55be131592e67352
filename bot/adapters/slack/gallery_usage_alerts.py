"""Example usage alerts (quota saturation, cache waste, rolling budgets) as their rules raise
them, for ``genai-ops preview`` and the golden message tests. Fixed times and figures."""

from __future__ import annotations

from alarms.model import Alert, fingerprint
from alarms.quota_names import console_url
from bot.adapters.slack.gallery_alerts import SONNET, make_alert

KINDS = ("quota_saturation", "cache_waste", "budget_rolling")
ROLE = "arn:aws:sts::123456789012:assumed-role/support-bot/i-0ab"
OTHER = "arn:aws:iam::123456789012:user/etl-nightly"
NOVA = "amazon.nova-pro-v1:0"
QUOTA_CODE = "L-79E773B3"


def usage_example(kind: str) -> Alert:
    """One firing usage alert of ``kind``, its summary and details as the rule writes them."""
    if kind == "quota_saturation":
        return make_alert(
            kind,
            {"model": SONNET},
            value=92.4,
            threshold=85.0,
            unit="%",
            summary="claude-3-5-sonnet-20240620-v1:0 uses 92% of its tokens-per-minute quota "
            "(369,600 of 400,000); at the trend of the last 6 periods it reaches the quota "
            "in 4 min",
            details={
                "quota": "Cross-region model inference tokens per minute for Anthropic Claude "
                "3.5 Sonnet",
                "quota_tpm": "400,000",
                "usage_tpm": "369,600",
                "trend": "least-squares line through the per-minute use of the last 6 periods: "
                "+7,900 tokens/min per minute",
                "minutes_to_quota": "4",
                "quota_code": QUOTA_CODE,
                "increase": console_url("us-east-1", QUOTA_CODE),
            },
        )
    if kind == "cache_waste":
        return make_alert(
            kind,
            {"model": SONNET, "principal": ROLE, "team": "support"},
            value=41.38,
            threshold=5.0,
            unit="USD",
            summary=f"{ROLE} wrote 11,034,000 prompt-cache tokens on "
            "claude-3-5-sonnet-20240620-v1:0 in the last 24 h and read back 1,210,000 "
            "(0.11x): $36.84 of cache writes saved nothing",
            details={
                "cache_write_tokens": "11,034,000",
                "cache_read_tokens": "1,210,000",
                "read_ratio": "0.11",
                "cache_write_usd": "41.38",
                "wasted_usd": "36.84",
                "window": "the last 24 h",
                "how to fix": "cache only prefixes that repeat within the cache's lifetime "
                "(5 min by default), or stop setting cache points on one-off prompts",
            },
        )
    if kind == "budget_rolling":
        return make_alert(
            kind,
            {"budget": "per-caller 6h", "principal": ROLE, "window": "6h", "team": "support"},
            value=62.10,
            threshold=50.0,
            unit="USD",
            summary=f"principal {ROLE} spent $62.10 in the last 6 h, over $50.00; "
            "spending $18.40/h now",
            details={
                "metric": "rolling spend",
                "scope": f"principal {ROLE}",
                "window": "the last 6 h",
                "amount_usd": "50.00",
                "spent_usd": "62.10",
                "rate_usd_per_hour": "18.40",
            },
        )
    raise ValueError(f"unknown usage alert kind {kind!r}")


def usage_companion(lead: Alert) -> list[Alert]:
    """A second subject raised in the same cycle as ``lead``, for the grouped example."""
    if lead.rule == "quota_saturation":
        text = lead.summary.replace("claude-3-5-sonnet-20240620-v1:0", "nova-pro-v1:0")
        text = text.replace("92%", "88%").replace("369,600 of 400,000", "176,000 of 200,000")
        return [_copy(lead, {"model": NOVA}, 88.0, text.split(";")[0])]
    old = ROLE
    text = lead.summary.replace(old, OTHER)
    if lead.rule == "cache_waste":
        text = text.replace("$36.84", "$12.05").replace("0.11x", "0.20x")
        return [_copy(lead, {**lead.labels, "principal": OTHER}, 14.10, text)]
    text = text.replace("$62.10", "$51.30").replace("$18.40/h", "$9.10/h")
    return [_copy(lead, {**lead.labels, "principal": OTHER}, 51.30, text)]


def _copy(lead: Alert, labels: dict[str, str], value: float, summary: str) -> Alert:
    return lead.model_copy(
        update={
            "labels": labels,
            "fingerprint": fingerprint(lead.rule, labels),
            "value": value,
            "peak": value,
            "summary": summary,
        }
    )
