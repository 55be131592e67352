"""Spend for people: the report ``/genai-stats`` and the demo show, from logs or an estimate.

``spend_report`` picks the source per target region: the roll-ups when invocation logging
is on, else an estimate from CloudWatch token metrics (and says so); it can show one account
or region and split the spend by account or region. ``spend_lines`` renders it as a
fixed-width table for Slack code blocks and terminals, with a line per target that failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from alarms.names import short_model
from alarms.reports import BudgetStatus
from alarms.rollup import Tally
from bot.adapters.aws.invocation_logs import OFF_HINT, LoggingStatus
from bot.adapters.store import StateStore
from bot.app.spend.gather import EVERYWHERE, GroupBy, Where, gather, grouped
from bot.app.spend.summary import LOGS, UsageSummary, budget_status, summarize
from bot.app.spend.targets import UsageTarget
from bot.config.settings import Settings


@dataclass(frozen=True)
class SpendReport:
    summary: UsageSummary
    budgets: list[BudgetStatus]
    logging: LoggingStatus
    failures: list[str] = field(default_factory=list)  # one line per target not read
    by: list[tuple[str, Tally]] = field(default_factory=list)  # spend per account or region
    where: Where = EVERYWHERE

    @property
    def estimated(self) -> bool:
        return self.summary.source != LOGS


def spend_report(
    settings: Settings,
    store: StateStore,
    targets: Sequence[UsageTarget],
    start: datetime,
    end: datetime,
    where: Where = EVERYWHERE,
    by: GroupBy | None = None,
) -> SpendReport:
    """Spend over [start, end) and each budget's period-to-date share at ``end``."""
    got = gather(store, targets, start, end, where, settings.aws.max_parallel_targets)
    summary = summarize(got.rollups, start, end, source=got.source)
    status = []
    if got.logging.on:
        zone = ZoneInfo(settings.cost.timezone)
        status = budget_status(store, settings.cost.all_budgets, end, zone)
    split = grouped(got.rollups, by) if by else []
    return SpendReport(summary, status, got.logging, got.failures, split, where)


def tokens(n: int) -> str:
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if n >= size:
            return f"{n / size:.1f}{suffix}"
    return str(n)


def money(value: Decimal) -> str:
    return f"${value:,.2f}" if value >= Decimal("0.01") or not value else f"${value:.4f}"


def spend_lines(report: SpendReport, width: int = 34) -> list[str]:
    """A fixed-width table: one line per model, unpriced models and budgets after it."""
    summary = report.summary
    lines = [f"{'model':<{width}} {'calls':>7} {'in':>7} {'cache':>7} {'out':>7} {'cost':>10}"]
    for model, tally in summary.models:
        name = short_model(model)
        name = name if len(name) <= width else "..." + name[-(width - 3) :]
        cost = money(tally.usd) if not tally.unpriced_calls else "unpriced"
        lines.append(
            f"{name:<{width}} {tally.calls:>7,} {tokens(tally.input):>7} "
            f"{tokens(tally.cache_read + tally.cache_write):>7} {tokens(tally.output):>7} "
            f"{cost:>10}"
        )
    total: Tally = summary.total
    lines.append(
        f"{'total':<{width}} {total.calls:>7,} {'':>7} {'':>7} {'':>7} {money(total.usd):>10}"
    )
    for name, tally in report.by:
        lines.append(
            f"{name:<{width}} {tally.calls:>7,} {'':>7} {'':>7} {'':>7} {money(tally.usd):>10}"
        )
    for model in summary.unpriced:
        lines.append(f"(unpriced) {model}: add a [price_overrides] entry")
    for status in report.budgets:
        lines.append(
            f"budget {status.budget.label}: {money(status.spent)} of "
            f"{money(status.budget.amount_usd)} ({status.share:.0%})"
        )
    lines.append(f"source: {summary.source}")
    if report.where.text:
        lines.append(f"only: {report.where.text}")
    lines += [f"not read: {failure}" for failure in report.failures]
    if not report.logging.on and not report.logging.unknown:
        lines.append(report.logging.detail or OFF_HINT)
    return lines
