"""The digest as text lines (terminal) and as a Block Kit message (Slack)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from alarms.digest import Digest
from alarms.names import short_model
from bot.adapters.slack.mrkdwn import code_arns, escape

POLICIES = {  # GuardrailPolicyType as the guardrail's console names it
    "ContentPolicy": "content filters",
    "TopicPolicy": "denied topics",
    "WordPolicy": "word filters",
    "SensitiveInformationPolicy": "sensitive information",
    "ContextualGroundingPolicy": "contextual grounding",
}


def _usd(value: Decimal) -> str:
    return f"${value:,.2f}"


def _change(now: float, before: float) -> str:
    if not before:
        return "new" if now else "-"
    return f"{(now - before) / before:+.0%}"


def _span(value: timedelta | None) -> str:
    if value is None:
        return "-"
    minutes = int(value.total_seconds() // 60)
    return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _spend(label: str) -> str:
    return "Spend " if label == "spend" else f"{label[0].upper()}{label[1:]}: "


def _counts(counts: dict[str, int] | dict[str, float]) -> str:
    return ", ".join(f"{name} {value:,.0f}" for name, value in counts.items())


def digest_lines(d: Digest) -> list[str]:
    """Every figure of the digest, one fact per line (plain text; escape for Slack)."""
    lines = [
        f"Digest for {d.route}: {d.start:%Y-%m-%d %H:%M} to {d.end:%Y-%m-%d %H:%M} UTC",
        f"{_spend(d.spend_label)}{_usd(d.spend_usd)} (period before {_usd(d.spend_before_usd)}, "
        f"{_change(float(d.spend_usd), float(d.spend_before_usd))})",
    ]
    lines += [
        f"Budget {b.budget.label}: {_usd(b.spent)} of {_usd(b.budget.amount_usd)}"
        for b in d.budgets
    ]
    if d.movers:
        lines.append("Top movers:")
        lines += [
            f"  {m.kind} {short_model(m.name) if m.kind == 'model' else m.name}: "
            f"{_usd(m.before_usd)} -> {_usd(m.now_usd)}"
            for m in d.movers
        ]
    lines.append("Per model (calls, latency vs last week, errors, throttles, positive feedback):")
    for f in d.models:
        latency = "-" if f.latency_ms is None else f"{f.latency_ms:,.0f} ms"
        before = "-" if f.latency_last_week_ms is None else f"{f.latency_last_week_ms:,.0f} ms"
        votes = f.positive + f.negative
        share = _pct(f.positive / votes) if votes else "-"
        lines.append(
            f"  {short_model(f.model)}: {f.calls:,.0f} calls, {latency} (last week {before}), "
            f"errors {_pct(f.error_rate)}, throttles {_pct(f.throttle_rate)}, "
            f"feedback {share} positive of {votes:,.0f}"
        )
    lines.append(f"Thumbs-down reasons: {_counts(d.reasons) or 'none given'}")
    named = {POLICIES.get(p, p): n for p, n in d.guardrails.items()}
    every = "" if d.spend_label == "spend" else " (whole account)"
    lines.append(f"Guardrail interventions by policy{every}: {_counts(named) or 'none'}")
    a = d.alerts
    lines.append(
        f"Alerts: {a.fired} fired, {a.acknowledged} acknowledged, {a.resolved} resolved; "
        f"time to acknowledge {_span(a.time_to_acknowledge)}, to resolve {_span(a.time_to_resolve)}"
    )
    return lines


def digest_message(d: Digest) -> tuple[str, list[dict[str, Any]]]:
    """Fallback text and blocks: a header, then one section per part of the digest (its
    heading bold, its items bulleted, ARNs as inline code)."""
    lines = [code_arns(escape(line)) for line in digest_lines(d)]
    title = f"Digest: {d.route}"[:150]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": lines[0]}]},
    ]
    chunk: list[str] = []
    for line in lines[1:]:
        if not line.startswith("  ") and chunk:
            blocks.append(_section(chunk))
            chunk = []
        chunk.append(_styled(line))
    if chunk:
        blocks.append(_section(chunk))
    return lines[1], blocks[:50]


def _styled(line: str) -> str:
    if line.startswith("  "):
        return f"• {line.strip()}"
    return f"*{line[:-1]}*" if line.endswith(":") else line


def _section(lines: list[str]) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:3000]}}
