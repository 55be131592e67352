"""The ``/genai-stats`` reply in Block Kit: headline numbers, two short lines per model (full
name or alias first, so the layout holds on a phone), the chart."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from alarms.reports import ModelStats, StatsReport
from bot.adapters.slack.mrkdwn import escape
from bot.adapters.slack.render import SECTION_LIMIT, clip
from bot.adapters.slack.style import MessageStyle

LINES_LIMIT = 2900  # characters of model lines per section
MAX_SECTIONS = 4


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


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def row(model: ModelStats, statistic: str, aliases: Mapping[str, str] | None = None) -> str:
    """Two short lines per model, full name (or its alias) first: they wrap on a phone."""
    name = escape(MessageStyle(aliases=aliases or {}).model_name(model.model))
    tokens = f"{count(model.input_tokens)} in / {count(model.output_tokens)} out tokens"
    cost = "unpriced" if model.unpriced and not model.usd else money(model.usd)
    facts = [
        f"{count(model.invocations)} calls",
        f"{statistic} {latency(model.latency_ms)}",
        f"errors {percent(model.error_rate)}%",
        f"throttled {percent(model.throttle_rate)}%",
        tokens,
        cost,
    ]
    return f"*{name}*\n" + " · ".join(facts)


def table(report: StatsReport, aliases: Mapping[str, str] | None = None) -> list[str]:
    """The per-model lines, in sections of at most ``LINES_LIMIT`` characters; what does not
    fit in ``MAX_SECTIONS`` is counted and said."""
    sections: list[str] = []
    current: list[str] = []
    for index, model in enumerate(report.models):
        line = row(model, report.statistic, aliases)
        if sum(len(x) + 1 for x in current) + len(line) > LINES_LIMIT:
            sections.append("\n".join(current))
            current = []
            if len(sections) == MAX_SECTIONS:
                left = len(report.models) - index
                sections[-1] += f"\n…{left} more models not shown: name one"
                return sections
        current.append(line)
    if current:
        sections.append("\n".join(current))
    return sections


def headline(report: StatsReport) -> str:
    parts = [f"{count(report.invocations)} invocations"]
    if report.spend is not None:
        parts.append(money(report.spend))
    if report.alerts_firing:
        parts.append(plural(report.alerts_firing, "alert") + " firing")
    scope = f" ({escape(report.model_filter)})" if report.model_filter else ""
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
    if report.spend_by:
        spend += "\n" + " · ".join(f"{escape(name)} {money(usd)}" for name, usd in report.spend_by)
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
        why = report.reasons
        if why:
            feedback += "\nwhy :-1:: " + ", ".join(f"{escape(r)} {n}" for r, n in why.items())
    return [
        f"*Invocations*\n{calls}",
        f"*Spend*\n{spend}",
        f"*Guardrail interventions*\n{guard}",
        f"*Feedback*\n{feedback}",
    ]


def stats_blocks(
    report: StatsReport, chart_file: str | None, aliases: Mapping[str, str] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """Fallback text and blocks; ``chart_file`` is the uploaded chart's Slack file id;
    ``aliases`` (alias -> model id) name models the way the team does."""
    title = f"GenAI usage, {report.label}" + (
        f": {report.model_filter}" if report.model_filter else ""
    )
    if report.place_filter:
        title += f" ({report.place_filter})"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(title, 150)}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields(report)]},
    ]
    if report.models:
        blocks += [_section(text) for text in table(report, aliases)]
    else:
        scope = f" matching `{escape(report.model_filter)}`" if report.model_filter else ""
        blocks = [
            *blocks[:1],
            _section(
                f"No Bedrock models{scope} published metrics in the {report.label}. "
                "Check the name (full model ids and configured aliases both work), or run "
                "`/genai-stats` without one to see every model."
            ),
        ]
    if report.unread:
        lines = "\n".join(f"• {escape(line)}" for line in report.unread)
        blocks.append(
            _section(f":warning: *Not read* (the figures above leave these out)\n{lines}")
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
    firing = plural(report.alerts_firing, "alert") + " firing"
    parts = [
        f":rotating_light: {firing} (`/genai-alerts`)"
        if report.alerts_firing
        else "no alerts firing"
    ]
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
