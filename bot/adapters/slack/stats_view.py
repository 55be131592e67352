"""The ``/genai-stats`` reply in Block Kit: headline numbers, a per-model table, the chart."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from alarms.names import short_model
from alarms.reports import ModelStats, StatsReport
from bot.adapters.slack.render import SECTION_LIMIT, clip

TABLE_HEAD = (
    f"{'model':<28} {'calls':>8} {'latency':>9} {'err%':>5} {'thr%':>5} "
    f"{'tokens in/out':>15} {'cost':>9}"
)


def money(value: Decimal | None) -> str:
    return "n/a" if value is None else f"${value:,.2f}"


def count(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1000:.1f}k"
    return f"{value:,.0f}"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}"


def latency(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


def row(model: ModelStats) -> str:
    name = short_model(model.model)[:28]
    tokens = f"{count(model.input_tokens)} / {count(model.output_tokens)}"
    cost = "unpriced" if model.unpriced and not model.usd else money(model.usd)
    return (
        f"{name:<28} {count(model.invocations):>8} {latency(model.latency_ms):>9} "
        f"{percent(model.error_rate):>5} {percent(model.throttle_rate):>5} {tokens:>15} {cost:>9}"
    )


def table(report: StatsReport) -> str:
    """The per-model table in a code block, cut (and saying so) to fit one section."""
    lines = [TABLE_HEAD]
    budget = SECTION_LIMIT - 80
    for index, model in enumerate(report.models):
        line = row(model)
        if sum(len(x) + 1 for x in lines) + len(line) > budget:
            lines.append(f"…{len(report.models) - index} more models not shown: name one")
            break
        lines.append(line)
    return "```\n" + "\n".join(lines) + "\n```"


def headline(report: StatsReport) -> str:
    parts = [f"{count(report.invocations)} invocations"]
    if report.spend is not None:
        parts.append(money(report.spend))
    if report.alerts_firing:
        parts.append(f"{report.alerts_firing} alert(s) firing")
    scope = f" ({report.model_filter})" if report.model_filter else ""
    return f"GenAI usage{scope}, {report.label}: " + ", ".join(parts)


def fields(report: StatsReport) -> list[str]:
    calls = count(report.invocations)
    if report.previous_invocations:
        change = report.invocations / report.previous_invocations - 1
        calls += f" ({change:+.0%} vs the previous period)"
    spend = money(report.spend) if report.spend is not None else report.cost_source
    for status in report.budgets[:2]:
        spend += (
            f" · {status.share:.0%} of {money(status.budget.amount_usd)} {status.budget.period}"
        )
    guard = "no guardrail traffic"
    if report.guardrail_checks:
        rate = report.guardrail_interventions / report.guardrail_checks
        guard = f"{rate:.1%} of {count(report.guardrail_checks)} checks"
    feedback = "no votes"
    totals = report.feedback
    if totals is not None and totals.votes:
        feedback = (
            f":+1: {totals.positive} · :-1: {totals.negative} "
            f"({(totals.positive_share or 0):.0%} positive)"
        )
    return [
        f"*Invocations*\n{calls}",
        f"*Spend*\n{spend}",
        f"*Guardrail interventions*\n{guard}",
        f"*Feedback*\n{feedback}",
    ]


def stats_blocks(report: StatsReport, chart_file: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Fallback text and blocks; ``chart_file`` is the uploaded chart's Slack file id."""
    title = f"GenAI usage, {report.label}" + (
        f": {report.model_filter}" if report.model_filter else ""
    )
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(title, 150)}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields(report)]},
    ]
    if report.models:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": table(report)}})
    else:
        scope = f" matching `{report.model_filter}`" if report.model_filter else ""
        blocks.append(
            _section(f"No Bedrock models{scope} published metrics in the {report.label}.")
        )
    if chart_file:
        blocks.append(
            {
                "type": "image",
                "slack_file": {"id": chart_file},
                "alt_text": f"{report.statistic} latency and spend per model, {report.label}",
            }
        )
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _context(report)}]})
    return headline(report), blocks


def _context(report: StatsReport) -> str:
    parts = [f":rotating_light: {report.alerts_firing} alert(s) firing (`/genai-alerts`)"]
    if report.alerts_held:
        parts[0] += f", {report.alerts_held} silenced or held back"
    parts.append(f"latency: {report.statistic}")
    if report.spend is not None:
        parts.append(report.cost_source)
    if report.polling:
        parts.append(f"this bot's CloudWatch reads: {report.polling}")
    return clip(" · ".join(parts), SECTION_LIMIT)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}}
