"""Words for the usage alerts: rolling budgets, cache waste and quota saturation.

Their summaries are written by the domain with the figures in them; here they are escaped
(principals, tag values and model ids are text from outside) and their facts labelled.
"""

from __future__ import annotations

from alarms.model import Alert
from alarms.names import short_model
from bot.adapters.slack.mrkdwn import code_arns, escape, short_principal

RULES = ("budget_rolling", "cache_waste", "quota_saturation")
FACTS = {
    "budget_rolling": (
        ("spent_usd", "Spent in window", "$"),
        ("amount_usd", "Limit", "$"),
        ("window", "Window", ""),
        ("rate_usd_per_hour", "Rate now", "$/h"),
        ("runs_out", "Reaches the limit", ""),
    ),
    "cache_waste": (
        ("wasted_usd", "Unread writes cost", "$"),
        ("cache_write_usd", "All cache writes", "$"),
        ("cache_write_tokens", "Written tokens", ""),
        ("cache_read_tokens", "Read tokens", ""),
        ("read_ratio", "Read back", "x"),
        ("window", "Window", ""),
        ("how to fix", "How to fix", ""),
    ),
    "quota_saturation": (
        ("usage_tpm", "Tokens/min now", ""),
        ("quota_tpm", "Quota", ""),
        ("minutes_to_quota", "Reaches quota in", "min"),
        ("quota", "Quota name", ""),
        ("trend", "Trend", ""),
    ),
}


def subject_key(alert: Alert) -> str:
    """One subject per key: each principal, team or model-and-principal is its own message."""
    keys = ",".join(f"{k}={v}" for k, v in sorted(alert.labels.items()))
    return f"{alert.rule} {keys}"


def subject_name(alert: Alert) -> str:
    """Who or what spent, short enough for a title (a principal ARN by its resource part);
    empty for a model (the usual model naming applies)."""
    principal = alert.labels.get("principal")
    if alert.rule == "budget_rolling":
        if principal:
            return f"principal {short_principal(principal)}"
        return alert.details.get("scope") or alert.labels.get("budget", "")
    if alert.rule == "cache_waste":
        model = short_model(alert.labels.get("model", "?"))
        return f"{short_principal(principal or '?')} on {model}"
    return ""  # a model: named as every model alert names it


def sentence(alert: Alert) -> str:
    return code_arns(escape(alert.summary.rstrip("."))) + "."


def facts(alert: Alert) -> list[tuple[str, str]]:
    rows = []
    for key, title, unit in FACTS.get(alert.rule, ()):
        value = alert.details.get(key)
        if not value:
            continue
        text = escape(value)
        if unit in ("$", "$/h"):
            text = f"${text}{unit[1:]}"
        elif unit:
            text = f"{text}{'' if unit == 'x' else ' '}{unit}"
        rows.append((title, text))
    link = alert.details.get("increase")
    if link:
        rows.append(("Ask for more", f"<{link}|Service Quotas: request an increase>"))
    return rows
