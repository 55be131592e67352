"""Queries over the roll-ups for ``/genai-stats`` and the demo: spend, tokens, top spenders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal

from alarms.budgets import Budget, period_bounds
from alarms.reports import BudgetStatus
from alarms.rollup import Rollup, Tally, combined, hour_of
from bot.adapters.store import StateStore
from bot.adapters.store.rollups import RollupStore

LOGS = "invocation logs (prompt cache included)"
ESTIMATE = "estimate from CloudWatch token metrics (excludes prompt-cache tokens)"


@dataclass(frozen=True)
class UsageSummary:
    """Usage over [start, end) (whole UTC hours). Every ``Tally.usd`` is a Decimal."""

    start: datetime
    end: datetime
    total: Tally
    models: list[tuple[str, Tally]]  # by spend, highest first
    principals: list[tuple[str, Tally]]
    tags: list[tuple[str, Tally]]
    source: str = LOGS
    unpriced: list[str] = field(default_factory=list)  # models with calls that have no price

    @property
    def usd(self) -> Decimal:
        return self.total.usd


def summarize(
    rollups: Sequence[Rollup], start: datetime, end: datetime, top: int = 5, source: str = LOGS
) -> UsageSummary:
    """A summary of already-loaded hourly roll-ups."""
    merged = combined(rollups, hour_of(start))

    def ranked(table: dict[str, Tally], n: int | None) -> list[tuple[str, Tally]]:
        order = sorted(table.items(), key=lambda kv: (kv[1].usd, kv[1].tokens), reverse=True)
        return order[:n] if n else order

    return UsageSummary(
        start=hour_of(start),
        end=end,
        total=merged.total,
        models=ranked(merged.models, None),
        principals=ranked(merged.principals, top),
        tags=ranked(merged.tags, top),
        source=source,
        unpriced=sorted(m for m, t in merged.models.items() if t.unpriced_calls),
    )


def usage_summary(store: StateStore, start: datetime, end: datetime, top: int = 5) -> UsageSummary:
    """Per-model calls, tokens and cost, unpriced models and top spenders over [start, end)."""
    return summarize(RollupStore(store).hours(hour_of(start), end), start, end, top)


def budget_status(
    store: StateStore, budgets: Sequence[Budget], now: datetime, zone: tzinfo
) -> list[BudgetStatus]:
    """Period-to-date spend of every budget (e.g. "61% of the daily budget")."""
    found = []
    for budget in budgets:
        start, _ = period_bounds(budget.period, now, zone)
        hours = RollupStore(store).hours(hour_of(start), now)
        spent = Tally()
        for rollup in hours:
            if budget.covers(rollup):
                spent.merge(budget.spend(rollup))
        found.append(BudgetStatus(budget, start, spent.usd))
    return found
